"""Writes made from the observer's tablet, and how a result is presented.

Every save is idempotent: a cycle is known by the `client_id` the tablet gave it, a score
by its cycle and dimension, and each change the tablet sends carries its own id. Sending
the same change twice creates nothing twice; a change made on top of a version this device
has not seen is refused as a conflict, never applied over someone else's score.

Scores are computed by `observasjoner.scoring` only; this module shapes its answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from barnehager.access import AnyUser
from observasjoner import results, scoring
from observasjoner.models import (
    Activity,
    Dimensjon,
    Domene,
    Observasjon,
    Observasjonsrunde,
    Skaar,
    Syklus,
)

NOTE_MAX_LENGTH = 2000
BAND_LABELS = {
    scoring.LOW: gettext_lazy("low"),
    scoring.MIDDLE: gettext_lazy("middle"),
    scoring.HIGH: gettext_lazy("high"),
}


class RecordingRefused(Exception):
    """A save or submit the server will not do; `reason` is a stable code for the tablet."""

    status = 400

    def __init__(self, reason: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.extra = extra

    def as_json(self) -> dict:
        return {"error": self.reason, "reason": self.message, **self.extra}


class Invalid(RecordingRefused):
    status = 400


class Conflict(RecordingRefused):
    status = 409


class Locked(RecordingRefused):
    status = 423


def locked_error() -> Locked:
    return Locked("locked", _("This observation is submitted and locked. A correction is an "
                              "amendment by a consultant."))


# Loading ---------------------------------------------------------------------------------

def with_everything(queryset: QuerySet[Observasjon]) -> QuerySet[Observasjon]:
    """Observations with what the scoring module and the pages need, in a fixed number of
    queries."""
    return queryset.select_related(
        "runde", "instrument", "avdeling__barnehage", "observer", "double_coding_of",
    ).prefetch_related(
        Prefetch("instrument__domener", queryset=Domene.objects.prefetch_related(
            Prefetch("dimensjoner", queryset=Dimensjon.objects.order_by("order")))),
        Prefetch("sykluser", queryset=Syklus.objects.prefetch_related(
            Prefetch("skaar", queryset=Skaar.objects.select_related("dimensjon")))),
    )


def reload(observasjon: Observasjon) -> Observasjon:
    return with_everything(Observasjon.objects.filter(pk=observasjon.pk)).get()


def with_cycles(observasjon: Observasjon) -> Observasjon:
    """The observation (loaded with its round, instrument and department, and nothing
    prefetched yet) with what `present` reads: the tablet's running summary after a save,
    in four queries and without loading the observation again."""
    prefetch_related_objects(
        [observasjon],
        Prefetch("instrument__domener", queryset=Domene.objects.prefetch_related(
            Prefetch("dimensjoner", queryset=Dimensjon.objects.order_by("order")))),
        Prefetch("sykluser", queryset=Syklus.objects.prefetch_related(
            Prefetch("skaar", queryset=Skaar.objects.select_related("dimensjon")))))
    return observasjon


def _lock(observasjon: Observasjon) -> Observasjon:
    """The observation row, locked for this transaction: one writer per observation, so
    cycle numbers and first scores never race."""
    locked = Observasjon.objects.select_for_update().select_related("runde", "instrument").get(
        pk=observasjon.pk)
    if locked.is_locked:
        raise locked_error()
    _check_round(locked)
    return locked


def _check_round(observasjon: Observasjon) -> None:
    """Scores are taken only while the round is active (a closed round takes no more)."""
    if observasjon.runde.status != Observasjonsrunde.Status.ACTIVE:
        raise Locked("round_not_active", _("The observation round is not active: it takes "
                                           "no scores now."))


def _begin(observasjon: Observasjon, when: datetime | None = None) -> None:
    """The first cycle or score puts a planned observation in progress."""
    if observasjon.status != Observasjon.Status.PLANNED and observasjon.observed_on:
        return
    observasjon.status = Observasjon.Status.IN_PROGRESS
    if observasjon.observed_on is None:
        observasjon.observed_on = timezone.localdate(when) if when else timezone.localdate()
    observasjon.save(update_fields=["status", "observed_on", "updated_at"])


# Input -----------------------------------------------------------------------------------

def _uuid(value: object, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Invalid("invalid", _("%(field)s is not a valid id.") % {"field": name}) from None


def parse_count(value: object, name: str, *, low: int = 0, high: int = 999) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid("invalid", _("%(field)s must be a whole number.") % {"field": name})
    try:
        number = int(value)
    except ValueError:
        raise Invalid("invalid",
                      _("%(field)s must be a whole number.") % {"field": name}) from None
    if not low <= number <= high:
        raise Invalid("invalid", _("%(field)s must be between %(low)s and %(high)s.")
                      % {"field": name, "low": low, "high": high})
    return number


def _moment(value: object, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("invalid", _("%(field)s is not a time.") % {"field": name}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


CLOCK_MARGIN = timedelta(hours=12)


@dataclass(frozen=True)
class CycleInput:
    client_id: uuid.UUID
    number: int
    started_at: datetime | None = None
    ended_at: datetime | None = None
    interrupted: bool = False
    activity: str = ""
    children_present: int | None = None
    adults_present: int | None = None

    @classmethod
    def parse(cls, data: dict) -> CycleInput:
        activity = data.get("activity") or ""
        if activity and activity not in Activity.values:
            raise Invalid("invalid", _("Unknown activity."))
        started_at = _moment(data.get("started_at"), "started_at")
        ended_at = _moment(data.get("ended_at"), "ended_at")
        if started_at and ended_at and ended_at < started_at:
            raise Invalid("invalid", _("A cycle cannot end before it starts."))
        if ended_at and not started_at:
            raise Invalid("invalid", _("A cycle cannot end without a start."))
        # A corrected time may not lie ahead. The margin is wide: it catches a wrong day,
        # not minutes, so a tablet whose clock runs fast never has its cycles set aside
        # (the tablet checks the minutes against its own clock).
        latest = timezone.now() + CLOCK_MARGIN
        if (started_at and started_at > latest) or (ended_at and ended_at > latest):
            raise Invalid("invalid", _("A cycle cannot start or end in the future."))
        return cls(
            client_id=_uuid(data.get("client_id"), "client_id"),
            number=parse_count(data.get("number"), _("Cycle number"), low=1, high=99) or 0,
            started_at=started_at,
            ended_at=ended_at,
            interrupted=bool(data.get("interrupted")),
            activity=activity,
            children_present=parse_count(data.get("children_present"),
                                         _("Children present")),
            adults_present=parse_count(data.get("adults_present"), _("Adults present")),
        )


@dataclass(frozen=True)
class ScoreInput:
    change_id: uuid.UUID
    cycle: uuid.UUID
    dimension: str
    value: int | None
    note: str = ""
    base_version: int = 0

    @classmethod
    def parse(cls, data: dict) -> ScoreInput:
        note = data.get("note") or ""
        if not isinstance(note, str) or len(note) > NOTE_MAX_LENGTH:
            raise Invalid("invalid", _("A note is at most %(n)s characters.")
                          % {"n": NOTE_MAX_LENGTH})
        return cls(
            change_id=_uuid(data.get("change_id"), "change_id"),
            cycle=_uuid(data.get("cycle"), "cycle"),
            dimension=str(data.get("dimension") or ""),
            value=parse_count(data.get("value"), _("Score"), low=1, high=99),
            note=note.strip(),
            base_version=parse_count(data.get("base_version"), "base_version",
                                    high=2**31) or 0,
        )


# Saving ----------------------------------------------------------------------------------

@dataclass
class Saved:
    obj: object
    outcome: str  # created, updated, replayed or unchanged

    @property
    def created(self) -> bool:
        return self.outcome == "created"


CYCLE_FIELDS = ("started_at", "ended_at", "interrupted", "activity", "children_present",
                "adults_present")


def save_cycle(observasjon: Observasjon, data: CycleInput) -> Saved:
    """Create the cycle the tablet named, or bring it up to the tablet's state."""
    with transaction.atomic():
        observasjon = _lock(observasjon)
        syklus = Syklus.objects.filter(client_id=data.client_id).first()
        if syklus is not None and syklus.observasjon_id != observasjon.pk:
            raise Conflict("foreign_id", _("This cycle id belongs to another observation."))
        taken = Syklus.objects.filter(observasjon=observasjon, number=data.number).exclude(
            client_id=data.client_id)
        if data.number and taken.exists():
            highest = observasjon.sykluser.aggregate(Max("number"))["number__max"] or 0
            raise Conflict(
                "cycle_number_taken",
                _("Another device has already recorded cycle %(number)s.")
                % {"number": data.number},
                next_number=highest + 1)
        values = {name: getattr(data, name) for name in CYCLE_FIELDS}
        if syklus is None:
            number = data.number or (
                (observasjon.sykluser.aggregate(Max("number"))["number__max"] or 0) + 1)
            syklus = Syklus.objects.create(observasjon=observasjon, client_id=data.client_id,
                                           number=number, **values)
            outcome = "created"
        else:
            if data.number:
                values["number"] = data.number
            changed = [name for name, value in values.items()
                       if getattr(syklus, name) != value]
            for name in changed:
                setattr(syklus, name, values[name])
            if changed:
                syklus.save(update_fields=[*changed, "updated_at"])
            outcome = "updated" if changed else "unchanged"
        _begin(observasjon, data.started_at)
    return Saved(syklus, outcome)


