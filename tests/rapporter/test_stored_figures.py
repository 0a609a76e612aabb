"""The figures aggregated in SQL from stored results equal the scoring module applied to the
raw scores, at two data sizes, and each figure costs the same queries at both sizes."""

from __future__ import annotations

import random
from collections import defaultdict
from statistics import fmean

import pytest
from django.utils import translation

from observasjoner import results, scoring
from observasjoner.models import Instrument, Observasjon, Semestersum
from rapporter import selectors
from rapporter.selectors import PRIVACY_MIN_N, Filters, SemesterKey
from tests.rapporter.dashboards.factories import (
    add_cycles,
    build_dataset,
    dimension_codes,
    grow_kommune,
    make_round,
)

pytestmark = pytest.mark.django_db
NO_FILTERS = Filters()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def add_random_history(kommune, observer, avdelinger, semesters, seed: int) -> None:
    """Observations with scores drawn per cycle, so means, spreads and bands differ."""
    rng = random.Random(seed)
    instruments = selectors.instruments_with_structure()
    for year, semester in semesters:
        runde = make_round(kommune, year, semester)
        items = []
        for avdeling in avdelinger:
            code = avdeling.instrument_code
            observasjon = Observasjon.objects.create(
                runde=runde, avdeling=avdeling, observer=observer,
                instrument=instruments[code],
                planned_date=runde.start_date, observed_on=runde.start_date,
                status="locked")
            level = rng.uniform(2, 6)
            items.append((observasjon, [
                {dim: max(1, min(7, round(level + rng.gauss(0, 1.2)))) if dim != "NC"
                 else rng.choice((1, 1, 2, 3)) for dim in dimension_codes(code)}
                for _cycle in range(rng.choice((2, 3, 4)))]))
        add_cycles(items)


def raw_rows(kommune, filters: Filters = NO_FILTERS) -> list[dict]:
    """Every counting observation scored from its raw scores by `scoring.result_of`."""
    rows = []
    for observasjon in Observasjon.objects.filter(runde__kommune=kommune).select_related(
            "runde", "avdeling__barnehage", "instrument").prefetch_related(
            "sykluser__skaar__dimensjon", "instrument__domener__dimensjoner"):
        result = scoring.result_of(observasjon)
        if not (observasjon.status in selectors.COUNTING_STATUSES and result.counts
                and observasjon.double_coding_of_id is None):
            continue
        barnehage = observasjon.avdeling.barnehage
        row = {"instrument": observasjon.instrument.code, "result": result,
               "semester": SemesterKey.of(observasjon.runde.year, observasjon.runde.semester),
               "barnehage": barnehage.pk, "avdeling": observasjon.avdeling_id,
               "nettverk": barnehage.nettverk_id, "pulje": barnehage.pulje_id,
               "age_group": observasjon.avdeling.age_group}
        if ((filters.instrument and row["instrument"] != filters.instrument)
                or (filters.age_group and row["age_group"] != filters.age_group)):
            continue
        rows.append(row)
    return rows


def assert_figure(figure: selectors.Figure, values: list[float], spec, threshold,
                  min_n: int = 0) -> None:
    expected = selectors.figure(values, spec, threshold, min_n)
    assert (figure.n, figure.suppressed, figure.band) == (
        expected.n, expected.suppressed, expected.band)
    for name in ("mean", "sd", "low", "high"):
        want = getattr(expected, name)
        assert getattr(figure, name) == (None if want is None else pytest.approx(want))


def check_everything(kommune, filters: Filters = NO_FILTERS) -> int:
    """Compares every figure function with the raw recomputation; returns the figures."""
    data = selectors.load_observations(kommune, filters=filters)
    rows = raw_rows(kommune, filters)
    assert data.count == len(rows)
    assert data.semesters == sorted({row["semester"] for row in rows})
    checked = 0
    for instrument in data.instrument_codes():
        spec = data.specs[instrument]
        mine = [row for row in rows if row["instrument"] == instrument]
        for by in selectors.GROUPINGS:
            for semester in [None, *data.semesters]:
                groups = selectors.domain_by(data, instrument, by, semester=semester,
                                             min_n=PRIVACY_MIN_N if by == "pulje" else 0)
                expected = defaultdict(list)
                for row in mine:
                    if semester is None or row["semester"] == semester:
                        expected[row[by]].append(row["result"])
                assert {group.key: group.n for group in groups} == {
                    key: len(found) for key, found in expected.items()}
                for group in groups:
                    for domain in spec.domains:
                        assert_figure(group.figures[domain.code],
                                      [r.domain_scores[domain.code] for r in expected[group.key]],
                                      spec, domain.threshold,
                                      PRIVACY_MIN_N if by == "pulje" else 0)
                        checked += 1
        for semester in [None, *data.semesters]:
            chosen = [row["result"] for row in mine
                      if semester is None or row["semester"] == semester]
            total = selectors.domain_total(data, instrument, semester=semester)
            assert total.n == len(chosen)
            if not chosen:
                continue
            bands = {row.domain: row for row in selectors.band_distribution(
                data, instrument, semester=semester)}
            for domain in spec.domains:
                scores = [r.domain_scores[domain.code] for r in chosen]
                assert_figure(total.figures[domain.code], scores, spec, domain.threshold)
                counts = dict.fromkeys(selectors.BANDS, 0)
                for value in scores:
                    counts[scoring.band(value, spec)] += 1
                assert bands[domain.code].counts == counts
            for spread in selectors.cycle_spread(data, instrument, semester=semester):
                ranges = [r.spread[spread.dimension][1] - r.spread[spread.dimension][0]
                          for r in chosen]
                assert spread.n == len(chosen)
                assert spread.mean == pytest.approx(
                    fmean(r.dimension_means[spread.dimension] for r in chosen))
                assert spread.mean_range == pytest.approx(fmean(ranges))
                assert spread.max_range == max(ranges)
                checked += 1
    return checked


