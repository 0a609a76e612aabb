"""The scoring module on hand-worked examples (docs/domain.md, CLASS scoring)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from observasjoner import scoring
from observasjoner.scoring import CycleData, DimensionSpec, DomainSpec, InstrumentSpec
from tests.observasjoner.recording.matrix import observation_for, record_cycle

PREK = InstrumentSpec("prek", (
    DomainSpec("ES", (DimensionSpec("PC"), DimensionSpec("NC", reversed=True),
                      DimensionSpec("TS"), DimensionSpec("RSP")), threshold=5),
    DomainSpec("CO", (DimensionSpec("BM"), DimensionSpec("PD"), DimensionSpec("ILF")),
               threshold=5),
    DomainSpec("IS", (DimensionSpec("CD"), DimensionSpec("QF"), DimensionSpec("LM")),
               threshold=3),
))
TODDLER = InstrumentSpec("toddler", (
    DomainSpec("EBS", (DimensionSpec("PC"), DimensionSpec("NC", reversed=True),
                       DimensionSpec("TS"), DimensionSpec("RCP"), DimensionSpec("BG"))),
    DomainSpec("ESL", (DimensionSpec("FLD"), DimensionSpec("QF"), DimensionSpec("LM"))),
))


def test_design_check_emotional_support_with_negative_climate_reversed():
    means = {"PC": 5.97, "NC": 1.07, "TS": 5.87, "RSP": 5.43,
             "BM": 5, "PD": 5, "ILF": 5, "CD": 2, "QF": 2, "LM": 3}
    assert scoring.domain_scores(means, PREK)["ES"] == pytest.approx(6.05)


def test_toddler_observation_over_three_cycles():
    cycles = [
        CycleData(1, {"PC": 6, "NC": 1, "TS": 5, "RCP": 5, "BG": 6, "FLD": 3, "QF": 2, "LM": 4},
                  minutes=20),
        CycleData(2, {"PC": 5, "NC": 2, "TS": 6, "RCP": 4, "BG": 5, "FLD": 4, "QF": 3, "LM": 4},
                  minutes=18),
        CycleData(3, {"PC": 7, "NC": 1, "TS": 6, "RCP": 5, "BG": 6, "FLD": 3, "QF": 3, "LM": 5},
                  minutes=15),
    ]
    result = scoring.observation_result(cycles, TODDLER)
    assert result.valid_cycles == 3 and result.counts
    assert result.dimension_means["PC"] == pytest.approx(6.0)
    assert result.dimension_means["NC"] == pytest.approx(4 / 3)
    # EBS = mean(6, 8 - 4/3, 17/3, 14/3, 17/3)
    assert result.domain_scores["EBS"] == pytest.approx((6 + 8 - 4 / 3 + 17 / 3 + 14 / 3
                                                         + 17 / 3) / 5)
    assert result.domain_scores["ESL"] == pytest.approx((10 / 3 + 8 / 3 + 13 / 3) / 3)
    assert result.spread["PC"] == (5, 7)


@pytest.mark.parametrize(("value", "expected"), [
    (1, "low"), (2.49, "low"), (2.5, "middle"), (5.49, "middle"), (5.5, "high"), (7, "high"),
])
def test_bands(value, expected):
    assert scoring.band(value, PREK) == expected


def test_short_interrupted_and_thin_cycles_do_not_count():
    full = dict.fromkeys(TODDLER.dimension_codes, 4)
    cycles = [
        CycleData(1, full, minutes=9.5),
        CycleData(2, full, minutes=20, interrupted=True),
        CycleData(3, full, minutes=20, children_present=4, children_enrolled=10),
        CycleData(4, {**full, "LM": None}, minutes=20),
        CycleData(5, full, minutes=10, children_present=5, children_enrolled=10),
    ]
    result = scoring.observation_result(cycles, TODDLER)
    assert result.valid_cycles == 1
    assert not result.counts
    assert set(result.problems) == {1, 2, 3, 4}


def test_agreement_exact_within_one_and_icc():
    pairs = [(5, 5), (4, 5), (6, 4), (3, 3), (2, 2)]
    result = scoring.agreement(pairs)
    assert result.exact == pytest.approx(0.6)
    assert result.within_one == pytest.approx(0.8)
    assert result.meets_target
    # Hand-worked ICC(2,1): MSR = 3.6, MSC = 0.1, MSE = 0.6, so 3.0 / 4.0.
    assert result.icc == pytest.approx(0.75)


def test_icc_undefined_without_variance():
    assert scoring.icc_absolute([(4, 4), (4, 4)]) is None
    assert scoring.agreement([]).within_one is None


def test_a_cycle_whose_timer_still_runs_does_not_count(world):
    """Issue 11, item 5: the tablet's running summary counted a cycle as valid while its
    timer was still running (it has no length yet)."""
    full = dict.fromkeys(PREK.dimension_codes, 4)
    assert "still running" in " ".join(scoring.cycle_problems(
        CycleData(1, full, running=True), PREK, scoring.ValidityRules()))
    observasjon = observation_for(world, "own")
    done = record_cycle(observasjon, 1, full)
    running = record_cycle(observasjon, 2, full)
    running.started_at, running.ended_at = timezone.now() - timedelta(minutes=25), None
    running.save()
    result = scoring.result_of(observasjon)
    assert result.valid_cycles == 1
    assert set(result.problems) == {running.number} and done.number not in result.problems
