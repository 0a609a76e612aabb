"""The conclusions the annual report and the dashboard print: the statistics by hand, and
two municipalities, one that really improved and one whose change is noise."""

import math
import statistics

import pytest
from django.urls import reverse
from django.utils import translation

from barnehager.models import AgeGroup, Avdeling, Barnehage
from observasjoner import results as stored_results
from observasjoner import scoring
from observasjoner.models import Observasjon
from rapporter import conclusions, selectors
from rapporter.conclusions import (
    ABOVE,
    BELOW,
    CLOSE,
    HIGHER,
    LOWER,
    NO_CLEAR_CHANGE,
    UNKNOWN,
    Sample,
)
from tests.rapporter.dashboards.factories import make_observation, make_round, uniform

# Statistics -------------------------------------------------------------------------------


@pytest.mark.parametrize(("df", "expected"), [(1, 12.706), (2, 4.303), (5, 2.571),
                                              (10, 2.228), (30, 2.042), (1000, 1.962)])
def test_t_quantiles_match_the_tables(df, expected):
    assert conclusions.t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


def test_welch_interval_by_hand():
    after, before = Sample(5.69, 0.52, 46), Sample(5.64, 0.61, 23)
    va, vb = 0.52 ** 2 / 46, 0.61 ** 2 / 23
    df = (va + vb) ** 2 / (va ** 2 / 45 + vb ** 2 / 22)
    half = conclusions.t_quantile(0.975, df) * math.sqrt(va + vb)
    interval = conclusions.welch_interval(after, before)
    assert interval.df == pytest.approx(df)
    assert interval.low == pytest.approx(0.05 - half)
    assert interval.high == pytest.approx(0.05 + half)
    # "+0,05 (n = 46)" is well inside the noise: no clear change.
    assert conclusions.change_verdict(interval) == NO_CLEAR_CHANGE
    assert conclusions.change_verdict(
        conclusions.welch_interval(Sample(5.9, 0.4, 40), Sample(5.2, 0.5, 40))) == HIGHER
    assert conclusions.change_verdict(
        conclusions.welch_interval(Sample(4.1, 0.4, 40), Sample(5.2, 0.5, 40))) == LOWER
    assert conclusions.change_verdict(
        conclusions.welch_interval(Sample(4.1, 0.4, 1), Sample(5.2, 0.5, 40))) == UNKNOWN


def test_level_against_the_threshold_uses_the_interval_of_the_mean():
    assert conclusions.level_verdict(Sample(5.6, 0.5, 40), 5) == ABOVE
    assert conclusions.level_verdict(Sample(5.1, 0.5, 40), 5) == CLOSE
    assert conclusions.level_verdict(Sample(2.64, 0.5, 46), 3) == BELOW


def test_pooling_semesters_equals_the_year_computed_at_once():
    spring, autumn = [3.0, 4.5, 5.25, 6.0, 4.0], [5.0, 5.5, 4.75, 6.5]
    parts = [Sample(statistics.fmean(values), statistics.stdev(values), len(values))
             for values in (spring, autumn)]
    year = conclusions.pooled(parts)
    assert year.n == 9
    assert year.mean == pytest.approx(statistics.fmean(spring + autumn))
    assert year.sd == pytest.approx(statistics.stdev(spring + autumn))


# Two municipalities -----------------------------------------------------------------------

DEPARTMENTS = 12


