"""Reads for the dashboards and the reports: observation aggregates in a fixed number of queries.

Every figure comes from `observasjoner.scoring`: `load_observations` fetches the counting
observations of a municipality (or of some of its kindergartens) with their cycles and
scores in a fixed number of queries, scores each one with `scoring.result_of`, and the
functions below group those results in Python with `scoring.aggregate` and `scoring.band`.
The number of queries therefore does not grow with the number of kindergartens or
observations.

The supervision, action-plan and focus-area figures that dashboards and reports show
live with their owners (`observasjoner.tilsyn.selectors`, `handleplaner.selectors`,
`kvalitet.plans.selectors`); `kindergartens_in_scope` narrows them to a dashboard's
kindergartens.

An observation counts when it is submitted or locked, is not a second coding
(`double_coding_of` is empty) and has enough valid cycles (`result.counts`).

Privacy (docs/domain.md, Privacy): aggregates only, always with their n. Every grouping
function takes `min_n`; a group with fewer observations comes back as a `Figure` with
`suppressed=True` and no mean (the politicians' report passes `min_n=PRIVACY_MIN_N` and
prints "–" with `SUPPRESSION_REASON`). The consultants' dashboards pass 0 and mark small
groups with `Figure.small`.

Typical use (the annual report does the same):

    data = load_observations(kommune)                   # or barnehage_ids={...}, filters=...
    semester = data.latest_semester
    for instrument in data.instrument_codes():
        trend = domain_trend(data, instrument, min_n=PRIVACY_MIN_N)
        by_age = domain_by(data, instrument, "age_group", semester=semester, min_n=5)
        bands = band_distribution(data, instrument, semester=semester)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean

from django.db.models import Count, Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from barnehager.models import AgeGroup, Barnehage, Kommune
from observasjoner import scoring
from observasjoner.models import (
    Instrument,
    Observasjon,
    Observasjonsrunde,
    Semester,
    Skaar,
    Syklus,
)

# Udir's rule for the parent survey, used for every report to politicians.
PRIVACY_MIN_N = 5
SUPPRESSION_REASON = _("Fewer than 5 observations: not shown, to protect the departments.")
COUNTING_STATUSES = (Observasjon.Status.SUBMITTED, Observasjon.Status.LOCKED)
BAND_ORDER = {scoring.LOW: 0, scoring.MIDDLE: 1, scoring.HIGH: 2}
BANDS = (scoring.LOW, scoring.MIDDLE, scoring.HIGH)
BAND_LABELS = {scoring.LOW: _("low"), scoring.MIDDLE: _("middle"), scoring.HIGH: _("high")}
# What `domain_by` can group on.
GROUPINGS = ("semester", "barnehage", "avdeling", "nettverk", "pulje", "age_group")
NO_GROUP = _("(none)")


# Semesters ---------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class SemesterKey:
    """A semester of a year: spring comes before autumn. `slug` is the filter value."""

    year: int
    order: int
    semester: str = field(compare=False)

    @classmethod
    def of(cls, year: int, semester: str) -> SemesterKey:
        return cls(year, 0 if semester == Semester.SPRING else 1, semester)

    @classmethod
    def parse(cls, slug: str) -> SemesterKey | None:
        """"2025-autumn" -> SemesterKey; None when the text is no semester."""
        year, _sep, semester = (slug or "").partition("-")
        if not year.isdigit() or semester not in Semester.values:
            return None
        return cls.of(int(year), semester)

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.semester}"

    @property
    def label(self) -> str:
        return f"{Semester(self.semester).label} {self.year}"

    def __str__(self) -> str:
        return self.label


# Filters -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """What a dashboard is narrowed to; every field is optional (None: no filter).

    `semester` chooses the semester of the per-group panels; trends always span all
    semesters that pass the other filters.
    """

    semester: SemesterKey | None = None
    instrument: str | None = None
    nettverk: int | None = None
    pulje: int | None = None
    age_group: str | None = None

    def matches(self, row: ObservationRow) -> bool:
        return ((self.instrument is None or row.instrument == self.instrument)
                and (self.nettverk is None or row.nettverk_id == self.nettverk)
                and (self.pulje is None or row.pulje_id == self.pulje)
                and (self.age_group is None or row.age_group == self.age_group))


# Scored observations -------------------------------------------------------------------

@dataclass(frozen=True)
class ObservationRow:
    """One counting observation, flattened, with its result from the scoring module."""

    id: int
    semester: SemesterKey
    runde_id: int
    observed_on: date | None
    instrument: str
    avdeling_id: int
    avdeling_name: str
    age_group: str
    barnehage_id: int
    barnehage_name: str
    nettverk_id: int | None
    nettverk_name: str | None
    pulje_id: int | None
    pulje_name: str | None
    result: scoring.ObservationResult

    def group_key(self, by: str) -> tuple[object, str]:
        """(key, label) of the group this observation falls in for a grouping."""
        if by == "semester":
            return self.semester, self.semester.label
        if by == "barnehage":
            return self.barnehage_id, self.barnehage_name
        if by == "avdeling":
            return self.avdeling_id, f"{self.barnehage_name}: {self.avdeling_name}"
        if by == "nettverk":
            return self.nettverk_id, self.nettverk_name or str(NO_GROUP)
        if by == "pulje":
            return self.pulje_id, self.pulje_name or str(NO_GROUP)
        if by == "age_group":
            return self.age_group, str(AgeGroup(self.age_group).label)
        raise ValueError(f"unknown grouping {by!r}")


@dataclass
class ObservationSet:
    """The counting observations of a scope, scored, plus the instruments they use.

    `rows` pass the filters except the semester; use `in_semester` for one semester.
    """

    rows: list[ObservationRow]
    specs: dict[str, scoring.InstrumentSpec]
    instruments: dict[str, Instrument]
    filters: Filters = field(default_factory=Filters)

    @cached_property
    def semesters(self) -> list[SemesterKey]:
        """Semesters with at least one counting observation, oldest first."""
        return sorted({row.semester for row in self.rows})

    @property
    def latest_semester(self) -> SemesterKey | None:
        return self.semesters[-1] if self.semesters else None

    @property
    def selected_semester(self) -> SemesterKey | None:
        """The filter's semester, else the latest one with data."""
        return self.filters.semester or self.latest_semester

    def in_semester(self, semester: SemesterKey | None) -> list[ObservationRow]:
        return [row for row in self.rows if semester is None or row.semester == semester]

    def instrument_codes(self) -> list[str]:
        """Instruments with data (or the filtered one), in the instruments' order."""
        used = {row.instrument for row in self.rows}
        return [code for code in self.instruments if code in used]

    def domains(self, instrument: str) -> tuple[scoring.DomainSpec, ...]:
        return self.specs[instrument].domains

    def domain_names(self, instrument: str) -> dict[str, str]:
        """Domain code -> name in the active language."""
        return {domene.code: domene.name for domene in self.instruments[instrument].domener.all()}

    def dimension_names(self, instrument: str) -> dict[str, str]:
        return {dim.code: dim.name for domene in self.instruments[instrument].domener.all()
                for dim in domene.dimensjoner.all()}