def save_score(observasjon: Observasjon, data: ScoreInput) -> Saved:
    """Create or change one dimension's score in one cycle.

    A replayed change answers with what the server holds and creates nothing. A change
    whose `base_version` is not the score's current version (another device changed it
    since this one last saw it) is a conflict, unless it asks for what is already there.
    """
    with transaction.atomic():
        observasjon = _lock(observasjon)
        instrument = observasjon.instrument
        low, high = instrument.scale_min, instrument.scale_max
        if data.value is not None and not low <= data.value <= high:
            raise Invalid("invalid", _("A score is a whole number from %(low)s to %(high)s.")
                          % {"low": low, "high": high})
        syklus = Syklus.objects.filter(observasjon=observasjon, client_id=data.cycle).first()
        if syklus is None:
            raise Conflict("unknown_cycle", _("The server does not know this cycle yet."))
        dimensjon = Dimensjon.objects.filter(domene__instrument=instrument,
                                             code=data.dimension).first()
        if dimensjon is None:
            raise Invalid("invalid", _("%(code)s is not a dimension of %(instrument)s.")
                          % {"code": data.dimension, "instrument": instrument})
        # One query finds both a replay of this change and the score it would change.
        found = list(Skaar.objects.filter(
            Q(client_id=data.change_id) | Q(syklus=syklus, dimensjon=dimensjon)))
        replay = next((row for row in found if row.client_id == data.change_id), None)
        if replay is not None:
            if replay.syklus_id != syklus.pk or replay.dimensjon_id != dimensjon.pk:
                raise Conflict("foreign_id", _("This change id belongs to another score."))
            return Saved(replay, "replayed")
        skaar = next((row for row in found
                      if row.syklus_id == syklus.pk and row.dimensjon_id == dimensjon.pk), None)
        if skaar is None:
            skaar = Skaar.objects.create(syklus=syklus, dimensjon=dimensjon,
                                         client_id=data.change_id, value=data.value,
                                         note=data.note)
            _begin(observasjon)
            return Saved(skaar, "created")
        if skaar.value == data.value and skaar.note == data.note:
            return Saved(skaar, "unchanged")
        if skaar.version != data.base_version:
            raise Conflict(
                "version_conflict",
                _("Another device changed %(code)s in cycle %(number)s since this one last "
                  "saw it.") % {"code": dimensjon.code, "number": syklus.number},
                server=score_json(skaar, syklus, dimensjon))
        skaar.value = data.value
        skaar.note = data.note
        skaar.version += 1
        skaar.save(update_fields=["value", "note", "version", "updated_at"])
        return Saved(skaar, "updated")


