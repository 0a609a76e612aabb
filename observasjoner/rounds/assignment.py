"""Planning observation rounds: which observer observes which department on which day.

The rules (docs/domain.md, Observers) are checked in one place, `AssignmentContext.problems`,
for the proposed plan and for every change a consultant makes; a refused change names
its reasons. The planner's preferences (even load, no two visits a day, travel inside the
observer's own network) only rank the observers the rules allow.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from barnehager import outbox
from barnehager.access import ROLE_OBSERVER
from barnehager.models import Avdeling, Membership, Sertifisering, User
from observasjoner import results
from observasjoner.models import Instrument, Observasjon, Observasjonsrunde

# Sent (on commit) when a round closes: receivers get `runde` and `by`. The reports app
# connects its per-kindergarten report task here.
round_closed = Signal()


class AssignmentRefused(Exception):
    """A change the rules do not allow; `reasons` are sentences for the consultant."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class ObserverInfo:
    user: User
    workplaces: dict[int, str] = field(default_factory=dict)  # barnehage id -> name
    networks: set[int] = field(default_factory=set)
    certifications: list[Sertifisering] = field(default_factory=list)

    def certifications_for(self, instrument_code: str) -> list[Sertifisering]:
        return [cert for cert in self.certifications if cert.instrument.code == instrument_code]

    def certified_on(self, instrument_code: str, day: date) -> bool:
        return any(cert.is_valid_on(day) for cert in self.certifications_for(instrument_code))


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


