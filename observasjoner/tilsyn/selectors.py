"""Reads about supervisions for the list page, the home page, the supervision page and its
report, and the supervision figures of the dashboards and the reports, each a fixed number
of queries.

The one rule for "good": a rating counts as good quality when its level is at or above the
instrument scale's `good_from` (`is_good`). Every share of good ratings the product shows
(the supervision page and report per theme, the dashboards, the annual and kindergarten
reports) is a `Ratings` built here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, AnyUser, scope_of
from barnehager.models import Barnehage
from barnehager.pdf import PdfDocument
from observasjoner.tilsyn.models import Tema, Tilsyn, TilsynVurdering

# Dagtilbudsloven: a supervision report is published for each institution at least every
# second year.
REPORT_INTERVAL_YEARS = 2


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# The two-year report duty is Danish law's: only Danish municipalities are held to it.
REPORT_DUTY_COUNTRY = "DK"


def _managed(user: AnyUser) -> QuerySet[Barnehage]:
    scope = scope_of(user)
    return Barnehage.objects.all() if scope.superuser else Barnehage.objects.filter(
        kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))


def managed_countries(user: AnyUser) -> set[str]:
    """The countries of the municipalities the consultant manages: which law's rules her
    pages show (docs/domain.md, Supervision)."""
    return set(_managed(user).values_list("kommune__country", flat=True).distinct())


def overdue_reports(user: AnyUser, today: date | None = None) -> QuerySet[Barnehage]:
    """Kindergartens of the consultant's Danish municipalities with no report published in
    the last two years, with the date of their latest one (Dagtilbudsloven; Norwegian law
    has no such duty)."""
    cutoff = _years_before(today or timezone.localdate(), REPORT_INTERVAL_YEARS)
    barnehager = _managed(user).filter(kommune__country=REPORT_DUTY_COUNTRY)
    return (barnehager.select_related("kommune")
            .annotate(last_published=Max("tilsyn__published_on",
                                         filter=Q(tilsyn__status=Tilsyn.Status.PUBLISHED)))
            .filter(Q(last_published__isnull=True) | Q(last_published__lt=cutoff))
            .order_by("kommune__name", "last_published", "name"))


def open_correction_orders(user: AnyUser, today: date | None = None) -> QuerySet[Tilsyn]:
    """Orders to correct (pålegg om retting, Norway) whose deadline has not passed,
    earliest deadline first."""
    return (Tilsyn.objects.visible_to(user).filter(
        status__in=Tilsyn.LEADER_VISIBLE,
        correction_deadline__gte=today or timezone.localdate())
        .exclude(correction_order="").select_related("barnehage__kommune")
        .order_by("correction_deadline", "barnehage__name"))


def home_summary(user: AnyUser) -> dict:
    """Consultants: kindergartens under intensified supervision (Norway: an open follow-up),
    and the rules of their municipalities' country: reports due (Denmark), orders to
    correct whose deadline runs (Norway).
    Leaders: the latest supervision of each kindergarten they lead."""
    scope = scope_of(user)
    summary: dict = {}
    if scope.has_role(*MUNICIPAL_ROLES):
        countries = managed_countries(user)
        summary["countries"] = countries
        summary["open_concerns"] = list(
            Tilsyn.objects.visible_to(user).open_concerns()
            .select_related("barnehage__kommune").order_by("follow_up_date"))
        if REPORT_DUTY_COUNTRY in countries:
            summary["overdue_count"] = overdue_reports(user).count()
        if "NO" in countries:
            summary["open_orders"] = open_correction_orders(user).count()
    led = scope.barnehage_ids(ROLE_LEADER)
    if led:
        latest = {}
        for tilsyn in (Tilsyn.objects.visible_to(user).filter(barnehage_id__in=led)
                       .select_related("barnehage__kommune").order_by("-date")):
            latest.setdefault(tilsyn.barnehage_id, tilsyn)
        summary["led"] = list(latest.values())
    return summary


# Ratings and figures --------------------------------------------------------------------

def is_good(value: int, good_from: int) -> bool:
    """A rating at `value` reaches the scale's good-quality level `good_from`."""
    return value >= good_from


@dataclass(frozen=True)
class Ratings:
    """Criteria rated and how many of them reach good quality; `share` is None with none."""

    rated: int = 0
    good: int = 0

    @property
    def share(self) -> float | None:
        return self.good / self.rated if self.rated else None

    def __add__(self, other: Ratings) -> Ratings:
        return Ratings(self.rated + other.rated, self.good + other.good)


@dataclass(frozen=True)
class RatedCriterion:
    """One criterion's rating in a supervision; `good` is None while it is not rated."""

    vurdering: TilsynVurdering
    good: bool | None


@dataclass(frozen=True)
class ThemeRatings:
    """One theme of a supervision: its ratings in order and how many are good."""

    tema: Tema
    criteria: tuple[RatedCriterion, ...]
    ratings: Ratings

    @property
    def good(self) -> int:
        return self.ratings.good


def theme_ratings(tilsyn: Tilsyn) -> list[ThemeRatings]:
    """Per theme of one supervision, in the themes' order: one query."""
    good_from = tilsyn.instrument.skala.good_from
    criteria: dict[int, list[RatedCriterion]] = defaultdict(list)
    temaer: dict[int, Tema] = {}
    for vurdering in tilsyn.vurderinger.select_related("kriterium__tema", "niva"):
        tema = vurdering.kriterium.tema
        temaer[tema.pk] = tema
        good = None if vurdering.niva is None else is_good(vurdering.niva.value, good_from)
        criteria[tema.pk].append(RatedCriterion(vurdering, good))
    themes = [ThemeRatings(temaer[pk], tuple(rows),
                           Ratings(sum(row.good is not None for row in rows),
                                   sum(row.good is True for row in rows)))
              for pk, rows in criteria.items()]
    return sorted(themes, key=lambda theme: theme.tema.order)