def departments(kommune, prefix: str) -> list[Avdeling]:
    barnehager = [Barnehage.objects.create(kommune=kommune, name=f"{prefix}{number} barnehage")
                  for number in range(DEPARTMENTS // 2)]
    return [Avdeling.objects.create(barnehage=barnehage, name=f"Stor {side}",
                                    age_group=AgeGroup.PRESCHOOL, enrolled_children=20)
            for barnehage in barnehager for side in ("A", "B")]


def observe(kommune, avdelinger, observer, year: int, level) -> list[Observasjon]:
    """One observation per department in the autumn of `year`: three cycles scoring every
    dimension `level(index)` (Negative Climate 2)."""
    runde = make_round(kommune, year, "autumn")
    made = [make_observation(runde, avdeling, observer,
                             [uniform("prek", level(index), NC=2)] * 3)
            for index, avdeling in enumerate(avdelinger)]
    stored_results.store_results([observation.pk for observation in made])
    return made


@pytest.fixture
def two_municipalities(world):
    """Municipality A improved for real from 2024 to 2025 (3-5 became 5-7); municipality B
    observed the same spread of departments both years, one department a point higher
    in 2025: a difference of +0.06 that is noise."""
    improved, noisy = world.kommune["own"], world.kommune["foreign"]
    a = departments(improved, "Forbedret ")
    b = departments(noisy, "Støy ")
    observe(improved, a, world.users["observer"], 2024, lambda i: 3 + i % 3)
    observe(improved, a, world.users["observer"], 2025, lambda i: 5 + i % 3)
    observe(noisy, b, world.foreign_users["observer"], 2024, lambda i: 3 + i % 3)
    observe(noisy, b, world.foreign_users["observer"], 2025,
            lambda i: 3 + (i + 1) % 3 + (1 if i == 0 else 0))
    return improved, noisy


def by_domain(kommune, year=2025):
    with translation.override("en"):
        found = conclusions.domain_conclusions(selectors.load_observations(kommune), year)
        return {item.code: (item, item.sentence) for item in found}


@pytest.mark.django_db
def test_a_real_improvement_is_clearly_higher_and_noise_is_no_clear_change(two_municipalities):
    improved, noisy = two_municipalities
    better, noise = by_domain(improved), by_domain(noisy)
    assert set(better) == set(noise) == {"ES", "CO", "IS"}
    for code in ("ES", "CO", "IS"):
        conclusion, sentence = better[code]
        assert conclusion.last_year.verdict == HIGHER
        assert "Compared with 2024: clearly higher." in sentence
        conclusion, sentence = noise[code]
        assert conclusion.last_year.verdict == NO_CLEAR_CHANGE
        assert "Compared with 2024: no clear change." in sentence
        # The bare difference would read as progress; the sentence never prints it.
        difference = conclusion.now.mean - conclusion.last_year.before.mean
        assert 0 < difference < 0.2
        assert "+0.0" not in sentence and "+0,0" not in sentence
    # The level: A's Emotional Support is clearly above 5, its Instructional Support too
    # (above 3); B's IS (about 4.2) is clearly above 3 but its ES is below 5.
    assert better["ES"][0].level == ABOVE and better["IS"][0].level == ABOVE
    assert "clearly above the research threshold of 5" in better["ES"][1]
    assert noise["ES"][0].level in (BELOW, CLOSE)


@pytest.mark.django_db
def test_the_year_figure_behind_a_conclusion_is_the_observations_own(two_municipalities):
    """Mean, n and the sample SD of the 2025 ES scores, straight from the scoring module:
    the selectors' SD is pooled and read the way `sample_of` assumes."""
    improved, _noisy = two_municipalities
    scores = []
    for observation in Observasjon.objects.filter(runde__kommune=improved, runde__year=2025):
        result = scoring.result_of(observation)
        scores.append(result.domain_scores["ES"])
    conclusion = by_domain(improved)["ES"][0]
    assert conclusion.now.n == len(scores) == DEPARTMENTS
    assert conclusion.now.mean == pytest.approx(statistics.fmean(scores))
    assert conclusion.now.sd == pytest.approx(statistics.stdev(scores))


@pytest.mark.django_db
def test_since_the_start_compares_with_the_first_year(world, two_municipalities):
    improved, _noisy = two_municipalities
    avdelinger = list(Avdeling.objects.filter(barnehage__kommune=improved,
                                              name__startswith="Stor "))[:DEPARTMENTS]
    observe(improved, avdelinger, world.users["observer"], 2026, lambda i: 5 + i % 3)
    conclusion, sentence = by_domain(improved, 2026)["ES"]
    assert conclusion.last_year.verdict == NO_CLEAR_CHANGE
    assert conclusion.since_start.year == 2024 and conclusion.since_start.verdict == HIGHER
    assert "Since 2024, the first year with observations: clearly higher." in sentence


@pytest.mark.django_db
def test_too_few_observations_give_no_conclusion(world):
    kommune = world.kommune["own"]
    avdelinger = departments(kommune, "Liten ")[:3]
    observe(kommune, avdelinger, world.users["observer"], 2025, lambda i: 5)
    conclusion, sentence = by_domain(kommune)["ES"]
    assert conclusion.now is None and conclusion.n == 3
    assert "too few observations in 2025 to draw a conclusion" in sentence


@pytest.mark.django_db
def test_the_dashboard_prints_the_report_sentences(client, world, two_municipalities):
    improved, _noisy = two_municipalities
    client.force_login(world.users["consultant"])
    with translation.override("en"):
        response = client.get(reverse("rapporter:dashboard-kommune", args=[improved.slug]),
                              {"section": "conclusions"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        expected = conclusions.sentences(conclusions.domain_conclusions(
            selectors.load_observations(improved), 2025))
    section = next(section for section in response.context["sections"]
                   if section.key == "conclusions")
    assert section.sentences == expected
    html = response.content.decode()
    for sentence in expected:
        assert sentence in html
