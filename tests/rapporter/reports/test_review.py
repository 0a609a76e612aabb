"""The review of a report before it leaves the building: ordered by a person or by the
schedule, a report is a draft its readers cannot list, open or download (404) until a
consultant approves it after a confirmation that names them; a new version never replaces a
published one silently; a withdrawn version stays on record; the draft page lists what is
incomplete (docs/domain.md, Reports).

Tasks run eagerly on commit; pages are read in English (the assertions read msgids).
"""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from barnehager.models import AuditAction, AuditEntry, Strukturtall
from observasjoner.models import Observasjonsrunde
from observasjoner.rounds import assignment
from observasjoner.tilsyn.models import Tilsyn
from rapporter.models import Anbefaling, Kind, Rapport, Rapportinnstilling, Status
from rapporter.reports import completeness, services
from rapporter.reports.tasks import generate_report, schedule_annual_reports
from tests.observasjoner.tilsyn.helpers import make_tilsyn
from tests.rapporter.dashboards.factories import make_observation, make_round, uniform
from tests.rapporter.reports.factories import pdf_lines

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def made(kind=Kind.ANNUAL, kommune=None, *, world, **fields) -> Rapport:
    rapport = services.order(kind, kommune or world.kommune["own"], **{"year": 2025, **fields})
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    assert rapport.status == Status.DRAFT, rapport.error_message
    return rapport


def status_of(client, name: str, rapport: Rapport) -> int:
    return client.get(reverse(f"rapporter:{name}", args=[rapport.pk])).status_code


def readers_see(client, rapport: Rapport) -> bool:
    """Whether the logged-in reader lists, opens and downloads the version (all or none)."""
    listing = client.get(reverse("rapporter:report-list")).content.decode()
    listed = reverse("rapporter:report-detail", args=[rapport.pk]) in listing
    codes = {status_of(client, "report-detail", rapport),
             status_of(client, "report-download", rapport)}
    assert codes in ({200}, {404}), codes
    assert listed == (codes == {200})
    return listed


def approve(client, rapport: Rapport):
    return client.post(reverse("rapporter:report-approve", args=[rapport.pk]),
                       {"confirm": "on"}, **EN)


