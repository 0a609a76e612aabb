"""The one place CLASS scores are computed (docs/domain.md, CLASS scoring).

Views, dashboards, reports, imports, exports and the API call these functions; nothing
else computes a score. The functions work on plain data (`InstrumentSpec`, `CycleData`)
so they are easy to test by hand and cheap to call on prefetched rows;
`spec_for(instrument)` and `cycles_of(observasjon)` build that data from the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from statistics import fmean, stdev
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from observasjoner.models import Instrument, Observasjon, Observasjonsrunde

LOW, MIDDLE, HIGH = "low", "middle", "high"
WITHIN_ONE_TARGET = 0.80


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    reversed: bool = False


@dataclass(frozen=True)
class DomainSpec:
    code: str
    dimensions: tuple[DimensionSpec, ...]
    threshold: float | None = None


@dataclass(frozen=True)
class InstrumentSpec:
    code: str
    domains: tuple[DomainSpec, ...]
    scale_min: int = 1
    scale_max: int = 7
    low_below: float = 2.5
    high_from: float = 5.5

    @cached_property
    def dimension_codes(self) -> tuple[str, ...]:
        """Computed once per spec: dashboards ask for it thousands of times per page."""
        return tuple(dim.code for domain in self.domains for dim in domain.dimensions)

    def reverse(self, value: float) -> float:
        """A reversed dimension (Negative Climate) enters domain scores as 8 - score."""
        return self.scale_min + self.scale_max - value


@dataclass(frozen=True)
class ValidityRules:
    min_cycle_minutes: float = 10
    min_presence_share: float = 0.5
    min_valid_cycles: int = 2


@dataclass(frozen=True)
class CycleData:
    number: int
    scores: dict[str, int]
    minutes: float | None = None
    interrupted: bool = False
    children_present: int | None = None
    children_enrolled: int | None = None
    # Started and not yet stopped: it has no length yet, so it cannot count.
    running: bool = False


@dataclass
class ObservationResult:
    valid_cycles: int
    counts: bool
    dimension_means: dict[str, float | None]
    domain_scores: dict[str, float | None]
    spread: dict[str, tuple[int, int] | None]
    problems: dict[int, list[str]] = field(default_factory=dict)

    def domain_band(self, spec: InstrumentSpec, code: str) -> str | None:
        return band(self.domain_scores.get(code), spec)


def band(value: float | None, spec: InstrumentSpec | None = None) -> str | None:
    """Low below 2.5, high from 5.5, middle between (integers 1-2 / 3-5 / 6-7)."""
    if value is None:
        return None
    low_below = spec.low_below if spec else 2.5
    high_from = spec.high_from if spec else 5.5
    if value < low_below:
        return LOW
    if value >= high_from:
        return HIGH
    return MIDDLE


def cycle_problems(cycle: CycleData, spec: InstrumentSpec, rules: ValidityRules) -> list[str]:
    """Why a cycle does not count; an empty list means it is valid."""
    problems = []
    missing = [code for code in spec.dimension_codes if cycle.scores.get(code) is None]
    if missing:
        problems.append(_("missing scores: %(codes)s") % {"codes": ", ".join(missing)})
    off_scale = [code for code, value in cycle.scores.items()
                 if value is not None and not spec.scale_min <= value <= spec.scale_max]
    if off_scale:
        problems.append(_("scores off the scale: %(codes)s") % {"codes": ", ".join(off_scale)})
    if cycle.interrupted:
        problems.append(_("interrupted"))
    elif cycle.running:
        problems.append(_("still running (its timer has not been stopped)"))
    elif cycle.minutes is not None and cycle.minutes < rules.min_cycle_minutes:
        problems.append(ngettext("shorter than %(minutes)s minute",
                                 "shorter than %(minutes)s minutes",
                                 math.ceil(rules.min_cycle_minutes))
                        % {"minutes": f"{rules.min_cycle_minutes:g}"})
    if (cycle.children_enrolled and cycle.children_present is not None
            and cycle.children_present < rules.min_presence_share * cycle.children_enrolled):
        problems.append(_("fewer than %(percent)s %% of the enrolled children present")
                        % {"percent": f"{rules.min_presence_share * 100:g}"})
    return problems


def valid_cycles(cycles: Iterable[CycleData], spec: InstrumentSpec,
                 rules: ValidityRules) -> list[CycleData]:
    return [cycle for cycle in cycles if not cycle_problems(cycle, spec, rules)]


def domain_scores(means: dict[str, float | None], spec: InstrumentSpec) -> dict[str, float | None]:
    """Mean of each domain's dimension means, reversed dimensions entering as 8 - mean."""
    result = {}
    for domain in spec.domains:
        values = []
        for dim in domain.dimensions:
            value = means.get(dim.code)
            if value is None:
                values = None
                break
            values.append(spec.reverse(value) if dim.reversed else value)
        result[domain.code] = fmean(values) if values else None
    return result


def observation_result(cycles: Sequence[CycleData], spec: InstrumentSpec,
                       rules: ValidityRules = ValidityRules()) -> ObservationResult:
    """Dimension means over the valid cycles, domain scores and the spread between cycles."""
    problems = {cycle.number: cycle_problems(cycle, spec, rules) for cycle in cycles}
    valid = [cycle for cycle in cycles if not problems[cycle.number]]
    means: dict[str, float | None] = {}
    spread: dict[str, tuple[int, int] | None] = {}
    for code in spec.dimension_codes:
        values = [cycle.scores[code] for cycle in valid]
        means[code] = fmean(values) if values else None
        spread[code] = (min(values), max(values)) if values else None
    return ObservationResult(
        valid_cycles=len(valid),
        counts=len(valid) >= rules.min_valid_cycles,
        dimension_means=means,
        domain_scores=domain_scores(means, spec),
        spread=spread,
        problems={number: found for number, found in problems.items() if found},
    )