def save_observation_details(observasjon: Observasjon, data: dict) -> Saved:
    """The observation's own figures (children enrolled in the department)."""
    children_enrolled = parse_count(data.get("children_enrolled"),
                                    _("Children enrolled"))
    with transaction.atomic():
        observasjon = _lock(observasjon)
        if observasjon.children_enrolled == children_enrolled:
            return Saved(observasjon, "replayed")
        observasjon.children_enrolled = children_enrolled
        observasjon.save(update_fields=["children_enrolled", "updated_at"])
        return Saved(observasjon, "updated")


# Submitting ------------------------------------------------------------------------------

def submission_problems(observasjon: Observasjon) -> list[str]:
    """Why the observation cannot be submitted yet (empty: it can).

    Every cycle is complete or marked interrupted, lasted long enough and has its children
    counted; the scoring module then decides whether enough cycles are valid.
    """
    runde = observasjon.runde
    rules = scoring.rules_for(runde)
    problems = []
    cycles = list(observasjon.sykluser.all())
    if not cycles:
        return [_("No cycle has been recorded.")]
    spec = scoring.spec_for(observasjon.instrument)
    enrolled = observasjon.children_enrolled or observasjon.avdeling.enrolled_children
    for syklus in cycles:
        if syklus.interrupted:
            continue
        number = syklus.number
        scored = {skaar.dimensjon.code for skaar in syklus.skaar.all() if skaar.value}
        missing = [code for code in spec.dimension_codes if code not in scored]
        if missing:
            problems.append(_("Cycle %(number)s is missing scores for %(codes)s: score them "
                              "or mark the cycle interrupted.")
                            % {"number": number, "codes": ", ".join(missing)})
        if syklus.started_at is None or syklus.ended_at is None:
            problems.append(_("Cycle %(number)s has not been started and stopped with the "
                              "timer.") % {"number": number})
        elif (minutes := syklus.minutes) is not None and minutes < rules.min_cycle_minutes:
            lasted = round(minutes)
            problems.append(_("Cycle %(number)s lasted %(minutes)s, under the %(min)s a cycle "
                              "needs: mark it interrupted.") % {
                "number": number,
                "minutes": ngettext("%(count)s minute", "%(count)s minutes", lasted)
                % {"count": lasted},
                "min": ngettext("%(count)s minute", "%(count)s minutes",
                                int(rules.min_cycle_minutes))
                % {"count": rules.min_cycle_minutes}})
        if syklus.children_present is None:
            problems.append(_("Cycle %(number)s: count the children present.")
                            % {"number": number})
    if not enrolled:
        problems.append(_("Enter the number of children enrolled in the department."))
    if problems:
        return problems
    result = scoring.result_of(observasjon, spec)
    if not result.counts:
        problems.append(
            ngettext("Only %(valid)s valid cycle; this round needs at least %(needed)s.",
                     "Only %(valid)s valid cycles; this round needs at least %(needed)s.",
                     result.valid_cycles)
            % {"valid": result.valid_cycles, "needed": rules.min_valid_cycles})
    return problems


