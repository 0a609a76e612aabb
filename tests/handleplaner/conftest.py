from importlib import import_module

import pytest
from django.apps import apps
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English msgids; pages otherwise default to Norwegian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def reference_data(transactional_db):
    """The data migrations' rows (CLASS instruments, the SMART and SMTTE presets), loaded
    again: a transactional test's flush empties them."""
    import_module("observasjoner.migrations.0002_class_instruments").load(apps, None)
    import_module("handleplaner.migrations.0002_presets").load_presets(apps, None)