def instruments_with_structure() -> dict[str, Instrument]:
    """Active instruments with domains and dimensions: three queries."""
    instruments = Instrument.objects.prefetch_related("domener__dimensjoner").order_by("code")
    return {instrument.code: instrument for instrument in instruments}


def counting_observations(kommune, barnehage_ids: Iterable[int] | None = None):
    """The queryset of candidate observations (before `result.counts` is known)."""
    queryset = Observasjon.objects.filter(
        runde__kommune=kommune, status__in=COUNTING_STATUSES, double_coding_of__isnull=True)
    if barnehage_ids is not None:
        queryset = queryset.filter(avdeling__barnehage_id__in=list(barnehage_ids))
    return queryset


def load_observations(kommune, *, barnehage_ids: Iterable[int] | None = None,
                      filters: Filters = Filters(),
                      instruments: dict[str, Instrument] | None = None) -> ObservationSet:
    """Counting observations of a municipality (or of `barnehage_ids`), scored.

    Seven queries whatever the size: instruments, domains, dimensions (pass `instruments`
    from `instruments_with_structure()` to save those three), rounds, observations (with
    department, kindergarten, network and cohort joined), cycles and scores.

    Cycles and scores are read as plain rows, not model instances: a municipality like
    Bærum has some 40 000 scores over two years, and building a model object for each
    costs seconds. The rows become the same `scoring.CycleData` that `scoring.cycles_of`
    builds from a prefetched observation, and `scoring.observation_result` scores them
    with the round's `scoring.rules_for` (tests/rapporter/test_selectors.py checks that
    every result equals `scoring.result_of`).
    """
    instruments = instruments if instruments is not None else instruments_with_structure()
    specs = {code: scoring.spec_for(instrument) for code, instrument in instruments.items()}
    dimension_codes = {dim.pk: dim.code for instrument in instruments.values()
                       for domene in instrument.domener.all() for dim in domene.dimensjoner.all()}
    queryset = counting_observations(kommune, barnehage_ids)
    if filters.instrument:
        queryset = queryset.filter(instrument__code=filters.instrument)
    if filters.nettverk:
        queryset = queryset.filter(avdeling__barnehage__nettverk_id=filters.nettverk)
    if filters.pulje:
        queryset = queryset.filter(avdeling__barnehage__pulje_id=filters.pulje)
    if filters.age_group:
        queryset = queryset.filter(avdeling__age_group=filters.age_group)
    rules = {runde.pk: scoring.rules_for(runde)
             for runde in Observasjonsrunde.objects.filter(kommune=kommune)}
    observations = list(queryset.order_by("runde__year", "runde__start_date", "pk").values(
        "pk", "runde_id", "runde__year", "runde__semester", "observed_on", "planned_date",
        "children_enrolled", "instrument__code", "avdeling_id", "avdeling__name",
        "avdeling__age_group", "avdeling__enrolled_children", "avdeling__barnehage_id",
        "avdeling__barnehage__name", "avdeling__barnehage__nettverk_id",
        "avdeling__barnehage__nettverk__name", "avdeling__barnehage__pulje_id",
        "avdeling__barnehage__pulje__name"))
    candidates = queryset.values("pk")
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for syklus_id, dimensjon_id, value in Skaar.objects.filter(
            syklus__observasjon__in=candidates, value__isnull=False).order_by().values_list(
            "syklus_id", "dimensjon_id", "value"):
        scores[syklus_id][dimension_codes[dimensjon_id]] = value
    cycles: dict[int, list[tuple]] = defaultdict(list)
    for cycle in Syklus.objects.filter(observasjon__in=candidates).order_by(
            "observasjon_id", "number").values_list(
            "observasjon_id", "pk", "number", "started_at", "ended_at", "interrupted",
            "children_present"):
        cycles[cycle[0]].append(cycle[1:])
    rows = []
    for obs in observations:
        spec = specs.get(obs["instrument__code"])
        if spec is None:
            continue
        enrolled = obs["children_enrolled"] or obs["avdeling__enrolled_children"] or None
        data = [
            scoring.CycleData(
                number=number, scores=scores.get(syklus_id, {}),
                minutes=(ended - started).total_seconds() / 60 if started and ended else None,
                interrupted=interrupted, children_present=present, children_enrolled=enrolled)
            for syklus_id, number, started, ended, interrupted, present in cycles[obs["pk"]]]
        result = scoring.observation_result(data, spec, rules[obs["runde_id"]])
        if not result.counts:
            continue
        rows.append(ObservationRow(
            id=obs["pk"],
            semester=SemesterKey.of(obs["runde__year"], obs["runde__semester"]),
            runde_id=obs["runde_id"],
            observed_on=obs["observed_on"] or obs["planned_date"],
            instrument=obs["instrument__code"],
            avdeling_id=obs["avdeling_id"],
            avdeling_name=obs["avdeling__name"],
            age_group=obs["avdeling__age_group"],
            barnehage_id=obs["avdeling__barnehage_id"],
            barnehage_name=obs["avdeling__barnehage__name"],
            nettverk_id=obs["avdeling__barnehage__nettverk_id"],
            nettverk_name=obs["avdeling__barnehage__nettverk__name"],
            pulje_id=obs["avdeling__barnehage__pulje_id"],
            pulje_name=obs["avdeling__barnehage__pulje__name"],
            result=result,
        ))
    shown = {code: instrument for code, instrument in instruments.items()
             if not filters.instrument or code == filters.instrument}
    return ObservationSet(rows=rows, specs=specs, instruments=shown, filters=filters)


# Figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A group's mean with its n, spread and band; `mean` is None when suppressed.

    `low`/`high` are the lowest and highest observation score in the group, `sd` the
    standard deviation between observations.
    """

    mean: float | None
    n: int
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    band: str | None = None
    threshold: float | None = None
    suppressed: bool = False

    @property
    def small(self) -> bool:
        """Fewer than 5 observations: shown to consultants, but marked."""
        return 0 < self.n < PRIVACY_MIN_N

    @property
    def above_threshold(self) -> bool | None:
        """Above the research threshold (ES/CO/EBS > 5, IS/ESL > 3)?"""
        if self.mean is None or self.threshold is None:
            return None
        return self.mean > self.threshold

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band]) if self.band else ""


def figure(values: Sequence[float | None], spec: scoring.InstrumentSpec | None = None,
           threshold: float | None = None, min_n: int = 0) -> Figure:
    """A `Figure` from observation scores through `scoring.aggregate` and `scoring.band`."""
    present = [value for value in values if value is not None]
    aggregate = scoring.aggregate(present)
    if aggregate.n == 0:
        return Figure(None, 0, threshold=threshold)
    if aggregate.suppressed(min_n):
        return Figure(None, aggregate.n, threshold=threshold, suppressed=True)
    return Figure(
        mean=aggregate.mean, n=aggregate.n, sd=aggregate.sd,
        low=min(present), high=max(present), band=scoring.band(aggregate.mean, spec),
        threshold=threshold,
    )


@dataclass
class GroupFigures:
    """One group (a semester, kindergarten, network, ...) with a `Figure` per domain."""

    key: object
    label: str
    n: int
    figures: dict[str, Figure]

    @property
    def suppressed(self) -> bool:
        return any(fig.suppressed for fig in self.figures.values())


def domain_figures(rows: Sequence[ObservationRow], spec: scoring.InstrumentSpec,
                   min_n: int = 0) -> dict[str, Figure]:
    """Domain code -> Figure over the given observations of one instrument."""
    return {
        domain.code: figure([row.result.domain_scores.get(domain.code) for row in rows],
                            spec, domain.threshold, min_n)
        for domain in spec.domains
    }


def domain_by(data: ObservationSet, instrument: str, by: str, *,
              semester: SemesterKey | None = None, min_n: int = 0,
              rows: Sequence[ObservationRow] | None = None) -> list[GroupFigures]:
    """Domain figures per group (`by` is one of GROUPINGS) for one instrument.

    Only rows of `semester` when it is given. Groups come sorted by label (semesters in
    time order).
    """
    spec = data.specs[instrument]
    rows = data.in_semester(semester) if rows is None else rows
    groups: dict[object, list[ObservationRow]] = defaultdict(list)
    labels: dict[object, str] = {}
    for row in rows:
        if row.instrument != instrument:
            continue
        key, label = row.group_key(by)
        groups[key].append(row)
        labels[key] = label
    ordered = sorted(groups) if by == "semester" else sorted(
        groups, key=lambda key: labels[key].casefold())
    return [GroupFigures(key, labels[key], len(groups[key]),
                         domain_figures(groups[key], spec, min_n)) for key in ordered]


def domain_trend(data: ObservationSet, instrument: str, *, min_n: int = 0) -> list[GroupFigures]:
    """Domain figures per semester, oldest first."""
    return domain_by(data, instrument, "semester", min_n=min_n, rows=data.rows)


def domain_total(data: ObservationSet, instrument: str, *, semester: SemesterKey | None = None,
                 min_n: int = 0) -> GroupFigures:
    """Domain figures over all observations of a semester (or all when None)."""
    rows = [row for row in data.in_semester(semester) if row.instrument == instrument]
    return GroupFigures(semester, semester.label if semester else "", len(rows),
                        domain_figures(rows, data.specs[instrument], min_n))


# Bands ---------------------------------------------------------------------------------

@dataclass
class BandRow:
    """How many observations of a group fall in each band for one domain."""

    domain: str
    counts: dict[str, int]
    suppressed: bool = False

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def share(self, band: str) -> float | None:
        return self.counts[band] / self.n if self.n and not self.suppressed else None


def band_distribution(data: ObservationSet, instrument: str, *,
                      semester: SemesterKey | None = None, min_n: int = 0) -> list[BandRow]:
    """Per domain: observations whose domain score is low, middle or high."""
    spec = data.specs[instrument]
    rows = [row for row in data.in_semester(semester) if row.instrument == instrument]
    result = []
    for domain in spec.domains:
        counts = dict.fromkeys(BANDS, 0)
        for row in rows:
            found = row.result.domain_band(spec, domain.code)
            if found:
                counts[found] += 1
        total = sum(counts.values())
        result.append(BandRow(domain.code, dict(counts), suppressed=0 < total < min_n))
    return result


@dataclass(frozen=True)
class BandDrop:
    """A department whose domain score fell a band between two semesters."""

    avdeling_id: int
    avdeling_name: str
    barnehage_id: int
    barnehage_name: str
    instrument: str
    domain: str
    before_semester: SemesterKey
    before: float
    before_band: str
    after_semester: SemesterKey
    after: float
    after_band: str


def band_drops(data: ObservationSet, *, semester: SemesterKey | None = None) -> list[BandDrop]:
    """Departments observed in `semester` (default: the selected one) whose domain band is
    lower than at their previous counting observation with the same instrument."""
    semester = semester or data.selected_semester
    if semester is None:
        return []
    latest: dict[tuple[int, str], ObservationRow] = {}
    previous: dict[tuple[int, str], ObservationRow] = {}
    for row in data.rows:  # oldest first
        key = (row.avdeling_id, row.instrument)
        if row.semester == semester:
            latest[key] = row
        elif row.semester < semester:
            previous[key] = row
    drops = []
    for key, after in latest.items():
        before = previous.get(key)
        if before is None:
            continue
        spec = data.specs[after.instrument]
        for domain in spec.domains:
            old_score = before.result.domain_scores.get(domain.code)
            new_score = after.result.domain_scores.get(domain.code)
            old_band, new_band = scoring.band(old_score, spec), scoring.band(new_score, spec)
            if old_band and new_band and BAND_ORDER[new_band] < BAND_ORDER[old_band]:
                drops.append(BandDrop(
                    after.avdeling_id, after.avdeling_name, after.barnehage_id,
                    after.barnehage_name, after.instrument, domain.code,
                    before.semester, old_score, old_band, after.semester, new_score, new_band))
    return sorted(drops, key=lambda drop: (drop.barnehage_name.casefold(),
                                           drop.avdeling_name.casefold(), drop.domain))


# Spread between cycles ----------------------------------------------------------------------

@dataclass(frozen=True)
class SpreadRow:
    """How far the cycles of an observation lie apart, per dimension, over a group.

    `mean_range` is the mean over observations of (highest - lowest cycle score);
    `max_range` the largest such range; `mean` the mean dimension score; `n` observations.
    """

    dimension: str
    mean: float | None
    mean_range: float | None
    max_range: int | None
    n: int


def cycle_spread(data: ObservationSet, instrument: str, *,
                 semester: SemesterKey | None = None,
                 rows: Sequence[ObservationRow] | None = None) -> list[SpreadRow]:
    """Per dimension: the spread between cycles, from `result.spread`."""
    spec = data.specs[instrument]
    rows = data.in_semester(semester) if rows is None else rows
    rows = [row for row in rows if row.instrument == instrument]
    result = []
    for code in spec.dimension_codes:
        ranges = [high - low for low, high in
                  (row.result.spread.get(code) for row in rows if row.result.spread.get(code))]
        means = [row.result.dimension_means.get(code) for row in rows]
        aggregate = scoring.aggregate(means)
        result.append(SpreadRow(code, aggregate.mean, fmean(ranges) if ranges else None,
                                 max(ranges) if ranges else None, aggregate.n))
    return result


# Observation rounds ---------------------------------------------------------------------

@dataclass(frozen=True)
class RoundProgress:
    """A round with its observations by status (second codings not counted)."""

    runde: Observasjonsrunde
    planned: int
    in_progress: int
    submitted: int
    total: int

    @property
    def done_share(self) -> float | None:
        return self.submitted / self.total if self.total else None


def round_progress(kommune, *, barnehage_ids: Iterable[int] | None = None,
                   filters: Filters = Filters(), runder=None) -> list[RoundProgress]:
    """Rounds of the municipality, newest first, with counts by status: two queries.

    `runder` narrows the rounds (pass `Observasjonsrunde.objects.visible_to(user)` so a
    leader does not see a round still in planning); with `barnehage_ids`, rounds without
    an observation there are left out.
    """
    observations = Q(observasjoner__double_coding_of__isnull=True)
    if barnehage_ids is not None:
        observations &= Q(observasjoner__avdeling__barnehage_id__in=list(barnehage_ids))
    if filters.instrument:
        observations &= Q(observasjoner__instrument__code=filters.instrument)
    if filters.nettverk:
        observations &= Q(observasjoner__avdeling__barnehage__nettverk_id=filters.nettverk)
    if filters.pulje:
        observations &= Q(observasjoner__avdeling__barnehage__pulje_id=filters.pulje)
    if filters.age_group:
        observations &= Q(observasjoner__avdeling__age_group=filters.age_group)

    def count(*statuses):
        return Count("observasjoner", filter=observations & Q(observasjoner__status__in=statuses))

    runder = (runder if runder is not None else Observasjonsrunde.objects).filter(
        kommune=kommune).annotate(
        planned=count(Observasjon.Status.PLANNED),
        in_progress=count(Observasjon.Status.IN_PROGRESS),
        submitted=count(*COUNTING_STATUSES),
        total=Count("observasjoner", filter=observations),
    ).prefetch_related("puljer").order_by("-year", "-start_date")
    if filters.semester:
        runder = runder.filter(year=filters.semester.year, semester=filters.semester.semester)
    if barnehage_ids is not None:
        runder = runder.filter(total__gt=0)
    return [RoundProgress(runde, runde.planned, runde.in_progress, runde.submitted, runde.total)
            for runde in runder]


def semester_choices(kommune) -> list[SemesterKey]:
    """Every semester the municipality has a round in, newest first: one query."""
    pairs = Observasjonsrunde.objects.filter(kommune=kommune).values_list(
        "year", "semester").distinct()
    return sorted({SemesterKey.of(year, semester) for year, semester in pairs}, reverse=True)


# Kindergartens --------------------------------------------------------------------------

def kindergartens_in_scope(kommune: Kommune, *, barnehage_ids: Iterable[int] | None = None,
                           filters: Filters = Filters()) -> QuerySet[Barnehage]:
    """The kindergartens a dashboard shows (of `barnehage_ids`, network and cohort filters
    applied), as a queryset to narrow the supervision, action-plan and focus-area reads."""
    barnehager = Barnehage.objects.filter(kommune=kommune)
    if barnehage_ids is not None:
        barnehager = barnehager.filter(pk__in=list(barnehage_ids))
    if filters.nettverk:
        barnehager = barnehager.filter(nettverk_id=filters.nettverk)
    if filters.pulje:
        barnehager = barnehager.filter(pulje_id=filters.pulje)
    return barnehager