def test_an_ordered_report_is_a_draft_the_politician_cannot_see_until_approved(
        client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["consultant"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rapporter:report-order", args=["annual"]),
                    {"annual-kommune": world.kommune["own"].pk, "annual-year": 2025})
    rapport = Rapport.objects.get(kind=Kind.ANNUAL)
    assert rapport.status == Status.DRAFT and rapport.file and rapport.published_at is None
    # The consultant previews the draft's file.
    preview = client.get(reverse("rapporter:report-download", args=[rapport.pk]),
                         {"preview": "1"})
    assert preview.status_code == 200 and "inline" in preview["Content-Disposition"]
    for reader in ("politician", "leader"):
        client.force_login(world.users[reader])
        assert not readers_see(client, rapport)
    client.force_login(world.users["politician"])
    assert reverse("rapporter:report-download", args=[rapport.pk]) not in client.get(
        reverse("home")).content.decode()
    # A politician cannot approve it herself.
    assert approve(client, rapport).status_code == 403
    client.force_login(world.users["consultant"])
    assert approve(client, rapport).status_code == 302
    rapport.refresh_from_db()
    assert rapport.status == Status.PUBLISHED
    assert rapport.published_by == world.users["consultant"] and rapport.published_at
    client.force_login(world.users["politician"])
    assert readers_see(client, rapport)
    assert reverse("rapporter:report-download", args=[rapport.pk]) in client.get(
        reverse("home")).content.decode()


def test_the_schedule_makes_a_draft_and_tells_the_consultants(
        client, world, django_capture_on_commit_callbacks):
    Rapportinnstilling.objects.create(kommune=world.kommune["own"], annual_day=1,
                                      annual_month=2)
    with django_capture_on_commit_callbacks(execute=True):
        ordered = schedule_annual_reports("2026-02-01")
    rapport = Rapport.objects.get(pk__in=ordered)
    assert rapport.status == Status.DRAFT and rapport.scheduled
    # One e-mail, to the municipality's consultants only, with the draft's address and
    # what is incomplete in it.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.users["consultant"].email]
    assert reverse("rapporter:report-detail", args=[rapport.pk]) in message.body
    with translation.override("nb"):
        assert completeness.Gap.from_json(rapport.warnings[0]).text in message.body
    client.force_login(world.users["politician"])
    assert not readers_see(client, rapport)


def test_a_round_closing_announces_its_drafts_in_one_e_mail(
        world, django_capture_on_commit_callbacks):
    runde = make_round(world.kommune["own"], 2025, "autumn",
                       status=Observasjonsrunde.Status.ACTIVE)
    for target in ("own", "sibling"):
        make_observation(runde, world.avdeling[target], world.users["observer"],
                         [uniform("prek", 4), uniform("prek", 5)])
    with django_capture_on_commit_callbacks(execute=True):
        assignment.close_round(runde, world.users["consultant"])
    assert set(Rapport.objects.filter(runde=runde).values_list("status", flat=True)) == {
        Status.DRAFT}
    assert len(mail.outbox) == 1
    for barnehage in ("A1 barnehage", "A2 barnehage"):
        assert barnehage in mail.outbox[0].body


def test_approval_asks_for_confirmation_and_names_the_readers(client, world):
    rapport = made(world=world)
    client.force_login(world.users["consultant"])
    url = reverse("rapporter:report-approve", args=[rapport.pk])
    page = client.get(url, **EN).content.decode()
    assert "the politicians of Aby (1 person)" in page
    assert world.users["politician"].get_full_name() in page
    assert "the consultants and admins of Aby (2 people)" in page
    assert reverse("rapporter:report-download", args=[rapport.pk]) + "?preview=1" in page
    # Without the confirmation nothing is published.
    response = client.post(url, {}, **EN)
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    rapport.refresh_from_db()
    assert rapport.status == Status.DRAFT
    # A kindergarten report names the kindergarten's leaders instead.
    kindergarten = made(Kind.KINDERGARTEN, world=world, semester="autumn",
                        barnehage=world.barnehage["own"])
    page = client.get(reverse("rapporter:report-approve", args=[kindergarten.pk]),
                      **EN).content.decode()
    assert "the leaders of A1 barnehage (1 person)" in page and "politicians" not in page


def test_a_new_version_never_silently_replaces_the_published_one(client, world):
    first = services.approve(made(world=world), world.users["consultant"])
    second = made(world=world)
    assert second.version == 2
    client.force_login(world.users["politician"])
    assert readers_see(client, first) and not readers_see(client, second)
    # Approving version 2 says what it replaces; then the readers see version 2 only, and
    # version 1 stays on record for the consultants.
    client.force_login(world.users["consultant"])
    page = client.get(reverse("rapporter:report-approve", args=[second.pk]),
                      **EN).content.decode()
    assert "It replaces version 1" in page
    approve(client, second)
    first.refresh_from_db()
    assert first.status == Status.PUBLISHED  # on record, not shown to readers
    assert status_of(client, "report-download", first) == 200
    client.force_login(world.users["politician"])
    assert readers_see(client, second) and not readers_see(client, first)


def test_an_older_draft_cannot_be_published_over_a_newer_publication(client, world):
    first = made(world=world)
    second = services.approve(made(world=world), world.users["consultant"])
    client.force_login(world.users["consultant"])
    approve(client, first)
    first.refresh_from_db()
    assert first.status == Status.DRAFT
    with pytest.raises(services.ReviewError):
        services.approve(first, world.users["consultant"])
    assert Rapport.objects.current_publications().get() == second


def test_withdrawing_keeps_the_version_on_record_and_shows_the_one_before(client, world):
    first = services.approve(made(world=world), world.users["consultant"])
    second = services.approve(made(world=world), world.users["consultant"])
    client.force_login(world.users["consultant"])
    url = reverse("rapporter:report-withdraw", args=[second.pk])
    page = client.get(url, **EN).content.decode()
    assert "They will see version 1 again" in page
    assert client.post(url, {"reason": ""}, **EN).status_code == 400  # a reason is required
    client.post(url, {"reason": "Feil tall i kapittel 3."}, **EN)
    second.refresh_from_db()
    assert second.status == Status.WITHDRAWN and second.file and second.withdrawn_at
    assert (second.withdrawn_by, second.withdrawal_reason) == (
        world.users["consultant"], "Feil tall i kapittel 3.")
    entry = AuditEntry.objects.get(action=AuditAction.REPORT_WITHDRAWN)
    assert (entry.actor, entry.target_id, entry.kommune_id, entry.details) == (
        world.users["consultant"], str(second.pk), world.kommune["own"].pk,
        {"reason": "Feil tall i kapittel 3."})
    detail = client.get(reverse("rapporter:report-detail", args=[second.pk]), **EN)
    assert "Feil tall i kapittel 3." in detail.content.decode()
    assert status_of(client, "report-download", second) == 200
    client.force_login(world.users["politician"])
    assert readers_see(client, first) and not readers_see(client, second)
    # Withdrawing version 1 too leaves the readers nothing.
    services.withdraw(first, world.users["consultant"], "Erstattes senere.")
    assert not readers_see(client, first) and not readers_see(client, second)
    # A withdrawn version cannot be published again: a new version can.
    with pytest.raises(services.ReviewError):
        services.approve(second, world.users["consultant"])


def test_the_draft_page_lists_each_kind_of_incompleteness(client, world):
    """A round still running, a kindergarten not observed, structural figures not entered,
    the recommendation not written, the period not over; and for a supervision report, the
    parent board's comment missing."""
    kommune = world.kommune["own"]
    year = timezone.localdate().year
    running = make_round(kommune, year, "spring", status=Observasjonsrunde.Status.ACTIVE)
    make_observation(running, world.avdeling["own"], world.users["observer"],
                     [uniform("prek", 4), uniform("prek", 5)])
    make_observation(running, world.avdeling["sibling"], world.users["observer"],
                     [uniform("prek", 4)], status="planned")
    Strukturtall.objects.filter(barnehage=world.barnehage["sibling"]).update(year=year)
    rapport = made(world=world, year=year)
    codes = [item["code"] for item in rapport.warnings]
    assert codes == [completeness.PERIOD_NOT_OVER, completeness.ROUND_RUNNING,
                     completeness.NOT_OBSERVED, completeness.NO_STRUCTURE,
                     completeness.NO_RECOMMENDATION]
    client.force_login(world.users["consultant"])
    page = client.get(reverse("rapporter:report-detail", args=[rapport.pk]),
                      **EN).content.decode()
    assert "5 things are missing or incomplete" in page
    for text in ("The period runs until",
                 f"“{running.name}” is still running: 1 of 2 observations (50 %)",
                 "1 kindergarten has no submitted observation in the period: A2 barnehage.",
                 f"Structural figures for {year} are not entered for 1 kindergarten: "
                 "A1 barnehage.",
                 f"The consultants have not written their recommendation for {year}"):
        assert text in page, text
    assert reverse("rapporter:recommendation-edit", args=[kommune.slug, year]) in page
    # The approval's confirmation lists them too.
    assert "still running" in client.get(
        reverse("rapporter:report-approve", args=[rapport.pk]), **EN).content.decode()

    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                         outcome=Tilsyn.Outcome.NO_CONCERN, status=Tilsyn.Status.COMPLETED)
    supervision = made(Kind.SUPERVISION, world=world, barnehage=tilsyn.barnehage,
                       subject_id=tilsyn.pk)
    assert [item["code"] for item in supervision.warnings] == [completeness.NO_BOARD_COMMENT]
    page = client.get(reverse("rapporter:report-detail", args=[supervision.pk]),
                      **EN).content.decode()
    assert ("The parent board&#x27;s comment is neither recorded nor marked as not given."
            in page)
    # Marked as not given, it is no longer missing.
    Tilsyn.objects.filter(pk=tilsyn.pk).update(board_comment_declined=True)
    assert made(Kind.SUPERVISION, world=world, barnehage=tilsyn.barnehage,
                subject_id=tilsyn.pk).warnings == []