@dataclass(frozen=True)
class Aggregate:
    """A group's mean with its n: never one without the other. `sd` is the sample
    standard deviation between the observations (divides by n - 1; None under two), as
    the database's `STDDEV_SAMP` gives it for the stored results."""

    mean: float | None
    n: int
    sd: float | None = None

    def suppressed(self, minimum: int) -> bool:
        return self.n < minimum


def aggregate(values: Iterable[float | None]) -> Aggregate:
    """Mean of observation scores (None values, e.g. observations that do not count, skipped)."""
    present = [value for value in values if value is not None]
    if not present:
        return Aggregate(None, 0)
    return Aggregate(fmean(present), len(present), stdev(present) if len(present) > 1 else None)


# Inter-rater agreement -------------------------------------------------------------------

@dataclass(frozen=True)
class Agreement:
    n: int
    exact: float | None
    within_one: float | None
    icc: float | None

    @property
    def meets_target(self) -> bool | None:
        return None if self.within_one is None else self.within_one >= WITHIN_ONE_TARGET


def agreement(pairs: Sequence[tuple[int, int]]) -> Agreement:
    """Exact agreement, agreement within one point and ICC(2,1) over paired scores."""
    if not pairs:
        return Agreement(0, None, None, None)
    n = len(pairs)
    exact = sum(a == b for a, b in pairs) / n
    within_one = sum(abs(a - b) <= 1 for a, b in pairs) / n
    return Agreement(n, exact, within_one, icc_absolute(pairs))


def icc_absolute(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Two-way random, absolute agreement, single rater: ICC(2,1) (Shrout and Fleiss).

    None when it is undefined (fewer than two items, or no variance at all).
    """
    n, k = len(pairs), 2
    if n < 2:
        return None
    grand = fmean(value for pair in pairs for value in pair)
    row_means = [fmean(pair) for pair in pairs]
    col_means = [fmean(pair[col] for pair in pairs) for col in range(k)]
    ss_rows = k * sum((mean - grand) ** 2 for mean in row_means)
    ss_cols = n * sum((mean - grand) ** 2 for mean in col_means)
    ss_total = sum((value - grand) ** 2 for pair in pairs for value in pair)
    ss_error = ss_total - ss_rows - ss_cols
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    if math.isclose(denominator, 0.0, abs_tol=1e-12):
        return None
    return (ms_rows - ms_error) / denominator


def paired_scores(first: Sequence[CycleData], second: Sequence[CycleData],
                  code: str) -> list[tuple[int, int]]:
    """Scores of one dimension from two observers, matched by cycle number."""
    other = {cycle.number: cycle for cycle in second}
    return [
        (cycle.scores[code], other[cycle.number].scores[code])
        for cycle in first
        if cycle.number in other
        and cycle.scores.get(code) is not None
        and other[cycle.number].scores.get(code) is not None
    ]


def double_coding_agreement(first: Sequence[CycleData], second: Sequence[CycleData],
                            spec: InstrumentSpec) -> dict[str, Agreement]:
    return {code: agreement(paired_scores(first, second, code))
            for code in spec.dimension_codes}


def overall_within_one(pairs_per_coding: Iterable[Sequence[tuple[int, int]]]) -> Agreement:
    """Agreement over all dimension pairs of an observer's recent double-codings."""
    return agreement([pair for pairs in pairs_per_coding for pair in pairs])


# From the database -----------------------------------------------------------------------

def spec_for(instrument: Instrument) -> InstrumentSpec:
    """The instrument's structure; prefetch `domener__dimensjoner` to keep it one query."""
    return InstrumentSpec(
        code=instrument.code,
        domains=tuple(
            DomainSpec(
                code=domene.code,
                threshold=float(domene.threshold) if domene.threshold is not None else None,
                dimensions=tuple(DimensionSpec(dim.code, dim.reversed)
                                 for dim in domene.dimensjoner.all()),
            )
            for domene in instrument.domener.all()
        ),
        scale_min=instrument.scale_min,
        scale_max=instrument.scale_max,
        low_below=float(instrument.low_below),
        high_from=float(instrument.high_from),
    )


def rules_for(runde: Observasjonsrunde) -> ValidityRules:
    return ValidityRules(
        min_cycle_minutes=runde.min_cycle_minutes,
        min_presence_share=float(runde.min_presence_share),
        min_valid_cycles=runde.min_valid_cycles,
    )


def cycles_of(observasjon: Observasjon) -> list[CycleData]:
    """Cycles as plain data; prefetch `sykluser__skaar__dimensjon` to keep it one query."""
    enrolled = observasjon.children_enrolled or observasjon.avdeling.enrolled_children or None
    return [
        CycleData(
            number=syklus.number,
            scores={skaar.dimensjon.code: skaar.value for skaar in syklus.skaar.all()
                    if skaar.value is not None},
            minutes=syklus.minutes,
            interrupted=syklus.interrupted,
            children_present=syklus.children_present,
            children_enrolled=enrolled,
            running=syklus.started_at is not None and syklus.ended_at is None,
        )
        for syklus in observasjon.sykluser.all()
    ]


def result_of(observasjon: Observasjon, spec: InstrumentSpec | None = None) -> ObservationResult:
    spec = spec or spec_for(observasjon.instrument)
    return observation_result(cycles_of(observasjon), spec, rules_for(observasjon.runde))
