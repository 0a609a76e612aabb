"""The consultant's pages for rounds, amendments, reliability, import and export, included
under /observasjoner/ in the "observasjoner" namespace."""

from django.urls import path

from observasjoner.rounds import views

urlpatterns = [
    path("runder/", views.runde_list, name="runde-list"),
    path("runder/ny/", views.runde_create, name="runde-create"),
    path("runder/<int:pk>/", views.runde_detail, name="runde-detail"),
    path("runder/<int:pk>/foreslaa/", views.runde_propose, name="runde-propose"),
    path("runder/<int:pk>/publiser/", views.runde_publish, name="runde-publish"),
    path("runder/<int:pk>/avslutt/", views.runde_close, name="runde-close"),
    path("runder/<int:pk>/legg-til/", views.runde_add, name="runde-add"),
    path("runder/observasjon/<int:pk>/", views.observasjon_edit, name="runde-observasjon-edit"),
    path("runder/observasjon/<int:pk>/dobbeltkoding/", views.observasjon_second_coding,
         name="runde-observasjon-second"),
    path("runder/observasjon/<int:pk>/fjern/", views.observasjon_remove,
         name="runde-observasjon-remove"),
    path("endringer/<int:pk>/", views.observasjon_amend, name="observasjon-amend"),
    path("reliabilitet/", views.reliability_overview, name="reliability"),
    path("import/", views.import_view, name="import"),
    path("import/mal-<slug:code>.csv", views.import_template, name="import-template"),
    path("eksport/<slug:kommune>/", views.export_view, name="export"),
]
