"""Ordering, versions, storing whole or not at all, failures, and the scheduled and
round-closed orders (each makes a draft; tests/rapporter/reports/test_review.py covers the
approval) (Celery eager here; tests/rapporter/test_tasks_worker.py runs a real
worker)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from observasjoner.models import Observasjonsrunde
from observasjoner.rounds import assignment
from rapporter.models import Kind, Rapport, Rapportinnstilling, Status
from rapporter.reports import services
from rapporter.reports.tasks import (
    generate_report,
    schedule_annual_reports,
    schedule_kindergarten_reports,
)
from tests.rapporter.dashboards.factories import make_observation, make_round, uniform
from tests.rapporter.reports.factories import pdf_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_pdfs(media: Path) -> list[Path]:
    """Every file under the storage except the (emptied) temporary folder."""
    return [path for path in media.rglob("*") if path.is_file() and ".tmp" not in path.parts]


def test_ordering_again_makes_a_new_version_and_keeps_the_old(world, media):
    kommune = world.kommune["own"]
    first = services.order(Kind.ANNUAL, kommune, year=2025)
    generate_report.delay(first.pk)
    second = services.order_again(first)
    generate_report.delay(second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.status == second.status == Status.DRAFT
    assert first.file.name != second.file.name
    assert len(stored_pdfs(media)) == 2
    assert Rapport.objects.filter(kind=Kind.ANNUAL, kommune=kommune).count() == 2


def test_published_file_matches_its_checksum(world, media):
    rapport = services.order(Kind.ANNUAL, world.kommune["own"], year=2025)
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    assert rapport.sha256 == services.sha256_of(rapport.file.path)
    assert rapport.size == Path(rapport.file.path).stat().st_size
    assert rapport.pages == len(pdf_reader(rapport).pages)
    assert rapport.generated_at is not None and rapport.progress == 100
    # Nothing is left in the temporary folder.
    assert not list((media / "rapporter" / ".tmp").iterdir())


def test_a_failing_report_ends_with_a_visible_error_and_no_file(world, media):
    """A supervision report whose supervision is gone cannot be made. Run eagerly (in the
    web process, as in the embedded mode) it fails at once, with the reason on the row and
    no file stored; on a worker it is retried first (tests/rapporter/test_tasks_worker.py)."""
    rapport = services.order(Kind.SUPERVISION, world.kommune["own"], year=2025,
                             barnehage=world.barnehage["own"], subject_id=999_999)
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    assert rapport.status == Status.FAILED
    assert "DoesNotExist" in rapport.error_message
    assert not rapport.file and not rapport.sha256
    assert stored_pdfs(media) == []


def test_storing_stops_and_removes_the_file_when_the_bytes_differ(world, media):
    """The stored file is checked against the checksum before the row becomes a draft."""
    rapport = services.order(Kind.ANNUAL, world.kommune["own"], year=2025)
    rendered = media / "rendered.pdf"
    rendered.write_bytes(b"%PDF-1.7\n...\n%%EOF\n")
    with pytest.raises(services.ReportError):
        services.store(rapport, rendered, "0" * 64, pages=1)
    rapport.refresh_from_db()
    assert rapport.status == Status.QUEUED and not rapport.file
    assert stored_pdfs(media) == []


def test_an_incomplete_pdf_is_never_stored(world, media):
    rapport = services.order(Kind.ANNUAL, world.kommune["own"], year=2025)
    truncated = media / "truncated.pdf"
    truncated.write_bytes(b"%PDF-1.7\n half a report")
    with pytest.raises(services.ReportError, match="not a complete PDF"):
        services.store(rapport, truncated, services.sha256_of(truncated), pages=1)
    rapport.refresh_from_db()
    assert rapport.status == Status.QUEUED and not rapport.file


def test_a_redelivered_task_leaves_the_stored_report_alone(world, media):
    rapport = services.order(Kind.ANNUAL, world.kommune["own"], year=2025)
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    checksum, name = rapport.sha256, rapport.file.name
    generate_report.delay(rapport.pk)  # acks_late: a dead worker's task runs again
    rapport.refresh_from_db()
    assert (rapport.sha256, rapport.file.name) == (checksum, name)
    assert len(stored_pdfs(media)) == 1


def test_annual_reports_are_scheduled_on_the_configured_day_once(
        world, media, django_capture_on_commit_callbacks):
    own, foreign = world.kommune["own"], world.kommune["foreign"]
    Rapportinnstilling.objects.create(kommune=own, annual_day=15, annual_month=2)
    Rapportinnstilling.objects.create(kommune=foreign, annual_day=1, annual_month=3,
                                      covers_previous_year=False)
    assert schedule_annual_reports("2026-02-14") == []
    with django_capture_on_commit_callbacks(execute=True):
        ordered = schedule_annual_reports("2026-02-15")
    assert schedule_annual_reports("2026-02-15") == []  # the beat running twice
    rapport = Rapport.objects.get(pk__in=ordered)
    assert (rapport.kommune, rapport.year, rapport.scheduled) == (own, 2025, True)
    assert rapport.status == Status.DRAFT and rapport.generated_by is None
    ordered = schedule_annual_reports("2026-03-01")
    assert Rapport.objects.get(pk__in=ordered).year == 2026  # covers the current year


def _observed_round(world, status=Observasjonsrunde.Status.ACTIVE):
    kommune = world.kommune["own"]
    runde = make_round(kommune, 2025, "autumn", status=status)
    for target in ("own", "sibling"):
        make_observation(runde, world.avdeling[target], world.users["observer"],
                         [uniform("prek", 4), uniform("prek", 5)])
    return runde


def test_closing_a_round_orders_each_observed_kindergartens_report(
        world, media, django_capture_on_commit_callbacks):
    runde = _observed_round(world)
    with django_capture_on_commit_callbacks(execute=True):
        assignment.close_round(runde, world.users["consultant"])
    reports = Rapport.objects.filter(kind=Kind.KINDERGARTEN, runde=runde)
    assert {rapport.barnehage for rapport in reports} == {world.barnehage["own"],
                                                         world.barnehage["sibling"]}
    assert {rapport.status for rapport in reports} == {Status.DRAFT}
    assert {(rapport.year, rapport.semester) for rapport in reports} == {(2025, "autumn")}
    # The beat's safety net finds nothing left to do.
    assert schedule_kindergarten_reports() == []


def test_the_beat_orders_reports_for_a_round_closed_without_them(
        world, media, django_capture_on_commit_callbacks):
    runde = _observed_round(world, status=Observasjonsrunde.Status.CLOSED)
    Observasjonsrunde.objects.filter(pk=runde.pk).update(closed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        ordered = schedule_kindergarten_reports()
    assert len(ordered) == 2
    assert schedule_kindergarten_reports() == []


def test_generate_report_command_prints_the_path(world, media, capsys):
    out = media / "aarsrapport.pdf"
    call_command("generate_report", "annual", "--kommune", "aby", "--year", "2025",
                 "--out", str(out))
    assert capsys.readouterr().out.strip() == str(out.resolve())
    assert out.read_bytes().startswith(b"%PDF-")
    rapport = Rapport.objects.get(kind=Kind.ANNUAL, kommune=world.kommune["own"])
    assert rapport.status == Status.DRAFT
    assert rapport.sha256 == services.sha256_of(out)


def test_generate_report_command_without_out_prints_the_stored_file(world, media, capsys):
    call_command("generate_report", "kindergarten", "--kommune", "aby", "--year", "2025",
                 "--barnehage", "A1 barnehage", "--semester", "autumn")
    path = Path(capsys.readouterr().out.strip())
    assert path.is_file() and media in path.parents
