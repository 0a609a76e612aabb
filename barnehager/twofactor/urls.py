from django.urls import path

from barnehager.twofactor import views

urlpatterns = [
    path("", views.verify, name="second-factor"),
    path("innstillinger/", views.setup, name="second-factor-setup"),
    path("gjenopprettingskoder/", views.renew_recovery_codes,
         name="second-factor-recovery-codes"),
    path("fjern/", views.remove, name="second-factor-remove"),
]
