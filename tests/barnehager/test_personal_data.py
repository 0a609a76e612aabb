"""A person's data: export (everything that points at her), erasure (de-identified, figures
kept) and the nightly retention of inactive accounts."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from barnehager.models import AuditAction, AuditEntry, Membership, Role, Sertifisering, User
from barnehager.personal_data import services
from barnehager.tasks import apply_retention
from tests.world import PASSWORD


@pytest.fixture
def observer(world):
    person = world.users[Role.OBSERVER]
    assert person.sertifiseringer.exists()  # the world certifies its observers
    return person


@pytest.fixture
def municipal_admin(world, client):
    """The world's admin with every permission on people, as the demo's admins have."""
    person = world.users[Role.ADMIN]
    person.user_permissions.set(Permission.objects.filter(content_type__app_label="barnehager"))
    client.force_login(person)
    return client


def test_the_export_holds_every_row_that_points_at_her_and_no_secret(world, observer, client):
    client.force_login(observer)
    client.get(reverse("home"))
    nettverk = world.barnehage["own"].nettverk
    nettverk.mentor = observer
    nettverk.save()

    data = services.export_person(observer)

    assert data["person"]["fields"]["email"] == observer.email
    assert "password" not in data["person"]["fields"]
    assert [row["fields"]["role"] for row in data["rows"]["barnehager.membership"]] == [
        Role.OBSERVER]
    assert len(data["rows"]["barnehager.sertifisering"]) == observer.sertifiseringer.count()
    assert data["rows"]["barnehager.nettverk"][0]["points_at_her_through"] == "mentor"
    assert not any(label.startswith("otp_") for label in data["rows"])


def test_she_downloads_her_own_data_from_her_profile(world, observer, client):
    client.force_login(observer)
    assert client.get(reverse("my-data")).status_code == 405  # a link cannot make the file

    response = client.post(reverse("my-data"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="kvalitet-')
    data = json.loads(response.content)
    assert data["person"]["fields"]["email"] == observer.email
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED,
                                     target_id=str(observer.pk)).exists()


def test_erasure_removes_her_name_and_access_and_keeps_the_rows(world, observer, client):
    email = observer.email
    client.force_login(observer)
    certifications = set(observer.sertifiseringer.values_list("pk", flat=True))

    call_command("erase_person", email, "--yes", stdout=io.StringIO())

    observer.refresh_from_db()
    assert str(observer) == "former user"
    assert observer.email == f"former-{observer.pk}@erased.invalid"
    assert not observer.first_name and not observer.last_name
    assert not observer.is_active and not observer.has_usable_password()
    assert not Membership.objects.filter(user=observer).exists()
    assert set(Sertifisering.objects.filter(user=observer).values_list("pk", flat=True)) == (
        certifications)
    assert client.get(reverse("home")).status_code == 302  # her session ended
    assert authenticate(RequestFactory().post("/"), username=email, password=PASSWORD) is None
    erased = AuditEntry.objects.get(action=AuditAction.PERSON_ERASED)
    assert erased.target_label == f"former-{observer.pk}"
    assert erased.kommune == world.kommune["own"]
    assert email not in json.dumps(services.export_person(observer)["person"])


def test_a_municipal_admin_erases_a_person_of_her_municipality_after_confirming(
        world, municipal_admin):
    client = municipal_admin
    leader = world.users[Role.LEADER]
    url = reverse("admin:barnehager_user_changelist")
    post = {"action": "erase_people", helpers.ACTION_CHECKBOX_NAME: [leader.pk]}

    asked = client.post(url, post)

    assert asked.status_code == 200
    assert "This cannot be undone" in asked.content.decode()
    leader.refresh_from_db()
    assert leader.erased_at is None

    client.post(url, {**post, "confirmed": "yes"})

    leader.refresh_from_db()
    assert leader.erased_at is not None


def test_a_municipal_admin_cannot_erase_a_person_of_another_municipality(
        world, municipal_admin):
    client = municipal_admin
    foreign = world.foreign_users[Role.LEADER]

    client.post(reverse("admin:barnehager_user_changelist"), {
        "action": "erase_people", helpers.ACTION_CHECKBOX_NAME: [foreign.pk],
        "confirmed": "yes"})

    foreign.refresh_from_db()
    assert foreign.erased_at is None
    assert foreign.is_active


def test_retention_erases_accounts_inactive_past_their_municipality_period(world):
    kommune = world.kommune["own"]
    kommune.inactive_account_months = 12
    kommune.save()
    stale, recent = world.users[Role.LEADER], world.users[Role.OBSERVER]
    User.objects.filter(pk=stale.pk).update(last_login=timezone.now() - timedelta(days=400))
    User.objects.filter(pk=recent.pk).update(last_login=timezone.now() - timedelta(days=30))
    # Someone with a role in another municipality too is left for their admins together.
    both = world.users[Role.CONSULTANT]
    Membership.objects.create(user=both, role=Role.CONSULTANT, kommune=world.kommune["foreign"])
    User.objects.filter(pk=both.pk).update(last_login=timezone.now() - timedelta(days=400))
    foreign = world.foreign_users[Role.LEADER]
    User.objects.filter(pk=foreign.pk).update(last_login=timezone.now() - timedelta(days=400))
    world.kommune["foreign"].inactive_account_months = None
    world.kommune["foreign"].save()

    assert apply_retention() == 1

    erased = set(User.objects.exclude(erased_at=None).values_list("pk", flat=True))
    assert erased == {stale.pk}
