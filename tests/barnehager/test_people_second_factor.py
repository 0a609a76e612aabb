"""A municipal admin resets the second factor of someone who lost her phone, from the
people pages, after a confirmation: her devices go, the audit log says who did it, and at
her next log-in she sets up a new one. Only for the people of the admin's municipality;
a platform operator for anyone."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from barnehager.models import AuditAction, AuditEntry, User
from tests.second_factor import confirmed_device, verify_client
from tests.world import PASSWORD


def with_devices(user):
    confirmed_device(user)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd1234")
    return user


def devices_of(user) -> int:
    return (TOTPDevice.objects.filter(user=user).count()
            + StaticDevice.objects.filter(user=user).count())


def reset_url(user) -> str:
    return reverse("person-second-factor-reset", args=[user.pk])


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["admin"])
    return client


def test_the_reset_asks_first_then_removes_her_devices_and_is_logged(admin_client, world):
    consultant = with_devices(world.users["consultant"])
    detail = admin_client.get(reverse("person-detail", args=[consultant.pk])).content.decode()
    assert reset_url(consultant) in detail

    asked = admin_client.post(reset_url(consultant))
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Reset the second factor of" in page
    assert 'name="confirmed" value="1"' in page
    assert devices_of(consultant) == 2, "nothing happens before she confirms"

    done = admin_client.post(reset_url(consultant), {"confirmed": "1"})
    assert done.status_code == 302
    assert done["Location"] == reverse("person-detail", args=[consultant.pk])
    assert devices_of(consultant) == 0
    [entry] = AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_REMOVED)
    assert entry.actor == world.users["admin"]
    assert entry.target_id == str(consultant.pk)
    assert entry.kommune == world.kommune["own"]
    assert entry.details == {"reset_by_admin": True}
    # And her page now says she has none (no button).
    detail = admin_client.get(done["Location"]).content.decode()
    assert "She has no second factor set up." in detail
    assert reset_url(consultant) not in detail


@pytest.mark.second_factor_unverified
def test_after_the_reset_her_next_log_in_asks_her_to_set_one_up(client, world):
    consultant = with_devices(world.users["consultant"])
    admin = world.users["admin"]
    admin_client = Client()
    admin_client.force_login(admin)
    verify_client(admin_client, admin)
    admin_client.post(reset_url(consultant), {"confirmed": "1"})
    assert devices_of(consultant) == 0

    response = client.post(reverse("login"), {"username": consultant.email,
                                               "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home["Location"].startswith(reverse("second-factor-setup"))


def test_nothing_to_reset_changes_nothing(admin_client, world):
    leader = world.users["leader"]
    response = admin_client.post(reset_url(leader), {"confirmed": "1"}, follow=True)
    assert "has no second factor to reset" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_REMOVED).exists()


def test_an_admin_of_another_municipality_finds_nobody(client, world):
    consultant = with_devices(world.users["consultant"])
    client.force_login(world.foreign_users["admin"])
    assert client.post(reset_url(consultant)).status_code == 404
    assert client.post(reset_url(consultant), {"confirmed": "1"}).status_code == 404
    assert devices_of(consultant) == 2
    assert not AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_REMOVED).exists()


@pytest.mark.parametrize("role", ["leader", "observer", "consultant", "politician"])
def test_other_roles_cannot_reset(client, world, role):
    target = with_devices(world.users["admin"])
    client.force_login(world.users[role])
    assert client.post(reset_url(target), {"confirmed": "1"}).status_code == 403
    assert devices_of(target) == 2


def test_a_platform_operator_resets_anyone(client, world):
    operator = User.objects.create_superuser("operator@example.test", "operator@example.test",
                                             PASSWORD)
    foreign = with_devices(world.foreign_users["consultant"])
    client.force_login(operator)
    assert client.post(reset_url(foreign), {"confirmed": "1"}).status_code == 302
    assert devices_of(foreign) == 0
    [entry] = AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_REMOVED)
    assert (entry.actor, entry.kommune) == (operator, world.kommune["foreign"])


def test_the_reset_is_a_post(admin_client, world):
    assert admin_client.get(reset_url(world.users["consultant"])).status_code == 405
