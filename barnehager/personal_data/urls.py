from django.urls import path

from barnehager.personal_data import views

urlpatterns = [
    path("", views.download_my_data, name="my-data"),
]
