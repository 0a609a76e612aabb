"""A log-in ends after an hour without a request, and every other session of hers ends
when she changes her password."""

import time
from datetime import timedelta

from django.conf import settings as project_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from barnehager.middleware import SEEN_KEY
from tests.world import PASSWORD


def test_the_default_inactivity_limit_is_an_hour():
    assert project_settings.SESSION_IDLE_MINUTES == 60
    assert project_settings.SESSION_COOKIE_AGE == 60 * 60


def _age_the_session(client, minutes: int) -> Session:
    """As if her last request was `minutes` ago."""
    session = client.session
    session[SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=60 - minutes))
    return Session.objects.get(pk=session.session_key)


def test_a_request_moves_the_end_of_the_session(client, world):
    client.force_login(world.users["observer"])
    session = _age_the_session(client, 55)
    assert client.get(reverse("home")).status_code == 200
    session.refresh_from_db()
    left = session.expire_date - timezone.now()
    assert timedelta(minutes=59) < left <= timedelta(minutes=60)


def test_requests_within_a_minute_do_not_write_the_session_each_time(client, world):
    client.force_login(world.users["observer"])
    client.get(reverse("home"))
    before = Session.objects.get(pk=client.session.session_key).expire_date
    client.get(reverse("home"))
    assert Session.objects.get(pk=client.session.session_key).expire_date == before


def test_a_session_idle_past_the_limit_is_logged_out(client, world):
    client.force_login(world.users["observer"])
    _age_the_session(client, 61)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/konto/logg-inn/" in response["Location"]


def test_the_limit_is_configurable(client, world, settings):
    settings.SESSION_COOKIE_AGE = 15 * 60
    client.force_login(world.users["leader"])
    client.get(reverse("home"))
    session = Session.objects.get(pk=client.session.session_key)
    assert session.expire_date - timezone.now() <= timedelta(minutes=15)


def test_changing_the_password_ends_her_other_sessions_and_keeps_this_one(world):
    user = world.users["consultant"]
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    assert elsewhere.get(reverse("home")).status_code == 200
    response = here.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a much longer secret 42",
        "new_password2": "a much longer secret 42"})
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    ended = elsewhere.get(reverse("home"))
    assert ended.status_code == 302 and "/konto/logg-inn/" in ended["Location"]
