"""Retention of old report versions (docs/domain.md, Reports): each municipality that sets
`Kommune.report_version_months` has the versions its readers no longer see removed, row and
file, that long after they were replaced or withdrawn; drafts, the newest published version
and the newest version of each report stay; the publication's audit trail stays.

The files are real files under a temporary MEDIA_ROOT, stored by `services.store`.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from barnehager.models import AuditAction, AuditEntry, Role
from kvalitet import settings as project_settings
from rapporter.models import Kind, Rapport, Status
from rapporter.reports import services
from rapporter.reports.tasks import apply_report_retention

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% retention test\n%%EOF\n"
MONTH = timedelta(days=30)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def ago(months: float):
    return timezone.now() - months * MONTH


def stored(kommune, *, kind=Kind.ANNUAL, barnehage=None, year=2023, ordered=None) -> Rapport:
    """A new version of the report, stored as a draft with a real file."""
    rapport = services.order(kind, kommune, year=year, barnehage=barnehage)
    source = Path(Rapport.file.field.storage.location) / f"incoming-{rapport.pk}.pdf"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(PDF)
    services.store(rapport, source, hashlib.sha256(PDF).hexdigest(), pages=1)
    if ordered is not None:
        Rapport.objects.filter(pk=rapport.pk).update(requested_at=ordered, generated_at=ordered)
    rapport.refresh_from_db()
    assert rapport.status == Status.DRAFT and file_exists(rapport)
    return rapport


def published(kommune, by, *, at, **fields) -> Rapport:
    rapport = services.approve(stored(kommune, ordered=at, **fields), by)
    Rapport.objects.filter(pk=rapport.pk).update(published_at=at)
    return rapport


def withdrawn(rapport: Rapport, by, *, at) -> Rapport:
    services.withdraw(rapport, by, "Wrong figures")
    Rapport.objects.filter(pk=rapport.pk).update(withdrawn_at=at)
    return rapport


def failed(kommune, *, at, **fields) -> Rapport:
    rapport = services.order(Kind.ANNUAL, kommune, year=fields.pop("year", 2023), **fields)
    services.mark_failed(rapport.pk, RuntimeError("renderer gone"))
    Rapport.objects.filter(pk=rapport.pk).update(requested_at=at)
    return rapport


def file_exists(rapport: Rapport) -> bool:
    return bool(rapport.file.name) and Path(rapport.file.path).is_file()


def remaining(*rapporter: Rapport) -> set[int]:
    return set(Rapport.objects.filter(pk__in=[r.pk for r in rapporter])
               .values_list("pk", flat=True))


@pytest.fixture
def history(world, media):
    """The 2023 annual report of municipality A in six versions, and a kindergarten report
    whose older publication was replaced only lately; municipality B (no retention period)
    with a replaced publication as old as A's."""
    own, foreign = world.kommune["own"], world.kommune["foreign"]
    consultant = world.users[Role.CONSULTANT]
    v1 = published(own, consultant, at=ago(36))
    v2 = withdrawn(published(own, consultant, at=ago(30)), consultant, at=ago(26))
    v3 = published(own, consultant, at=ago(24))
    v4 = failed(own, at=ago(20))
    v5 = stored(own, ordered=ago(19))  # a draft never approved
    v6 = withdrawn(published(own, consultant, at=ago(16)), consultant, at=ago(15))
    leader_report = {"kind": Kind.KINDERGARTEN, "barnehage": world.barnehage["own"],
                     "year": 2024}
    k1 = published(own, consultant, at=ago(40), **leader_report)
    k2 = published(own, consultant, at=ago(2), **leader_report)
    b_consultant = world.foreign_users[Role.CONSULTANT]
    b1 = published(foreign, b_consultant, at=ago(36))
    b2 = published(foreign, b_consultant, at=ago(24))
    own.report_version_months = 12
    own.save()
    assert foreign.report_version_months is None
    return {"v1": v1, "v2": v2, "v3": v3, "v4": v4, "v5": v5, "v6": v6, "k1": k1, "k2": k2,
            "b1": b1, "b2": b2}


def test_old_versions_go_with_their_files_and_what_readers_see_stays(
        history, world, django_capture_on_commit_callbacks):
    r = history
    with django_capture_on_commit_callbacks(execute=True):
        results = services.apply_report_retention()

    by_kommune = {result.kommune: result for result in results}
    assert set(by_kommune) == {"aby"}  # B keeps every version: it sets no period
    removed = {item.id for item in by_kommune["aby"].removed}
    # Replaced 24 months ago (by v3), withdrawn 26 months ago, failed 20 months ago.
    assert removed == {r["v1"].pk, r["v2"].pk, r["v4"].pk}
    assert not remaining(r["v1"], r["v2"], r["v4"])
    assert not Path(r["v1"].file.path).exists() and not Path(r["v2"].file.path).exists()
    # v3 is the newest published version (v6 was withdrawn), v5 a draft, v6 the newest
    # version; k1 was replaced only two months ago; B is untouched.
    kept = [r[name] for name in ("v3", "v5", "v6", "k1", "k2", "b1", "b2")]
    assert remaining(*kept) == {rapport.pk for rapport in kept}
    assert all(file_exists(rapport) for rapport in kept)
    # Readers still see the same version of each report.
    current = set(Rapport.objects.current_publications().values_list("pk", flat=True))
    assert current == {r["v3"].pk, r["k2"].pk, r["b2"].pk}


