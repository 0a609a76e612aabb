"""The tablet's JSON API: idempotent saves, conflicts from a second device, the lock after
submitting, validation on submit, and JSON refusals with a reason."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from barnehager.models import Role
from observasjoner import scoring
from observasjoner.models import Observasjon, Observasjonsrunde, Skaar, Syklus
from observasjoner.recording import services
from tests.observasjoner.recording.matrix import observation_for, record_cycle

pytestmark = pytest.mark.django_db

PREK = {"PC": 6, "NC": 1, "TS": 6, "RSP": 5, "BM": 6, "PD": 5, "ILF": 5, "CD": 3, "QF": 2,
        "LM": 3}


@pytest.fixture(autouse=True)
def _english(settings):
    """The tests read the English msgids."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def observasjon(world):
    return observation_for(world, "own")


@pytest.fixture
def observer(client, world):
    client.force_login(world.users[Role.OBSERVER])
    return client


def post(client, name, observasjon, data):
    return client.post(reverse(f"observasjoner:{name}", args=[observasjon.pk]),
                       data=json.dumps(data), content_type="application/json")


def new_cycle(client, observasjon, number=1, **fields):
    data = {"client_id": str(uuid.uuid4()), "number": number, **fields}
    response = post(client, "api-cycle", observasjon, data)
    assert response.status_code == 201, response.json()
    return data


def score(cycle, code="PC", value=5, note="", base_version=0, change_id=None):
    return {"change_id": change_id or str(uuid.uuid4()), "cycle": cycle["client_id"],
            "dimension": code, "value": value, "note": note, "base_version": base_version}


def test_a_cycle_is_created_once_and_replays_create_nothing(observer, observasjon):
    data = new_cycle(observer, observasjon)
    replay = post(observer, "api-cycle", observasjon, data)
    assert replay.status_code == 200 and replay.json()["status"] == "unchanged"
    assert Syklus.objects.filter(observasjon=observasjon).count() == 1
    started = timezone.now().isoformat()
    update = post(observer, "api-cycle", observasjon, {**data, "started_at": started,
                                                       "children_present": 15})
    assert update.status_code == 200 and update.json()["status"] == "updated"
    syklus = Syklus.objects.get(client_id=data["client_id"])
    assert syklus.children_present == 15 and syklus.started_at is not None
    observasjon.refresh_from_db()
    assert observasjon.status == Observasjon.Status.IN_PROGRESS
    assert observasjon.observed_on is not None


def test_a_second_device_taking_the_same_cycle_number_is_told_the_next_free_one(
        observer, observasjon):
    new_cycle(observer, observasjon, number=1)
    response = post(observer, "api-cycle", observasjon,
                    {"client_id": str(uuid.uuid4()), "number": 1})
    assert response.status_code == 409
    assert response.json()["error"] == "cycle_number_taken"
    assert response.json()["next_number"] == 2
    assert Syklus.objects.filter(observasjon=observasjon).count() == 1


def test_a_score_is_created_once_and_a_replay_answers_200_without_a_new_row(
        observer, observasjon):
    cycle = new_cycle(observer, observasjon)
    change = score(cycle, "PC", 5)
    created = post(observer, "api-score", observasjon, change)
    assert created.status_code == 201
    assert created.json()["score"] == {"cycle": cycle["client_id"], "dimension": "PC",
                                       "value": 5, "note": "", "version": 1}
    replay = post(observer, "api-score", observasjon, change)
    assert replay.status_code == 200 and replay.json()["status"] == "replayed"
    assert Skaar.objects.count() == 1

    update = score(cycle, "PC", 6, note="Varme i samlingen.", base_version=1)
    changed = post(observer, "api-score", observasjon, update)
    assert changed.status_code == 200 and changed.json()["score"]["version"] == 2
    again = post(observer, "api-score", observasjon, update)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    skaar = Skaar.objects.get()
    assert (skaar.value, skaar.note, skaar.version) == (6, "Varme i samlingen.", 2)


def test_a_change_on_top_of_a_version_this_device_has_not_seen_is_a_conflict(
        observer, observasjon):
    cycle = new_cycle(observer, observasjon)
    post(observer, "api-score", observasjon, score(cycle, "TS", 5))
    # The second device saw version 1 and saves 4.
    assert post(observer, "api-score", observasjon,
                score(cycle, "TS", 4, base_version=1)).status_code == 200
    # The first device, still on version 1, saves 6: refused with the server's value.
    conflict = post(observer, "api-score", observasjon, score(cycle, "TS", 6, base_version=1))
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["error"] == "version_conflict" and body["reason"]
    assert body["server"] == {"cycle": cycle["client_id"], "dimension": "TS", "value": 4,
                              "note": "", "version": 2}
    assert Skaar.objects.get().value == 4
    # Once the observer has chosen hers, it is saved on top of what she saw.
    kept = post(observer, "api-score", observasjon, score(cycle, "TS", 6, base_version=2))
    assert kept.status_code == 200 and Skaar.objects.get().value == 6
    # Asking for what is already there is never a conflict.
    same = post(observer, "api-score", observasjon, score(cycle, "TS", 6, base_version=1))
    assert same.status_code == 200 and same.json()["status"] == "unchanged"