@dataclass
class Submitted:
    observasjon: Observasjon
    already: bool


def submit(observasjon: Observasjon) -> Submitted:
    """Check validity and lock the observation. Submitting twice changes nothing."""
    with transaction.atomic():
        row = Observasjon.objects.select_for_update().select_related("runde").get(
            pk=observasjon.pk)
        if row.is_locked:
            return Submitted(row, already=True)
        _check_round(row)
        full = reload(row)
        problems = submission_problems(full)
        if problems:
            raise Invalid("not_valid", _("The observation cannot be submitted yet."),
                          problems=problems)
        row.status = Observasjon.Status.SUBMITTED
        row.submitted_at = timezone.now()
        row.save(update_fields=["status", "submitted_at", "updated_at"])
        results.store_results([row.pk])
        return Submitted(row, already=False)


# Presenting ------------------------------------------------------------------------------

def score_json(skaar: Skaar, syklus: Syklus, dimensjon: Dimensjon) -> dict:
    return {"cycle": str(syklus.client_id), "dimension": dimensjon.code,
            "value": skaar.value, "note": skaar.note, "version": skaar.version}


def cycle_json(syklus: Syklus) -> dict:
    return {
        "client_id": str(syklus.client_id),
        "number": syklus.number,
        "started_at": syklus.started_at.isoformat() if syklus.started_at else None,
        "ended_at": syklus.ended_at.isoformat() if syklus.ended_at else None,
        "interrupted": syklus.interrupted,
        "activity": syklus.activity,
        "children_present": syklus.children_present,
        "adults_present": syklus.adults_present,
    }


def explain_problem(problem: str) -> str:
    """The scoring module's reason a cycle does not count, in the user's language."""
    prefixes = {
        "missing scores: ": gettext_lazy("missing scores: %(detail)s"),
        "scores off the scale: ": gettext_lazy("scores off the scale: %(detail)s"),
    }
    for prefix, message in prefixes.items():
        if problem.startswith(prefix):
            return str(message) % {"detail": problem[len(prefix):]}
    if problem.startswith("shorter than "):
        return _("shorter than %(detail)s") % {
            "detail": problem[len("shorter than "):].replace("minutes", str(_("minutes")))}
    known = {
        "interrupted": gettext_lazy("interrupted"),
        "still running (its timer has not been stopped)":
            gettext_lazy("still running (its timer has not been stopped)"),
        "fewer than half the enrolled children present":
            gettext_lazy("fewer than half the enrolled children present"),
    }
    return str(known.get(problem, problem))


