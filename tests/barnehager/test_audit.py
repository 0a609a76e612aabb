"""The audit log: what is recorded (who, when, from where, what), that nothing changes or
removes an entry, what a municipal admin reads of it, and the retention."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from barnehager import audit
from barnehager.downloads import Sheet, response
from barnehager.models import AuditAction, AuditEntry, Membership, Role
from barnehager.tasks import prune_audit_log
from handleplaner.models import Status as PlanStatus
from observasjoner.models import Skaar
from rapporter.models import Kind, Rapport
from rapporter.models import Status as ReportStatus
from rapporter.reports import services as report_services
from rapporter.reports.tasks import generate_report
from tests.handleplaner.factories import make_plan
from tests.observasjoner import factories as f
from tests.second_factor import verify_client
from tests.world import PASSWORD


def entries(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("pk"))


def test_a_log_in_and_a_failed_one_are_recorded_with_the_client_address(client, world,
                                                                          settings):
    settings.KVALITET_TRUSTED_PROXIES = 1
    user = world.users["leader"]
    proxy = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    client.post(reverse("login"), {"username": user.email, "password": "wrong"}, **proxy)
    client.post(reverse("login"), {"username": "nobody@example.test", "password": "x"}, **proxy)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD}, **proxy)
    client.post(reverse("logout"), **proxy)
    mine = entries(actor=user)
    assert [entry.action for entry in mine] == [AuditAction.LOGIN_FAILED, AuditAction.LOGIN,
                                                AuditAction.LOGOUT]
    assert {entry.ip_address for entry in mine} == {"198.51.100.7"}
    assert {entry.kommune for entry in mine} == {world.kommune["own"]}
    assert mine[0].actor_label == user.email
    unknown = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED, actor=None)
    assert unknown.kommune is None and "nobody" not in unknown.target_label


def test_roles_given_changed_and_taken_away_are_recorded(client, world):
    admin = world.users["admin"]
    client.force_login(admin)
    person = world.users["observer"]
    membership = Membership.objects.create(user=person, role=Role.POLITICIAN,
                                           kommune=world.kommune["own"])
    membership.role = Role.CONSULTANT
    membership.save()
    pk = membership.pk
    membership.delete()
    membership.pk = pk
    recorded = entries(target_type="barnehager.membership", target_id=str(membership.pk))
    assert [entry.action for entry in recorded] == [
        AuditAction.MEMBERSHIP_ADDED, AuditAction.MEMBERSHIP_CHANGED,
        AuditAction.MEMBERSHIP_REMOVED]
    assert recorded[1].details["before"]["role"] == Role.POLITICIAN
    assert all(entry.kommune == world.kommune["own"] for entry in recorded)
    assert person.email in recorded[0].target_label


def test_a_role_given_through_the_admin_names_the_admin(client, world):
    admin = world.users["admin"]
    admin.is_staff = True
    admin.save()
    admin.user_permissions.add(Permission.objects.get(codename="add_membership"))
    client.force_login(admin)
    response = client.post(reverse("admin:barnehager_membership_add"), {
        "user": world.users["leader"].pk, "role": Role.POLITICIAN,
        "kommune": world.kommune["own"].pk, "barnehage": ""})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_ADDED, actor=admin)
    assert entry.details["role"] == Role.POLITICIAN and entry.ip_address == "127.0.0.1"


def test_an_entry_is_never_changed_or_deleted_through_the_app(world):
    [entry] = audit.record(AuditAction.EXPORT, actor=world.users["consultant"], label="x.csv")
    entry.target_label = "something else"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(target_label="y")
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.target_label == "x.csv"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_an_update_or_delete_in_sql(world):
    [entry] = audit.record(AuditAction.EXPORT, actor=world.users["consultant"], label="x.csv")
    for statement in ("UPDATE barnehager_auditentry SET target_label = 'y' WHERE id = %s",
                      "DELETE FROM barnehager_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, target_label="x.csv").exists()


def test_the_admin_shows_entries_but_changes_none(client, world):
    [entry] = audit.record(AuditAction.EXPORT, actor=world.users["consultant"], label="x.csv")
    client.force_login(world.users["admin"])
    world.users["admin"].is_staff = True
    world.users["admin"].save()
    world.users["admin"].user_permissions.add(*Permission.objects.filter(
        codename__in=["view_auditentry", "change_auditentry", "delete_auditentry"]))
    change = reverse("admin:barnehager_auditentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"target_label": "changed"})
    assert client.post(reverse("admin:barnehager_auditentry_delete", args=[entry.pk]),
                       {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.target_label == "x.csv"


def test_retention_removes_old_entries_and_records_how_many(world, settings, caplog):
    settings.KVALITET_AUDIT_RETENTION_DAYS = 30
    old = AuditEntry(action=AuditAction.LOGIN, actor_label="old@example.test",
                     at=timezone.now() - timedelta(days=31))
    old.save()
    [recent] = audit.record(AuditAction.LOGIN, actor=world.users["leader"])
    with caplog.at_level("INFO", logger="barnehager.audit"):
        assert prune_audit_log() == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    pruned = AuditEntry.objects.get(action=AuditAction.PRUNED)
    assert pruned.details["removed"] == 1
    assert "removed 1 entries" in caplog.text
    assert prune_audit_log() == 0


def test_the_prune_runs_every_day():
    entry = project_settings.CELERY_BEAT_SCHEDULE["barnehager-prune-audit-log"]
    assert entry["task"] == "barnehager.tasks.prune_audit_log"


def test_a_download_is_recorded(rf, world):
    request = rf.get("/")
    request.user = world.users["consultant"]
    sheet = Sheet(name="Plans", header=["title"], rows=[["a"]])
    token = audit._current_request.set(request)
    try:
        response(sheet, "csv", "overdue plans")
    finally:
        audit._current_request.reset(token)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (entry.actor, entry.target_label, entry.details["format"]) == (
        world.users["consultant"], "overdue-plans.csv", "csv")
    assert entry.kommune == world.kommune["own"]


def test_an_amendment_of_a_locked_observation_is_recorded(client, world, settings):
    consultant = world.users["consultant"]
    client.force_login(consultant)
    runde = f.runde(world.kommune["own"], status="active")
    observasjon = f.observation(runde, world.avdeling["sibling"], world.users["observer"],
                                status="submitted", scores=[f.PREK_CYCLE, f.PREK_CYCLE])
    skaar = Skaar.objects.get(syklus__observasjon=observasjon, syklus__number=2,
                              dimensjon__code="PC")
    client.post(reverse("observasjoner:observasjon-amend", args=[observasjon.pk]),
                {"skaar": skaar.pk, "new_value": 4, "reason": "Wrong dimension."})
    entry = AuditEntry.objects.get(action=AuditAction.OBSERVATION_AMENDED)
    assert entry.actor == consultant and entry.kommune == world.kommune["own"]
    assert (entry.details["from"], entry.details["to"]) == (6, 4)
    assert entry.target_id == str(observasjon.pk)


def test_the_journey_of_a_consultant_is_in_the_log(client, world,
                                                   django_capture_on_commit_callbacks):
    """Log in, approve a plan and return another, publish a report and download it: the
    municipality's admin reads each step on the audit log page."""
    consultant = world.users["consultant"]
    client.post(reverse("login"), {"username": consultant.email, "password": PASSWORD})
    verify_client(client, consultant)
    approved = make_plan(world.barnehage["own"], status=PlanStatus.SUBMITTED, title="Lek ute")
    returned = make_plan(world.barnehage["sibling"], status=PlanStatus.SUBMITTED,
                         title="Språk i samling")
    client.post(reverse("handleplaner:transition", args=[approved.pk, "approve"]),
                {"confirmed": "1"})
    client.post(reverse("handleplaner:transition", args=[returned.pk, "return_to_leader"]),
                {"confirmed": "1", "comment": "Say how you will know the goal is reached."})
    rapport = report_services.order(Kind.ANNUAL, world.kommune["own"], year=2025)
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    assert rapport.status == ReportStatus.DRAFT, rapport.error_message
    client.post(reverse("rapporter:report-approve", args=[rapport.pk]), {"confirm": "on"})
    assert Rapport.objects.get(pk=rapport.pk).status == ReportStatus.PUBLISHED
    assert client.get(reverse("rapporter:report-download", args=[rapport.pk])).status_code == 200

    done = [entry.action for entry in entries(actor=consultant)]
    assert done == [AuditAction.LOGIN, AuditAction.PLAN_APPROVED, AuditAction.PLAN_RETURNED,
                    AuditAction.REPORT_PUBLISHED, AuditAction.REPORT_DOWNLOADED]
    plan_entry = AuditEntry.objects.get(action=AuditAction.PLAN_APPROVED)
    assert plan_entry.target_label == "Lek ute" or "Lek ute" in plan_entry.target_label

    client.force_login(world.users["admin"])
    page = client.get(reverse("audit-log")).content.decode()
    for action in done:
        assert str(AuditAction(action).label) in page
    assert consultant.email in page
    only_approvals = client.get(reverse("audit-log"),
                                {"action": AuditAction.PLAN_APPROVED}).content.decode()
    assert "Lek ute" in only_approvals and "Språk i samling" not in only_approvals

    download = client.get(reverse("audit-log-download", args=["csv"]),
                          {"who": consultant.email})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "What", "Who"]
    assert {row[2] for row in rows[1:]} == {consultant.email}
    assert len(rows) - 1 == len(done)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=world.users["admin"],
                                     target_label__startswith="audit-log").exists()


