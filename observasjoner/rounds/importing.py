"""Importing historical observations from a CSV file: all of it, or nothing.

One row per cycle: `kommune, barnehage, avdeling, date, observer_email, instrument, cycle`
and one column per dimension code of the instrument (Pre-K: PC, NC, TS, RSP, BM, PD, ILF,
CD, QF, LM; Toddler: PC, NC, TS, RCP, BG, FLD, QF, LM). Optional: `minutes` (length of the
cycle) and `children_present`. Rows with the same department, date, observer and
instrument make one observation; a second observer of the same department on the same
day makes a second coding of it.

History is taken as recorded: the observer must be a user with an observer role in the
municipality, but past certifications and workplaces are not checked (they are often not
in Kvalitet). Every row is checked before anything is written; one bad row and the file is refused,
each problem reported with its line number. Imported observations are locked history in
a closed round "Import <semester> <year>" of the municipality.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from barnehager import audit, csvtext
from barnehager.access import ROLE_OBSERVER
from barnehager.models import AuditAction, Avdeling, Barnehage, Kommune, Membership, User
from barnehager.problems import ImportFailed
from observasjoner import results
from observasjoner.models import (
    Dimensjon,
    Instrument,
    Observasjon,
    Observasjonsrunde,
    Semester,
    Skaar,
    Syklus,
)
from observasjoner.scoring import spec_for

COLUMNS = ["kommune", "barnehage", "avdeling", "date", "observer_email", "instrument", "cycle"]
OPTIONAL_COLUMNS = ["minutes", "children_present"]
INSTRUMENT_ALIASES = {"pre-k": "prek", "class pre-k": "prek", "class prek": "prek",
                      "class toddler": "toddler"}
CYCLE_START = time(9, 0)


def template_header(instrument: Instrument) -> list[str]:
    """The columns of an import file for one instrument: the fixed ones, its dimension
    codes in the instrument's order, then the optional ones."""
    return [*COLUMNS, *spec_for(instrument).dimension_codes, *OPTIONAL_COLUMNS]


@dataclass
class ImportResult:
    observations: int
    cycles: int
    rounds: list[Observasjonsrunde]


@dataclass
class _Cycle:
    line: int
    number: int
    scores: dict[str, int]
    minutes: int | None
    children_present: int | None


@dataclass
class _Observation:
    kommune: Kommune
    avdeling: Avdeling
    day: date
    observer: User
    instrument: Instrument
    cycles: list[_Cycle] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.cycles[0].line


def import_observations(data: bytes | str, *, kommuner=None,
                        today: date | None = None) -> ImportResult:
    """Imports `data` (the CSV file's content) into `kommuner` (every municipality when
    None: the management command). Raises ImportFailed and writes nothing on any error."""
    observations = _Parser(kommuner, today or timezone.localdate()).parse(data)
    result = _write(observations)
    audit.record(AuditAction.IMPORT, label="observations",
                 kommune={observation.kommune.pk for observation in observations},
                 details={"observations": result.observations, "cycles": result.cycles})
    return result


def _line(number: int, message: str) -> str:
    return _("Line %(line)s: %(message)s") % {"line": number, "message": message}


