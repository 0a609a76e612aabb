"""What goes into each kind of report: the figures and the charts (`rapporter.charts`).

Reports compose the figures, never recompute them: observation figures through
`rapporter.selectors` (which scores through `observasjoner.scoring`), supervision figures
through `observasjoner.tilsyn.selectors`, action plans through `handleplaner.selectors`
and the quality plan through `kvalitet.plans.selectors`, the same functions the dashboards
use, so a dashboard and a report print the same number for the same kindergartens and year.

Reports leave the application (to the committee, to a kindergarten's board), so every
observation figure in them is suppressed below `selectors.PRIVACY_MIN_N` observations
and shows as "–" with the reason in a footnote.

Call these inside `translation.override(report language)`: labels are translated when
the context is built.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barnehager.models import Avdeling, Barnehage, Strukturtall
from barnehager.pdf import PdfDocument
from handleplaner import selectors as plan_selectors
from handleplaner.models import GoalReached, Handleplan
from handleplaner.models import Status as PlanStatus
from kvalitet.models import BarnehageFokus, RoleLevel, Tegn
from kvalitet.plans import selectors as focus_selectors
from observasjoner import scoring
from observasjoner.models import Observasjonsrunde
from observasjoner.tilsyn import selectors as tilsyn_selectors
from observasjoner.tilsyn.models import Tilsyn
from rapporter import charts, conclusions, selectors
from rapporter.conclusions import Comparison, DomainConclusion
from rapporter.models import Anbefaling, Kind, Rapport

MIN_N = selectors.PRIVACY_MIN_N
# Semesters shown in a trend: the last three years.
TREND_SEMESTERS = 6
# The ages the shipped instruments are stored with (observasjoner/migrations/0002) in the
# report's language; another instrument's text prints as entered.
AGE_DESCRIPTIONS = {
    "15-36 months": gettext_lazy("15-36 months"),
    "3-5 years": gettext_lazy("3-5 years"),
    "0-18 months": gettext_lazy("0-18 months"),
}


def age_description(text: str) -> str:
    return str(AGE_DESCRIPTIONS.get(text, text))


def for_report(rapport: Rapport) -> PdfDocument:
    builders = {
        Kind.ANNUAL: annual_report,
        Kind.KINDERGARTEN: kindergarten_report,
        Kind.SUPERVISION: supervision_report,
        Kind.ACTION_PLAN: action_plan_report,
    }
    return builders[rapport.kind](rapport)


# Shared pieces -------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A figure this year beside last year's. None (no data or suppressed) prints "–"."""

    label: str
    now: float | None
    before: float | None
    digits: int = 0
    n_now: int | None = None
    n_before: int | None = None
    suppressed: bool = False
    unit: str = ""
    # Domain scores: the change with its 95 % interval and what it means.
    comparison: Comparison | None = None
    # Counted as registered today (kindergartens, departments): no figure for last year,
    # so the year before and the change stay empty rather than print "–".
    current_only: bool = False

    @property
    def change(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return round(self.now, self.digits) - round(self.before, self.digits)


@dataclass(frozen=True)
class InstrumentCharts:
    """The charts of one instrument's section; each sits under the table with its figures."""

    scores: charts.Chart
    bands: charts.Chart
    age_groups: charts.Chart | None = None
    trend: charts.Chart | None = None


@dataclass
class InstrumentSection:
    """One CLASS instrument's results for the report's period."""

    code: str
    name: str
    age_description: str
    domain_names: dict[str, str]
    total: selectors.GroupFigures
    previous: selectors.GroupFigures
    by_semester: list[selectors.GroupFigures]
    by_age_group: list[selectors.GroupFigures]
    bands: list[selectors.BandRow]
    dimensions: list[dict]
    trend: list[selectors.GroupFigures]
    comparison: selectors.GroupFigures | None = None
    charts: InstrumentCharts | None = None
    # The scoring module's spec: the band limits the headers and captions print.
    spec: scoring.InstrumentSpec | None = None
    # What the figures mean (the annual report): one sentence per domain.
    conclusions: list[DomainConclusion] = field(default_factory=list)

    @property
    def domains(self) -> list[tuple[str, str]]:
        return list(self.domain_names.items())

    @property
    def nothing_shown(self) -> bool:
        """No figure of the subject itself may be shown in the period or the one before
        (every group under the minimum): the report says so instead of empty tables."""
        return all(figure.mean is None for group in (self.total, self.previous)
                   for figure in group.figures.values())

    @property
    def any_suppressed(self) -> bool:
        groups = [self.total, self.previous, *self.by_semester, *self.by_age_group, *self.trend]
        if self.comparison:
            groups.append(self.comparison)
        return (any(group.suppressed for group in groups)
                or any(row.suppressed for row in self.bands)
                or any(row["suppressed"] for row in self.dimensions))


def _period(data: selectors.ObservationSet,
            key: selectors.SemesterKey | int) -> selectors.ObservationSet:
    """The observations of a year (an int) or of one semester; figures come from SQL."""
    if isinstance(key, int):
        return data.narrow(year=key)
    return data.narrow(semester=key)


def _value(figure: selectors.Figure | None) -> float | None:
    return None if figure is None or figure.suppressed else figure.mean


def instrument_sections(data: selectors.ObservationSet, year: int, *, semester: str = "",
                        compare_with: selectors.ObservationSet | None = None,
                        subject: str) -> list[InstrumentSection]:
    """Per instrument with data in the period: domain figures, by semester and age group,
    the band distribution, dimension means, a trend over semesters, and the charts.

    The period is the year, or one semester of it when `semester` is given. With
    `compare_with` (the municipality, for a kindergarten report) each section also holds
    the same figures over that set.
    """
    this_period = selectors.SemesterKey.of(year, semester) if semester else year
    last_period = _previous_semester(year, semester) if semester else year - 1
    current = _period(data, this_period)
    previous = _period(data, last_period)
    semesters = [key for key in data.semesters if key <= _last_semester(year, semester)]
    trend = data.narrow(semesters=semesters[-TREND_SEMESTERS:])
    with_data = set(current.instrument_codes()) | set(previous.instrument_codes())
    band_labels = {band: str(label) for band, label in selectors.BAND_LABELS.items()}
    sections = []
    for code in data.instrument_codes():
        if code not in with_data:
            continue
        instrument = data.instruments[code]
        spec = data.specs[code]
        names = data.domain_names(code)
        dimension_names = data.dimension_names(code)
        section = InstrumentSection(
            code=code, name=instrument.name,
            age_description=age_description(instrument.age_description), domain_names=names,
            spec=spec,
            total=selectors.domain_total(current, code, min_n=MIN_N),
            previous=selectors.domain_total(previous, code, min_n=MIN_N),
            by_semester=selectors.domain_by(current, code, "semester", min_n=MIN_N),
            by_age_group=selectors.domain_by(current, code, "age_group", min_n=MIN_N),
            bands=selectors.band_distribution(current, code, min_n=MIN_N),
            dimensions=[
                {"code": row.dimension, "name": dimension_names.get(row.dimension, ""),
                 "mean": row.mean if row.n >= MIN_N else None,
                 "mean_range": row.mean_range if row.n >= MIN_N else None,
                 "n": row.n, "suppressed": 0 < row.n < MIN_N,
                 "reversed": any(dim.reversed and dim.code == row.dimension
                                 for domain in spec.domains for dim in domain.dimensions)}
                for row in selectors.cycle_spread(current, code)
            ],
            trend=selectors.domain_by(trend, code, "semester", min_n=MIN_N),
        )
        if compare_with is not None:
            section.comparison = selectors.domain_total(
                _period(compare_with, this_period), code,
                min_n=MIN_N)
        section.charts = _instrument_charts(section, spec, subject, band_labels,
                                            previous_label=_previous_label(year, semester),
                                            current_label=_period_label(year, semester))
        sections.append(section)
    return sections


def _instrument_charts(section: InstrumentSection, spec, subject: str,
                       band_labels: dict[str, str], *, previous_label: str,
                       current_label: str) -> InstrumentCharts:
    codes = [domain.code for domain in spec.domains]
    categories = [f"{code} {section.domain_names.get(code, '')}" for code in codes]
    thresholds = [charts.Threshold(domain.threshold, _("research threshold %(value)s")
                                   % {"value": f"{domain.threshold:g}"})
                  if domain.threshold is not None else None for domain in spec.domains]

    def series(label: str, group: selectors.GroupFigures) -> charts.Series:
        return charts.Series(label, [_value(group.figures.get(code)) for code in codes],
                             ns=[group.figures[code].n if code in group.figures else None
                                 for code in codes])

    scores = charts.bar_chart(
        _("%(instrument)s: domain scores, %(subject)s")
        % {"instrument": section.name, "subject": subject},
        _("Mean domain score on the 1-7 scale for %(current)s and %(previous)s, with the "
          "number of observations (n) and the research threshold of each domain. Groups "
          "with fewer than %(min_n)s observations are not shown. The table above gives "
          "the same figures.")
        % {"current": current_label, "previous": previous_label, "min_n": MIN_N},
        categories,
        # Last period's bars only when it has observations: no empty "– (n=0)" rows.
        [*([series(previous_label, section.previous)] if section.previous.n else []),
         series(current_label, section.total)],
        category_thresholds=thresholds,
    )
    age_groups = None
    if len(section.by_age_group) > 1:
        age_groups = charts.bar_chart(
            _("%(instrument)s: domain scores by age group, %(current)s")
            % {"instrument": section.name, "current": current_label},
            _("Mean domain score on the 1-7 scale for each age group, with the number of "
              "observations (n); an age group with fewer than %(min_n)s observations is not "
              "shown. The table above gives the same figures.") % {"min_n": MIN_N},
            categories,
            [series(group.label, group) for group in section.by_age_group],
            category_thresholds=thresholds,
        )
    trend = None
    if len(section.trend) > 1:
        trend = charts.line_chart(
            _("%(instrument)s: development over semesters") % {"instrument": section.name},
            _("Mean domain score per semester, one line per domain; a gap means fewer than "
              "%(min_n)s observations. The table above gives the same figures.")
            % {"min_n": MIN_N},
            [group.label for group in section.trend],
            [charts.Series(category, [_value(group.figures.get(code))
                                      for group in section.trend],
                           ns=[group.figures[code].n for group in section.trend])
             for code, category in zip(codes, categories, strict=True)],
        )
    bands = charts.band_chart(
        _("%(instrument)s: observations by band") % {"instrument": section.name},
        _("Share of observations whose domain score is low (below %(low)s), middle or high "
          "(%(high)s and above), %(current)s. The table above gives the same counts.")
        % {"current": current_label, "low": formats.number_format(spec.low_below, 1),
           "high": formats.number_format(spec.high_from, 1)},
        categories,
        [None if row.suppressed else row.counts for row in section.bands],
        band_labels=band_labels,
    )
    return InstrumentCharts(scores=scores, bands=bands, age_groups=age_groups, trend=trend)


@dataclass(frozen=True)
class KindergartenRow:
    """One kindergarten in the appendix: its domain figures for the year and the score it
    is sorted by (the mean of its domain scores; None when suppressed)."""

    name: str
    n: int
    figures: dict[str, selectors.Figure]
    score: float | None


def kindergarten_appendix(data: selectors.ObservationSet, year: int,
                          sections: list[InstrumentSection]) -> list[tuple[
                              InstrumentSection, list[KindergartenRow], list[KindergartenRow]]]:
    """Per instrument of the report: the kindergartens observed in the year with at least
    MIN_N observations, lowest score first (the ones to talk about come first, not the
    alphabet's), and those with fewer, which are only named with their n."""
    current = _period(data, year)
    appendix = []
    for section in sections:
        rows = []
        for group in selectors.domain_by(current, section.code, "barnehage", min_n=MIN_N):
            means = [value for value in map(_value, group.figures.values()) if value is not None]
            rows.append(KindergartenRow(group.label, group.n, group.figures,
                                        sum(means) / len(means) if means else None))
        rows.sort(key=lambda row: (row.score is None, row.score or 0, row.name.casefold()))
        shown = [row for row in rows if row.score is not None]
        if rows:
            appendix.append((section, shown, rows[len(shown):]))
    return appendix


def _previous_semester(year: int, semester: str) -> selectors.SemesterKey:
    if semester == "autumn":
        return selectors.SemesterKey.of(year, "spring")
    return selectors.SemesterKey.of(year - 1, "autumn")


def _last_semester(year: int, semester: str) -> selectors.SemesterKey:
    return selectors.SemesterKey.of(year, semester or "autumn")


def _period_label(year: int, semester: str) -> str:
    return selectors.SemesterKey.of(year, semester).label if semester else str(year)


def _previous_label(year: int, semester: str) -> str:
    return _previous_semester(year, semester).label if semester else str(year - 1)


def structure_figures(barnehager, year: int) -> list[Change]:
    """Children, staff ratio and trained pedagogues this year and last year."""
    totals = {}
    for period in (year, year - 1):
        totals[period] = Strukturtall.objects.filter(
            barnehage__in=barnehager, year=period).aggregate(
            children=Sum("children"), staff=Sum("staff"),
            trained=Avg("trained_pedagogue_share"))

    def ratio(period):
        row = totals[period]
        return row["children"] / row["staff"] if row["staff"] else None

    def trained(period):
        value = totals[period]["trained"]
        return float(value) if value is not None else None

    return [
        Change(_("Children"), totals[year]["children"], totals[year - 1]["children"]),
        Change(_("Children per staff member"), ratio(year), ratio(year - 1), digits=1),
        Change(_("Share of trained pedagogues (mean of kindergartens)"), trained(year),
               trained(year - 1), digits=1, unit=" %"),
    ]


def observation_count(data: selectors.ObservationSet, year: int) -> Change:
    return Change(_("Observations that count"), data.narrow(year=year).count,
                  data.narrow(year=year - 1).count)


def domain_changes(sections: list[InstrumentSection]) -> list[Change]:
    """Each domain's mean this period against the one before, with n."""
    changes = []
    for section in sections:
        compared = {item.code: item.last_year for item in section.conclusions}
        for code, name in section.domains:
            now = section.total.figures[code]
            before = section.previous.figures[code]
            changes.append(Change(
                f"{section.name}: {code} {name}", _value(now), _value(before), digits=2,
                n_now=now.n, n_before=before.n,
                suppressed=now.suppressed or before.suppressed,
                comparison=compared.get(code)))
    return changes


# Quality plan, supervision, action plans -------------------------------------------------

def plan_signs(plans: list[focus_selectors.PlanFigures]) -> dict[int, list[tuple[str, list[str]]]]:
    """Per focus area of the plans: its signs of success grouped by role level, in the
    levels' order (Frederikshavn's strategy is followed through its signs, not measures).
    One query."""
    areas = [area.fokusomrade.pk for figures in plans for area in figures.areas]
    position = {level.value: index for index, level in enumerate(RoleLevel)}
    grouped: dict[int, dict[str, list[str]]] = {}
    for tegn in sorted(Tegn.objects.filter(fokusomrade_id__in=areas),
                       key=lambda tegn: (position.get(tegn.role_level, 99), tegn.order, tegn.pk)):
        grouped.setdefault(tegn.fokusomrade_id, {}).setdefault(
            str(tegn.get_role_level_display()), []).append(tegn.text)
    return {pk: list(levels.items()) for pk, levels in grouped.items()}


# The figures come from their owners' selectors, the same functions the dashboards use;
# here they only get the labels the report prints.

def _labelled(counts: dict[str, int], choices: list[tuple[str, str]]) -> list[tuple[str, int]]:
    return [(str(label), counts[value]) for value, label in choices]


def supervision_chapter(barnehager: QuerySet[Barnehage], year: int) -> dict:
    """The supervisions of the year (`supervision`), the outcomes with their labels in the
    words of the municipality's country, the kindergartens under intensified supervision
    (Denmark) or with an open follow-up (Norway) at the end of the year, and in Norway the
    orders to correct (`correction_orders`; None in Denmark, whose law has none)."""
    tilsyn = Tilsyn.objects.filter(barnehage__in=barnehager)
    figures = tilsyn_selectors.supervision_figures(tilsyn, year=year)
    first = barnehager.select_related("kommune").first()
    country = first.kommune.country if first else ""
    return {
        "supervision": figures,
        "supervision_outcomes": _labelled(figures.by_outcome, Tilsyn.outcome_choices(country)),
        "open_concerns": tilsyn_selectors.kindergartens_under_intensified_supervision(
            tilsyn, date(year, 12, 31)),
        "country": country,
        "correction_orders": (tilsyn_selectors.correction_orders(tilsyn, year)
                              if country == "NO" else None),
    }


def action_plan_chapter(barnehager: QuerySet[Barnehage], year: int) -> dict:
    """The action plans open during the year (`action_plans`) and their statuses and
    evaluations with labels."""
    figures = plan_selectors.action_plan_figures(
        Handleplan.objects.filter(barnehage__in=barnehager), year=year)
    return {
        "action_plans": figures,
        "plan_statuses": _labelled(figures.by_status, PlanStatus.choices),
        "plan_evaluations": _labelled(figures.evaluations, GoalReached.choices),
    }


# The reports ----------------------------------------------------------------------------

def annual_report(rapport: Rapport) -> PdfDocument:
    """The annual quality report of a municipality for its political committee."""
    kommune, year = rapport.kommune, rapport.year
    barnehager = Barnehage.objects.filter(kommune=kommune)
    data = selectors.load_observations(kommune)
    sections = instrument_sections(data, year, subject=kommune.name)
    found = conclusions.domain_conclusions(data, year)
    for section in sections:
        section.conclusions = [item for item in found if item.instrument == section.code]
    supervision = supervision_chapter(barnehager, year)
    action_plans = action_plan_chapter(barnehager, year)
    recommendation = Anbefaling.objects.filter(kommune=kommune, year=year).first()
    plans = focus_selectors.plan_figures(kommune.pk, year)
    changes = domain_changes(sections)
    key_figures = [
        Change(_("Kindergartens"), barnehager.count(), None, current_only=True),
        Change(_("Departments"), Avdeling.objects.filter(barnehage__kommune=kommune).count(),
               None, current_only=True),
        *structure_figures(barnehager, year),
        observation_count(data, year),
        Change(_("Supervisions carried out"), supervision["supervision"].count,
               tilsyn_selectors.supervision_count(
                   Tilsyn.objects.filter(barnehage__in=barnehager), year - 1)),
        Change(_("Action plans open during the year"), action_plans["action_plans"].total,
               plan_selectors.action_plan_figures(
                   Handleplan.objects.filter(barnehage__in=barnehager), year=year - 1).total),
    ]
    return PdfDocument("rapporter/pdf/annual.html", {
        **_common(rapport),
        "title": _("Quality report %(year)s: %(kommune)s")
        % {"year": year, "kommune": kommune.name},
        "key_figures": key_figures,
        "domain_changes": changes,
        "domain_changes_comparable": any(change.n_before for change in changes),
        "conclusions": found,
        "sections": sections,
        "plans": plans,
        "signs": plan_signs(plans),
        "appendix": kindergarten_appendix(data, year, sections),
        **supervision,
        **action_plans,
        "recommendation": recommendation,
        "kindergarten_count": barnehager.count(),
        **_method(data, kommune, year),
    })


def kindergarten_report(rapport: Rapport) -> PdfDocument:
    """One kindergarten's report for its owner and board, beside the municipality."""
    barnehage, year, semester = rapport.barnehage, rapport.year, rapport.semester
    instruments = selectors.instruments_with_structure()
    municipality = selectors.load_observations(rapport.kommune, instruments=instruments)
    own = municipality.narrow(barnehage_ids=[barnehage.pk])
    sections = instrument_sections(own, year, semester=semester, compare_with=municipality,
                                   subject=barnehage.name)
    barnehager = Barnehage.objects.filter(pk=barnehage.pk)
    return PdfDocument("rapporter/pdf/kindergarten.html", {
        **_common(rapport),
        "title": _("Kindergarten report %(period)s: %(barnehage)s")
        % {"period": _period_label(year, semester), "barnehage": barnehage.name},
        "period_label": _period_label(year, semester),
        "previous_label": _previous_label(year, semester),
        "barnehage": barnehage,
        "departments": list(barnehage.avdelinger.order_by("name")),
        "structure": structure_figures(barnehager, year),
        "observation_count": Change(
            _("Observations that count"),
            _period(own, selectors.SemesterKey.of(year, semester) if semester else year).count,
            None),
        "sections": sections,
        "focus": list(BarnehageFokus.objects.filter(barnehage=barnehage, year=year)
                      .select_related("fokusomrade__plan").order_by("fokusomrade__order")),
        **supervision_chapter(barnehager, year),
        **action_plan_chapter(barnehager, year),
        **_method(own, rapport.kommune, year, semester),
    })


def supervision_report(rapport: Rapport) -> PdfDocument:
    """The supervision app's own report of one supervision."""
    tilsyn = Tilsyn.objects.select_related("barnehage__kommune", "instrument__skala").get(
        pk=rapport.subject_id, barnehage=rapport.barnehage)
    return tilsyn_selectors.report_document(tilsyn, timezone.now())


def action_plan_report(rapport: Rapport) -> PdfDocument:
    """One action plan, as the action-plan app prints it."""
    plan = Handleplan.objects.select_related("barnehage__kommune").get(
        pk=rapport.subject_id, barnehage=rapport.barnehage)
    return plan_selectors.plan_document(plan, timezone.localtime())


def _method(data: selectors.ObservationSet, kommune, year: int, semester: str = "") -> dict:
    """What the method chapter lists: the instruments and the period's rounds with the
    number of observations that count in each."""
    counted = Counter(data.counted_per_round())
    rounds = Observasjonsrunde.objects.filter(kommune=kommune, year=year).order_by("start_date")
    if semester:
        rounds = rounds.filter(semester=semester)
    return {"instruments": list(data.instruments.values()),
            "rounds": [CountedRound(runde, counted[runde.pk]) for runde in rounds]}


@dataclass(frozen=True)
class CountedRound:
    """A round of the period with the number of its observations that count."""

    runde: Observasjonsrunde
    counted: int


def _common(rapport: Rapport) -> dict:
    return {
        "rapport": rapport,
        "kommune": rapport.kommune,
        "year": rapport.year,
        "min_n": MIN_N,
        "suppression_reason": selectors.SUPPRESSION_REASON,
        "generated_on": timezone.localdate(),
    }