class AssignmentContext:
    """What the rules need about one round, read once: its observers (workplaces,
    networks, certifications) and the observations already planned."""

    def __init__(self, runde: Observasjonsrunde):
        self.runde = runde
        self.puljer = set(runde.puljer.values_list("pk", flat=True))
        self.instruments = {instrument.code: instrument
                            for instrument in Instrument.objects.all()}
        observer_ids = set(Membership.objects.filter(
            kommune_id=runde.kommune_id, role=ROLE_OBSERVER).values_list("user_id", flat=True))
        self.observers: dict[int, ObserverInfo] = {
            user.pk: ObserverInfo(user)
            for user in User.objects.filter(pk__in=observer_ids, is_active=True)
        }
        for user_id, barnehage_id, name, nettverk_id in Membership.objects.filter(
                user_id__in=self.observers, barnehage__isnull=False).values_list(
                "user_id", "barnehage_id", "barnehage__name", "barnehage__nettverk_id"):
            info = self.observers[user_id]
            info.workplaces[barnehage_id] = name
            if nettverk_id:
                info.networks.add(nettverk_id)
        for cert in Sertifisering.objects.filter(user_id__in=self.observers).select_related(
                "instrument"):
            self.observers[cert.user_id].certifications.append(cert)
        self.load: Counter[int] = Counter()
        self.busy: set[tuple[int, date]] = set()
        self.planned_avdelinger: set[int] = set()
        for observer_id, day, avdeling_id, primary_id in runde.observasjoner.values_list(
                "observer_id", "planned_date", "avdeling_id", "double_coding_of_id"):
            self.book(observer_id, day)
            if primary_id is None:
                self.planned_avdelinger.add(avdeling_id)

    def book(self, observer_id: int, day: date) -> None:
        self.load[observer_id] += 1
        self.busy.add((observer_id, day))

    def unbook(self, observer_id: int, day: date) -> None:
        self.load[observer_id] -= 1
        self.busy.discard((observer_id, day))

    def observer_choices(self) -> list[User]:
        return sorted((info.user for info in self.observers.values()),
                      key=lambda user: (user.get_full_name() or user.email).lower())

    # The rules -------------------------------------------------------------------------

    def problems(self, avdeling: Avdeling, observer_id: int | None, day: date | None, *,
                 primary: Observasjon | None = None,
                 moving: Observasjon | None = None) -> list[str]:
        """Why `observer_id` may not observe `avdeling` on `day`; empty when she may.

        `primary` is the observation a second coding double-codes; `moving` an observation
        being changed (so a department it already holds does not count as planned twice).
        """
        runde = self.runde
        reasons = []
        if runde.status == Observasjonsrunde.Status.CLOSED:
            reasons.append(_("The round is closed."))
        barnehage = avdeling.barnehage
        if barnehage.kommune_id != runde.kommune_id:
            reasons.append(_("%(avdeling)s is not in this round's municipality.")
                           % {"avdeling": avdeling})
        elif self.puljer and barnehage.pulje_id not in self.puljer:
            reasons.append(_("%(barnehage)s is not in the cohorts of this round.")
                           % {"barnehage": barnehage.name})
        if primary is None and avdeling.pk in self.planned_avdelinger and (
                moving is None or moving.avdeling_id != avdeling.pk):
            reasons.append(_("%(avdeling)s is already planned in this round.")
                           % {"avdeling": avdeling})
        if day is None:
            reasons.append(_("Choose a date."))
        elif not runde.start_date <= day <= runde.end_date:
            reasons.append(_("%(day)s is outside the round (%(start)s to %(end)s).") % {
                "day": _day(day), "start": _day(runde.start_date), "end": _day(runde.end_date)})
        if primary is not None:
            if primary.avdeling_id != avdeling.pk:
                reasons.append(_("A second coding observes the same department."))
            if day is not None and day != primary.planned_date:
                reasons.append(_("A second coding takes place on the day of the observation "
                                 "(%(day)s).") % {"day": _day(primary.planned_date)})
        if observer_id is None:
            reasons.append(_("Choose an observer."))
            return reasons
        info = self.observers.get(observer_id)
        if info is None:
            reasons.append(_("This person is not an observer in %(kommune)s.")
                           % {"kommune": runde.kommune})
            return reasons
        name = info.user.get_full_name() or info.user.email
        if primary is not None and observer_id == primary.observer_id:
            reasons.append(_("%(name)s is already the first observer of this department.")
                           % {"name": name})
        if barnehage.pk in info.workplaces:
            reasons.append(_("%(name)s works in %(barnehage)s and cannot observe it.")
                           % {"name": name, "barnehage": barnehage.name})
        reasons.extend(self._certification_problems(info, name, avdeling, day))
        return reasons

    def _certification_problems(self, info: ObserverInfo, name: str, avdeling: Avdeling,
                                day: date | None) -> list[str]:
        code = avdeling.instrument_code
        instrument = self.instruments.get(code)
        label = instrument.name if instrument else code
        certifications = info.certifications_for(code)
        if not certifications:
            return [_("%(name)s is not certified for %(instrument)s.")
                    % {"name": name, "instrument": label}]
        if day is None or any(cert.is_valid_on(day) for cert in certifications):
            return []
        earlier = [cert for cert in certifications if cert.valid_until < day]
        if earlier:
            last = max(cert.valid_until for cert in earlier)
            return [_("%(name)s's certification for %(instrument)s expired on %(until)s.")
                    % {"name": name, "instrument": label, "until": _day(last)}]
        first = min(cert.certified_on for cert in certifications)
        return [_("%(name)s's certification for %(instrument)s is valid from %(from)s.")
                % {"name": name, "instrument": label, "from": _day(first)}]

    # The planner's preferences ---------------------------------------------------------

    def ranked_observers(self, avdeling: Avdeling, day: date, *, cap: int,
                         primary: Observasjon | None = None) -> list[int]:
        """Observers the rules allow, best first: under the round's even share, free that
        day, from the department's own network, least loaded."""
        nettverk_id = avdeling.barnehage.nettverk_id
        allowed = [observer_id for observer_id in self.observers
                   if not self.problems(avdeling, observer_id, day, primary=primary)]
        return sorted(allowed, key=lambda observer_id: (
            self.load[observer_id] >= cap,
            (observer_id, day) in self.busy,
            nettverk_id is None or nettverk_id not in self.observers[observer_id].networks,
            self.load[observer_id],
            observer_id,
        ))


