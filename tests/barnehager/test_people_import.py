"""A municipal admin imports people from a CSV file on the people pages: the whole file or
nothing, as Excel in Norway and Denmark writes it, fenced to her municipality; each new
person invited through the outbox in the same transaction, everything in the audit log."""

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from barnehager.models import AuditAction, AuditEntry, Membership, OutboxMessage, Role, User
from barnehager.people.importing import COLUMNS
from barnehager.people.services import SEND_INVITATION

GOOD = (
    "email,first_name,last_name,role,kindergarten,language\n"
    "siri.strand@example.test,Siri,Strand,leader,A1 barnehage,\n"
    "ole.aas@example.test,Ole,Ås,observer,A2 barnehage,da\n"
    "kari.berg@example.test,Kari,Berg,consultant,,\n"
)
NEW_EMAILS = {"siri.strand@example.test", "ole.aas@example.test", "kari.berg@example.test"}


@pytest.fixture
def admin_client(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(world.users["admin"])
    return client


def upload(client, world, content, *, kommune=None, name="people.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(reverse("people-import"), {
        "kommune": (kommune or world.kommune["own"]).pk,
        "file": SimpleUploadedFile(name, content, content_type="text/csv")})


def invitations() -> int:
    return OutboxMessage.objects.filter(task=SEND_INVITATION).count()


