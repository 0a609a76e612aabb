"""Stored results (docs/domain.md, Stored results): every write path stores the scoring
module's result in its own transaction, the bulk writer equals `scoring.result_of`, and
`check_results` proves stored == recomputed or fails."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from barnehager.models import Role
from observasjoner import results, scoring
from observasjoner.models import (
    Endring,
    Observasjon,
    Observasjonsrunde,
    Resultat,
    Resultatverdi,
    Skaar,
)
from observasjoner.recording import services as recording
from observasjoner.rounds import assignment
from observasjoner.rounds import services as rounds
from observasjoner.rounds.importing import import_observations
from tests.observasjoner import factories as f
from tests.observasjoner.recording.matrix import observation_for, record_cycle

pytestmark = pytest.mark.django_db

PREK = {"PC": 6, "NC": 1, "TS": 6, "RSP": 5, "BM": 6, "PD": 5, "ILF": 5, "CD": 3, "QF": 2,
        "LM": 3}
IMPORT = ("kommune,barnehage,avdeling,date,observer_email,instrument,cycle,"
          "PC,NC,TS,RSP,BM,PD,ILF,CD,QF,LM,RCP,BG,FLD\n"
          + "".join(f"aby,A2 barnehage,Storeslem,2024-10-15,observer.a@example.test,prek,{n},"
                    f"6,1,6,5,5,6,5,3,2,3,,,\n" for n in (1, 2, 3)))


class Boom(Exception):
    pass


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def stored(observasjon: Observasjon) -> scoring.ObservationResult | None:
    """The stored result read back as the scoring module's dataclass (problems aside)."""
    head = Resultat.objects.filter(pk=observasjon.pk).first()
    if head is None:
        return None
    values = {(v.kind, v.code): v for v in Resultatverdi.objects.filter(resultat=head)}
    spec = scoring.spec_for(observasjon.instrument)
    dimension = {code: values[results.DIMENSION, code] for code in spec.dimension_codes}
    return scoring.ObservationResult(
        valid_cycles=head.valid_cycles, counts=head.counts,
        dimension_means={code: v.value for code, v in dimension.items()},
        domain_scores={d.code: values[results.DOMAIN, d.code].value for d in spec.domains},
        spread={code: (v.low, v.high) if v.low is not None else None
                for code, v in dimension.items()})


def raw(observasjon: Observasjon) -> scoring.ObservationResult:
    """The scoring module applied to the raw scores, as a page that shows one observation
    does it; second codings never count."""
    observasjon = recording.reload(observasjon)
    result = scoring.result_of(observasjon)
    result.problems = {}
    result.counts = result.counts and observasjon.double_coding_of_id is None
    return result


def a_ready_observation(world) -> Observasjon:
    observasjon = observation_for(world, "own")
    for number in (1, 2, 3):
        record_cycle(observasjon, number, PREK | {"PC": 4 + number})
    return observasjon


# Each write path ---------------------------------------------------------------------------

def test_submitting_stores_the_result_in_the_same_transaction(world, monkeypatch):
    observasjon = a_ready_observation(world)
    with pytest.raises(Boom), transaction.atomic():
        recording.submit(observasjon)
        assert stored(observasjon) == raw(observasjon)
        raise Boom  # a failure after it: the submission and its result go together
    observasjon.refresh_from_db()
    assert observasjon.status != Observasjon.Status.SUBMITTED and stored(observasjon) is None

    def broken(*args, **kwargs):
        raise Boom
    with monkeypatch.context() as patch:
        patch.setattr(results, "compute", broken)
        with pytest.raises(Boom):
            recording.submit(observasjon)
    observasjon.refresh_from_db()
    assert observasjon.status != Observasjon.Status.SUBMITTED

    recording.submit(observasjon)
    result = stored(observasjon)
    assert result == raw(observasjon) and result.counts and result.valid_cycles == 3
    assert result.dimension_means["PC"] == 6 and result.spread["PC"] == (5, 7)


def test_an_amendment_restores_the_result_or_is_undone(world, monkeypatch):
    observasjon = a_ready_observation(world)
    recording.submit(observasjon)
    skaar = Skaar.objects.get(syklus__observasjon=observasjon, syklus__number=1,
                              dimensjon__code="PC")
    consultant = world.users[Role.CONSULTANT]

    def broken(*args, **kwargs):
        raise Boom
    with monkeypatch.context() as patch:
        patch.setattr(results, "compute", broken)
        with pytest.raises(Boom):
            rounds.amend_score(skaar, 1, "Wrong dimension", consultant)
    assert not Endring.objects.exists() and Skaar.objects.get(pk=skaar.pk).value == 5
    before = stored(observasjon)

    rounds.amend_score(skaar, 1, "Wrong dimension", consultant)
    after = stored(observasjon)
    assert after == raw(observasjon) != before
    assert after.dimension_means["PC"] == pytest.approx((1 + 6 + 7) / 3)
    assert after.spread["PC"] == (1, 7)


def test_closing_a_round_stores_the_locked_results(world, monkeypatch):
    observasjon = a_ready_observation(world)
    recording.submit(observasjon)
    Resultat.objects.all().delete()  # as before stored results existed
    runde = observasjon.runde

    def broken(*args, **kwargs):
        raise Boom
    with monkeypatch.context() as patch:
        patch.setattr(results, "compute", broken)
        with pytest.raises(Boom):
            assignment.close_round(runde, world.users[Role.CONSULTANT])
    runde.refresh_from_db()
    assert runde.status == Observasjonsrunde.Status.ACTIVE

    assignment.close_round(runde, world.users[Role.CONSULTANT])
    observasjon.refresh_from_db()
    assert observasjon.status == Observasjon.Status.LOCKED
    assert stored(observasjon) == raw(observasjon)