def test_a_municipal_admin_reads_only_her_municipalitys_entries(client, world):
    audit.record(AuditAction.LOGIN, actor=world.users["consultant"])
    audit.record(AuditAction.LOGIN, actor=world.foreign_users["consultant"])
    audit.record(AuditAction.LOGIN_FAILED, label="unknown account")
    client.force_login(world.users["admin"])
    page = client.get(reverse("audit-log")).content.decode()
    assert world.users["consultant"].email in page
    assert world.foreign_users["consultant"].email not in page
    assert "unknown account" not in page
    download = client.get(reverse("audit-log-download", args=["xlsx"]))
    assert download.status_code == 200
    visible = AuditEntry.objects.visible_to(world.users["admin"])
    assert set(visible.values_list("kommune", flat=True)) == {world.kommune["own"].pk}
    assert not AuditEntry.objects.visible_to(world.users["consultant"]).exists()


def test_the_audit_log_page_speaks_norwegian_and_danish(client, world):
    audit.record(AuditAction.PLAN_APPROVED, actor=world.users["consultant"])
    admin = world.users["admin"]
    client.force_login(admin)
    pages = {}
    for language in ("nb", "da"):
        admin.language = language  # her own choice of language (barnehager/language.py)
        admin.save(update_fields=["language"])
        pages[language] = client.get(reverse("audit-log")).content.decode()
    nb, da = pages["nb"], pages["da"]
    assert "Revisjonslogg" in nb and "Handleplan godkjent" in nb
    assert "Revisionslog" in da