@dataclass(frozen=True)
class LatestSupervision:
    """A kindergarten's latest supervision in the period, with its ratings."""

    tilsyn: Tilsyn
    ratings: Ratings


@dataclass(frozen=True)
class ThemeFigure:
    """A theme over the latest supervisions: ratings and how many supervisions rated it."""

    name: str
    ratings: Ratings
    supervisions: int


@dataclass(frozen=True)
class SupervisionFigures:
    """The supervision figures of a set of kindergartens for a period.

    `supervisions`: every completed or published supervision with a visit in the period,
    by date; `count`, `announced` and `by_outcome` count those visits.
    `latest`: the latest of them per kindergarten (by kindergarten name), and `ratings`,
    `themes` and `outcomes` (kindergartens per outcome) are over these only. The share of
    good ratings is thus the state each kindergarten was last found in: a follow-up visit
    after a concern replaces the first visit's ratings instead of being added to them, and
    every kindergarten weighs once whatever the number of visits.
    """

    supervisions: tuple[Tilsyn, ...]
    latest: tuple[LatestSupervision, ...]
    themes: tuple[ThemeFigure, ...]

    @property
    def count(self) -> int:
        return len(self.supervisions)

    @property
    def announced(self) -> int:
        return sum(1 for item in self.supervisions if item.announced)

    @property
    def by_outcome(self) -> dict[str, int]:
        """Supervisions per outcome, in the outcomes' order."""
        counts = Counter(item.outcome for item in self.supervisions)
        return {value: counts[value] for value in Tilsyn.Outcome.values}

    @property
    def outcomes(self) -> dict[str, int]:
        """Kindergartens per outcome of their latest supervision."""
        counts = Counter(row.tilsyn.outcome for row in self.latest)
        return {value: counts[value] for value in Tilsyn.Outcome.values}

    @property
    def ratings(self) -> Ratings:
        return sum((row.ratings for row in self.latest), Ratings())


def supervision_figures(tilsyn: QuerySet[Tilsyn], *, year: int | None = None
                        ) -> SupervisionFigures:
    """The figures over `tilsyn` (already narrowed to the kindergartens and what the user may
    see), visits in `year` only when given; drafts never count. Two queries."""
    queryset = tilsyn.filter(status__in=Tilsyn.LEADER_VISIBLE)
    if year is not None:
        queryset = queryset.filter(date__year=year)
    supervisions = list(queryset.select_related("barnehage__kommune", "instrument__skala")
                        .order_by("date", "barnehage__name", "pk"))
    latest: dict[int, Tilsyn] = {}
    for item in supervisions:  # oldest first: the last one stays
        latest[item.barnehage_id] = item
    by_pk = {item.pk: item for item in latest.values()}
    counts: dict[int, Ratings] = dict.fromkeys(by_pk, Ratings())
    themes: dict[tuple[int, str], Ratings] = {}
    theme_supervisions: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = TilsynVurdering.objects.filter(tilsyn_id__in=list(by_pk), niva__isnull=False
                                          ).order_by().values_list(
        "tilsyn_id", "niva__value", "kriterium__tema__order", "kriterium__tema__name")
    for tilsyn_id, value, order, name in rows:
        rating = Ratings(1, int(is_good(value, by_pk[tilsyn_id].instrument.skala.good_from)))
        counts[tilsyn_id] += rating
        themes[(order, name)] = themes.get((order, name), Ratings()) + rating
        theme_supervisions[(order, name)].add(tilsyn_id)
    ordered = sorted(latest.values(), key=lambda item: (item.barnehage.name.casefold(), item.pk))
    return SupervisionFigures(
        supervisions=tuple(supervisions),
        latest=tuple(LatestSupervision(item, counts[item.pk]) for item in ordered),
        themes=tuple(ThemeFigure(name, themes[(order, name)],
                                 len(theme_supervisions[(order, name)]))
                     for order, name in sorted(themes)))


def supervision_count(tilsyn: QuerySet[Tilsyn], year: int) -> int:
    """Completed or published supervisions with a visit in `year`: one query."""
    return tilsyn.filter(status__in=Tilsyn.LEADER_VISIBLE, date__year=year).count()


def correction_orders(tilsyn: QuerySet[Tilsyn], year: int) -> int:
    """Orders to correct (pålegg om retting, Norway) given in supervisions of `year`."""
    return (tilsyn.filter(status__in=Tilsyn.LEADER_VISIBLE, date__year=year)
            .exclude(correction_order="").count())


def kindergartens_under_intensified_supervision(tilsyn: QuerySet[Tilsyn], day: date) -> int:
    """Kindergartens with a concern raised on or before `day` and not closed by then."""
    return (tilsyn.filter(outcome__in=Tilsyn.INTENSIFIED, date__lte=day)
            .exclude(status=Tilsyn.Status.DRAFT)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
            .values("barnehage").distinct().count())


def report_document(tilsyn: Tilsyn, generated_at: datetime, *,
                    preview: bool = False) -> PdfDocument:
    """The published supervision report's template and context (`preview`: marked as not
    published yet). Every user text reaches the PDF through Django's autoescaping, never
    |safe."""
    return PdfDocument("observasjoner/tilsyn/report_pdf.html", {
        "preview": preview,
        "tilsyn": tilsyn,
        "themes": theme_ratings(tilsyn),
        "skala": tilsyn.instrument.skala,
        "levels": list(tilsyn.instrument.skala.levels.all()),
        "utviklingspunkter": list(tilsyn.utviklingspunkter.select_related("tema")),
        "action_plans": list(tilsyn.action_plans()),
        "generated_at": generated_at,
    })