def test_an_import_stores_its_results_or_imports_nothing(world, monkeypatch):
    def broken(*args, **kwargs):
        raise Boom
    with monkeypatch.context() as patch:
        patch.setattr(results, "compute", broken)
        with pytest.raises(Boom):
            import_observations(IMPORT.encode(), kommuner=[world.kommune["own"]])
    assert not Observasjon.objects.exists() and not Resultat.objects.exists()

    import_observations(IMPORT.encode(), kommuner=[world.kommune["own"]])
    observasjon = Observasjon.objects.get()
    assert stored(observasjon) == raw(observasjon)
    assert stored(observasjon).domain_scores["ES"] == pytest.approx((6 + 7 + 6 + 5) / 4)


def test_changing_the_rules_of_a_round_or_a_department_restores_results(world):
    observasjon = a_ready_observation(world)
    recording.submit(observasjon)
    runde = Observasjonsrunde.objects.get(pk=observasjon.runde_id)
    runde.min_valid_cycles = 4
    runde.save()
    assert stored(observasjon).counts is False == raw(observasjon).counts
    avdeling = observasjon.avdeling
    avdeling.enrolled_children = 40  # 15 present of 40: no cycle is valid any more
    avdeling.save()
    assert stored(observasjon).valid_cycles == 0 == raw(observasjon).valid_cycles


# The bulk writer and the check ---------------------------------------------------------------

@pytest.fixture
def awkward(world):
    """Observations the validity rules treat differently: short, interrupted, thin, with
    a missing score, a second coding, a department count instead of the observation's."""
    kommune = world.kommune["own"]
    runde = f.runde(kommune, status=Observasjonsrunde.Status.CLOSED)
    observer = world.users[Role.OBSERVER]
    own, sibling = world.avdeling["own"], world.avdeling["sibling"]
    made = [
        f.observation(runde, own, observer, status="locked",
                      scores=[PREK, PREK | {"NC": 3, "CD": 1}, PREK | {"LM": 7}]),
        f.observation(runde, sibling, observer, status="submitted", minutes=8,
                      scores=[PREK, PREK]),
        f.observation(runde, sibling, observer, status="submitted",
                      scores=[PREK, {k: v for k, v in PREK.items() if k != "QF"}, PREK]),
        f.observation(runde, own, observer, status="planned", scores=[PREK, PREK]),
    ]
    made.append(f.observation(runde, own, world.users[Role.CONSULTANT], status="submitted",
                              scores=[PREK, PREK], double_coding_of=made[0]))
    made[0].sykluser.filter(number=2).update(interrupted=True)
    made[2].children_enrolled = 40
    made[2].save()
    return made


def test_the_bulk_writer_equals_the_scoring_module_for_every_observation(awkward):
    assert results.store_results(awkward, chunk_size=2) == 4  # the planned one has none
    for observasjon in awkward:
        if observasjon.status == Observasjon.Status.PLANNED:
            assert stored(observasjon) is None
        else:
            assert stored(observasjon) == raw(observasjon)
    assert [stored(o).counts for o in awkward if stored(o)] == [True, False, False, False]


def test_check_results_fails_on_any_difference_and_rebuild_repairs_it(awkward, capsys):
    results.rebuild()
    call_command("check_results")
    assert "Every stored result equals" in capsys.readouterr().out
    verdi = Resultatverdi.objects.filter(resultat_id=awkward[0].pk, kind="domain").first()
    verdi.value += 0.01
    verdi.save()
    Resultat.objects.filter(pk=awkward[1].pk).delete()
    Observasjon.objects.filter(pk=awkward[2].pk).update(status="in_progress")
    with pytest.raises(CommandError):
        call_command("check_results", "--kommune", "aby")
    out = capsys.readouterr().out
    assert f"observation {awkward[0].pk}: stored" in out
    assert f"observation {awkward[1].pk}: no stored result" in out
    assert f"observation {awkward[2].pk}: a stored result" in out
    # The changed domain score no longer matches its semester's sum either.
    assert "semester sum (" in out
    with pytest.raises(CommandError):
        call_command("rebuild_results", "--check")
    call_command("rebuild_results", "--kommune", "aby")
    assert list(results.differences()) == []
    assert list(results.sum_differences()) == []
    call_command("rebuild_results", "--check")


def test_the_bulk_writer_takes_the_same_queries_for_more_observations(
        world, awkward, django_assert_max_num_queries):
    """A chunk costs the same queries whether it holds 5 or 40 observations: about a dozen
    for the results, and for the semester sums they touch a lock, the band limits and per
    municipality and instrument a delete, the observation counts, the sums and an insert."""
    runde = awkward[0].runde
    observer = world.users[Role.OBSERVER]
    results.store_results(awkward)
    with django_assert_max_num_queries(25):
        results.store_results(awkward)
    for _ in range(35):
        f.observation(runde, world.avdeling["sibling"], observer, status="submitted",
                      scores=[PREK, PREK])
    with django_assert_max_num_queries(25):
        assert results.store_results(Observasjon.objects.all()) == 39
