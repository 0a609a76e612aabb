"""The report pages: a consultant orders and follows a report, politicians and leaders
download what is theirs, and the annual report's text and date are edited here.

Tasks run eagerly when the order's transaction commits (captured with
`django_capture_on_commit_callbacks(execute=True)`)."""

import pytest
from django.urls import reverse

from observasjoner.tilsyn.models import Tilsyn
from rapporter.models import Anbefaling, Kind, Rapport, Rapportinnstilling, Status
from rapporter.reports import services
from rapporter.reports.tasks import generate_report
from tests.observasjoner.tilsyn.helpers import make_tilsyn
from tests.rapporter.reports.factories import make_action_plan, pdf_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def published(kind, kommune, **fields):
    """Made as a draft, then approved by nobody in particular (the review is tested in
    test_review.py)."""
    rapport = services.order(kind, kommune, **fields)
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    return services.approve(rapport, None)


def download(client, rapport):
    return client.get(reverse("rapporter:report-download", args=[rapport.pk]))


def test_consultant_orders_the_annual_report_and_downloads_it(
        client, world, media, django_capture_on_commit_callbacks):
    client.force_login(world.users["consultant"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rapporter:report-order", args=["annual"]),
                               {"annual-kommune": world.kommune["own"].pk, "annual-year": 2025})
    rapport = Rapport.objects.get(kind=Kind.ANNUAL)
    assert response.status_code == 302
    assert response["Location"] == reverse("rapporter:report-detail", args=[rapport.pk])
    assert rapport.generated_by == world.users["consultant"]
    assert rapport.status == Status.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert reverse("rapporter:report-download", args=[rapport.pk]) in page
    assert rapport.sha256 in page
    pdf = download(client, rapport)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_status_fragment_polls_while_pending_and_stops_when_stored(client, world, media):
    client.force_login(world.users["consultant"])
    rapport = services.order(Kind.ANNUAL, world.kommune["own"], year=2025)
    url = reverse("rapporter:report-status", args=[rapport.pk])
    pending = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in pending and f'hx-get="{url}"' in pending
    assert "<progress" in pending
    generate_report.delay(rapport.pk)
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done
    assert reverse("rapporter:report-download", args=[rapport.pk]) in done


def test_a_failed_report_shows_its_error_and_offers_no_download(client, world, media):
    client.force_login(world.users["consultant"])
    rapport = services.order(Kind.SUPERVISION, world.kommune["own"], year=2025,
                             barnehage=world.barnehage["own"], subject_id=424242)
    generate_report.delay(rapport.pk)
    page = client.get(reverse("rapporter:report-detail", args=[rapport.pk])).content.decode()
    assert "DoesNotExist" in page and "alert-danger" in page
    assert reverse("rapporter:report-download", args=[rapport.pk]) not in page
    assert download(client, rapport).status_code == 404


def test_all_kindergarten_reports_are_ordered_at_once(
        client, world, media, django_capture_on_commit_callbacks):
    client.force_login(world.users["consultant"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rapporter:report-order", args=["kindergarten"]), {
            "kindergarten-kommune": world.kommune["own"].pk, "kindergarten-barnehage": "",
            "kindergarten-year": 2025, "kindergarten-semester": "autumn"})
    assert response.status_code == 302
    reports = Rapport.objects.filter(kind=Kind.KINDERGARTEN)
    assert {rapport.barnehage for rapport in reports} == {world.barnehage["own"],
                                                         world.barnehage["sibling"]}
    assert {rapport.status for rapport in reports} == {Status.DRAFT}


def test_regenerating_keeps_the_history(client, world, media,
                                        django_capture_on_commit_callbacks):
    client.force_login(world.users["consultant"])
    first = published(Kind.ANNUAL, world.kommune["own"], year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rapporter:report-regenerate", args=[first.pk]))
    second = Rapport.objects.get(version=2)
    assert response["Location"] == reverse("rapporter:report-detail", args=[second.pk])
    page = client.get(response["Location"]).content.decode()
    assert reverse("rapporter:report-detail", args=[first.pk]) in page  # version 1 listed
    assert download(client, first).status_code == 200


def test_politician_downloads_only_published_annual_reports_of_her_municipality(
        client, world, media):
    own = published(Kind.ANNUAL, world.kommune["own"], year=2025)
    queued = services.order(Kind.ANNUAL, world.kommune["own"], year=2024)
    kindergarten = published(Kind.KINDERGARTEN, world.kommune["own"], year=2025,
                             semester="autumn", barnehage=world.barnehage["own"])
    foreign = published(Kind.ANNUAL, world.kommune["foreign"], year=2025)
    client.force_login(world.users["politician"])
    listing = client.get(reverse("rapporter:report-list")).content.decode()
    assert reverse("rapporter:report-download", args=[own.pk]) in listing
    for hidden in (queued, kindergarten, foreign):
        assert reverse("rapporter:report-detail", args=[hidden.pk]) not in listing
        assert download(client, hidden).status_code == 404
    assert download(client, own).status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert reverse("rapporter:report-download", args=[own.pk]) in home
    # The other municipality's politician gets 404 for this one.
    client.force_login(world.foreign_users["politician"])
    assert download(client, own).status_code == 404
    assert client.get(reverse("rapporter:report-detail", args=[own.pk])).status_code == 404
    assert download(client, foreign).status_code == 200


def test_leader_downloads_her_own_kindergartens_report(client, world, media):
    own = published(Kind.KINDERGARTEN, world.kommune["own"], year=2025, semester="autumn",
                    barnehage=world.barnehage["own"])
    sibling = published(Kind.KINDERGARTEN, world.kommune["own"], year=2025,
                        semester="autumn", barnehage=world.barnehage["sibling"])
    client.force_login(world.users["leader"])
    assert download(client, own).status_code == 200
    assert download(client, sibling).status_code == 404
    # She reads reports, she does not order them.
    response = client.post(reverse("rapporter:report-regenerate", args=[own.pk]))
    assert response.status_code == 403


def test_supervision_report_is_made_by_the_supervision_renderer(
        client, world, media, django_capture_on_commit_callbacks):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                         outcome=Tilsyn.Outcome.NO_CONCERN, status=Tilsyn.Status.COMPLETED)
    client.force_login(world.users["consultant"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rapporter:report-order", args=["supervision"]),
                    {"supervision-tilsyn": tilsyn.pk})
    rapport = Rapport.objects.get(kind=Kind.SUPERVISION)
    assert (rapport.status, rapport.subject_id, rapport.barnehage) == (
        Status.DRAFT, tilsyn.pk, tilsyn.barnehage)
    assert tilsyn.barnehage.name in " ".join(pdf_lines(rapport))
    # A supervision of another municipality cannot be ordered.
    foreign = make_tilsyn(world.barnehage["foreign"], world.foreign_users["consultant"],
                          outcome=Tilsyn.Outcome.NO_CONCERN, status=Tilsyn.Status.COMPLETED)
    response = client.post(reverse("rapporter:report-order", args=["supervision"]),
                           {"supervision-tilsyn": foreign.pk})
    assert response.status_code == 404


def test_action_plan_report_is_made_by_the_action_plan_renderer(
        client, world, media, django_capture_on_commit_callbacks):
    plan = make_action_plan(world.barnehage["own"], "Mer språk ved måltidet")
    type(plan).objects.filter(pk=plan.pk).update(status="approved")
    client.force_login(world.users["consultant"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rapporter:report-order", args=["action_plan"]),
                    {"action_plan-handleplan": plan.pk})
    rapport = Rapport.objects.get(kind=Kind.ACTION_PLAN)
    assert rapport.status == Status.DRAFT, rapport.error_message
    assert "Mer språk ved måltidet" in " ".join(pdf_lines(rapport))


def test_an_invalid_order_explains_itself(client, world, media):
    client.force_login(world.users["consultant"])
    response = client.post(reverse("rapporter:report-order", args=["annual"]),
                           {"annual-kommune": world.kommune["own"].pk, "annual-year": 1850},
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "could not be ordered" in response.content.decode()
    assert not Rapport.objects.exists()


def test_consultant_writes_the_recommendation_and_sets_the_date(client, world):
    client.force_login(world.users["consultant"])
    kommune = world.kommune["own"]
    url = reverse("rapporter:recommendation-edit", args=[kommune.slug, 2025])
    assert client.get(url).status_code == 200
    client.post(url, {"text": "Mer tid til samtaler."})
    anbefaling = Anbefaling.objects.get(kommune=kommune, year=2025)
    assert (anbefaling.text, anbefaling.updated_by) == ("Mer tid til samtaler.",
                                                        world.users["consultant"])
    client.post(reverse("rapporter:report-settings", args=[kommune.slug]),
                {"annual_day": 10, "annual_month": 2, "covers_previous_year": "on"})
    setting = Rapportinnstilling.objects.get(kommune=kommune)
    assert (setting.annual_day, setting.annual_month, setting.covers_previous_year) == (
        10, 2, True)
    listing = client.get(reverse("rapporter:report-list")).content.decode()
    assert "10.2." in listing


def test_report_list_queries_do_not_grow_with_reports(client, world, media,
                                                      django_assert_max_num_queries):
    client.force_login(world.users["consultant"])

    def add_reports(count):
        for _number in range(count):
            Rapport.objects.create(kind=Kind.KINDERGARTEN, kommune=world.kommune["own"],
                                   barnehage=world.barnehage["own"], year=2025,
                                   semester="autumn", language="nb",
                                   generated_by=world.users["consultant"])

    add_reports(2)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("rapporter:report-list"))
    add_reports(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("rapporter:report-list"))