def test_a_first_score_from_two_devices_for_the_same_dimension_conflicts(observer, observasjon):
    cycle = new_cycle(observer, observasjon)
    post(observer, "api-score", observasjon, score(cycle, "LM", 3))
    other = post(observer, "api-score", observasjon, score(cycle, "LM", 5))
    assert other.status_code == 409 and other.json()["server"]["value"] == 3
    assert Skaar.objects.count() == 1


@pytest.mark.parametrize(("change", "error"), [
    ({"value": 8}, "invalid"),
    ({"value": 0}, "invalid"),
    ({"dimension": "RCP"}, "invalid"),  # a Toddler dimension, not Pre-K
    ({"cycle": str(uuid.uuid4())}, "unknown_cycle"),
    ({"change_id": "not-a-uuid"}, "invalid"),
    ({"note": "x" * 2001}, "invalid"),
])
def test_bad_changes_are_refused_with_a_reason(observer, observasjon, change, error):
    cycle = new_cycle(observer, observasjon)
    response = post(observer, "api-score", observasjon, {**score(cycle), **change})
    assert response.status_code in (400, 409)
    assert response.json()["error"] == error and response.json()["reason"]
    assert not Skaar.objects.exists()


def test_a_body_that_is_not_json_is_refused(observer, observasjon):
    response = observer.post(reverse("observasjoner:api-score", args=[observasjon.pk]),
                             data="value=5", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "invalid"


def complete_cycles(observasjon, count, **fields):
    return [record_cycle(observasjon, number, PREK, **fields) for number in range(1, count + 1)]


def test_submit_locks_the_observation_and_a_second_submit_creates_nothing(
        observer, observasjon):
    complete_cycles(observasjon, 3)
    response = post(observer, "api-submit", observasjon, {})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    observasjon.refresh_from_db()
    assert observasjon.status == Observasjon.Status.SUBMITTED
    first_submitted_at = observasjon.submitted_at
    assert first_submitted_at is not None
    again = post(observer, "api-submit", observasjon, {})
    assert again.status_code == 200 and again.json()["status"] == "already_submitted"
    observasjon.refresh_from_db()
    assert observasjon.submitted_at == first_submitted_at


def test_after_submitting_the_api_refuses_every_change(observer, observasjon):
    syklus = complete_cycles(observasjon, 3)[0]
    post(observer, "api-submit", observasjon, {})
    cycle = {"client_id": str(syklus.client_id), "number": 1}
    refused = [
        post(observer, "api-score", observasjon, score(cycle, "PC", 2, base_version=1)),
        post(observer, "api-cycle", observasjon, {**cycle, "interrupted": True}),
        post(observer, "api-cycle", observasjon, {"client_id": str(uuid.uuid4()), "number": 4}),
        post(observer, "api-observation", observasjon, {"children_enrolled": 20}),
    ]
    for response in refused:
        assert response.status_code == 423
        assert response.json()["error"] == "locked" and "amendment" in response.json()["reason"]
    assert Skaar.objects.get(syklus=syklus, dimensjon__code="PC").value == PREK["PC"]
    assert Syklus.objects.filter(observasjon=observasjon).count() == 3
    state = observer.get(reverse("observasjoner:api-state", args=[observasjon.pk]))
    assert state.status_code == 200 and state.json()["observation"]["locked"] is True


def test_a_round_that_is_not_active_takes_no_scores(observer, observasjon):
    cycle = new_cycle(observer, observasjon)
    Observasjonsrunde.objects.filter(pk=observasjon.runde_id).update(
        status=Observasjonsrunde.Status.CLOSED)
    response = post(observer, "api-score", observasjon, score(cycle))
    assert response.status_code == 423 and response.json()["error"] == "round_not_active"


@pytest.mark.parametrize(("cycles", "expected"), [
    (lambda o: complete_cycles(o, 1), "Only 1 valid cycle;"),
    (lambda o: complete_cycles(o, 2, minutes=8), "under the 10 minutes"),
    (lambda o: [record_cycle(o, 1, {"PC": 5})], "missing scores for NC"),
    (lambda o: [], "No cycle has been recorded"),
    # Fewer than half of 18 enrolled children: the cycles do not count.
    (lambda o: complete_cycles(o, 3, children=8), "Only 0 valid cycles"),
])
def test_submit_checks_validity_with_the_scoring_module(observer, observasjon, cycles,
                                                        expected):
    cycles(observasjon)
    response = post(observer, "api-submit", observasjon, {})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "not_valid"
    assert any(expected in problem for problem in body["problems"]), body["problems"]
    observasjon.refresh_from_db()
    assert observasjon.status == Observasjon.Status.PLANNED


def test_an_interrupted_short_cycle_does_not_block_a_valid_observation(observer, observasjon):
    complete_cycles(observasjon, 2)
    record_cycle(observasjon, 3, {"PC": 4}, minutes=4, interrupted=True)
    response = post(observer, "api-submit", observasjon, {})
    assert response.status_code == 200


def test_the_summary_comes_from_the_scoring_module(observer, observasjon):
    complete_cycles(observasjon, 2)
    cycle = new_cycle(observer, observasjon, number=3)
    response = post(observer, "api-score", observasjon, score(cycle, "PC", 5))
    summary = response.json()["summary"]
    result = scoring.result_of(services.reload(observasjon))
    assert summary["valid_cycles"] == result.valid_cycles == 2
    es = next(row for row in summary["domains"] if row["code"] == "ES")
    assert es["value"] == round(result.domain_scores["ES"], 2)
    assert es["band"] == "high" and es["band_label"] == "high"
    assert summary["problems"]["3"]  # the third cycle is still missing scores


def test_a_score_save_takes_a_fixed_number_of_queries(observer, observasjon,
                                                      django_assert_max_num_queries):
    complete_cycles(observasjon, 3)
    cycle = new_cycle(observer, observasjon, number=4)
    # Session, user, roles, the observation; lock, cycle, dimension, replay-or-existing
    # score, insert, status; the summary's domains, dimensions, cycles, scores.
    with django_assert_max_num_queries(15):
        response = post(observer, "api-score", observasjon, score(cycle, "PC", 5))
    assert response.status_code == 201


def test_refusals_are_json_with_a_reason(client, world, observasjon):
    url = reverse("observasjoner:api-state", args=[observasjon.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "login_required"
    client.force_login(world.users[Role.LEADER])
    assert client.get(url).json()["error"] == "forbidden"
    client.force_login(world.foreign_users[Role.OBSERVER])
    missing = client.get(url)
    assert missing.status_code == 404 and missing.json()["reason"]


def test_a_double_coding_observer_cannot_read_the_other_coding(client, world, observasjon):
    second = observation_for(world, "sibling")
    coding = Observasjon.objects.create(
        runde=observasjon.runde, avdeling=observasjon.avdeling, observer=second.observer,
        instrument=observasjon.instrument, planned_date=observasjon.planned_date,
        double_coding_of=observasjon)
    Observasjon.objects.filter(pk=observasjon.pk).update(observer=world.users[Role.LEADER])
    client.force_login(coding.observer)
    assert client.get(reverse("observasjoner:api-state", args=[coding.pk])).status_code == 200
    assert client.get(reverse("observasjoner:api-state",
                              args=[observasjon.pk])).status_code == 404


def test_state_lists_cycles_and_scores_with_their_versions(observer, observasjon):
    syklus = record_cycle(observasjon, 1, PREK)
    Skaar.objects.filter(syklus=syklus, dimensjon__code="PC").update(version=3)
    state = observer.get(reverse("observasjoner:api-state", args=[observasjon.pk])).json()
    assert [cycle["client_id"] for cycle in state["cycles"]] == [str(syklus.client_id)]
    pc = next(item for item in state["scores"] if item["dimension"] == "PC")
    assert pc == {"cycle": str(syklus.client_id), "dimension": "PC", "value": 6, "note": "",
                  "version": 3}
    assert state["generated_at"] <= timezone.now().isoformat()
    assert state["cycles"][0]["ended_at"] > (timezone.now() - timedelta(days=1)).isoformat()


def test_corrected_cycle_times_are_checked(observer, observasjon):
    """Issue 11, item 5: a forgotten timer is corrected by sending new times; the server
    refuses an end without a start, an end before the start and a day still to come."""

    data = new_cycle(observer, observasjon)
    now = timezone.now()
    refused = [
        {"ended_at": now.isoformat()},
        {"started_at": now.isoformat(), "ended_at": (now - timedelta(minutes=1)).isoformat()},
        {"started_at": (now + timedelta(days=1)).isoformat()},
    ]
    for times in refused:
        response = post(observer, "api-cycle", observasjon, {**data, **times})
        assert response.status_code == 400 and response.json()["error"] == "invalid", times
    start = now - timedelta(minutes=50)
    fixed = post(observer, "api-cycle", observasjon, {
        **data, "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=20)).isoformat()})
    assert fixed.status_code == 200
    assert Syklus.objects.get(client_id=data["client_id"]).minutes == 20
