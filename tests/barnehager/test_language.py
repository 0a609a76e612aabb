"""The language follows the person, not the browser (issue 11, item 12): her own choice,
else her municipality's language; the browser decides only before she logs in."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from barnehager.models import Role

pytestmark = pytest.mark.django_db


def lang_of(response) -> str:
    page = response.content.decode()
    start = page.index('<html lang="') + len('<html lang="')
    return page[start:page.index('"', start)]


@pytest.fixture
def danish_leader(world):
    """Municipality B is Danish; she has chosen nothing."""
    leader = world.foreign_users[Role.LEADER]
    leader.language = ""
    leader.save()
    return leader


@pytest.mark.parametrize("browser", ["nb", "en"])
def test_a_danish_leader_reads_danish_whatever_her_browser_asks(client, danish_leader,
                                                                 browser):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = browser
    client.force_login(danish_leader)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=browser)
    assert lang_of(response) == "da"
    assert "Log ud" in response.content.decode()


def test_the_browser_decides_before_login(client, danish_leader):
    assert lang_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nb")) == "nb"
    assert lang_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_her_choice_on_the_profile_page_follows_her_to_every_device(client, danish_leader,
                                                                      django_user_model):
    client.force_login(danish_leader)
    page = client.get(reverse("profile")).content.decode()
    assert "Min kommunes sprog (Dansk)" in page
    response = client.post(reverse("profile"), {"language": "nb"}, follow=True)
    assert lang_of(response) == "nb"
    assert django_user_model.objects.get(pk=danish_leader.pk).language == "nb"

    # Another device: a new session, a Danish browser.
    tablet = Client()
    tablet.force_login(danish_leader)
    assert lang_of(tablet.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="da")) == "nb"

    # Back to her municipality's language.
    client.post(reverse("profile"), {"language": ""})
    assert lang_of(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")) == "da"


def test_the_menu_switch_saves_her_choice(client, danish_leader, django_user_model):
    client.force_login(danish_leader)
    response = client.post(reverse("choose-language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert django_user_model.objects.get(pk=danish_leader.pk).language == "en"
    assert lang_of(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="da")) == "en"


def test_the_menu_switch_before_login_sets_the_cookie_only(client, db):
    client.post(reverse("choose-language"), {"language": "da", "next": "/"})
    assert lang_of(client.get(reverse("login"))) == "da"
