"""403, 404, CSRF-failure and 500 pages: inside the site's layout, in the user's language,
saying what she can do instead."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from barnehager.models import Role

pytestmark = pytest.mark.django_db


def speaking(user, language: str):
    """A signed-in person reads her own language, not her browser's (barnehager/language.py)."""
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_shared_consultant_link_answers_a_leader_with_a_page_of_the_site(client, world):
    client.force_login(speaking(world.users[Role.LEADER], "nb"))
    response = client.get(reverse("observasjoner:runde-list"), HTTP_ACCEPT_LANGUAGE="nb")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'aria-label="Hovedmeny"' in page  # the site's menu, in Norwegian
    assert f'href="{reverse("home")}"' in page
    assert "administrator" in page


def test_another_kindergartens_page_is_not_found_in_the_users_language(client, world):
    client.force_login(speaking(world.users[Role.LEADER], "da"))
    response = client.get(reverse("barnehage-detail", args=[world.barnehage["foreign"].pk]),
                          HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 404
    assert '<html lang="da">' in response.content.decode()
    assert "Go to your home page" not in response.content.decode()


def test_a_refused_form_explains_itself(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.CONSULTANT])
    response = client.post(reverse("logout"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in page
    assert 'aria-label="Main menu"' in page


@pytest.mark.parametrize("language", ["nb", "da", "en"])
def test_the_server_error_page_stands_alone_in_each_language(language):
    with translation.override(language):
        page = render_to_string("500.html")
    assert f'<html lang="{language}">' in page
    assert ("Something went wrong on our side" in page) == (language == "en")
