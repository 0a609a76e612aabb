"""Norwegian bokmål by default, Danish and English on request, all compiled."""

from django.urls import reverse


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
