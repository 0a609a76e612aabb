"""Two tablets of one observer work on the same cycle at the same moment, on a gunicorn
with several workers (so the requests really run side by side), and one of them submits
twice (a double tap): one change wins, the other is told of the conflict with the server's
value (the tablet shows it to choose, tests/observasjoner/recording/
test_browser_conflicts.py), a retry changes nothing, and nothing is stored twice.

tests/observasjoner/recording/test_api.py checks the same rules one request after another;
this adds requests that arrive together."""

import threading
import uuid

import pytest
from django.urls import reverse

from barnehager.models import Role
from observasjoner.models import Observasjon, Resultat, Skaar, Syklus
from tests.observasjoner.recording.matrix import observation_for, record_cycle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

PREK = {"PC": 6, "NC": 1, "TS": 6, "RSP": 5, "BM": 6, "PD": 5, "ILF": 5, "CD": 3, "QF": 2,
        "LM": 3}


def together(*calls):
    """Runs the calls at the same moment; their answers in order."""
    answers = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        start.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=(index, call))
               for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def test_two_tablets_conflict_on_one_cycle_and_one_submits_twice(stack, world, password, seen):
    web = stack.gunicorn(workers=3)
    observasjon = observation_for(world, "own", status=Observasjon.Status.IN_PROGRESS)
    cycles = [record_cycle(observasjon, number, PREK) for number in (1, 2, 3)]
    first = cycles[0]
    a, b = web.client(), web.client()
    for tablet in (a, b):
        tablet.log_in(world.users[Role.OBSERVER], password)
    score_url = reverse("observasjoner:api-score", args=[observasjon.pk])
    cycle_url = reverse("observasjoner:api-cycle", args=[observasjon.pk])

    # Both saw version 1 of PC in cycle 1; each changes it, at the same moment.
    change_a = {"change_id": str(uuid.uuid4()), "cycle": str(first.client_id),
                "dimension": "PC", "value": 7, "base_version": 1}
    change_b = {**change_a, "change_id": str(uuid.uuid4()), "value": 3}
    answer_a, answer_b = together(lambda: a.post(score_url, json=change_a),
                                  lambda: b.post(score_url, json=change_b))
    seen("tablet A changes PC (together with B)", answer_a)
    seen("tablet B changes PC (together with A)", answer_b)
    assert sorted([answer_a.status, answer_b.status]) == [200, 409]
    winner, loser = (answer_a, answer_b) if answer_a.status == 200 else (answer_b, answer_a)
    conflict = loser.json()
    assert conflict["error"] == "version_conflict" and conflict["reason"]
    assert conflict["server"]["value"] == winner.json()["score"]["value"]
    assert conflict["server"]["version"] == 2
    # The losing tablet's retry of the same change is refused again, never applied.
    loser_change = change_b if loser is answer_b else change_a
    loser_tablet = b if loser is answer_b else a
    again = seen("losing tablet retries its change", loser_tablet.post(score_url,
                                                                    json=loser_change))
    assert again.status == 409
    assert Skaar.objects.get(syklus=first, dimensjon__code="PC").value == \
        winner.json()["score"]["value"]

    # Both start cycle 4 at the same moment, each with its own id: one gets it.
    new_a = {"client_id": str(uuid.uuid4()), "number": 4}
    new_b = {"client_id": str(uuid.uuid4()), "number": 4}
    started = together(lambda: a.post(cycle_url, json=new_a),
                       lambda: b.post(cycle_url, json=new_b))
    assert sorted(answer.status for answer in started) == [201, 409]
    taken = next(answer for answer in started if answer.status == 409).json()
    assert taken["error"] == "cycle_number_taken" and taken["next_number"] == 5
    Syklus.objects.filter(observasjon=observasjon, number=4).delete()  # she discards it

    # Tablet A submits, twice at once (a double tap on a slow network).
    submit_url = reverse("observasjoner:api-submit", args=[observasjon.pk])
    one, two = together(lambda: a.post(submit_url, json={}), lambda: a.post(submit_url, json={}))
    seen("tablet A submits (first tap)", one)
    seen("tablet A submits (second tap)", two)
    assert one.status == two.status == 200, (one.text, two.text)
    assert sorted([one.json()["status"], two.json()["status"]]) == ["already_submitted",
                                                                    "submitted"]
    observasjon.refresh_from_db()
    assert observasjon.status == Observasjon.Status.SUBMITTED
    assert Syklus.objects.filter(observasjon=observasjon).count() == 3
    assert Skaar.objects.filter(syklus__observasjon=observasjon).count() == 30
    assert Resultat.objects.filter(observasjon=observasjon).count() == 1
    # Tablet B's late change is refused: the observation is locked.
    late = b.post(score_url, json={**change_b, "change_id": str(uuid.uuid4()),
                                   "base_version": 2})
    assert late.status == 423
