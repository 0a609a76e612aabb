"""The quality framework's pages, under /kvalitetsplan/ (namespace "kvalitet")."""

from django.urls import path

from kvalitet.plans import views

app_name = "kvalitet"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("ny/", views.plan_create, name="plan-create"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/rediger/", views.plan_edit, name="plan-edit"),
    path("<int:plan_pk>/fokusomrader/ny/", views.fokusomrade_create, name="fokusomrade-create"),
    path("fokusomrader/<int:pk>/rediger/", views.fokusomrade_edit, name="fokusomrade-edit"),
    path("fokusomrader/<int:pk>/slett/", views.fokusomrade_delete, name="fokusomrade-delete"),
    path("tiltak/<int:pk>/status/", views.tiltak_status, name="tiltak-status"),
    path("barnehager/<int:pk>/fokus/", views.barnehage_fokus, name="barnehage-fokus"),
]
