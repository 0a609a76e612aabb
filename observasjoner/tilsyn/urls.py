"""Supervision pages, included under /observasjoner/tilsyn/ in the "observasjoner" namespace."""

from django.urls import path

from observasjoner.tilsyn import views

urlpatterns = [
    path("", views.tilsyn_list, name="tilsyn-list"),
    path("ny/", views.tilsyn_create, name="tilsyn-create"),
    path("<int:pk>/", views.tilsyn_detail, name="tilsyn-detail"),
    path("<int:pk>/rediger/", views.tilsyn_edit, name="tilsyn-edit"),
    path("<int:pk>/utfall/", views.tilsyn_outcome, name="tilsyn-outcome"),
    path("<int:pk>/fullfor/", views.tilsyn_complete, name="tilsyn-complete"),
    path("<int:pk>/foreldreraad/", views.tilsyn_board_comment, name="tilsyn-board-comment"),
    path("<int:pk>/publiser/", views.tilsyn_publish, name="tilsyn-publish"),
    path("<int:pk>/forhandsvisning.pdf", views.tilsyn_preview, name="tilsyn-preview"),
    path("<int:pk>/avslutt/", views.tilsyn_close, name="tilsyn-close"),
    path("<int:pk>/rapport.pdf", views.tilsyn_report, name="tilsyn-report"),
    path("instrumenter/", views.instrument_list, name="tilsyn-instrument-list"),
    path("instrumenter/importer/", views.instrument_import, name="tilsyn-instrument-import"),
    path("instrumenter/<int:pk>/", views.instrument_detail, name="tilsyn-instrument-detail"),
]
