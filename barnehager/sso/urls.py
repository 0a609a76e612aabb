from django.urls import path

from barnehager.sso import views

urlpatterns = [
    path("<slug:slug>/", views.start, name="sso-start"),
    path("<slug:slug>/tilbake/", views.callback, name="sso-callback"),
]