def test_sql_figures_equal_the_raw_recomputation_at_two_sizes(world):
    kommune, _obs = build_dataset(world)
    observer = world.users["observer"]
    avdelinger = [avdeling for barnehage in grow_kommune(kommune, observer, 3, prefix="S")
                  for avdeling in barnehage.avdelinger.all()]
    add_random_history(kommune, observer, avdelinger, ((2023, "spring"), (2023, "autumn")), 1)
    small = check_everything(kommune)
    check_everything(kommune, Filters(instrument="prek", age_group="storbarn"))
    bigger = [avdeling for barnehage in grow_kommune(kommune, observer, 8, prefix="L")
              for avdeling in barnehage.avdelinger.all()]
    add_random_history(kommune, observer, avdelinger + bigger,
                       ((2024, "autumn"), (2025, "autumn"), (2026, "spring")), 2)
    assert check_everything(kommune) > small
    check_everything(kommune, Filters(instrument="prek", age_group="storbarn"))


def figure_queries(data: selectors.ObservationSet) -> None:
    semester = data.selected_semester
    for instrument in data.instrument_codes():
        selectors.domain_trend(data, instrument)
        selectors.domain_total(data, instrument, semester=semester)
        for by in ("barnehage", "nettverk", "pulje", "age_group"):
            selectors.domain_by(data, instrument, by, semester=semester)
        selectors.band_distribution(data, instrument, semester=semester)
        selectors.cycle_spread(data, instrument, semester=semester)
    selectors.band_drops(data)


def test_the_figures_take_the_same_queries_when_the_data_grows(
        world, django_assert_max_num_queries):
    """One query for what the scope holds, then per instrument one for the semesters
    (trend, totals and bands), one per grouping and one for the spread; three for the band
    drops: 1 + 2 * 6 + 3 = 16, with twice the data as with half."""
    kommune, _obs = build_dataset(world)
    observer = world.users["observer"]
    grow_kommune(kommune, observer, 3, prefix="S")
    instruments = selectors.instruments_with_structure()
    with django_assert_max_num_queries(16):
        figure_queries(selectors.load_observations(kommune, instruments=instruments))
    grow_kommune(kommune, observer, 6, prefix="L",
                 semesters=((2023, "autumn"), (2024, "autumn"), (2025, "spring")))
    with django_assert_max_num_queries(16):
        figure_queries(selectors.load_observations(kommune, instruments=instruments))
    department = world.avdeling["own"]
    with django_assert_max_num_queries(2):
        rows = selectors.load_observations(kommune, instruments=instruments).narrow(
            avdeling_ids=[department.pk]).rows
    assert rows and {row.avdeling_id for row in rows} == {department.pk}


def _without_sums(data: selectors.ObservationSet, instrument: str) -> dict:
    saved = list(Semestersum.objects.all())
    Semestersum.objects.all().delete()
    try:
        fresh = selectors.load_observations(data.kommune, filters=data.filters)
        assert fresh._summed_semesters(instrument) is None
        return fresh.semester_figures(instrument)
    finally:
        Semestersum.objects.bulk_create(saved)


def assert_same_figures(have: dict, want: dict) -> None:
    assert have.keys() == want.keys()
    for period, codes in want.items():
        assert have[period].keys() == codes.keys()
        for code, row in codes.items():
            for name, value in row.items():
                assert have[period][code][name] == (
                    value if value is None or isinstance(value, (int, str))
                    else pytest.approx(value)), (period, code, name)


def test_the_trend_reads_semester_sums_while_they_agree_with_the_results(world):
    """The municipality's trend comes from a few `Semestersum` rows per semester, equal to
    aggregating every stored result; a sum that no longer matches (an observation deleted
    behind the writer's back, band limits changed) is not used until it is refreshed."""
    kommune, _obs = build_dataset(world)
    observer = world.users["observer"]
    avdelinger = [avdeling for barnehage in grow_kommune(kommune, observer, 4, prefix="S")
                  for avdeling in barnehage.avdelinger.all()]
    add_random_history(kommune, observer, avdelinger,
                       ((2023, "spring"), (2023, "autumn"), (2024, "autumn")), 3)
    data = selectors.load_observations(kommune)
    for instrument in data.instrument_codes():
        summed = data._summed_semesters(instrument)
        assert summed is not None
        assert_same_figures(summed, _without_sums(data, instrument))
    # Narrowed to kindergartens or a network, the figures come from the results.
    assert selectors.load_observations(
        kommune, barnehage_ids=[avdelinger[0].barnehage_id])._summed_semesters("prek") is None

    gone = Observasjon.objects.filter(runde__kommune=kommune, resultat__counts=True,
                                      instrument__code="prek").first()
    gone.delete()  # cascades to its stored result, past `store_results`
    data = selectors.load_observations(kommune)
    assert data._summed_semesters("prek") is None
    check_everything(kommune)

    results.rebuild(kommune)
    assert selectors.load_observations(kommune)._summed_semesters("prek") is not None
    Instrument.objects.filter(code="prek").update(low_below=3)
    data = selectors.load_observations(kommune)
    assert data._summed_semesters("prek") is None
    check_everything(kommune)
