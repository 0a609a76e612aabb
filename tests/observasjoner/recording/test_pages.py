"""The observer's pages, results and feedback for the leader, double-coding agreement,
practice stories and monthly plans, the home sections and the service worker."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from barnehager.models import Membership, Role
from observasjoner.models import (
    Dimensjon,
    Maanedsplan,
    Observasjon,
    Observasjonsrunde,
    Praksisfortelling,
)
from tests.observasjoner.recording.matrix import observation_for, record_cycle
from tests.world import make_user

pytestmark = pytest.mark.django_db

PREK = {"PC": 6, "NC": 1, "TS": 6, "RSP": 5, "BM": 6, "PD": 5, "ILF": 5, "CD": 3, "QF": 2,
        "LM": 3}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def as_user(client, user):
    client.force_login(user)
    return client


def submit(observasjon, cycles=3, scores=PREK):
    for number in range(1, cycles + 1):
        record_cycle(observasjon, number, scores)
    observasjon.status = Observasjon.Status.SUBMITTED
    observasjon.submitted_at = timezone.now()
    observasjon.observed_on = timezone.localdate()
    observasjon.save()
    return observasjon


def test_the_observer_lists_her_observations_by_status(client, world):
    planned = observation_for(world, "own")
    started = observation_for(world, "sibling", status=Observasjon.Status.IN_PROGRESS)
    done = submit(observation_for(world, "own"))
    foreign = observation_for(world, "foreign")
    page = as_user(client, world.users[Role.OBSERVER]).get(
        reverse("observasjoner:my-observations")).content.decode()
    planned_part, rest = page.split('id="group-in-progress"')
    progress_part, submitted_part = rest.split('id="group-submitted"')
    assert reverse("observasjoner:record", args=[planned.pk]) in planned_part
    assert reverse("observasjoner:record", args=[started.pk]) in progress_part
    assert reverse("observasjoner:feedback", args=[done.pk]) in submitted_part
    assert reverse("observasjoner:record", args=[done.pk]) not in page
    assert reverse("observasjoner:record", args=[foreign.pk]) not in page


def test_the_cycle_screen_has_every_dimension_with_band_words_and_our_hints(client, world):
    observasjon = observation_for(world, "own")
    response = as_user(client, world.users[Role.OBSERVER]).get(
        reverse("observasjoner:record", args=[observasjon.pk]))
    page = response.content.decode()
    dimensions = Dimensjon.objects.filter(domene__instrument=observasjon.instrument)
    assert dimensions.count() == 10
    for dimensjon in dimensions:
        for value in range(1, 8):
            assert f'id="score-{dimensjon.code}-{value}"' in page
            assert f'for="score-{dimensjon.code}-{value}"' in page
        assert f'for="note-{dimensjon.code}"' in page
        assert escape(dimensjon.hint_en) in page
    for band in ("low", "middle", "high"):
        assert f'<span class="score-band">{band}</span>' in page
    assert "Never write a child's name" in page
    assert "no-store" in response["Cache-Control"]
    # No id is made on the server: each change gets its own in the browser.
    assert not UUID.search(page)


def test_the_cycle_screen_of_a_submitted_observation_sends_her_to_the_results(client, world):
    observasjon = submit(observation_for(world, "own"))
    response = as_user(client, world.users[Role.OBSERVER]).get(
        reverse("observasjoner:record", args=[observasjon.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("observasjoner:observation-detail",
                                           args=[observasjon.pk])


def test_a_closed_round_takes_no_more_recording(client, world):
    observasjon = observation_for(world, "own")
    Observasjonsrunde.objects.filter(pk=observasjon.runde_id).update(
        status=Observasjonsrunde.Status.CLOSED)
    response = as_user(client, world.users[Role.OBSERVER]).get(
        reverse("observasjoner:record", args=[observasjon.pk]))
    assert response.status_code == 302


def test_the_leader_sees_results_and_feedback_only_once_submitted(client, world):
    observasjon = observation_for(world, "own")
    record_cycle(observasjon, 1, PREK)
    as_user(client, world.users[Role.LEADER])
    url = reverse("observasjoner:observation-detail", args=[observasjon.pk])
    before = client.get(url).content.decode()
    assert "shown here when the observer has submitted" in before
    assert "Domain scores" not in before

    submit(observasjon, cycles=0)
    observasjon.feedback_strengths = "Varme og humor i samlingen."
    observasjon.feedback_meeting_on = date(2025, 11, 3)
    observasjon.save()
    observasjon.feedback_dimensions.set(Dimensjon.objects.filter(
        domene__instrument=observasjon.instrument, code="CD"))
    after = client.get(url).content.decode()
    assert "Domain scores" in after and "Varme og humor i samlingen." in after
    assert "CD Concept Development" in after
    assert "1 valid cycle of 1 recorded" in after
    assert "Lowest–highest" in after  # the spread between cycles


def test_the_leader_result_list_holds_her_own_departments_only(client, world):
    own = submit(observation_for(world, "own"))
    sibling = submit(observation_for(world, "sibling"))
    foreign = submit(observation_for(world, "foreign"))
    page = as_user(client, world.users[Role.LEADER]).get(
        reverse("observasjoner:result-list")).content.decode()
    assert reverse("observasjoner:observation-detail", args=[own.pk]) in page
    assert reverse("observasjoner:observation-detail", args=[sibling.pk]) not in page
    assert reverse("observasjoner:observation-detail", args=[foreign.pk]) not in page
    consultant = as_user(client, world.users[Role.CONSULTANT]).get(
        reverse("observasjoner:result-list")).content.decode()
    assert reverse("observasjoner:observation-detail", args=[sibling.pk]) in consultant
    assert reverse("observasjoner:observation-detail", args=[foreign.pk]) not in consultant


def test_the_result_list_takes_a_fixed_number_of_queries(client, world,
                                                         django_assert_max_num_queries):
    for _ in range(4):
        submit(observation_for(world, "own"))
    as_user(client, world.users[Role.LEADER])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("observasjoner:result-list"))
    assert response.status_code == 200


def test_the_observer_writes_feedback_after_submitting(client, world):
    observasjon = observation_for(world, "own")
    as_user(client, world.users[Role.OBSERVER])
    url = reverse("observasjoner:feedback", args=[observasjon.pk])
    assert client.get(url)["Location"] == reverse("observasjoner:record",
                                                  args=[observasjon.pk])
    submit(observasjon)
    dimensions = list(Dimensjon.objects.filter(domene__instrument=observasjon.instrument,
                                               code__in=["CD", "QF", "LM"]))
    too_many = client.post(url, {"feedback_strengths": "Trygge voksne.",
                                 "feedback_dimensions": [d.pk for d in dimensions]})
    assert too_many.status_code == 200
    assert "Choose one or two dimensions" in too_many.content.decode()
    saved = client.post(url, {"feedback_strengths": "Trygge voksne.",
                              "feedback_dimensions": [dimensions[0].pk],
                              "feedback_development": "Flere hvorfor-spørsmål.",
                              "feedback_meeting_on": "2025-11-03"})
    assert saved.status_code == 302
    observasjon.refresh_from_db()
    assert observasjon.feedback_strengths == "Trygge voksne."
    assert observasjon.feedback_meeting_on == date(2025, 11, 3)
    assert list(observasjon.feedback_dimensions.values_list("code", flat=True)) == ["CD"]


def double_coded(world):
    """A primary observation and a second coding by another observer of municipality A."""
    second = make_user("second@example.test")
    Membership.objects.create(user=second, role=Role.OBSERVER, kommune=world.kommune["own"],
                              barnehage=world.barnehage["sibling"])
    primary = observation_for(world, "sibling")
    coding = Observasjon.objects.create(
        runde=primary.runde, avdeling=primary.avdeling, observer=second,
        instrument=primary.instrument, planned_date=primary.planned_date,
        double_coding_of=primary)
    return primary, coding


def test_agreement_is_shown_only_once_both_codings_are_submitted(client, world):
    primary, coding = double_coded(world)
    submit(primary)
    as_user(client, world.users[Role.OBSERVER])
    url = reverse("observasjoner:observation-detail", args=[primary.pk])
    assert "Agreement between the two codings" not in client.get(url).content.decode()
    assert client.get(reverse("observasjoner:observation-detail",
                              args=[coding.pk])).status_code == 404

    submit(coding, scores={**PREK, "PC": 4, "LM": 4})
    page = client.get(url).content.decode()
    assert "Agreement between the two codings" in page
    pc_row = page[page.index("<th scope=\"row\">PC Positive Climate</th>", page.index(
        "agreement-heading")):]
    pc_row = pc_row[:pc_row.index("</tr>")]
    assert "0 %" in pc_row and "not met" in pc_row  # 6 against 4 in every cycle
    lm_row = page[page.index("<th scope=\"row\">LM Language Modeling</th>",
                             page.index("agreement-heading")):]
    lm_row = lm_row[:lm_row.index("</tr>")]
    assert "100 %" in lm_row and ">met<" in lm_row  # 3 against 4: within one
    # The consultant sees it too; the leader never sees the second coding.
    consultant = as_user(client, world.users[Role.CONSULTANT]).get(url).content.decode()
    assert "Agreement between the two codings" in consultant


def test_staff_write_practice_stories_for_their_own_kindergarten_only(client, world):
    as_user(client, world.users[Role.LEADER])
    dimensjon = Dimensjon.objects.get(domene__instrument__code="prek", code="LM")
    url = reverse("observasjoner:story-create")
    other = client.post(url, {"barnehage": world.barnehage["sibling"].pk,
                              "dimensjon": dimensjon.pk, "month": "2025-10",
                              "title": "Lunsj", "story": "Samtaler."})
    assert other.status_code == 200 and not Praksisfortelling.objects.exists()
    saved = client.post(url, {"barnehage": world.barnehage["own"].pk,
                              "avdeling": world.avdeling["own"].pk,
                              "dimensjon": dimensjon.pk, "month": "2025-10",
                              "title": "Samtale ved lunsj",
                              "story": "En voksen fulgte opp et spørsmål om regn."})
    story = Praksisfortelling.objects.get()
    assert saved["Location"] == reverse("observasjoner:story-detail", args=[story.pk])
    assert story.month == date(2025, 10, 1) and story.author == world.users[Role.LEADER]
    listing = client.get(reverse("observasjoner:story-list")).content.decode()
    assert "Samtale ved lunsj" in listing
    form = client.get(url).content.decode()
    assert 'class="form-text">Never write a child\'s name.</div>' in form  # help text


def test_the_monthly_plan_is_set_by_the_leader_and_read_by_staff(client, world):
    barnehage = world.barnehage["own"]
    url = reverse("observasjoner:monthly-plan", args=[barnehage.pk])
    dimensjon = Dimensjon.objects.get(domene__instrument__code="toddler", code="LM")
    as_user(client, world.users[Role.LEADER])
    response = client.post(url, {"month": "2025-10", "dimensjon": dimensjon.pk,
                                 "note": "Språk i hverdagen"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2025")
    client.post(url, {"month": "2025-10", "dimensjon": Dimensjon.objects.get(
        domene__instrument__code="toddler", code="PC").pk})
    plan = Maanedsplan.objects.get(barnehage=barnehage)
    assert plan.dimensjon.code == "PC" and plan.month == date(2025, 10, 1)
    observer_page = as_user(client, world.users[Role.OBSERVER]).get(
        url + "?year=2025").content.decode()
    assert "PC Positive Climate" in observer_page
    assert "Choose a month&#x27;s dimension" not in observer_page
    assert client.post(url, {"month": "2025-11", "dimensjon": dimensjon.pk}).status_code == 403


def test_home_shows_the_observer_her_next_observations_and_the_leader_her_results(
        client, world):
    upcoming = observation_for(world, "sibling")
    home = as_user(client, world.users[Role.OBSERVER]).get(reverse("home")).content.decode()
    assert "Your next observations" in home
    assert reverse("observasjoner:record", args=[upcoming.pk]) in home
    assert f'href="{reverse("observasjoner:my-observations")}"' in home
    done = submit(observation_for(world, "own"))
    leader = as_user(client, world.users[Role.LEADER]).get(reverse("home")).content.decode()
    assert "Your next observations" not in leader
    assert reverse("observasjoner:observation-detail", args=[done.pk]) in leader
    assert f'href="{reverse("observasjoner:story-list")}"' in leader


def test_the_service_worker_is_served_at_the_root_and_never_caches_the_api(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/static/js/recorder.js"' in body
    assert '"apiPrefix": "/observasjoner/api/"' in body
    assert re.search(r'"pagePattern": "[^"]*registrering', body)


@pytest.mark.parametrize(("name", "role"), [("record", Role.OBSERVER),
                                            ("observation-detail", Role.CONSULTANT)])
def test_observation_pages_take_a_fixed_number_of_queries(client, world, name, role,
                                                          django_assert_max_num_queries):
    observasjon = observation_for(world, "own", status=Observasjon.Status.IN_PROGRESS)
    for number in range(1, 5):
        record_cycle(observasjon, number, PREK)
    as_user(client, world.users[role])
    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"observasjoner:{name}", args=[observasjon.pk]))
    assert response.status_code == 200