def test_a_good_file_invites_everyone_with_their_roles(admin_client, world,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, world, GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("people-list")
    people = {user.email: user for user in User.objects.filter(email__in=NEW_EMAILS)}
    assert set(people) == NEW_EMAILS
    ole = people["ole.aas@example.test"]
    assert (ole.first_name, ole.last_name, ole.language) == ("Ole", "Ås", "da")
    assert not ole.has_usable_password()
    assert list(ole.memberships.values_list("role", "kommune", "barnehage")) == [
        (Role.OBSERVER, world.kommune["own"].pk, world.barnehage["sibling"].pk)]
    assert list(people["kari.berg@example.test"].memberships.values_list(
        "role", "barnehage")) == [(Role.CONSULTANT, None)]
    # Invited the one way invitations go: an outbox message each, mailed after the commit,
    # Ole's in the language chosen for her.
    assert invitations() == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(NEW_EMAILS)
    [to_ole] = [message for message in mail.outbox if message.to == [ole.email]]
    assert "adgangskode" in to_ole.body
    # Every invitation and every role in the audit log of her municipality, and the import.
    admin = world.users["admin"]
    own = AuditEntry.objects.filter(actor=admin, kommune=world.kommune["own"])
    assert set(own.filter(action=AuditAction.INVITATION_SENT)
               .values_list("target_label", flat=True)) == NEW_EMAILS
    assert own.filter(action=AuditAction.MEMBERSHIP_ADDED).count() == 3
    [imported] = own.filter(action=AuditAction.IMPORT)
    assert imported.details == {"invited": 3, "roles_added": 0, "unchanged": 0}
    # And a summary on the list.
    page = admin_client.get(response["Location"]).content.decode()
    assert "3 people were invited" in page


def test_one_bad_row_and_nothing_is_saved(admin_client, world):
    bad = GOOD + "per.dal@example.test,Per,Dal,headmaster,A1 barnehage,\n"
    before = (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    response = upload(admin_client, world, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: 1 problem in the file." in page
    assert "Line 5: headmaster is not a role" in page
    assert not User.objects.filter(email__in=NEW_EMAILS).exists()
    assert (User.objects.count(), Membership.objects.count(),
            AuditEntry.objects.count()) == before
    assert invitations() == 0
    assert not mail.outbox


def test_excel_semicolon_file_in_windows_1252_is_read(admin_client, world):
    excel = GOOD.replace(",", ";").replace("\n", "\r\n").encode("cp1252")
    assert "Ås".encode("cp1252") in excel
    response = upload(admin_client, world, excel)
    assert response.status_code == 302, response.content.decode()
    assert User.objects.get(email="ole.aas@example.test").last_name == "Ås"
    assert invitations() == 3


def test_utf8_with_a_byte_order_mark_and_norwegian_headers(admin_client, world):
    text = ("E-post;Fornavn;Etternavn;Rolle;Barnehage;Språk\n"
            "siri.strand@example.test;Siri;Strand;Styrer;a1 BARNEHAGE;nb\n")
    response = upload(admin_client, world, text.encode("utf-8-sig"))
    assert response.status_code == 302, response.content.decode()
    siri = User.objects.get(email="siri.strand@example.test")
    assert siri.language == "nb"
    assert siri.memberships.get().barnehage == world.barnehage["own"]


def test_every_problem_is_listed_by_line(admin_client, world):
    foreign = world.foreign_users["leader"]
    text = (
        "email,first_name,last_name,role,kindergarten\n"
        "siri.strand@example.test,Siri,Strand,leader,B1 barnehage\n"  # another municipality's
        "ole.aas@example.test,Ole,Ås,leader,\n"  # a leader needs a kindergarten
        "kari.berg@example.test,Kari,Berg,consultant,A1 barnehage\n"  # municipal role
        f"{foreign.email.upper()},Lise,Lund,observer,\n"  # another municipality's account
        "SIRI.STRAND@example.test,Siri,Strand,observer,\n"  # twice in the file
        "not-an-address,Nils,Holm,observer,\n"
        "ny@example.test,,,observer,\n"  # a new person without a name
        "nn@example.test,Nora,Lie,observer,A1 barnehage,extra\n"
    )
    response = upload(admin_client, world, text)
    assert response.status_code == 400
    page = response.content.decode()
    for expected in [
        "Line 2: Aby has no kindergarten named B1 barnehage.",
        "Line 3: A leader belongs to a kindergarten.",
        "Line 4: This role covers the whole municipality.",
        f"Line 5: the address {foreign.email} is already in use.",
        "Line 6: the address siri.strand@example.test is already on line 2.",
        "Line 7: not-an-address is not an e-mail address.",
        "Line 8: a new person needs a first and a last name.",
        "Line 9: 6 values for 5 columns.",
    ]:
        assert expected in page, expected
    # Nothing about the other tenant beyond "in use": not her name nor her municipality.
    assert foreign.first_name not in page
    assert world.kommune["foreign"].name not in page
    assert not User.objects.filter(email__in=NEW_EMAILS | {"ny@example.test"}).exists()
    assert not foreign.memberships.filter(kommune=world.kommune["own"]).exists()
    assert invitations() == 0


def test_errors_are_in_her_language(admin_client, world):
    admin = world.users["admin"]
    admin.language = "nb"
    admin.save(update_fields=["language"])
    response = upload(admin_client, world, GOOD + "x@example.test,X,Y,leader,Ingen,\n")
    assert response.status_code == 400
    assert "Linje 5:" in response.content.decode()


def test_a_long_file_lists_its_first_hundred_problems_and_counts_the_rest(admin_client, world):
    rows = "".join(f"p{number}@example.test,P,Q,nobody,,\n" for number in range(150))
    response = upload(admin_client, world, "email,first_name,last_name,role,kindergarten,"
                      "language\n" + rows)
    page = response.content.decode()
    assert "Nothing was imported: 150 problems in the file." in page
    assert page.count("is not a role") == 100
    assert "50 more problems" in page


def test_a_header_without_the_needed_columns_is_refused(admin_client, world):
    response = upload(admin_client, world, "email,name,role\nsiri@example.test,Siri,leader\n")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Line 1: unknown column name; missing columns: first_name, last_name." in page


def test_people_of_her_municipality_get_the_role_and_no_new_invitation(admin_client, world):
    observer, leader = world.users["observer"], world.users["leader"]
    text = ("email,first_name,last_name,role,kindergarten\n"
            f"{observer.email.upper()},,,leader,A2 barnehage\n"
            f"{leader.email},Other,Name,leader,A1 barnehage\n"  # she has this role already
            "siri.strand@example.test,Siri,Strand,leader,A1 barnehage\n")
    response = upload(admin_client, world, text)
    assert response.status_code == 302, response.content.decode()
    assert set(observer.memberships.values_list("role", "barnehage")) == {
        (Role.OBSERVER, world.barnehage["own"].pk), (Role.LEADER, world.barnehage["sibling"].pk)}
    assert User.objects.get(pk=leader.pk).first_name == leader.first_name
    assert leader.memberships.count() == 1
    assert invitations() == 1
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.details == {"invited": 1, "roles_added": 1, "unchanged": 1}
    page = admin_client.get(reverse("people-list")).content.decode()
    assert "1 person was invited" in page
    assert "1 role was given to someone who had an account already." in page
    assert "1 line changed nothing" in page


def test_a_deactivated_person_of_her_municipality_is_not_given_a_role(admin_client, world):
    observer = world.users["observer"]
    observer.is_active = False
    observer.save(update_fields=["is_active"])
    response = upload(admin_client, world, "email,first_name,last_name,role,kindergarten\n"
                      f"{observer.email},,,leader,A1 barnehage\n")
    assert response.status_code == 400
    assert "is deactivated" in response.content.decode()
    assert not observer.memberships.filter(role=Role.LEADER).exists()


def test_an_admin_of_another_municipality_cannot_import_into_hers(client, world):
    client.force_login(world.foreign_users["admin"])
    response = upload(client, world, GOOD)
    assert response.status_code == 400
    assert "You are not an admin of this municipality." in response.content.decode()
    assert not User.objects.filter(email__in=NEW_EMAILS).exists()
    # Into her own municipality, the kindergartens of the other are unknown.
    response = upload(client, world, GOOD, kommune=world.kommune["foreign"])
    assert response.status_code == 400
    assert "has no kindergarten named A1 barnehage" in response.content.decode()
    assert invitations() == 0


@pytest.mark.parametrize("role", ["leader", "consultant", "observer", "politician"])
def test_other_roles_cannot_reach_the_import(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("people-import")).status_code == 403
    assert upload(client, world, GOOD).status_code == 403
    assert client.get(reverse("people-import-template")).status_code == 403
    assert not User.objects.filter(email__in=NEW_EMAILS).exists()


def test_the_template_is_a_header_excel_opens_in_columns(admin_client):
    response = admin_client.get(reverse("people-import-template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")) == [
        list(COLUMNS)]


def test_the_template_filled_in_imports(admin_client, world):
    template = admin_client.get(reverse("people-import-template")).content
    filled = template + b"siri.strand@example.test;Siri;Strand;admin;;\r\n"
    assert upload(admin_client, world, filled).status_code == 302
    assert User.objects.get(email="siri.strand@example.test").memberships.get().role == \
        Role.ADMIN


def test_the_page_explains_the_file(admin_client):
    page = admin_client.get(reverse("people-import")).content.decode()
    assert "already has an account in your municipality" in page
    assert reverse("people-import-template") in page
