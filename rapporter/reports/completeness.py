"""What a report covers and what is missing from it, when its file is made.

A report that leaves the building states the moment its data were read and what it covers,
and says plainly what is incomplete (docs/domain.md, Reports): a round still running, a
kindergarten not yet observed in the period, a year that is not over, structural figures
not entered, the consultants' recommendation not written, a supervision's parent-board
comment neither recorded nor marked as not given. `coverage` reads it once; `gaps` turns it
into warnings, which the draft page lists before a consultant approves the report and the
PDF prints in its first pages. A gap is stored on the report row as JSON (`Gap.as_json`)
and worded again in the reader's language (`describe`).

An *incomplete period* (not over yet, or a round of it still running) must not be compared
with a complete one as if it were a decline: the annual report flags those changes
(`Coverage.incomplete`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from barnehager.models import Barnehage, Strukturtall
from observasjoner.models import Observasjon, Observasjonsrunde
from observasjoner.tilsyn.models import Tilsyn
from rapporter.models import Anbefaling, Kind, Rapport

# Names listed in a warning before "and N more".
NAMES_SHOWN = 8
DONE = (Observasjon.Status.SUBMITTED, Observasjon.Status.LOCKED)

ROUND_RUNNING = "round_running"
NOT_OBSERVED = "not_observed"
PERIOD_NOT_OVER = "period_not_over"
NO_STRUCTURE = "no_structure"
NO_RECOMMENDATION = "no_recommendation"
NO_BOARD_COMMENT = "no_board_comment"


@dataclass(frozen=True)
class Gap:
    """One thing missing or incomplete; `params` are plain JSON values."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Gap:
        return cls(str(data.get("code", "")), dict(data.get("params") or {}))

    @property
    def text(self) -> str:
        return describe(self)


@dataclass(frozen=True)
class RoundState:
    """A round of the period: its status and how many of its observations are done."""

    name: str
    status: str
    status_label: str
    observations: int
    done: int

    @property
    def running(self) -> bool:
        return self.status != Observasjonsrunde.Status.CLOSED

    @property
    def share_done(self) -> int:
        """Whole per cent of its observations submitted (0 with none planned)."""
        return round(100 * self.done / self.observations) if self.observations else 0


@dataclass(frozen=True)
class Coverage:
    """What a report's data covered at `data_as_of`."""

    data_as_of: datetime
    period_end: date
    kindergartens: int
    observed: int
    not_observed: tuple[str, ...]
    rounds: tuple[RoundState, ...]
    structure_missing: tuple[str, ...]

    @property
    def period_over(self) -> bool:
        return timezone.localtime(self.data_as_of).date() > self.period_end

    @property
    def running_rounds(self) -> tuple[RoundState, ...]:
        return tuple(runde for runde in self.rounds if runde.running)

    @property
    def incomplete(self) -> bool:
        """The period is not over or a round of it is still running: its figures are not
        comparable with a complete period's."""
        return not self.period_over or bool(self.running_rounds)


def _period_end(year: int, semester: str) -> date:
    if semester == "spring":
        return date(year, 7, 31)
    return date(year, 12, 31)


def coverage(rapport: Rapport, now: datetime | None = None) -> Coverage:
    """Rounds, kindergartens and structural figures of the report's subject and period, in
    a fixed number of queries."""
    now = now or timezone.now()
    if rapport.barnehage_id:
        barnehager = Barnehage.objects.filter(pk=rapport.barnehage_id)
    else:
        barnehager = Barnehage.objects.filter(kommune_id=rapport.kommune_id)
    rounds = Observasjonsrunde.objects.filter(kommune_id=rapport.kommune_id, year=rapport.year)
    observations = Observasjon.objects.filter(runde__kommune_id=rapport.kommune_id,
                                              runde__year=rapport.year)
    if rapport.semester:
        rounds = rounds.filter(semester=rapport.semester)
        observations = observations.filter(runde__semester=rapport.semester)
    if rapport.barnehage_id:
        observations = observations.filter(avdeling__barnehage_id=rapport.barnehage_id)
        rounds = rounds.filter(observasjoner__avdeling__barnehage_id=rapport.barnehage_id)
    counted = Count("observasjoner", filter=Q(observasjoner__in=observations), distinct=True)
    done = Count("observasjoner", filter=Q(observasjoner__in=observations.filter(
        status__in=DONE)), distinct=True)
    states = tuple(
        RoundState(runde.name, runde.status, str(runde.get_status_display()),
                   runde.planned, runde.finished)
        for runde in rounds.distinct().annotate(planned=counted, finished=done)
        .order_by("start_date", "name"))
    observed_ids = set(observations.filter(status__in=DONE)
                       .values_list("avdeling__barnehage_id", flat=True))
    names = list(barnehager.order_by("name").values_list("pk", "name"))
    with_structure = set(Strukturtall.objects.filter(barnehage__in=barnehager, year=rapport.year)
                         .values_list("barnehage_id", flat=True))
    return Coverage(
        data_as_of=now,
        period_end=_period_end(rapport.year, rapport.semester),
        kindergartens=len(names),
        observed=sum(1 for pk, _name in names if pk in observed_ids),
        not_observed=tuple(name for pk, name in names if pk not in observed_ids),
        rounds=states,
        structure_missing=tuple(name for pk, name in names if pk not in with_structure),
    )