@dataclass
class Row:
    code: str
    name: str
    value: float | None
    band: str | None
    band_label: str = ""
    spread: tuple[int, int] | None = None
    threshold: float | None = None
    reversed: bool = False

    @property
    def above_threshold(self) -> bool | None:
        if self.value is None or self.threshold is None:
            return None
        return self.value > self.threshold

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name,
                "value": None if self.value is None else round(self.value, 2),
                "band": self.band, "band_label": self.band_label,
                "spread": list(self.spread) if self.spread else None,
                "threshold": self.threshold, "reversed": self.reversed}


@dataclass
class Presented:
    """An observation's result as the pages and the API show it."""

    cycles: int
    valid_cycles: int
    min_valid_cycles: int
    counts: bool
    domains: list[Row] = field(default_factory=list)
    dimensions: list[Row] = field(default_factory=list)
    problems: dict[int, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "cycles": self.cycles, "valid_cycles": self.valid_cycles,
            "min_valid_cycles": self.min_valid_cycles, "counts": self.counts,
            "domains": [row.as_json() for row in self.domains],
            "dimensions": [row.as_json() for row in self.dimensions],
            "problems": {str(number): found for number, found in self.problems.items()},
        }


def present(observasjon: Observasjon) -> Presented:
    """Dimension means, domain scores with bands and spread, from the scoring module.

    Pass an observation loaded with `with_everything` to keep this free of queries.
    """
    spec = scoring.spec_for(observasjon.instrument)
    result = scoring.result_of(observasjon, spec)
    presented = Presented(
        cycles=len(observasjon.sykluser.all()),
        valid_cycles=result.valid_cycles,
        min_valid_cycles=observasjon.runde.min_valid_cycles,
        counts=result.counts,
        problems={number: [explain_problem(problem) for problem in found]
                  for number, found in result.problems.items()},
    )
    for domene in observasjon.instrument.domener.all():
        value = result.domain_scores.get(domene.code)
        found = scoring.band(value, spec)
        presented.domains.append(Row(
            domene.code, domene.name, value, found, str(BAND_LABELS.get(found, "")),
            threshold=float(domene.threshold) if domene.threshold is not None else None))
        for dimensjon in domene.dimensjoner.all():
            value = result.dimension_means.get(dimensjon.code)
            found = scoring.band(value, spec)
            presented.dimensions.append(Row(
                dimensjon.code, dimensjon.name, value, found, str(BAND_LABELS.get(found, "")),
                spread=result.spread.get(dimensjon.code), reversed=dimensjon.reversed))
    return presented


@dataclass
class AgreementRow:
    code: str
    name: str
    agreement: scoring.Agreement


def partner_of(observasjon: Observasjon, user: AnyUser) -> Observasjon | None:
    """The other coding of a double-coded observation, when both are submitted and the
    user may read it (access decides), loaded for scoring."""
    if observasjon.status not in (Observasjon.Status.SUBMITTED, Observasjon.Status.LOCKED):
        return None
    codings = Observasjon.objects.results_visible_to(user).done().exclude(pk=observasjon.pk)
    if observasjon.double_coding_of_id:
        codings = codings.filter(pk=observasjon.double_coding_of_id)
    else:
        codings = codings.filter(double_coding_of=observasjon)
    return with_everything(codings).order_by("pk").first()


def agreement_rows(observasjon: Observasjon, partner: Observasjon) -> list[AgreementRow]:
    """Exact, within-one and ICC per dimension between the two codings."""
    first, second = ((observasjon, partner) if observasjon.double_coding_of_id is None
                     else (partner, observasjon))
    spec = scoring.spec_for(first.instrument)
    found = scoring.double_coding_agreement(scoring.cycles_of(first), scoring.cycles_of(second),
                                            spec)
    return [AgreementRow(dimensjon.code, dimensjon.name, found[dimensjon.code])
            for domene in first.instrument.domener.all()
            for dimensjon in domene.dimensjoner.all()]
