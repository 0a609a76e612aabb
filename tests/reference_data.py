"""Rows the data migrations load (CLASS instruments, our supervision instrument, the SMART
and SMTTE templates). A transactional test (browser, real Celery worker) ends with a flush
that empties every table, so they are loaded again after it, with the migrations' own
idempotent functions."""

from importlib import import_module

from django.apps import apps

LOADERS = [
    ("observasjoner.migrations.0002_class_instruments", "load"),
    ("observasjoner.migrations.0005_tilsyn_own_instrument", "load"),
    ("handleplaner.migrations.0002_presets", "load_presets"),
]


def load_reference_data() -> None:
    for module, function in LOADERS:
        getattr(import_module(module), function)(apps, None)