def _names(names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {"count": len(names), "names": list(names[:NAMES_SHOWN])}


def gaps(rapport: Rapport, covered: Coverage | None = None) -> list[Gap]:
    """Everything incomplete in the report as it would be made now, in reading order."""
    found: list[Gap] = []
    if rapport.kind in (Kind.ANNUAL, Kind.KINDERGARTEN):
        covered = covered or coverage(rapport)
        if not covered.period_over:
            found.append(Gap(PERIOD_NOT_OVER, {
                "end": covered.period_end.isoformat(),
                "as_of": timezone.localtime(covered.data_as_of).date().isoformat()}))
        for runde in covered.running_rounds:
            found.append(Gap(ROUND_RUNNING, {"name": runde.name, "status": runde.status,
                                             "share": runde.share_done,
                                             "done": runde.done,
                                             "planned": runde.observations}))
        if covered.not_observed:
            found.append(Gap(NOT_OBSERVED, {**_names(covered.not_observed),
                                            "year": rapport.year,
                                            "semester": rapport.semester}))
        if covered.structure_missing:
            found.append(Gap(NO_STRUCTURE, {**_names(covered.structure_missing),
                                            "year": rapport.year}))
    if rapport.kind == Kind.ANNUAL and not Anbefaling.objects.filter(
            kommune_id=rapport.kommune_id, year=rapport.year).exists():
        found.append(Gap(NO_RECOMMENDATION, {"year": rapport.year,
                                             "slug": rapport.kommune.slug}))
    if rapport.kind == Kind.SUPERVISION and rapport.subject_id:
        tilsyn = Tilsyn.objects.filter(pk=rapport.subject_id).first()
        if tilsyn is not None and tilsyn.board_comment_missing:
            found.append(Gap(NO_BOARD_COMMENT, {"tilsyn": tilsyn.pk}))
    return found


def _listed(params: dict[str, Any]) -> str:
    names = ", ".join(str(name) for name in params.get("names", []))
    more = int(params.get("count", 0)) - len(params.get("names", []))
    if more > 0:
        names += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {
            "count": more}
    return names


def _day(value: str) -> str:
    return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")


def describe(gap: Gap) -> str:
    """The warning in the current language."""
    params = gap.params
    if gap.code == PERIOD_NOT_OVER:
        return _("The period runs until %(end)s: the figures are those of %(as_of)s, not of "
                 "a whole period.") % {"end": _day(params["end"]), "as_of": _day(params["as_of"])}
    if gap.code == ROUND_RUNNING:
        return _("The observation round “%(name)s” is still running: %(done)d of %(planned)d "
                 "observations (%(share)d %%) are submitted. Its figures are not final.") % {
            "name": params["name"], "done": params.get("done", 0),
            "planned": params.get("planned", 0), "share": params.get("share", 0)}
    if gap.code == NOT_OBSERVED:
        return ngettext(
            "%(count)d kindergarten has no submitted observation in the period: %(names)s.",
            "%(count)d kindergartens have no submitted observation in the period: %(names)s.",
            params["count"]) % {"count": params["count"], "names": _listed(params)}
    if gap.code == NO_STRUCTURE:
        return ngettext(
            "Structural figures for %(year)s are not entered for %(count)d kindergarten: "
            "%(names)s.",
            "Structural figures for %(year)s are not entered for %(count)d kindergartens: "
            "%(names)s.",
            params["count"]) % {"count": params["count"], "year": params["year"],
                                "names": _listed(params)}
    if gap.code == NO_RECOMMENDATION:
        return _("The consultants have not written their recommendation for %(year)s: "
                 "chapter 6 says only that it is missing.") % {"year": params["year"]}
    if gap.code == NO_BOARD_COMMENT:
        return _("The parent board's comment is neither recorded nor marked as not given.")
    return gap.code