class _Parser:
    def __init__(self, kommuner, today: date):
        self.allowed = None if kommuner is None else {kommune.pk for kommune in kommuner}
        self.today = today
        self.errors: list[str] = []
        self.kommuner = {}
        for kommune in Kommune.objects.all():
            self.kommuner[kommune.name.lower()] = kommune
            self.kommuner[kommune.slug.lower()] = kommune
        self.instruments = {}
        self.specs = {}
        for instrument in Instrument.objects.prefetch_related("domener__dimensjoner"):
            self.specs[instrument.pk] = spec_for(instrument)
            for key in (instrument.code, instrument.name_nb, instrument.name_da,
                        instrument.name_en):
                self.instruments[key.lower()] = instrument
        for alias, code in INSTRUMENT_ALIASES.items():
            if code in self.instruments:
                self.instruments.setdefault(alias, self.instruments[code])
        self.dimension_codes = set(Dimensjon.objects.values_list("code", flat=True))
        self._barnehager: dict[int, dict[str, Barnehage]] = {}
        self._avdelinger: dict[int, dict[str, Avdeling]] = {}
        self._users: dict[str, User | None] = {}
        self._observers: dict[int, set[int]] = {}

    def parse(self, data: bytes | str) -> list[_Observation]:
        text = self._decode(data)
        reader = csvtext.reader(text)
        header = next(reader, None)
        if not header:
            raise ImportFailed([_line(1, _("the file is empty."))])
        columns = self._columns(header)
        observations: dict[tuple, _Observation] = {}
        seen_cycles: dict[tuple, int] = {}
        rows = 0
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            rows += 1
            if len(values) != len(header):
                self.errors.append(_line(line, _("%(found)s values for %(expected)s columns.")
                                         % {"found": len(values), "expected": len(header)}))
                continue
            row = {name: values[index].strip() for name, index in columns.items()}
            parsed = self._row(line, row)
            if parsed is None:
                continue
            key, observation, cycle = parsed
            first_line = seen_cycles.setdefault((key, cycle.number), line)
            if first_line != line:
                self.errors.append(_line(line, _(
                    "cycle %(number)s of this observation is already on line %(first)s.")
                    % {"number": cycle.number, "first": first_line}))
                continue
            observations.setdefault(key, observation).cycles.append(cycle)
        if not rows and not self.errors:
            self.errors.append(_line(2, _("the file has no rows.")))
        self._check_existing(observations.values())
        if self.errors:
            raise ImportFailed(self.errors)
        return list(observations.values())

    @staticmethod
    def _decode(data: bytes | str) -> str:
        try:
            return csvtext.decode(data)
        except csvtext.UnreadableFile as error:
            raise ImportFailed([str(error)]) from error

    def _columns(self, header: list[str]) -> dict[str, int]:
        columns: dict[str, int] = {}
        problems = []
        for index, raw in enumerate(header):
            name = raw.strip()
            if name.lower() in COLUMNS or name.lower() in OPTIONAL_COLUMNS:
                name = name.lower()
            elif name.upper() in self.dimension_codes:
                name = name.upper()
            elif name:
                problems.append(_("unknown column %(name)s") % {"name": raw})
                continue
            else:
                continue
            if name in columns:
                problems.append(_("column %(name)s appears twice") % {"name": name})
            columns[name] = index
        missing = [name for name in COLUMNS if name not in columns]
        if missing:
            problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if problems:
            raise ImportFailed([_line(1, "; ".join(problems) + ".")])
        return columns

    def _row(self, line: int, row: dict[str, str]):
        problems: list[str] = []
        kommune = self._kommune(row["kommune"], problems)
        avdeling = self._avdeling(kommune, row["barnehage"], row["avdeling"], problems)
        day = self._date(row["date"], problems)
        observer = self._observer(kommune, row["observer_email"], problems)
        instrument = self.instruments.get(row["instrument"].lower())
        if instrument is None:
            problems.append(_("unknown instrument %(value)s (use toddler or prek).")
                            % {"value": row["instrument"] or "–"})
        number = _whole(row["cycle"], low=1)
        if number is None:
            problems.append(_("cycle must be a whole number from 1 (got %(value)s).")
                            % {"value": row["cycle"] or "–"})
        scores = self._scores(instrument, row, problems) if instrument else {}
        minutes = self._optional(row, "minutes", problems)
        children = self._optional(row, "children_present", problems)
        if problems:
            self.errors.append(_line(line, " ".join(problems)))
            return None
        key = (avdeling.pk, day, observer.pk, instrument.pk)
        observation = _Observation(kommune, avdeling, day, observer, instrument)
        return key, observation, _Cycle(line, number, scores, minutes, children)

    def _kommune(self, value: str, problems: list[str]) -> Kommune | None:
        kommune = self.kommuner.get(value.lower())
        if kommune is None:
            problems.append(_("unknown municipality %(value)s.") % {"value": value or "–"})
        elif self.allowed is not None and kommune.pk not in self.allowed:
            problems.append(_("%(kommune)s is not your municipality.") % {"kommune": kommune})
            return None
        return kommune

    def _avdeling(self, kommune, barnehage_name: str, avdeling_name: str,
                  problems: list[str]) -> Avdeling | None:
        if kommune is None:
            return None
        if kommune.pk not in self._barnehager:
            self._barnehager[kommune.pk] = {
                barnehage.name.lower(): barnehage
                for barnehage in Barnehage.objects.filter(kommune=kommune)}
        barnehage = self._barnehager[kommune.pk].get(barnehage_name.lower())
        if barnehage is None:
            problems.append(_("no kindergarten called %(name)s in %(kommune)s.")
                            % {"name": barnehage_name or "–", "kommune": kommune})
            return None
        if barnehage.pk not in self._avdelinger:
            self._avdelinger[barnehage.pk] = {
                avdeling.name.lower(): avdeling
                for avdeling in Avdeling.objects.filter(barnehage=barnehage)
                .select_related("barnehage")}
        avdeling = self._avdelinger[barnehage.pk].get(avdeling_name.lower())
        if avdeling is None:
            problems.append(_("no department called %(name)s in %(barnehage)s.")
                            % {"name": avdeling_name or "–", "barnehage": barnehage})
        return avdeling

    def _date(self, value: str, problems: list[str]) -> date | None:
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                # Only the calendar date is kept, so the parsed time has no zone to lose.
                day = datetime.strptime(value, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
            if day > self.today:
                problems.append(_("the date %(value)s is in the future.") % {"value": value})
                return None
            return day
        problems.append(_("date must look like 2024-10-15 (got %(value)s).")
                        % {"value": value or "–"})
        return None

    def _observer(self, kommune, email: str, problems: list[str]) -> User | None:
        key = email.lower()
        if key not in self._users:
            self._users[key] = User.objects.annotate(lower_email=Lower("email")).filter(
                lower_email=key).first()
        user = self._users[key]
        if user is None:
            problems.append(_("no user with the e-mail address %(email)s.")
                            % {"email": email or "–"})
            return None
        if kommune is None:
            return user
        if kommune.pk not in self._observers:
            self._observers[kommune.pk] = set(Membership.objects.filter(
                kommune=kommune, role=ROLE_OBSERVER).values_list("user_id", flat=True))
        if user.pk not in self._observers[kommune.pk]:
            problems.append(_("%(email)s is not an observer in %(kommune)s.")
                            % {"email": email, "kommune": kommune})
            return None
        return user

    def _scores(self, instrument: Instrument, row: dict[str, str],
                problems: list[str]) -> dict[str, int]:
        spec = self.specs[instrument.pk]
        scores = {}
        for code in spec.dimension_codes:
            if code not in row:
                problems.append(_("column %(code)s is missing for %(instrument)s.")
                                % {"code": code, "instrument": instrument})
                continue
            value = _whole(row[code], low=spec.scale_min, high=spec.scale_max)
            if value is None:
                problems.append(_("%(code)s must be a whole number from %(low)s to %(high)s "
                                  "(got %(value)s).") % {
                    "code": code, "low": spec.scale_min, "high": spec.scale_max,
                    "value": row[code] or "–"})
            else:
                scores[code] = value
        foreign = [code for code in sorted(self.dimension_codes - set(spec.dimension_codes))
                   if row.get(code)]
        if foreign:
            problems.append(_("%(codes)s not in %(instrument)s; leave those empty.")
                            % {"codes": ", ".join(foreign), "instrument": instrument})
        return scores

    def _optional(self, row: dict[str, str], name: str, problems: list[str]) -> int | None:
        value = row.get(name, "")
        if not value:
            return None
        number = _whole(value, low=0)
        if number is None:
            problems.append(_("%(name)s must be a whole number (got %(value)s).")
                            % {"name": name, "value": value})
        return number

    def _check_existing(self, observations) -> None:
        """Refuses observations already in the database (a file imported twice)."""
        observations = list(observations)
        if not observations:
            return
        existing = set(Observasjon.objects.filter(
            avdeling_id__in={obs.avdeling.pk for obs in observations},
            observed_on__in={obs.day for obs in observations},
        ).values_list("avdeling_id", "observer_id", "observed_on"))
        for observation in observations:
            if (observation.avdeling.pk, observation.observer.pk, observation.day) in existing:
                self.errors.append(_line(observation.line, _(
                    "%(avdeling)s was already observed by %(email)s on %(day)s; "
                    "was this file imported before?") % {
                    "avdeling": observation.avdeling, "email": observation.observer.email,
                    "day": observation.day.isoformat()}))


def _whole(value: str, *, low: int, high: int | None = None) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    if number < low or (high is not None and number > high):
        return None
    return number


def semester_of(day: date) -> str:
    return Semester.SPRING if day.month <= 6 else Semester.AUTUMN


def import_round(kommune: Kommune, semester: str, year: int) -> Observasjonsrunde:
    """The closed round that holds a municipality's imported history of one semester."""
    runde = Observasjonsrunde.objects.filter(kommune=kommune, semester=semester, year=year,
                                             name__startswith="Import ").first()
    if runde:
        return runde
    with translation.override(kommune.language):
        name = f"Import {Semester(semester).label} {year}"
    spring = semester == Semester.SPRING
    return Observasjonsrunde.objects.create(
        kommune=kommune, name=name, semester=semester, year=year,
        start_date=date(year, 1, 1) if spring else date(year, 7, 1),
        end_date=date(year, 6, 30) if spring else date(year, 12, 31),
        status=Observasjonsrunde.Status.CLOSED, closed_at=timezone.now(),
        double_coding_share=0)


@transaction.atomic
def _write(observations: list[_Observation]) -> ImportResult:
    rounds: dict[tuple, Observasjonsrunde] = {}
    primaries: dict[tuple, Observasjon] = {}
    rows: list[tuple[Observasjon, _Observation]] = []
    for observation in sorted(observations, key=lambda obs: obs.line):
        round_key = (observation.kommune.pk, semester_of(observation.day), observation.day.year)
        if round_key not in rounds:
            rounds[round_key] = import_round(observation.kommune, *round_key[1:])
        # A second observer of the same department on the same day double-codes the first.
        group = (observation.avdeling.pk, observation.day, observation.instrument.pk)
        observasjon = Observasjon(
            runde=rounds[round_key], avdeling=observation.avdeling,
            observer=observation.observer, instrument=observation.instrument,
            planned_date=observation.day, observed_on=observation.day,
            status=Observasjon.Status.LOCKED,
            submitted_at=timezone.make_aware(datetime.combine(observation.day, time(15, 0))),
            children_enrolled=observation.avdeling.enrolled_children or None,
            double_coding_of=primaries.get(group))
        primaries.setdefault(group, observasjon)
        rows.append((observasjon, observation))
    # Primaries first, so their second codings can point at them.
    created = [observasjon for observasjon, _observation in rows]
    Observasjon.objects.bulk_create([obs for obs in created if obs.double_coding_of is None])
    Observasjon.objects.bulk_create([obs for obs in created if obs.double_coding_of])
    dimensjoner = {(dim.domene.instrument_id, dim.code): dim
                   for dim in Dimensjon.objects.select_related("domene")}
    sykluser, skaar_rows = [], []
    for observasjon, observation in rows:
        for cycle in sorted(observation.cycles, key=lambda cycle: cycle.number):
            started = ended = None
            if cycle.minutes is not None:
                started = timezone.make_aware(datetime.combine(observation.day, CYCLE_START)
                                              + timedelta(minutes=30 * (cycle.number - 1)))
                ended = started + timedelta(minutes=cycle.minutes)
            syklus = Syklus(observasjon=observasjon, client_id=uuid.uuid4(),
                            number=cycle.number, started_at=started, ended_at=ended,
                            children_present=cycle.children_present)
            sykluser.append(syklus)
            skaar_rows.extend(
                Skaar(syklus=syklus, client_id=uuid.uuid4(), value=value,
                      dimensjon=dimensjoner[(observation.instrument.pk, code)])
                for code, value in cycle.scores.items())
    Syklus.objects.bulk_create(sykluser)
    Skaar.objects.bulk_create(skaar_rows)
    results.store_results([observasjon.pk for observasjon in created])
    return ImportResult(observations=len(rows), cycles=len(sykluser),
                        rounds=sorted(rounds.values(), key=lambda runde: (runde.year,
                                                                          runde.semester)))
