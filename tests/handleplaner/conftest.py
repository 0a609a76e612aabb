import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English msgids; pages otherwise default to Norwegian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