def working_days(start: date, end: date) -> list[date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def departments_in_scope(runde: Observasjonsrunde):
    """Every department of the round's municipality, or of its cohorts when it has some."""
    avdelinger = Avdeling.objects.filter(barnehage__kommune_id=runde.kommune_id)
    if runde.puljer.exists():
        avdelinger = avdelinger.filter(barnehage__pulje__in=runde.puljer.all())
    return avdelinger.select_related("barnehage__nettverk")


def unplanned_departments(runde: Observasjonsrunde):
    planned = Observasjon.objects.filter(runde=runde, avdeling=OuterRef("pk"),
                                         double_coding_of__isnull=True)
    return (departments_in_scope(runde).filter(~Exists(planned))
            .order_by("barnehage__nettverk__name", "barnehage__name", "name"))


@dataclass
class Proposal:
    planned: list[Observasjon]
    second_codings: list[Observasjon]
    unplanned: list[tuple[Avdeling, str]]
    wanted_second_codings: int = 0


@transaction.atomic
def propose_plan(runde: Observasjonsrunde, today: date | None = None) -> Proposal:
    """Plans every department of the round that has no observation yet, and the round's
    share of second codings.

    Dates are spread over the round's working days (from today when the round has begun);
    each department gets the best observer the rules allow on its day, or on the nearest
    day that has one.
    """
    runde = Observasjonsrunde.objects.select_for_update().get(pk=runde.pk)
    context = AssignmentContext(runde)
    today = today or timezone.localdate()
    first = max(runde.start_date, today) if today <= runde.end_date else runde.start_date
    days = working_days(first, runde.end_date) or [runde.start_date]
    avdelinger = list(unplanned_departments(runde))
    instruments = context.instruments
    existing_primaries = len(context.planned_avdelinger)
    existing_seconds = runde.observasjoner.filter(double_coding_of__isnull=False).count()
    total_primaries = existing_primaries + len(avdelinger)
    wanted_seconds = max(0, _share(total_primaries, runde.double_coding_share)
                         - existing_seconds)
    cap = math.ceil((total_primaries + existing_seconds + wanted_seconds)
                    / max(1, len(context.observers)))

    planned, unplanned = [], []
    for index, avdeling in enumerate(avdelinger):
        target = index * len(days) // max(1, len(avdelinger))
        for day in sorted(days, key=lambda day, target=days[target]: abs((day - target).days)):
            ranked = context.ranked_observers(avdeling, day, cap=cap)
            if ranked:
                observasjon = Observasjon(
                    runde=runde, avdeling=avdeling, observer_id=ranked[0],
                    instrument=instruments[avdeling.instrument_code], planned_date=day,
                    children_enrolled=avdeling.enrolled_children or None)
                context.book(ranked[0], day)
                context.planned_avdelinger.add(avdeling.pk)
                planned.append(observasjon)
                break
        else:
            unplanned.append((avdeling, _no_observer_reason(context, avdeling, days)))
    Observasjon.objects.bulk_create(planned)

    second_codings = []
    for primary in _spread(planned, wanted_seconds):
        if len(second_codings) == wanted_seconds:
            break
        ranked = context.ranked_observers(primary.avdeling, primary.planned_date, cap=cap,
                                          primary=primary)
        if ranked:
            context.book(ranked[0], primary.planned_date)
            second_codings.append(_second_coding(primary, ranked[0]))
    Observasjon.objects.bulk_create(second_codings)
    return Proposal(planned, second_codings, unplanned, wanted_seconds)


def _share(count: int, percent: int) -> int:
    """`percent` % of `count`, rounded half up (15 % of 10 is 2, of 3 is 0)."""
    return math.floor(count * percent / 100 + 0.5)


def _spread(items: list, count: int) -> list:
    """`count` items spread evenly over the list first, then the rest as fallbacks."""
    if count <= 0 or not items:
        return []
    step = len(items) / count
    picked = sorted({int(i * step) for i in range(min(count, len(items)))})
    return [items[i] for i in picked] + [item for i, item in enumerate(items)
                                         if i not in set(picked)]


def _second_coding(primary: Observasjon, observer_id: int) -> Observasjon:
    return Observasjon(runde=primary.runde, avdeling=primary.avdeling, observer_id=observer_id,
                       instrument=primary.instrument, planned_date=primary.planned_date,
                       children_enrolled=primary.children_enrolled, double_coding_of=primary)


def _no_observer_reason(context: AssignmentContext, avdeling: Avdeling,
                        days: list[date]) -> str:
    """The most telling reason, from the observer who came closest."""
    best: list[str] | None = None
    for observer_id in context.observers:
        for day in (days[0], days[-1]):
            reasons = context.problems(avdeling, observer_id, day)
            if best is None or len(reasons) < len(best):
                best = reasons
    if not best:
        return _("No observer in the municipality.")
    return " ".join(best)


# Changes by the consultant: every one checks the same rules ----------------------------

def _refuse_unless_planned(observasjon: Observasjon) -> None:
    if observasjon.status != Observasjon.Status.PLANNED:
        raise AssignmentRefused([
            _("Only a planned observation can be changed; this one is %(status)s.")
            % {"status": observasjon.get_status_display().lower()}])


@transaction.atomic
def assign(runde: Observasjonsrunde, avdeling: Avdeling, observer: User | None,
           day: date | None) -> Observasjon:
    """Adds an observation of a department to the round."""
    runde = Observasjonsrunde.objects.select_for_update().get(pk=runde.pk)
    context = AssignmentContext(runde)
    reasons = context.problems(avdeling, observer.pk if observer else None, day)
    if reasons:
        raise AssignmentRefused(reasons)
    return Observasjon.objects.create(
        runde=runde, avdeling=avdeling, observer=observer,
        instrument=context.instruments[avdeling.instrument_code], planned_date=day,
        children_enrolled=avdeling.enrolled_children or None)


@transaction.atomic
def add_second_coding(primary: Observasjon, observer: User | None) -> Observasjon:
    """Plans a second observer for a planned observation, on the same day."""
    if primary.double_coding_of_id is not None:
        raise AssignmentRefused([_("A second coding cannot itself be double-coded.")])
    _refuse_unless_planned(primary)
    context = AssignmentContext(
        Observasjonsrunde.objects.select_for_update().get(pk=primary.runde_id))
    reasons = context.problems(primary.avdeling, observer.pk if observer else None,
                               primary.planned_date, primary=primary)
    if reasons:
        raise AssignmentRefused(reasons)
    coding = _second_coding(primary, observer.pk)
    coding.save()
    return coding


@transaction.atomic
def change_assignment(observasjon: Observasjon, observer: User | None,
                      day: date | None) -> Observasjon:
    """Changes the observer and/or the date of a planned observation. A second coding keeps
    the day of its observation; moving an observation moves its second codings along,
    and each of them must still be allowed on the new day."""
    observasjon = (Observasjon.objects.select_for_update(of=("self",))
                   .select_related("runde", "avdeling__barnehage", "double_coding_of")
                   .get(pk=observasjon.pk))
    _refuse_unless_planned(observasjon)
    context = AssignmentContext(
        Observasjonsrunde.objects.select_for_update().get(pk=observasjon.runde_id))
    context.unbook(observasjon.observer_id, observasjon.planned_date)
    observer_id = observer.pk if observer else None
    reasons = context.problems(observasjon.avdeling, observer_id, day,
                               primary=observasjon.double_coding_of, moving=observasjon)
    codings = list(observasjon.double_codings.all())
    for coding in codings:
        if coding.observer_id == observer_id:
            reasons.append(_("%(name)s is the second observer of this observation.")
                           % {"name": coding.observer})
        elif day is not None and day != observasjon.planned_date:
            moved = Observasjon(avdeling=observasjon.avdeling, observer_id=observer_id,
                                planned_date=day)
            for reason in context.problems(observasjon.avdeling, coding.observer_id, day,
                                           primary=moved):
                reasons.append(_("Second observer: %(reason)s") % {"reason": reason})
        if coding.status != Observasjon.Status.PLANNED and day != observasjon.planned_date:
            reasons.append(_("The second coding has started and cannot be moved."))
    if reasons:
        raise AssignmentRefused(reasons)
    if day != observasjon.planned_date:
        Observasjon.objects.filter(pk__in=[coding.pk for coding in codings]).update(
            planned_date=day)
    observasjon.observer_id = observer_id
    observasjon.planned_date = day
    observasjon.save(update_fields=["observer", "planned_date", "updated_at"])
    return observasjon


@transaction.atomic
def remove_observation(observasjon: Observasjon) -> None:
    """Takes a planned observation (and its second codings) out of the round."""
    _refuse_unless_planned(observasjon)
    if observasjon.double_codings.exclude(status=Observasjon.Status.PLANNED).exists():
        raise AssignmentRefused([_("Its second coding has started; remove that first.")])
    observasjon.delete()


# Queued through the outbox by name (barnehager/outbox.py): this module never imports tasks.
SEND_ASSIGNMENTS = "observasjoner.rounds.tasks.send_assignments"


@transaction.atomic
def publish_round(runde: Observasjonsrunde, *, notify: bool = True) -> int:
    """Ends planning: observers see their observations, leaders the dates. Each observer
    is mailed her observations with a calendar file, after the commit (unless not
    `notify`, as for the demo's past rounds); returns how many observers are told."""
    runde = Observasjonsrunde.objects.select_for_update().get(pk=runde.pk)
    if runde.status != Observasjonsrunde.Status.PLANNING:
        raise AssignmentRefused([_("Only a round in planning can be published.")])
    runde.status = Observasjonsrunde.Status.ACTIVE
    runde.save(update_fields=["status"])
    observer_ids = sorted(set(runde.observasjoner.values_list("observer_id", flat=True)))
    if not notify:
        return 0
    for observer_id in observer_ids:
        outbox.enqueue(SEND_ASSIGNMENTS, runde.pk, observer_id)
    return len(observer_ids)


@dataclass
class PublicationSummary:
    """What publishing would do, for the confirmation page."""

    departments: int
    second_codings: int
    observers: list[tuple[User, int]]


def publication_summary(runde: Observasjonsrunde) -> PublicationSummary:
    observasjoner = list(runde.observasjoner.select_related("observer"))
    load = Counter(observasjon.observer for observasjon in observasjoner)
    return PublicationSummary(
        departments=sum(1 for o in observasjoner if o.double_coding_of_id is None),
        second_codings=sum(1 for o in observasjoner if o.double_coding_of_id is not None),
        observers=sorted(load.items(), key=lambda item: str(item[0])))


@transaction.atomic
def close_round(runde: Observasjonsrunde, by: User) -> int:
    """Closes an active round and locks its submitted observations; returns how many.

    Observations not submitted by then stay unfinished (and can no longer be recorded).
    `round_closed` is sent once the transaction commits.
    """
    runde = Observasjonsrunde.objects.select_for_update().get(pk=runde.pk)
    if runde.status != Observasjonsrunde.Status.ACTIVE:
        raise AssignmentRefused([_("Only an active round can be closed.")])
    runde.status = Observasjonsrunde.Status.CLOSED
    runde.closed_at = timezone.now()
    runde.save(update_fields=["status", "closed_at"])
    ids = list(runde.observasjoner.filter(status=Observasjon.Status.SUBMITTED).values_list(
        "pk", flat=True))
    locked = Observasjon.objects.filter(pk__in=ids).update(
        status=Observasjon.Status.LOCKED, updated_at=timezone.now())
    results.store_results(ids)
    transaction.on_commit(
        lambda: round_closed.send(sender=Observasjonsrunde, runde=runde, by=by))
    return locked


# Progress ---------------------------------------------------------------------------------

@dataclass
class Progress:
    total: int = 0
    planned: int = 0
    in_progress: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_of(observasjoner, today: date | None = None) -> Progress:
    """Planned (not yet due), in progress, done (submitted or locked), and overdue (not
    done and its day has passed). Works on a list already loaded."""
    today = today or timezone.localdate()
    progress = Progress()
    for observasjon in observasjoner:
        progress.total += 1
        if observasjon.is_locked:
            progress.done += 1
        elif observasjon.planned_date < today:
            progress.overdue += 1
        elif observasjon.status == Observasjon.Status.IN_PROGRESS:
            progress.in_progress += 1
        else:
            progress.planned += 1
    return progress


def is_overdue(observasjon: Observasjon, today: date) -> bool:
    return not observasjon.is_locked and observasjon.planned_date < today

