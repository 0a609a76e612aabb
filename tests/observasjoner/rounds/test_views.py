"""The consultant's round pages: create and propose, adjust with reasons, publish, close,
amend, reliability; and the round page's query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from barnehager.models import Membership, Role, Sertifisering
from observasjoner.models import Endring, Instrument, Observasjon, Observasjonsrunde, Skaar
from tests.observasjoner import factories as f
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (their msgids), whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def consultant(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.users[Role.CONSULTANT])
    return world.users[Role.CONSULTANT]


def _second_observer(world, email="andre@example.test", barnehage="sibling"):
    user = make_user(email)
    Membership.objects.create(user=user, role=Role.OBSERVER, kommune=world.kommune["own"],
                              barnehage=world.barnehage[barnehage])
    today = timezone.localdate()
    for instrument in Instrument.objects.all():
        Sertifisering.objects.create(user=user, instrument=instrument,
                                     certified_on=today - timedelta(days=300),
                                     valid_until=today + timedelta(days=30))
    return user


def test_creating_a_round_proposes_a_plan(client, world, consultant):
    _second_observer(world)
    today = timezone.localdate()
    response = client.post(reverse("observasjoner:runde-create"), {
        "kommune": world.kommune["own"].pk, "name": "", "semester": "autumn",
        "year": today.year, "start_date": today + timedelta(days=1),
        "end_date": today + timedelta(days=25), "double_coding_share": 15,
        "planned_cycle_minutes": 20, "min_cycle_minutes": 10, "min_presence_share": "50",
        "planned_cycles": 4, "min_valid_cycles": 2}, follow=True)
    runde = Observasjonsrunde.objects.get()
    assert runde.name == f"Autumn {today.year}"
    assert runde.status == Observasjonsrunde.Status.PLANNING
    # Four departments in A; each observer works in one kindergarten and observes the other.
    plan = Observasjon.objects.filter(runde=runde, double_coding_of__isnull=True)
    assert plan.count() == 4
    for observasjon in plan:
        workplace = observasjon.observer.memberships.get().barnehage
        assert observasjon.avdeling.barnehage != workplace
    content = response.content.decode()
    assert "Proposed: 4 observations and 0 second codings." in content
    # Each observer works in one of the two kindergartens: no second observer is allowed.
    assert "1 second coding could not be planned" in content
    assert "Certifications expiring within 60 days or expired" in content
    assert "Andre" in content and "expires soon" in content


def test_a_refused_addition_shows_its_reason_and_adds_nothing(client, world, consultant):
    runde = f.runde(world.kommune["own"], start=timezone.localdate(),
                    end=timezone.localdate() + timedelta(days=30))
    observer = world.users[Role.OBSERVER]  # works in A1
    response = client.post(reverse("observasjoner:runde-add", args=[runde.pk]), {
        "avdeling": world.avdeling["own"].pk, "observer": observer.pk,
        "planned_date": timezone.localdate() + timedelta(days=2)})
    assert response.status_code == 200
    assert "Observer.A works in A1 barnehage and cannot observe it." in response.content.decode()
    assert not Observasjon.objects.exists()
    response = client.post(reverse("observasjoner:runde-add", args=[runde.pk]), {
        "avdeling": world.avdeling["sibling"].pk, "observer": observer.pk,
        "planned_date": timezone.localdate() + timedelta(days=2)})
    assert response.status_code == 302
    assert Observasjon.objects.get().avdeling == world.avdeling["sibling"]


def test_a_refused_change_shows_its_reason(client, world, consultant):
    other = _second_observer(world)
    runde = f.runde(world.kommune["own"], start=timezone.localdate(),
                    end=timezone.localdate() + timedelta(days=60))
    observasjon = f.observation(runde, world.avdeling["own"], other,
                                day=timezone.localdate() + timedelta(days=3))
    url = reverse("observasjoner:runde-observasjon-edit", args=[observasjon.pk])
    page = client.get(url).content.decode()
    assert "Observer.A works in A1 barnehage and cannot observe it." in page  # candidates
    response = client.post(url, {"observer": other.pk,
                                 "planned_date": timezone.localdate() + timedelta(days=45)})
    assert response.status_code == 200
    assert "Andre&#x27;s certification for CLASS Pre-K expired on" in response.content.decode()
    observasjon.refresh_from_db()
    assert observasjon.planned_date == timezone.localdate() + timedelta(days=3)
    response = client.post(reverse("observasjoner:runde-observasjon-second",
                                   args=[observasjon.pk]), {"observer": other.pk})
    assert "Andre is already the first observer of this department." in \
        response.content.decode()


def test_publish_then_close_locks_submitted_observations(client, world, consultant):
    runde = f.runde(world.kommune["own"])
    done = f.observation(runde, world.avdeling["sibling"], world.users[Role.OBSERVER],
                         status="submitted", scores=[f.PREK_CYCLE, f.PREK_CYCLE])
    client.post(reverse("observasjoner:runde-publish", args=[runde.pk]), {"confirmed": "1"})
    runde.refresh_from_db()
    assert runde.status == Observasjonsrunde.Status.ACTIVE
    response = client.post(reverse("observasjoner:runde-close", args=[runde.pk]), follow=True)
    assert "1 submitted observation is locked" in response.content.decode()
    done.refresh_from_db()
    assert done.status == Observasjon.Status.LOCKED


def _amendable(world):
    runde = f.runde(world.kommune["own"], status="active")
    return f.observation(runde, world.avdeling["sibling"], world.users[Role.OBSERVER],
                         status="submitted", scores=[f.PREK_CYCLE, f.PREK_CYCLE])


def test_an_amendment_is_audited_and_shown(client, world, consultant):
    observasjon = _amendable(world)
    skaar = Skaar.objects.get(syklus__observasjon=observasjon, syklus__number=2,
                              dimensjon__code="PC")
    url = reverse("observasjoner:observasjon-amend", args=[observasjon.pk])
    response = client.post(url, {"skaar": skaar.pk, "new_value": 4, "reason": ""})
    assert response.status_code == 200 and not Endring.objects.exists()
    response = client.post(url, {"skaar": skaar.pk, "new_value": 4,
                                 "reason": "Syklus 2 ble ført på feil dimensjon."})
    assert response.status_code == 302
    endring = Endring.objects.get()
    assert (endring.old_value, endring.new_value, endring.amended_by) == (6, 4, consultant)
    skaar.refresh_from_db()
    assert (skaar.value, skaar.version) == (4, 2)
    page = client.get(url).content.decode()
    assert "Syklus 2 ble ført på feil dimensjon." in page
    # The observation page of any app shows the amendments with one tag.
    request = RequestFactory().get("/")
    request.user = world.users[Role.LEADER]
    rendered = Template("{% load amendment_tags %}{% amendments observasjon %}").render(
        Context({"request": request, "observasjon": observasjon}))
    assert "Syklus 2 ble ført på feil dimensjon." in rendered
    assert "Amend a score" not in rendered


def test_a_planned_observation_is_not_amended(client, world, consultant):
    runde = f.runde(world.kommune["own"], status="active")
    observasjon = f.observation(runde, world.avdeling["sibling"], world.users[Role.OBSERVER],
                                status="in_progress", scores=[f.PREK_CYCLE])
    url = reverse("observasjoner:observasjon-amend", args=[observasjon.pk])
    assert "Only a submitted observation is amended" in client.get(url).content.decode()
    skaar = Skaar.objects.filter(syklus__observasjon=observasjon).first()
    assert client.post(url, {"skaar": skaar.pk, "new_value": 2,
                             "reason": "x"}).status_code == 403
    assert not Endring.objects.exists()


def _pair(world, first, second, day, first_scores, second_scores):
    runde = f.runde(world.kommune["own"], status="active")
    primary = f.observation(runde, world.avdeling["sibling"], first, day=day,
                            status="submitted", scores=first_scores)
    return f.observation(runde, world.avdeling["sibling"], second, day=day, status="submitted",
                         scores=second_scores, double_coding_of=primary)


def test_reliability_flags_an_observer_under_eighty_percent(client, world, consultant):
    anne = world.users[Role.OBSERVER]
    berit = _second_observer(world, "berit@example.test", "own")
    cecilie = _second_observer(world, "cecilie@example.test", "own")
    far_off = {code: min(7, value + 2) if code != "NC" else 3
               for code, value in f.PREK_CYCLE.items()}
    _pair(world, anne, berit, f.ROUND_START, [f.PREK_CYCLE] * 3, [far_off] * 3)
    _pair(world, anne, cecilie, f.ROUND_START, [f.PREK_CYCLE] * 3, [f.PREK_CYCLE] * 3)
    response = client.get(reverse("observasjoner:reliability"))
    observers = {item["row"].observer: item for item in response.context["observers"]}
    assert observers[berit]["row"].flagged
    assert not observers[cecilie]["row"].flagged
    assert observers[cecilie]["within_one"] == "100 %"
    assert observers[anne]["row"].codings == 2
    assert "under 80 %" in response.content.decode()
    assert len(response.context["pairs"]) == 2


def test_reliability_looks_at_the_last_five_double_codings(client, world, consultant):
    anne = world.users[Role.OBSERVER]
    berit = _second_observer(world, "berit@example.test", "own")
    far_off = dict.fromkeys(f.PREK_CYCLE, 1)
    _pair(world, anne, berit, f.ROUND_START, [f.PREK_CYCLE] * 3, [far_off] * 3)
    for offset in range(1, 6):
        _pair(world, anne, berit, f.ROUND_START + timedelta(days=offset),
              [f.PREK_CYCLE] * 3, [f.PREK_CYCLE] * 3)
    response = client.get(reverse("observasjoner:reliability"))
    observers = {item["row"].observer: item["row"] for item in response.context["observers"]}
    assert observers[berit].codings == 5 and not observers[berit].flagged


def test_reliability_shows_no_other_municipality(client, world, consultant):
    foreign = world.foreign_users[Role.OBSERVER]
    runde = f.runde(world.kommune["foreign"], status="active")
    primary = f.observation(runde, world.avdeling["foreign"], foreign, status="submitted",
                            scores=[f.PREK_CYCLE])
    f.observation(runde, world.avdeling["foreign"], foreign, status="submitted",
                  scores=[f.PREK_CYCLE], double_coding_of=primary)
    response = client.get(reverse("observasjoner:reliability"))
    assert response.context["pairs"] == [] and response.context["observers"] == []


def _grow(world, departments: int):
    """A round with `departments` more departments, each observed (some double-coded)."""
    runde = Observasjonsrunde.objects.get()
    observers = [world.users[Role.OBSERVER], *Membership.objects.filter(
        role=Role.OBSERVER, kommune=world.kommune["own"]).exclude(
        user=world.users[Role.OBSERVER]).values_list("user", flat=True)]
    for number in range(departments):
        kindergarten = f.barnehage(world.kommune["own"], f"Ny {Observasjon.objects.count()}",
                                   world.barnehage["own"].nettverk)
        avdeling = f.avdeling(kindergarten)
        primary = f.observation(runde, avdeling, world.users[Role.OBSERVER],
                                day=runde.start_date + timedelta(days=number % 20))
        if number % 3 == 0:
            f.observation(runde, avdeling, _second_observer(
                world, f"obs{Observasjon.objects.count()}@example.test"),
                day=primary.planned_date, double_coding_of=primary)
    return observers


def test_the_round_page_costs_the_same_queries_at_two_sizes(client, world, consultant):
    today = timezone.localdate()
    f.runde(world.kommune["own"], start=today, end=today + timedelta(days=40))
    runde = Observasjonsrunde.objects.get()
    url = reverse("observasjoner:runde-detail", args=[runde.pk])
    _grow(world, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, 12)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["rows"]) == 14
    assert len(large.captured_queries) == len(small.captured_queries)