def test_the_removal_is_in_the_audit_log_and_the_publications_stay_there(
        history, world, django_capture_on_commit_callbacks):
    r = history
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_report_retention()

    entry = AuditEntry.objects.get(action=AuditAction.REPORT_VERSIONS_REMOVED)
    assert entry.kommune_id == world.kommune["own"].pk and entry.actor is None
    assert entry.details["removed"] == 3 and entry.details["months"] == 12
    # The audit log page shows the label: what went, as the publication entries name it.
    assert entry.target_label.startswith("3: ") and "2023 (v1)" in entry.target_label
    versions = {item["id"]: item for item in entry.details["versions"]}
    assert set(versions) == {r["v1"].pk, r["v2"].pk, r["v4"].pk}
    first = versions[r["v1"].pk]
    assert first["version"] == 1 and first["status"] == Status.PUBLISHED
    assert first["published_by"] == world.users[Role.CONSULTANT].email
    assert first["sha256"] == hashlib.sha256(PDF).hexdigest() and first["published_at"]
    assert versions[r["v2"].pk]["withdrawn_at"]
    # The entry written when v1 was published is still there, naming it.
    publication = AuditEntry.objects.get(action=AuditAction.REPORT_PUBLISHED,
                                         target_type="rapporter.rapport",
                                         target_id=str(r["v1"].pk))
    assert "(v1)" in publication.target_label


def test_a_second_run_removes_nothing_more(history, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = apply_report_retention()
    after_first = set(Rapport.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        second = apply_report_retention()

    assert (first, second) == (3, 0)
    assert set(Rapport.objects.values_list("pk", flat=True)) == after_first
    assert all(file_exists(rapport) for rapport in Rapport.objects.exclude(file=""))
    assert AuditEntry.objects.filter(action=AuditAction.REPORT_VERSIONS_REMOVED).count() == 1


def test_without_a_period_every_version_is_kept(history, world,
                                                django_capture_on_commit_callbacks):
    own = world.kommune["own"]
    own.report_version_months = None
    own.save()
    before = set(Rapport.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.apply_report_retention() == []

    assert set(Rapport.objects.values_list("pk", flat=True)) == before
    assert all(file_exists(rapport) for rapport in Rapport.objects.exclude(file=""))
    assert not AuditEntry.objects.filter(action=AuditAction.REPORT_VERSIONS_REMOVED).exists()


def test_another_municipality_with_its_own_period_keeps_what_is_younger(
        history, world, django_capture_on_commit_callbacks):
    r = history
    foreign = world.kommune["foreign"]
    foreign.report_version_months = 30  # b1 was replaced 24 months ago
    foreign.save()
    with django_capture_on_commit_callbacks(execute=True):
        results = {result.kommune: result for result in services.apply_report_retention()}

    assert results["bby"].removed == ()
    assert remaining(r["b1"], r["b2"]) == {r["b1"].pk, r["b2"].pk}
    assert not AuditEntry.objects.filter(action=AuditAction.REPORT_VERSIONS_REMOVED,
                                         kommune_id=foreign.pk).exists()


def test_a_failure_keeps_every_row_and_every_file(history, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    r = history

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.apply_report_retention()

    assert remaining(r["v1"], r["v2"], r["v4"]) == {r["v1"].pk, r["v2"].pk, r["v4"].pk}
    assert file_exists(r["v1"]) and file_exists(r["v2"])


def test_files_go_only_once_the_removal_has_committed(history,
                                                      django_capture_on_commit_callbacks):
    r = history
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        services.apply_report_retention()
        raise RuntimeError("the database went away before the commit")

    assert remaining(r["v1"], r["v2"], r["v4"]) == {r["v1"].pk, r["v2"].pk, r["v4"].pk}
    assert file_exists(r["v1"]) and file_exists(r["v2"])


def test_the_retention_runs_every_night():
    entry = project_settings.CELERY_BEAT_SCHEDULE["rapporter-report-retention"]
    assert entry["task"] == "rapporter.reports.tasks.apply_report_retention"
    assert apply_report_retention.name == entry["task"]


def test_a_municipal_admin_sets_the_period_in_the_admin(world, client):
    admin = world.users[Role.ADMIN]
    admin.user_permissions.set(Permission.objects.filter(codename="change_kommune"))
    client.force_login(admin)
    kommune = world.kommune["own"]
    url = reverse("admin:barnehager_kommune_change", args=[kommune.pk])
    assert 'name="report_version_months"' in client.get(url).content.decode()

    response = client.post(url, {
        "name": kommune.name, "slug": kommune.slug, "country": kommune.country,
        "language": kommune.language, "committee_name": kommune.committee_name,
        "inactive_account_months": "24", "report_version_months": "36"})

    assert response.status_code == 302, response.content.decode()[:2000]
    kommune.refresh_from_db()
    assert kommune.report_version_months == 36
    # Her neighbour's setting is out of her reach (the admin sends her back to its index).
    foreign = world.kommune["foreign"]
    assert client.post(reverse("admin:barnehager_kommune_change", args=[foreign.pk]), {
        "name": foreign.name, "slug": foreign.slug, "country": foreign.country,
        "language": foreign.language, "committee_name": foreign.committee_name,
        "report_version_months": "1"}).status_code == 302
    foreign.refresh_from_db()
    assert foreign.report_version_months is None
