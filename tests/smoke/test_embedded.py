"""The embedded default answers: run by `make smoke` on SQLite after migrate + seed_demo,
and in the main run on PostgreSQL too."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from barnehager.demo import DEMO_PASSWORD, KOMMUNER, PEOPLE, demo_email
from barnehager.models import User
from tests import second_factor


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("slug", [spec.slug for spec in KOMMUNER])
def test_every_demo_login_reaches_its_pages(client, demo, slug):
    assert client.get(reverse("login")).status_code == 200
    for role, *_name in PEOPLE[slug]:
        assert client.post(reverse("login"), {"username": demo_email(role, slug),
                                              "password": DEMO_PASSWORD}).status_code == 302
        user = User.objects.get(email=demo_email(role, slug))
        if second_factor.needs_one(user):  # KVALITET_REQUIRE_2FA: the app's code
            device = second_factor.confirmed_device(user)
            assert client.post(reverse("second-factor"),
                               {"code": second_factor.app_code(device)}).status_code == 302
        home = client.get(reverse("home"))
        assert home.status_code == 200
        for item in home.context["nav_items"]:
            page = client.get(item["url"], follow=True)
            assert page.status_code == 200, (role, item["url"])
        client.post(reverse("logout"))


def test_healthz_in_embedded_mode(client, db):
    assert client.get(reverse("healthz")).status_code == 200
