"""Reads for the dashboards and the reports: observation figures aggregated in SQL.

Every figure comes from the results `observasjoner.results` stores for each observation
(`Resultat`, with a `Resultatverdi` per domain score and dimension mean), computed by
`observasjoner.scoring` when the observation was submitted, locked, amended or imported.
`load_observations` gives an `ObservationSet`: the scope of a page (a municipality or some
of its kindergartens or departments, the filters, some semesters), read lazily. The
functions below group the stored values in the database (`AVG`, `COUNT`, `STDDEV_SAMP`,
`MIN`, `MAX`, and a conditional `COUNT` per band with the scoring module's limits), so
neither the number of queries nor the rows read grow with the history of the
municipality: a page reads one row per group, and a department page only its own
observations (`ObservationSet.rows`).

The supervision, action-plan and focus-area figures that dashboards and reports show
live with their owners (`observasjoner.tilsyn.selectors`, `handleplaner.selectors`,
`kvalitet.plans.selectors`); `kindergartens_in_scope` narrows them to a dashboard's
kindergartens.

An observation counts when it is submitted or locked, is not a second coding
(`double_coding_of` is empty) and has enough valid cycles (`Resultat.counts`).

Privacy (docs/domain.md, Privacy): aggregates only, always with their n. Every grouping
function takes `min_n`; a group with fewer observations comes back as a `Figure` with
`suppressed=True` and no mean (the politicians' report passes `min_n=PRIVACY_MIN_N` and
prints "–" with `SUPPRESSION_REASON`). The consultants' dashboards pass 0 and mark small
groups with `Figure.small`. Each `Figure` carries the mean, n and the sample standard
deviation (`sd`) of the observation scores behind it.

Typical use (the annual report does the same):

    data = load_observations(kommune)                   # or barnehage_ids={...}, filters=...
    semester = data.latest_semester
    year = data.narrow(year=2025)                       # one year, or semesters=[...]
    for instrument in data.instrument_codes():
        trend = domain_trend(data, instrument, min_n=PRIVACY_MIN_N)
        by_age = domain_by(data, instrument, "age_group", semester=semester, min_n=5)
        bands = band_distribution(data, instrument, semester=semester)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from math import sqrt
from statistics import stdev
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    StdDev,
    Subquery,
)
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from barnehager.models import AgeGroup, Barnehage, Kommune
from observasjoner import results as stored
from observasjoner import scoring
from observasjoner.models import (
    Instrument,
    Observasjon,
    Observasjonsrunde,
    Resultat,
    Resultatverdi,
    Semester,
    Semestersum,
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
DOMAIN, DIMENSION = stored.DOMAIN, stored.DIMENSION


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

    @classmethod
    def from_period(cls, period: int) -> SemesterKey:
        """The semester of a stored result's `period` (year * 2, plus 1 for autumn)."""
        return cls.of(period // 2, Semester.AUTUMN if period % 2 else Semester.SPRING)

    @property
    def period(self) -> int:
        return stored.period_of(self.year, self.semester)

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


# Counting observations -----------------------------------------------------------------

@dataclass(frozen=True)
class ObservationRow:
    """One counting observation, flattened, with its stored result."""

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
    """The counting observations of a scope, read lazily from the stored results.

    The scope is the municipality, optionally some kindergartens (`barnehage_ids`) or
    departments (`avdeling_ids`), the filters except the semester, and optionally some
    semesters (`periods`; None means all). `narrow` gives a smaller scope; the figure
    functions below aggregate over the scope in SQL. `rows` reads the observations one
    by one: use it only for a department's page or a check, never for a municipality.
    """

    kommune: Kommune
    specs: dict[str, scoring.InstrumentSpec]
    instruments: dict[str, Instrument]
    filters: Filters = field(default_factory=Filters)
    barnehage_ids: tuple[int, ...] | None = None
    avdeling_ids: tuple[int, ...] | None = None
    periods: tuple[int, ...] | None = None
    instrument_ids: dict[str, int] = field(default_factory=dict)
    # Per instrument: the domain figures per semester and code (see `semester_figures`).
    _per_semester: dict[str, dict[int, dict[str, dict[str, Any]]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def narrow(self, *, year: int | None = None, semester: SemesterKey | None = None,
               semesters: Iterable[SemesterKey] | None = None,
               barnehage_ids: Iterable[int] | None = None,
               avdeling_ids: Iterable[int] | None = None) -> ObservationSet:
        """The same set narrowed to a year, a semester, some semesters, kindergartens or
        departments (each on top of the scope it already has)."""
        periods = self.periods
        wanted: set[int] | None = None
        if year is not None:
            wanted = {stored.period_of(year, Semester.SPRING),
                      stored.period_of(year, Semester.AUTUMN)}
        if semester is not None:
            wanted = {semester.period} if wanted is None else wanted & {semester.period}
        if semesters is not None:
            keys = {key.period for key in semesters}
            wanted = keys if wanted is None else wanted & keys
        if wanted is not None:
            periods = tuple(sorted(wanted if periods is None else set(periods) & wanted))
        return replace(
            self, periods=periods,
            barnehage_ids=_intersect(self.barnehage_ids, barnehage_ids),
            avdeling_ids=_intersect(self.avdeling_ids, avdeling_ids))

    # The scope as querysets --------------------------------------------------------------

    def _instrument_id(self, code: str) -> int:
        return self.instrument_ids.get(code, -1)

    def _scoped(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        filters = self.filters
        queryset = queryset.filter(kommune=self.kommune, counts=True)
        if filters.instrument:
            queryset = queryset.filter(instrument_id=self._instrument_id(filters.instrument))
        if filters.nettverk:
            queryset = queryset.filter(barnehage__nettverk_id=filters.nettverk)
        if filters.pulje:
            queryset = queryset.filter(barnehage__pulje_id=filters.pulje)
        if filters.age_group:
            queryset = queryset.filter(avdeling__age_group=filters.age_group)
        if self.barnehage_ids is not None:
            queryset = queryset.filter(barnehage_id__in=self.barnehage_ids)
        if self.avdeling_ids is not None:
            queryset = queryset.filter(avdeling_id__in=self.avdeling_ids)
        if self.periods is not None:
            queryset = queryset.filter(period__in=self.periods)
        return queryset

    def results(self) -> QuerySet[Resultat]:
        """The stored results of the counting observations in scope."""
        return self._scoped(Resultat.objects.all())

    def values(self, kind: str, instrument: str,
               semester: SemesterKey | None = None) -> QuerySet[Resultatverdi]:
        """Stored domain scores (`DOMAIN`) or dimension means (`DIMENSION`) in scope."""
        queryset = self._scoped(Resultatverdi.objects.filter(
            kind=kind, instrument_id=self._instrument_id(instrument)))
        if semester is not None:
            queryset = queryset.filter(period=semester.period)
        return queryset.order_by()

    # What the scope holds ------------------------------------------------------------------

    @cached_property
    def _contents(self) -> list[tuple[int, int, int]]:
        """(period, instrument id, observations) with at least one counting observation:
        one query, which also gives `semesters`, `instrument_codes` and `count`."""
        return list(self.results().order_by().values_list("period", "instrument_id").annotate(
            n=Count("pk")).values_list("period", "instrument_id", "n"))

    def semester_figures(self, instrument: str) -> dict[int, dict[str, dict[str, Any]]]:
        """Period -> domain code -> the aggregates of `FIGURE_AGGREGATES` and the band
        counts of `band_counts`: one query per instrument, shared by the trend, a
        semester's totals and its bands."""
        if instrument not in self._per_semester:
            found = self._summed_semesters(instrument)
            if found is None:
                found = defaultdict(dict)
                for row in self.values(DOMAIN, instrument).values("period", "code").annotate(
                        **FIGURE_AGGREGATES, **band_counts(self.specs[instrument])):
                    found[row["period"]][row["code"]] = dict(row)
            self._per_semester[instrument] = dict(found)
        return self._per_semester[instrument]

    def _summed_semesters(self, instrument: str) -> dict[int, dict[str, dict[str, Any]]] | None:
        """`semester_figures` from the municipality's `Semestersum` rows, a few per semester
        whatever the history: only for the whole municipality (no kindergarten, network,
        cohort or age group narrows it), and only while every row agrees with the stored
        results' observation counts (`_contents`) and the instrument's band limits; None
        otherwise, and the figures are aggregated from the results themselves."""
        filters = self.filters
        if (self.barnehage_ids is not None or self.avdeling_ids is not None
                or filters.nettverk or filters.pulje or filters.age_group):
            return None
        spec, instrument_id = self.specs[instrument], self._instrument_id(instrument)
        expected = {period: n for period, found_id, n in self._contents
                    if found_id == instrument_id}
        sums = Semestersum.objects.filter(kommune=self.kommune, instrument_id=instrument_id)
        if self.periods is not None:
            sums = sums.filter(period__in=self.periods)
        found: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
        for row in sums.order_by("period", "code"):
            if (row.observations != expected.get(row.period) or row.low_below != spec.low_below
                    or row.high_from != spec.high_from):
                return None
            found[row.period][row.code] = _summed_figures(row)
        return found if set(found) == set(expected) else None

    @cached_property
    def semesters(self) -> list[SemesterKey]:
        """Semesters with at least one counting observation, oldest first."""
        return [SemesterKey.from_period(period)
                for period in sorted({period for period, _id, _n in self._contents})]

    @property
    def latest_semester(self) -> SemesterKey | None:
        return self.semesters[-1] if self.semesters else None

    @property
    def selected_semester(self) -> SemesterKey | None:
        """The filter's semester, else the latest one with data."""
        return self.filters.semester or self.latest_semester

    def instrument_codes(self) -> list[str]:
        """Instruments with data (or the filtered one), in the instruments' order."""
        used = {pk for _period, pk, _n in self._contents}
        return [code for code, instrument in self.instruments.items() if instrument.pk in used]

    @property
    def count(self) -> int:
        """Counting observations in scope (all semesters of it)."""
        return sum(n for _period, _id, n in self._contents)

    def counted_per_round(self) -> dict[int, int]:
        """Round id -> counting observations in scope: one query."""
        return dict(self.results().order_by().values_list("runde_id").annotate(
            n=Count("pk")).values_list("runde_id", "n"))

    def domains(self, instrument: str) -> tuple[scoring.DomainSpec, ...]:
        return self.specs[instrument].domains

    def domain_names(self, instrument: str) -> dict[str, str]:
        """Domain code -> name in the active language."""
        return {domene.code: domene.name for domene in self.instruments[instrument].domener.all()}

    def dimension_names(self, instrument: str) -> dict[str, str]:
        return {dim.code: dim.name for domene in self.instruments[instrument].domener.all()
                for dim in domene.dimensjoner.all()}

    @cached_property
    def rows(self) -> list[ObservationRow]:
        """Every counting observation in scope with its stored result, oldest first: two
        queries, and rows in proportion to the scope (a department's page)."""
        codes = {instrument.pk: code for code, instrument in self.instruments.items()}
        heads = list(self.results().filter(instrument_id__in=list(codes)).order_by(
            "runde__year", "runde__start_date", "observasjon_id").values_list(
            "observasjon_id", "period", "runde_id", "observasjon__observed_on",
            "observasjon__planned_date", "instrument_id", "avdeling_id", "avdeling__name",
            "avdeling__age_group", "barnehage_id", "barnehage__name", "barnehage__nettverk_id",
            "barnehage__nettverk__name", "barnehage__pulje_id", "barnehage__pulje__name",
            "valid_cycles"))
        values: dict[int, dict[tuple[str, str], tuple]] = defaultdict(dict)
        for resultat_id, kind, code, value, low, high in Resultatverdi.objects.filter(
                resultat_id__in=[head[0] for head in heads]).order_by().values_list(
                "resultat_id", "kind", "code", "value", "low", "high"):
            values[resultat_id][kind, code] = (value, low, high)
        rows = []
        for (pk, period, runde_id, observed_on, planned_date, instrument_id, avdeling_id,
             avdeling_name, age_group, barnehage_id, barnehage_name, nettverk_id,
             nettverk_name, pulje_id, pulje_name, valid_cycles) in heads:
            spec = self.specs[codes[instrument_id]]
            mine = values[pk]
            dimension = {code: mine.get((DIMENSION, code), (None, None, None))
                         for code in spec.dimension_codes}
            result = scoring.ObservationResult(
                valid_cycles=valid_cycles, counts=True,
                dimension_means={code: item[0] for code, item in dimension.items()},
                domain_scores={domain.code: mine.get((DOMAIN, domain.code), (None,))[0]
                               for domain in spec.domains},
                spread={code: (item[1], item[2]) if item[1] is not None else None
                        for code, item in dimension.items()})
            rows.append(ObservationRow(
                id=pk, semester=SemesterKey.from_period(period), runde_id=runde_id,
                observed_on=observed_on or planned_date, instrument=codes[instrument_id],
                avdeling_id=avdeling_id, avdeling_name=avdeling_name, age_group=age_group,
                barnehage_id=barnehage_id, barnehage_name=barnehage_name,
                nettverk_id=nettverk_id, nettverk_name=nettverk_name, pulje_id=pulje_id,
                pulje_name=pulje_name, result=result))
        return rows


def _intersect(current: tuple[int, ...] | None,
               wanted: Iterable[int] | None) -> tuple[int, ...] | None:
    if wanted is None:
        return current
    ids = set(wanted)
    return tuple(sorted(ids if current is None else ids & set(current)))


def instruments_with_structure() -> dict[str, Instrument]:
    """Active instruments with domains and dimensions: three queries."""
    instruments = Instrument.objects.prefetch_related("domener__dimensjoner").order_by("code")
    return {instrument.code: instrument for instrument in instruments}


def counting_observations(kommune: Kommune,
                          barnehage_ids: Iterable[int] | None = None) -> QuerySet[Observasjon]:
    """The queryset of candidate observations (before `result.counts` is known)."""
    queryset = Observasjon.objects.filter(
        runde__kommune=kommune, status__in=COUNTING_STATUSES, double_coding_of__isnull=True)
    if barnehage_ids is not None:
        queryset = queryset.filter(avdeling__barnehage_id__in=list(barnehage_ids))
    return queryset


def load_observations(kommune: Kommune, *, barnehage_ids: Iterable[int] | None = None,
                      filters: Filters = Filters(),
                      instruments: dict[str, Instrument] | None = None) -> ObservationSet:
    """The counting observations of a municipality (or of `barnehage_ids`), as a scope.

    No query but the instruments' three (none when `instruments` comes from
    `instruments_with_structure()`): each figure function then asks the database for
    just its figures.
    """
    instruments = instruments if instruments is not None else instruments_with_structure()
    specs = {code: scoring.spec_for(instrument) for code, instrument in instruments.items()}
    shown = {code: instrument for code, instrument in instruments.items()
             if not filters.instrument or code == filters.instrument}
    return ObservationSet(
        kommune=kommune, specs=specs, instruments=shown, filters=filters,
        barnehage_ids=tuple(barnehage_ids) if barnehage_ids is not None else None,
        instrument_ids={code: instrument.pk for code, instrument in instruments.items()})


# Figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A group's mean with its n, spread and band; `mean` is None when suppressed.

    `low`/`high` are the lowest and highest observation score in the group, `sd` the
    sample standard deviation between the observations' scores (None under two).
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
    """A `Figure` from observation scores in Python, through `scoring.aggregate` and
    `scoring.band`: what the SQL figures below must equal (the tests compare them)."""
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


class _SampleStdDev:
    """STDDEV_SAMP for SQLite (the embedded default) as PostgreSQL has it: None for fewer
    than two values (Django's own raises there)."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return stdev(self.values) if len(self.values) > 1 else None


def sqlite_sample_sd(sender: object, connection: Any, **kwargs: Any) -> None:
    """Connected to `connection_created` in `RapporterConfig.ready`."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("STDDEV_SAMP", 1, _SampleStdDev)


# The aggregates of one group of stored values, computed by the database.
FIGURE_AGGREGATES = {
    "n": Count("value"), "rows": Count("pk"), "mean": Avg("value"),
    "sd": StdDev("value", sample=True), "low": Min("value"), "high": Max("value"),
}


def _summed_figures(row: Semestersum) -> dict[str, Any]:
    """The aggregates of `FIGURE_AGGREGATES` and `band_counts` from a semester's sums."""
    n = row.n
    mean = row.total / n if n and row.total is not None else None
    sd = None
    if n > 1 and row.total is not None and row.squares is not None:
        sd = sqrt(max(row.squares - row.total * row.total / n, 0.0) / (n - 1))
    return {"period": row.period, "code": row.code, "n": n, "rows": row.rows, "mean": mean,
            "sd": sd, "low": row.low, "high": row.high,
            f"band_{scoring.LOW}": row.band_low, f"band_{scoring.MIDDLE}": row.band_middle,
            f"band_{scoring.HIGH}": row.band_high}


def _figure(row: dict[str, Any] | None, spec: scoring.InstrumentSpec,
            threshold: float | None, min_n: int) -> Figure:
    """A `Figure` from one row of `FIGURE_AGGREGATES`, banded by the scoring module."""
    n = row["n"] if row else 0
    if row is None or n == 0:
        return Figure(None, 0, threshold=threshold)
    if n < min_n:
        return Figure(None, n, threshold=threshold, suppressed=True)
    return Figure(mean=row["mean"], n=n, sd=row["sd"], low=row["low"], high=row["high"],
                  band=scoring.band(row["mean"], spec), threshold=threshold)


@dataclass
class GroupFigures:
    """One group (a semester, kindergarten, network, ...) with a `Figure` per domain.

    `name` is the group's own name where the label says more (a department's label
    names its kindergarten too).
    """

    key: object
    label: str
    n: int
    figures: dict[str, Figure]
    name: str = ""

    @property
    def suppressed(self) -> bool:
        return any(fig.suppressed for fig in self.figures.values())

    @property
    def small(self) -> bool:
        """Fewer than 5 observations behind the group (see `Figure.small`)."""
        return 0 < self.n < PRIVACY_MIN_N

    @property
    def margin(self) -> float | None:
        """How far the group's weakest domain lies above its research threshold (negative:
        below it); None when no domain has both a mean and a threshold."""
        margins = [fig.mean - fig.threshold for fig in self.figures.values()
                   if fig.mean is not None and fig.threshold is not None]
        return min(margins) if margins else None

    @property
    def below_threshold(self) -> list[str]:
        """Codes of the domains whose mean is not above their research threshold."""
        return [code for code, fig in self.figures.items() if fig.above_threshold is False]


def worst_first(groups: Iterable[GroupFigures]) -> list[GroupFigures]:
    """Groups ordered for acting on them: the furthest below a research threshold first
    (by `GroupFigures.margin`), then by label; groups without a mean (suppressed) last."""
    return sorted(groups, key=lambda group: (group.margin is None, group.margin or 0.0,
                                             group.label.casefold()))


# Per grouping: the columns of the group's key and of its label.
GROUP_FIELDS = {
    "semester": ("period",),
    "barnehage": ("barnehage_id", "barnehage__name"),
    "avdeling": ("avdeling_id", "avdeling__name", "barnehage__name"),
    "nettverk": ("barnehage__nettverk_id", "barnehage__nettverk__name"),
    "pulje": ("barnehage__pulje_id", "barnehage__pulje__name"),
    "age_group": ("avdeling__age_group",),
}


def _group(by: str, row: dict[str, Any]) -> tuple[object, str, str]:
    """(key, label, name) of an aggregated row for a grouping."""
    if by == "semester":
        key = SemesterKey.from_period(row["period"])
        return key, key.label, key.label
    if by == "barnehage":
        return row["barnehage_id"], row["barnehage__name"], row["barnehage__name"]
    if by == "avdeling":
        return (row["avdeling_id"], f"{row['barnehage__name']}: {row['avdeling__name']}",
                row["avdeling__name"])
    if by == "nettverk":
        name = row["barnehage__nettverk__name"] or str(NO_GROUP)
        return row["barnehage__nettverk_id"], name, name
    if by == "pulje":
        name = row["barnehage__pulje__name"] or str(NO_GROUP)
        return row["barnehage__pulje_id"], name, name
    if by == "age_group":
        label = str(AgeGroup(row["avdeling__age_group"]).label)
        return row["avdeling__age_group"], label, label
    raise ValueError(f"unknown grouping {by!r}")


def domain_by(data: ObservationSet, instrument: str, by: str, *,
              semester: SemesterKey | None = None, min_n: int = 0) -> list[GroupFigures]:
    """Domain figures per group (`by` is one of GROUPINGS) for one instrument: one query.

    Only observations of `semester` when it is given. Groups come sorted by label
    (semesters in time order).
    """
    if by not in GROUP_FIELDS:
        raise ValueError(f"unknown grouping {by!r}")
    spec = data.specs[instrument]
    fields = GROUP_FIELDS[by]
    aggregated: Iterable[dict[str, Any]]
    if by == "semester":
        aggregated = [row for period, rows in data.semester_figures(instrument).items()
                      if semester is None or period == semester.period
                      for row in rows.values()]
    else:
        aggregated = data.values(DOMAIN, instrument, semester).values(
            *fields, "code").annotate(**FIGURE_AGGREGATES)
    groups: dict[object, dict[str, dict[str, Any]]] = defaultdict(dict)
    labels: dict[object, tuple[str, str]] = {}
    for row in aggregated:
        key, label, name = _group(by, row)
        groups[key][row["code"]] = row
        labels[key] = (label, name)
    ordered = sorted(groups) if by == "semester" else sorted(
        groups, key=lambda key: labels[key][0].casefold())
    return [
        GroupFigures(
            key, labels[key][0], max(row["rows"] for row in groups[key].values()),
            {domain.code: _figure(groups[key].get(domain.code), spec, domain.threshold, min_n)
             for domain in spec.domains},
            name=labels[key][1])
        for key in ordered]


def domain_trend(data: ObservationSet, instrument: str, *, min_n: int = 0) -> list[GroupFigures]:
    """Domain figures per semester, oldest first."""
    return domain_by(data, instrument, "semester", min_n=min_n)


def domain_total(data: ObservationSet, instrument: str, *, semester: SemesterKey | None = None,
                 min_n: int = 0) -> GroupFigures:
    """Domain figures over all observations of a semester (from `semester_figures`), or of
    the whole scope when None (one query)."""
    spec = data.specs[instrument]
    rows: dict[str, dict[str, Any]]
    if semester is not None:
        rows = data.semester_figures(instrument).get(semester.period, {})
    else:
        rows = {row["code"]: dict(row) for row in data.values(DOMAIN, instrument).values(
            "code").annotate(**FIGURE_AGGREGATES)}
    return GroupFigures(
        semester, semester.label if semester else "",
        max((row["rows"] for row in rows.values()), default=0),
        {domain.code: _figure(rows.get(domain.code), spec, domain.threshold, min_n)
         for domain in spec.domains})


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


def band_counts(spec: scoring.InstrumentSpec) -> dict[str, Count]:
    """A conditional COUNT per band (named `band_low`, `band_middle`, `band_high`), with
    the limits `scoring.band` uses: low below `low_below`, high from `high_from`, middle
    between."""
    return {
        f"band_{scoring.LOW}": Count("pk", filter=Q(value__lt=spec.low_below)),
        f"band_{scoring.MIDDLE}": Count("pk", filter=Q(value__gte=spec.low_below,
                                                       value__lt=spec.high_from)),
        f"band_{scoring.HIGH}": Count("pk", filter=Q(value__gte=spec.high_from)),
    }


def band_distribution(data: ObservationSet, instrument: str, *,
                      semester: SemesterKey | None = None, min_n: int = 0) -> list[BandRow]:
    """Per domain: observations whose domain score is low, middle or high, from the
    conditional counts of `semester_figures` (no further query)."""
    spec = data.specs[instrument]
    per_semester = data.semester_figures(instrument)
    periods = [semester.period] if semester is not None else list(per_semester)
    result = []
    for domain in spec.domains:
        rows = [per_semester.get(period, {}).get(domain.code, {}) for period in periods]
        counts = {band: sum(row.get(f"band_{band}", 0) for row in rows) for band in BANDS}
        total = sum(counts.values())
        result.append(BandRow(domain.code, counts, suppressed=0 < total < min_n))
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
    lower than at their previous counting observation with the same instrument.

    Three queries: the semester's observations, each with the id of its department's
    previous counting observation (a subquery); the semester's domain scores; the domain
    scores of those previous observations (the same subquery again, in the database, so
    thousands of ids never travel through Python).
    """
    semester = semester or data.selected_semester
    if semester is None:
        return []
    codes = {instrument.pk: code for code, instrument in data.instruments.items()}
    earlier = Resultat.objects.filter(
        kommune=data.kommune, counts=True, avdeling_id=OuterRef("avdeling_id"),
        instrument_id=OuterRef("instrument_id"), period__lt=semester.period)
    if data.periods is not None:
        earlier = earlier.filter(period__in=data.periods)
    # The latest earlier semester first: the department's index gives it in one step.
    earlier = earlier.order_by("-period", "-observasjon_id")
    current = data.results().filter(period=semester.period, instrument_id__in=list(codes))
    with_previous = current.annotate(previous=Subquery(earlier.values("observasjon_id")[:1]))
    latest: dict[tuple[int, int], tuple] = {}
    for row in with_previous.order_by(
            "runde__year", "runde__start_date", "observasjon_id").values_list(
            "observasjon_id", "previous", "avdeling_id", "avdeling__name", "barnehage_id",
            "barnehage__name", "instrument_id"):
        latest[row[2], row[6]] = row  # the last one of the semester wins
    scores: dict[int, dict[str, float | None]] = defaultdict(dict)
    periods: dict[int, int] = {}
    semester_scores = data._scoped(Resultatverdi.objects.filter(
        kind=DOMAIN, period=semester.period, instrument_id__in=list(codes)))
    previous_scores = Resultatverdi.objects.filter(
        kind=DOMAIN, resultat_id__in=with_previous.values("previous"))
    for scope in (semester_scores, previous_scores):
        for resultat_id, code, value, period in scope.order_by().values_list(
                "resultat_id", "code", "value", "period"):
            scores[resultat_id][code] = value
            periods[resultat_id] = period
    drops = []
    for (after_id, before_id, avdeling_id, avdeling_name, barnehage_id, barnehage_name,
         instrument_id) in latest.values():
        if before_id is None:
            continue
        instrument = codes[instrument_id]
        spec = data.specs[instrument]
        for domain in spec.domains:
            old_score = scores[before_id].get(domain.code)
            new_score = scores[after_id].get(domain.code)
            old_band, new_band = scoring.band(old_score, spec), scoring.band(new_score, spec)
            if (old_band and new_band and old_score is not None and new_score is not None
                    and BAND_ORDER[new_band] < BAND_ORDER[old_band]):
                drops.append(BandDrop(
                    avdeling_id, avdeling_name, barnehage_id, barnehage_name, instrument,
                    domain.code, SemesterKey.from_period(periods[before_id]), old_score,
                    old_band, semester, new_score, new_band))
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
                 semester: SemesterKey | None = None) -> list[SpreadRow]:
    """Per dimension: the spread between cycles, from the stored lowest and highest
    cycle score of each observation: one query."""
    spec = data.specs[instrument]
    distance = F("high") - F("low")
    rows = {row["code"]: row for row in data.values(DIMENSION, instrument, semester).values(
        "code").annotate(mean=Avg("value"), n=Count("value"), mean_range=Avg(distance),
                         max_range=Max(distance))}
    result = []
    for code in spec.dimension_codes:
        row = rows.get(code)
        if row is None or not row["n"]:
            result.append(SpreadRow(code, None, None, None, 0))
            continue
        mean_range = row["mean_range"]
        result.append(SpreadRow(code, row["mean"],
                                float(mean_range) if mean_range is not None else None,
                                row["max_range"], row["n"]))
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
                   filters: Filters = Filters(), runder=None,
                   newest: int | None = None) -> list[RoundProgress]:
    """Rounds of the municipality, newest first, with counts by status: two queries (three
    with `newest`).

    `runder` narrows the rounds (pass `Observasjonsrunde.objects.visible_to(user)` so a
    leader does not see a round still in planning); with `barnehage_ids`, rounds without
    an observation there are left out. `newest` keeps only that many of the newest rounds,
    chosen before any observation is counted, so years of rounds cost what a few do.
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
        kommune=kommune)
    if filters.semester:
        runder = runder.filter(year=filters.semester.year, semester=filters.semester.semester)
    if newest is not None:
        chosen = runder
        if barnehage_ids is not None:
            chosen = chosen.filter(
                observasjoner__avdeling__barnehage_id__in=list(barnehage_ids)).distinct()
        runder = Observasjonsrunde.objects.filter(pk__in=list(
            chosen.order_by("-year", "-start_date", "-pk").values_list("pk", flat=True)[
                :newest]))
    runder = runder.annotate(
        planned=count(Observasjon.Status.PLANNED),
        in_progress=count(Observasjon.Status.IN_PROGRESS),
        submitted=count(*COUNTING_STATUSES),
        total=Count("observasjoner", filter=observations),
    ).prefetch_related("puljer").order_by("-year", "-start_date")
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