def test_a_complete_report_lists_nothing_missing(client, world):
    runde = make_round(world.kommune["own"], 2025, "autumn")
    for target in ("own", "sibling"):
        make_observation(runde, world.avdeling[target], world.users["observer"],
                         [uniform("prek", 4), uniform("prek", 5)])
    Anbefaling.objects.create(kommune=world.kommune["own"], year=2025, text="Mer lek.")
    rapport = made(world=world)
    assert rapport.warnings == []
    client.force_login(world.users["consultant"])
    page = client.get(reverse("rapporter:report-detail", args=[rapport.pk]),
                      **EN).content.decode()
    assert "Nothing is listed as missing" in page


def test_the_pdf_says_what_is_incomplete_and_flags_the_comparison(world):
    """The annual PDF states its data date and coverage, lists the gaps in its first pages,
    gives chapter 6 one short line, and does not draw an incomplete year's fall as a
    decline."""
    kommune = world.kommune["own"]
    year = timezone.localdate().year
    before = make_round(kommune, year - 1, "autumn")
    running = make_round(kommune, year, "spring", status=Observasjonsrunde.Status.ACTIVE)
    for target in ("own", "sibling"):
        make_observation(before, world.avdeling[target], world.users["observer"],
                         [uniform("prek", 4), uniform("prek", 5)])
    make_observation(running, world.avdeling["own"], world.users["observer"],
                     [uniform("prek", 4), uniform("prek", 5)])
    rapport = made(world=world, year=year)
    text = " ".join(pdf_lines(rapport))
    with translation.override("nb"):
        for item in rapport.warnings:
            gap = completeness.Gap.from_json(item)
            if gap.code != completeness.NO_RECOMMENDATION:
                assert gap.text in text, gap.text
        made_on = timezone.localdate().strftime("%d.%m.%Y")
    assert "Hva rapporten bygger på" in text and made_on in text
    assert "Rådgiverne har ikke skrevet noen anbefaling" in text
    assert "ikke sammenlignbar" in text
