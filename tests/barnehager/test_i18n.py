"""Norwegian bokmål by default, Danish and English on request, all compiled."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext


def test_norwegian_bokmal_is_the_default(client, db, settings):
    settings.LANGUAGE_CODE = "nb"
    page = client.get(reverse("login")).content.decode()
    assert 'lang="nb"' in page and "Logg inn" in page


def test_danish_and_english_follow_the_browser(client, db):
    danish = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'lang="da"' in danish and "Log ind" in danish
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english and "Log in to Kvalitet" in english


def test_the_language_switch_sets_the_choice(client, db):
    client.post(reverse("set_language"), {"language": "da", "next": "/"})
    assert 'lang="da"' in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("language", ["nb", "da"])
def test_negative_climate_is_named_in_the_users_language(language):
    """The dimension's own name in the catalogues (the instrument data calls it
    "Negativt klima" in both languages); the English name stays out of nb and da pages."""
    msgids = ["Negative Climate is shown as scored: a low score is good.",
              "A high score is bad (Negative Climate); enters domain scores as 8 - score."]
    with translation.override(language):
        texts = [gettext(msgid) for msgid in msgids]
    assert not [text for text in texts if "Negative Climate" in text]
    assert all("egativt klima" in text for text in texts)
