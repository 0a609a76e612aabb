"""The dashboard selectors on a hand-built dataset: every figure equals what the scoring
module gives for the same observations, with its n."""

from dataclasses import replace

import pytest
from django.utils import translation

from barnehager.models import AgeGroup
from observasjoner import results, scoring
from observasjoner.models import Observasjon
from rapporter import selectors
from rapporter.selectors import Filters, SemesterKey
from tests.rapporter.dashboards.factories import (
    add_cycles,
    build_dataset,
    make_observation,
    make_round,
    uniform,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def data(world):
    return build_dataset(world)


def expected_results(*observations):
    results = []
    for observasjon in Observasjon.objects.filter(pk__in=[o.pk for o in observations]):
        results.append(scoring.result_of(observasjon))
    return results


def test_only_counting_observations_of_the_municipality_are_loaded(data):
    kommune, obs = data
    loaded = selectors.load_observations(kommune)
    assert sorted(row.id for row in loaded.rows) == sorted(o.pk for o in obs.values())
    assert loaded.semesters == [SemesterKey.of(2024, "autumn"), SemesterKey.of(2025, "spring")]
    assert loaded.latest_semester.slug == "2025-spring"


def test_trend_equals_scoring_module_with_n(data):
    kommune, obs = data
    loaded = selectors.load_observations(kommune)
    trend = selectors.domain_trend(loaded, "prek")
    assert [group.label for group in trend] == ["Autumn 2024", "Spring 2025"]
    autumn = expected_results(obs["a1_autumn"], obs["a2_autumn"])
    for code in ("ES", "CO", "IS"):
        aggregate = scoring.aggregate(result.domain_scores[code] for result in autumn)
        figure = trend[0].figures[code]
        assert figure.mean == pytest.approx(aggregate.mean)
        assert figure.n == aggregate.n == 2
        assert figure.sd == pytest.approx(aggregate.sd)
    # Hand-worked: A1 autumn ES = mean(6.5, 8 - 1, 6.5, 6.5) = 6.625; A2 = mean(4.5, 6, 4.5,
    # 4.5) = 4.875; the municipality's autumn ES = 5.75, high band, above the threshold 5.
    es = trend[0].figures["ES"]
    assert es.mean == pytest.approx(5.75)
    assert (es.low, es.high) == (pytest.approx(4.875), pytest.approx(6.625))
    assert es.band == "high" and es.threshold == 5 and es.above_threshold
    assert trend[1].figures["ES"].n == 1 and trend[1].figures["ES"].small


def test_groupings_by_kindergarten_network_cohort_and_age_group(data, world):
    kommune, obs = data
    loaded = selectors.load_observations(kommune)
    autumn = SemesterKey.of(2024, "autumn")
    by_kindergarten = selectors.domain_by(loaded, "prek", "barnehage", semester=autumn)
    assert [(group.label, group.n) for group in by_kindergarten] == [
        ("A1 barnehage", 1), ("A2 barnehage", 1)]
    [a1_result] = expected_results(obs["a1_autumn"])
    assert by_kindergarten[0].figures["IS"].mean == pytest.approx(a1_result.domain_scores["IS"])
    [network] = selectors.domain_by(loaded, "prek", "nettverk", semester=autumn)
    [cohort] = selectors.domain_by(loaded, "prek", "pulje", semester=autumn)
    assert network.label == "A nett" and cohort.label == "A pulje" and network.n == cohort.n == 2
    spring = SemesterKey.of(2025, "spring")
    ages = {group.key: group for group in
            selectors.domain_by(loaded, "toddler", "age_group", semester=spring)}
    assert list(ages) == [AgeGroup.TODDLER] and ages[AgeGroup.TODDLER].n == 1
    [tod] = expected_results(obs["tod_spring"])
    assert ages[AgeGroup.TODDLER].figures["EBS"].mean == pytest.approx(tod.domain_scores["EBS"])


def test_min_n_suppresses_small_groups(data):
    kommune, _obs = data
    loaded = selectors.load_observations(kommune)
    [autumn, _spring] = selectors.domain_trend(loaded, "prek", min_n=selectors.PRIVACY_MIN_N)
    assert autumn.figures["ES"].suppressed and autumn.figures["ES"].mean is None
    assert autumn.figures["ES"].n == 2 and autumn.suppressed
    bands = selectors.band_distribution(loaded, "prek", semester=None, min_n=5)
    assert all(row.suppressed and row.share("high") is None for row in bands)
    open_trend = selectors.domain_trend(loaded, "prek")
    assert not open_trend[0].figures["ES"].suppressed


def test_band_distribution_counts_observations_per_band(data):
    kommune, obs = data
    loaded = selectors.load_observations(kommune)
    bands = {row.domain: row for row in selectors.band_distribution(
        loaded, "prek", semester=SemesterKey.of(2024, "autumn"))}
    spec = loaded.specs["prek"]
    expected = {"low": 0, "middle": 0, "high": 0}
    for result in expected_results(obs["a1_autumn"], obs["a2_autumn"]):
        expected[result.domain_band(spec, "ES")] += 1
    assert bands["ES"].counts == expected == {"low": 0, "middle": 1, "high": 1}
    assert bands["ES"].n == 2 and bands["ES"].share("high") == 0.5


def test_departments_that_fell_a_band(data, world):
    kommune, _obs = data
    loaded = selectors.load_observations(kommune)
    drops = selectors.band_drops(loaded)
    assert {(drop.avdeling_id, drop.domain) for drop in drops} == {
        (world.avdeling["own"].pk, "ES"), (world.avdeling["own"].pk, "CO")}
    es = next(drop for drop in drops if drop.domain == "ES")
    assert (es.before_band, es.after_band) == ("high", "middle")
    assert es.before_semester.slug == "2024-autumn" and es.after_semester.slug == "2025-spring"


def test_spread_between_cycles(data):
    kommune, _obs = data
    loaded = selectors.load_observations(kommune)
    spread = {row.dimension: row for row in selectors.cycle_spread(
        loaded, "prek", semester=SemesterKey.of(2025, "spring"))}
    # A1 spring PC cycles 4, 5, 4: range 1; NC 3, 3, 3: range 0.
    assert spread["PC"].mean_range == 1 and spread["PC"].max_range == 1
    assert spread["NC"].mean_range == 0 and spread["PC"].n == 1
    assert spread["PC"].mean == pytest.approx(13 / 3)


def test_filters(data, world):
    kommune, obs = data
    toddlers = selectors.load_observations(kommune, filters=Filters(age_group=AgeGroup.TODDLER))
    assert [row.id for row in toddlers.rows] == [obs["tod_spring"].pk]
    assert list(toddlers.instruments) == ["prek", "toddler"]
    prek = selectors.load_observations(kommune, filters=Filters(instrument="prek"))
    assert list(prek.instruments) == ["prek"] and prek.instrument_codes() == ["prek"]
    own = selectors.load_observations(kommune, barnehage_ids=[world.barnehage["sibling"].pk])
    assert [row.id for row in own.rows] == [obs["a2_autumn"].pk]
    semester = Filters(semester=SemesterKey.parse("2024-autumn"))
    assert selectors.load_observations(kommune, filters=semester).selected_semester.year == 2024


def test_round_progress_counts_by_status(data, world):
    kommune, _obs = data
    progress = {item.runde.semester: item for item in selectors.round_progress(kommune)}
    spring = progress["spring"]
    # a1 spring, tod spring, the thin one (submitted) and a planned one; the second coding
    # is not counted.
    assert (spring.planned, spring.in_progress, spring.submitted, spring.total) == (1, 0, 3, 4)
    assert progress["autumn"].done_share == 1


def test_round_progress_keeps_the_newest_rounds_with_the_same_counts(data, world,
                                                                    django_assert_num_queries):
    kommune, _obs = data
    every = selectors.round_progress(kommune)
    assert len(every) >= 2
    with django_assert_num_queries(3):
        newest = selectors.round_progress(kommune, newest=1)
    assert [(item.runde, item.planned, item.submitted, item.total) for item in newest] == [
        (item.runde, item.planned, item.submitted, item.total) for item in every[:1]]
    sibling = [world.barnehage["sibling"].pk]
    assert [item.runde for item in selectors.round_progress(
        kommune, barnehage_ids=sibling, newest=5)] == [
        item.runde for item in selectors.round_progress(kommune, barnehage_ids=sibling)]


def test_semester_key_parsing():
    assert SemesterKey.parse("2025-autumn") == SemesterKey.of(2025, "autumn")
    assert SemesterKey.parse("nonsense") is None and SemesterKey.parse("2025-summer") is None
    assert SemesterKey.of(2025, "spring") < SemesterKey.of(2025, "autumn")


def test_every_loaded_result_equals_scoring_result_of(data, world):
    kommune, _obs = data
    # Add an observation with cycles the validity rules reject: short, interrupted, thin.
    runde = make_round(kommune, 2025, "autumn")
    mixed = make_observation(runde, world.avdeling["sibling"], world.users["observer"],
                             [uniform("prek", 5), uniform("prek", 6)])
    add_cycles([(mixed, [{}, {}])], minutes=5, first=3)  # no scores: invalid
    mixed.sykluser.filter(number=2).update(interrupted=True)
    mixed.children_enrolled = 50  # 20 present of 50: below half
    mixed.save()
    results.store_results([mixed.pk])  # as an amendment would
    other = make_observation(runde, world.avdeling["own"], world.users["observer"],
                             [uniform("prek", 3), uniform("prek", 4, PC=7)], minutes=9)
    loaded = {row.id: row.result for row in selectors.load_observations(kommune).rows}
    expected = {}
    for observasjon in Observasjon.objects.filter(runde__kommune=kommune).prefetch_related(
            "sykluser__skaar__dimensjon").select_related("runde", "avdeling", "instrument"):
        result = scoring.result_of(observasjon)
        if (observasjon.status in selectors.COUNTING_STATUSES
                and observasjon.double_coding_of_id is None and result.counts):
            # The reasons a cycle is invalid are not stored, only the figures.
            expected[observasjon.pk] = replace(result, problems={})
    assert loaded == expected
    assert mixed.pk not in loaded and other.pk not in loaded
