"""A municipal admin manages the people of her municipality in the product's own pages:
invitations by e-mail with a set-password link that expires, roles, deactivation; every
change is in the audit log, and nothing reaches another municipality."""

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from barnehager.models import AuditAction, AuditEntry, Membership, Role, User
from tests.world import make_user

NEW_PASSWORD = "a long new secret 4711"


@pytest.fixture
def admin_client(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(world.users["admin"])
    return client


def invite(client, world, django_capture_on_commit_callbacks, **fields):
    data = {"email": "ny.styrer@example.test", "first_name": "Nora", "last_name": "Lie",
            "role": Role.LEADER, "kommune": world.kommune["own"].pk,
            "barnehage": world.barnehage["own"].pk, **fields}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("person-invite"), data)


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_the_list_shows_her_municipalitys_people_only(admin_client, world):
    page = admin_client.get(reverse("people-list")).content.decode()
    assert world.users["leader"].email in page
    assert world.foreign_users["leader"].email not in page


def test_an_invitation_mails_a_link_that_sets_the_password_once(
        admin_client, world, django_capture_on_commit_callbacks):
    response = invite(admin_client, world, django_capture_on_commit_callbacks)
    person = User.objects.get(email="ny.styrer@example.test")
    assert response["Location"] == reverse("person-detail", args=[person.pk])
    assert not person.has_usable_password()
    assert list(person.memberships.values_list("role", "barnehage")) == [
        (Role.LEADER, world.barnehage["own"].pk)]
    [message] = mail.outbox
    assert message.to == ["ny.styrer@example.test"]
    link = link_in(message)

    newcomer = Client()
    form_url = newcomer.get(link, follow=True).redirect_chain[-1][0]
    newcomer.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert newcomer.post(reverse("login"), {"username": person.email,
                                            "password": NEW_PASSWORD}).status_code == 302
    # Used once, the link is spent.
    spent = Client().get(link, follow=True)
    assert spent.context["validlink"] is False
    assert AuditEntry.objects.filter(action=AuditAction.INVITATION_SENT,
                                     actor=world.users["admin"],
                                     kommune=world.kommune["own"]).exists()


def test_the_invitation_link_expires(admin_client, world, settings,
                                     django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_TIMEOUT = 1
    invite(admin_client, world, django_capture_on_commit_callbacks)
    time.sleep(2.1)
    expired = Client().get(link_in(mail.outbox[0]), follow=True)
    assert expired.context["validlink"] is False


def test_an_address_with_an_account_cannot_be_taken_over(
        admin_client, world, django_capture_on_commit_callbacks):
    foreign = world.foreign_users["consultant"]
    response = invite(admin_client, world, django_capture_on_commit_callbacks,
                      email=foreign.email.upper())
    assert response.status_code == 200
    assert "has an account already" in response.content.decode()
    assert not foreign.memberships.filter(kommune=world.kommune["own"]).exists()
    assert not mail.outbox


def test_no_role_in_another_municipality(admin_client, world,
                                         django_capture_on_commit_callbacks):
    response = invite(admin_client, world, django_capture_on_commit_callbacks,
                      role=Role.ADMIN, kommune=world.kommune["foreign"].pk, barnehage="")
    assert response.status_code == 200
    assert not User.objects.filter(email="ny.styrer@example.test").exists()
    person = world.users["observer"]
    admin_client.post(reverse("person-detail", args=[person.pk]), {
        "role": Role.ADMIN, "kommune": world.kommune["foreign"].pk})
    assert not person.memberships.filter(kommune=world.kommune["foreign"]).exists()
    # Nor a kindergarten of another municipality under her own.
    admin_client.post(reverse("person-detail", args=[person.pk]), {
        "role": Role.LEADER, "kommune": world.kommune["own"].pk,
        "barnehage": world.barnehage["foreign"].pk})
    assert not person.memberships.filter(role=Role.LEADER).exists()
    # And another municipality's people are not found.
    foreign = world.foreign_users["leader"]
    assert admin_client.get(reverse("person-detail", args=[foreign.pk])).status_code == 404


def test_roles_are_given_and_taken_away_and_logged(admin_client, world):
    person = world.users["observer"]
    response = admin_client.post(reverse("person-detail", args=[person.pk]), {
        "role": Role.CONSULTANT, "kommune": world.kommune["own"].pk})
    assert response.status_code == 302
    given = person.memberships.get(role=Role.CONSULTANT)
    admin_client.post(reverse("person-role-remove", args=[person.pk, given.pk]))
    assert not person.memberships.filter(role=Role.CONSULTANT).exists()
    # Her last role stays: deactivating is the way to take away her access.
    [last] = person.memberships.all()
    admin_client.post(reverse("person-role-remove", args=[person.pk, last.pk]))
    assert Membership.objects.filter(pk=last.pk).exists()
    logged = list(AuditEntry.objects.filter(actor=world.users["admin"],
                                            target_type="barnehager.membership")
                  .values_list("action", flat=True).order_by("pk"))
    assert logged == [AuditAction.MEMBERSHIP_ADDED, AuditAction.MEMBERSHIP_REMOVED]


def test_deactivating_ends_her_sessions_at_once(admin_client, world):
    person = make_user("vikar@example.test")
    Membership.objects.create(user=person, role=Role.OBSERVER, kommune=world.kommune["own"],
                              barnehage=world.barnehage["own"])
    elsewhere = Client()
    elsewhere.force_login(person)
    assert elsewhere.get(reverse("home")).status_code == 200
    admin_client.post(reverse("person-active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    assert elsewhere.get(reverse("home")).status_code == 302
    admin_client.post(reverse("person-active", args=[person.pk]), {"active": "1"})
    person.refresh_from_db()
    assert person.is_active
    changes = AuditEntry.objects.filter(action=AuditAction.USER_CHANGED, target_id=str(person.pk))
    assert [entry.details["active"] for entry in changes.order_by("pk")] == [False, True]


def test_she_cannot_deactivate_herself(admin_client, world):
    admin = world.users["admin"]
    admin_client.post(reverse("person-active", args=[admin.pk]), {"active": "0"})
    admin.refresh_from_db()
    assert admin.is_active
