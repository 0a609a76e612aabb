"""Realistic data at scale: `manage.py seed_scale --size baerum|oslo|national`.

One call writes a whole, consistent world in one transaction: municipalities with
networks, cohorts, kindergartens, departments and structural figures; consultants,
admins, politicians, a leader per kindergarten and certified observers; years of CLASS
rounds (two a year) with an observation of every department per round, three or four
cycles each and a score per dimension per cycle, a share of second codings; and the
round under way, planned and assigned but not yet observed. Supervisions, action plans
with answers, phases and evaluations, the quality plan and its focus choices come in
proportion.

Scores follow published Nordic CLASS figures (toddlers: EBS about 5.6, ESL about 3.3;
pre-school: ES about 5.7, CO 5.2, IS 2.7; Negative Climate mostly 1), with a level of
each kindergarten and department that lasts, noise per observation and cycle, and a
small improvement over the years. Everything is drawn from `random.Random` seeded by
`--seed` and the row's place in the world, so the same arguments give the same rows.

The big tables (observations, cycles, scores, ratings, answers) go in with PostgreSQL's
COPY streamed from generators (the database parses one chunk while Python draws the
next); ids are reserved from each table's sequence first. Foreign keys are consistent by
construction, so the load runs with `session_replication_role = replica` (no per-row
trigger queue) where the database user may set it. The stored results are then computed
by `observasjoner`'s own bulk function, and the tables analysed.

A seed is recognised by its municipalities' slugs, which carry a digest of every
argument: `find_seed` says whether a seed of these arguments is already in the database.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from barnehager.demo import DEMO_PASSWORD
from barnehager.models import (
    AgeGroup,
    Avdeling,
    Barnehage,
    Kommune,
    Membership,
    Nettverk,
    OwnerType,
    Pulje,
    Role,
    Sertifisering,
    Strukturtall,
    User,
)
from handleplaner.models import Evaluering, Fase, GoalReached, Handleplan, Mal, Sporsmal, Svar
from handleplaner.models import Origin as PlanOrigin
from handleplaner.models import Status as PlanStatus
from kvalitet.models import BarnehageFokus, Fokusomrade, Kvalitetsplan, Tiltak
from observasjoner import results
from observasjoner.demo import ACTIVITIES, DEVELOPMENT, SEMESTER_NAMES, SEMESTER_SPAN, STRENGTHS
from observasjoner.models import (
    Dimensjon,
    Instrument,
    Observasjon,
    Observasjonsrunde,
    Resultat,
    Resultatverdi,
    Semester,
    Skaar,
    Syklus,
)
from observasjoner.tilsyn.models import (
    Kriterium,
    SkalaNiva,
    Tilsyn,
    TilsynInstrument,
    TilsynVurdering,
    Utviklingspunkt,
)
from rapporter.models import Anbefaling, Rapportinnstilling

EMAIL_DOMAIN = "scale.kvalitet.test"
TIMEZONE = ZoneInfo("Europe/Oslo")

# Mean score per dimension before a kindergarten's and a department's own level and the
# trend: domain means toddler EBS 5.6 (NC entering as 8 - NC), ESL 3.3; pre-school ES 5.7,
# CO 5.2, IS 2.7 (Nordic CLASS studies, see docs/domain.md).
MEANS = {
    "toddler": {"PC": 5.7, "NC": 1.2, "TS": 5.4, "RCP": 5.1, "BG": 5.1,
                "FLD": 3.6, "QF": 2.9, "LM": 3.4},
    "prek": {"PC": 5.8, "NC": 1.2, "TS": 5.4, "RSP": 4.9, "BM": 5.4, "PD": 5.3, "ILF": 4.9,
             "CD": 2.4, "QF": 2.7, "LM": 3.0},
}
TARGETS = {"toddler": {"EBS": 5.6, "ESL": 3.3}, "prek": {"ES": 5.7, "CO": 5.2, "IS": 2.7}}
KINDERGARTEN_SD = 0.35  # lasting differences between kindergartens
DEPARTMENT_SD = 0.20  # and between departments of one kindergarten
OBSERVATION_SD = 0.30  # the day
CYCLE_SD = 0.55  # one cycle's score around the observation's level
TREND_PER_YEAR = 0.04  # the programme's small improvement
NC_WEIGHTS = (80, 16, 4)  # Negative Climate 1, 2, 3
SECOND_CODING_SHARE = 0.05
INTERRUPTED_SHARE = 0.03
FOUR_CYCLES_SHARE = 0.25
DEPARTMENTS_PER_OBSERVER = 12
KINDERGARTENS_PER_CONSULTANT = 40
KINDERGARTENS_PER_NETWORK = 20


@dataclass(frozen=True)
class Size:
    municipalities: int
    kindergartens: int
    departments: int
    years: int
    label: str


SIZES = {
    "baerum": Size(1, 86, 375, 10, "Bærum-size"),
    "oslo": Size(1, 700, 3000, 10, "Oslo-size"),
    "national": Size(450, 9500, 40000, 5, "national"),
}


@dataclass(frozen=True)
class ScaleSpec:
    """Every argument of a seed; two equal specs give the same rows."""

    size: str
    municipalities: int
    kindergartens: int
    departments: int
    years: int
    seed: int = 1
    observers: int | None = None  # None: one per DEPARTMENTS_PER_OBSERVER departments
    today: date = field(default_factory=lambda: datetime.now(TIMEZONE).date())

    @classmethod
    def of(cls, size: str, *, years: int | None = None, seed: int = 1,
           today: date | None = None, **overrides: int | None) -> ScaleSpec:
        base = SIZES[size]
        spec = cls(size=size, municipalities=base.municipalities,
                   kindergartens=base.kindergartens, departments=base.departments,
                   years=years if years is not None else base.years, seed=seed,
                   today=today or datetime.now(TIMEZONE).date())
        changes: dict[str, Any] = {name: value for name, value in overrides.items()
                                   if value is not None}
        return replace(spec, **changes)

    @property
    def current(self) -> tuple[str, int]:
        """The semester under way (its round is active)."""
        return (Semester.SPRING if self.today.month <= 6 else Semester.AUTUMN,
                self.today.year)

    @property
    def digest(self) -> str:
        semester, year = self.current
        key = (f"{self.size}|{self.municipalities}|{self.kindergartens}|{self.departments}|"
               f"{self.years}|{self.seed}|{self.observers}|{semester}{year}")
        return hashlib.sha1(key.encode()).hexdigest()[:8]

    def slug(self, number: int) -> str:
        return f"scale-{self.digest}-{number:03d}"

    def semesters(self) -> list[tuple[str, int]]:
        """The closed semesters, oldest first: `years` years of two rounds before the
        current one."""
        semester, year = self.current
        found = []
        for _ in range(2 * self.years):
            if semester == Semester.AUTUMN:
                semester = Semester.SPRING
            else:
                semester, year = Semester.AUTUMN, year - 1
            found.append((semester, year))
        return list(reversed(found))


@dataclass
class SeedReport:
    spec: ScaleSpec
    seconds: float = 0.0
    results_seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)


def find_seed(spec: ScaleSpec) -> list[Kommune]:
    """The municipalities of a finished seed of these arguments (empty: none)."""
    kommuner = list(Kommune.objects.filter(slug__startswith=f"scale-{spec.digest}-")
                    .order_by("slug"))
    return kommuner if len(kommuner) == spec.municipalities else []


def user_email(role: str, number: int, kommune_slug: str) -> str:
    return f"{role}{number}.{kommune_slug}@{EMAIL_DOMAIN}"


# Arithmetic -------------------------------------------------------------------------------

def apportion(total: int, weights: Sequence[float], minimum: int = 1) -> list[int]:
    """Splits `total` into whole parts in proportion to `weights`, each at least
    `minimum` (largest remainders first, ties by position): the same answer every time."""
    count = len(weights)
    if count == 0:
        return []
    rest = total - minimum * count
    if rest < 0:
        raise ValueError(f"cannot give {count} parts at least {minimum} each from {total}")
    weight_sum = sum(weights)
    exact = [rest * weight / weight_sum for weight in weights]
    parts = [math.floor(value) for value in exact]
    short = rest - sum(parts)
    order = sorted(range(count), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:short]:
        parts[i] += 1
    return [part + minimum for part in parts]


def _clip(value: float) -> int:
    rounded = int(value + 0.5) if value > 0 else 1
    return 1 if rounded < 1 else 7 if rounded > 7 else rounded


# COPY -------------------------------------------------------------------------------------

def _copy_text(value: object) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if any(char in text for char in "\\\t\n\r"):
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


class LineStream(io.TextIOBase):
    """A file for `copy_expert` that draws its lines from a generator as COPY reads."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._buffer = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        wanted = size if size and size > 0 else 1 << 62
        parts = [self._buffer]
        have = len(self._buffer)
        for line in self._lines:
            parts.append(line)
            have += len(line)
            if have >= wanted:
                break
        text = "".join(parts)
        self._buffer = text[wanted:] if have > wanted else ""
        return text[:wanted]


class CopyTable:
    """COPY into a model's table: the caller gives the columns it sets, in order; every
    other column gets its field's default (so a column another change adds with a default
    needs nothing here)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        given = set(columns)
        extra_names, extra_values = [], []
        for model_field in model._meta.concrete_fields:
            column = model_field.column
            if column in given or model_field.primary_key:
                continue
            if isinstance(model_field, models.DateTimeField | models.DateField) and (
                    getattr(model_field, "auto_now", False)
                    or getattr(model_field, "auto_now_add", False)):
                value: Any = datetime.now(TIMEZONE)
            elif model_field.has_default():
                value = model_field.get_db_prep_save(model_field.get_default(), connection)
            elif model_field.null:
                value = None
            elif isinstance(model_field, models.CharField | models.TextField) and \
                    model_field.blank:
                value = ""
            else:
                raise RuntimeError(f"{self.table}.{column} needs a value in the scale seed")
            extra_names.append(column)
            extra_values.append(_copy_text(value))
        self.columns = [*columns, *extra_names]
        self.suffix = "".join("\t" + value for value in extra_values)

    def copy(self, lines: Iterable[str]) -> None:
        """Each line holds the caller's columns tab-separated, without its newline's
        suffix: use `self.suffix + "\\n"` at its end (see `line`)."""
        columns = ", ".join(f'"{column}"' for column in self.columns)
        sql = f'COPY "{self.table}" ({columns}) FROM STDIN'
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, LineStream(iter(lines)), size=1 << 20)

    def line(self, *values: object) -> str:
        return "\t".join(_copy_text(value) for value in values) + self.suffix + "\n"


def reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of `count` consecutive ids taken from the table's sequence."""
    if count <= 0:
        return 0
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        first = max(first, cursor.fetchone()[0] + 1)
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _uuid(prefix: str, table: int, number: int) -> str:
    """A deterministic client id: the seed's digest, the table and a counter."""
    return f"{prefix}-{table:04x}-4000-8000-{number:012x}"


# The seed ---------------------------------------------------------------------------------

@dataclass
class World:
    spec: ScaleSpec
    kommuner: list[Kommune] = field(default_factory=list)
    barnehager: list[Barnehage] = field(default_factory=list)
    avdelinger: list[Avdeling] = field(default_factory=list)
    # per kommune pk: consultants, leaders by barnehage pk, observers with workplace
    consultants: dict[int, list[User]] = field(default_factory=dict)
    leaders: dict[int, User] = field(default_factory=dict)
    observers: dict[int, list[tuple[User, int]]] = field(default_factory=dict)
    kindergarten_level: dict[int, float] = field(default_factory=dict)
    department_level: dict[int, float] = field(default_factory=dict)


class Seeder:
    def __init__(self, spec: ScaleSpec, log: Callable[[str], None] | None = None) -> None:
        self.spec = spec
        self.rng = random.Random(f"scale-{spec.seed}")
        self.world = World(spec)
        self.report = SeedReport(spec)
        self.log = log or (lambda message: None)
        self.prefix = spec.digest
        self.password = make_password(DEMO_PASSWORD, salt=f"kvalitet-scale-{spec.seed}")
        self.stamp = datetime.combine(spec.today, clock_time(12), TIMEZONE)
        self.done_ids: list[int] = []
        self._points: dict[int, Utviklingspunkt] = {}

    def _phase(self, name: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        self.report.phases[name] = elapsed
        self.log(f"{name}: {elapsed:.1f} s")

    def run(self) -> SeedReport:
        started = time.perf_counter()
        with transaction.atomic():
            replica = _fast_load(True)
            step = time.perf_counter()
            self._organisation()
            self._phase("organisation", step)
            step = time.perf_counter()
            self._people()
            self._phase("people", step)
            step = time.perf_counter()
            self._observations()
            self._phase("observations", step)
            step = time.perf_counter()
            self._supervisions()
            self._action_plans()
            self._framework()
            self._phase("supervisions, plans, framework", step)
            step = time.perf_counter()
            with secondary_indexes_dropped([Resultat, Resultatverdi]):
                self.report.results_seconds = store_results(self.done_ids)
            self._phase("stored results", step)
            if replica:
                _fast_load(False)
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self._phase("analyze", step)
        self.report.seconds = time.perf_counter() - started
        return self.report

    # Organisation ---------------------------------------------------------------------

    def _organisation(self) -> None:
        spec, rng = self.spec, self.rng
        if spec.municipalities == 1:
            sizes = [spec.kindergartens]
        else:
            sizes = apportion(spec.kindergartens,
                              [rng.lognormvariate(0, 1.1) for _ in range(spec.municipalities)])
        kommuner = Kommune.objects.bulk_create([
            Kommune(slug=spec.slug(number), country="NO", language="nb",
                    name=(f"{SIZES[spec.size].label if spec.size in SIZES else spec.size} "
                          f"kommune {number:03d} ({spec.digest})"),
                    committee_name="Hovedutvalget for oppvekst")
            for number in range(1, spec.municipalities + 1)])
        self.world.kommuner = kommuner
        Rapportinnstilling.objects.bulk_create([Rapportinnstilling(kommune=k) for k in kommuner])
        nettverk, puljer, barnehager = [], [], []
        for kommune, count in zip(kommuner, sizes, strict=True):
            networks = [Nettverk(kommune=kommune, name=f"Nettverk {i + 1}")
                        for i in range(max(1, round(count / KINDERGARTENS_PER_NETWORK)))]
            cohorts = [Pulje(kommune=kommune, name=f"Pulje {i + 1}",
                             start_date=date(spec.today.year - spec.years + i // 2,
                                             1 if i % 2 == 0 else 8, 1))
                       for i in range(4)]
            nettverk += networks
            puljer += cohorts
            kommune._scale = (networks, cohorts, count)  # type: ignore[attr-defined]
        Nettverk.objects.bulk_create(nettverk, batch_size=5000)
        Pulje.objects.bulk_create(puljer, batch_size=5000)
        for kommune in kommuner:
            networks, cohorts, count = kommune._scale  # type: ignore[attr-defined]
            for i in range(count):
                barnehager.append(Barnehage(
                    kommune=kommune, name=f"Barnehage {i + 1:04d}",
                    owner_type=OwnerType.PRIVATE if rng.random() < 0.45 else OwnerType.MUNICIPAL,
                    nettverk=networks[i % len(networks)], pulje=cohorts[i % len(cohorts)],
                    address=f"Skoleveien {i + 1}"))
        Barnehage.objects.bulk_create(barnehager, batch_size=5000)
        self.world.barnehager = barnehager
        department_counts = apportion(spec.departments,
                                      [rng.uniform(2.0, 7.0) for _ in barnehager])
        avdelinger = []
        for barnehage, count in zip(barnehager, department_counts, strict=True):
            level = rng.gauss(0, KINDERGARTEN_SD)
            self.world.kindergarten_level[barnehage.pk] = level
            toddlers = max(1, round(count * 0.4)) if count > 1 else 0
            for i in range(count):
                if i < toddlers:
                    age_group, children = AgeGroup.TODDLER, rng.randint(9, 14)
                elif rng.random() < 0.06:
                    age_group, children = AgeGroup.MIXED, rng.randint(14, 20)
                else:
                    age_group, children = AgeGroup.PRESCHOOL, rng.randint(16, 22)
                avdelinger.append(Avdeling(barnehage=barnehage, name=f"Avdeling {i + 1}",
                                           age_group=age_group, enrolled_children=children))
        Avdeling.objects.bulk_create(avdelinger, batch_size=5000)
        for avdeling in avdelinger:
            self.world.department_level[avdeling.pk] = (
                self.world.kindergarten_level[avdeling.barnehage_id]
                + rng.gauss(0, DEPARTMENT_SD))
        self.world.avdelinger = avdelinger
        enrolled: dict[int, int] = {}
        for avdeling in avdelinger:
            enrolled[avdeling.barnehage_id] = (enrolled.get(avdeling.barnehage_id, 0)
                                               + avdeling.enrolled_children)
        figures = CopyTable(Strukturtall, ["barnehage_id", "year", "children", "staff",
                                           "trained_pedagogue_share"])
        first_year = spec.today.year - spec.years

        def structure() -> Iterator[str]:
            for barnehage in barnehager:
                total = enrolled[barnehage.pk]
                share = rng.uniform(35, 55)
                for year in range(first_year, spec.today.year + 1):
                    share = min(100.0, share + rng.uniform(-1, 2))
                    yield figures.line(barnehage.pk, year, max(1, total - rng.randint(0, 4)),
                                       max(1, round(total / rng.uniform(5.2, 6.2))),
                                       f"{share:.1f}")
        figures.copy(structure())
        self.report.counts.update(municipalities=len(kommuner), kindergartens=len(barnehager),
                                  departments=len(avdelinger))

    # People ---------------------------------------------------------------------------

    def _people(self) -> None:
        spec, world = self.spec, self.world
        by_kommune: dict[int, list[Barnehage]] = {}
        for barnehage in world.barnehager:
            by_kommune.setdefault(barnehage.kommune_id, []).append(barnehage)
        departments: dict[int, int] = {}
        for avdeling in world.avdelinger:
            kommune_id = avdeling.barnehage.kommune_id
            departments[kommune_id] = departments.get(kommune_id, 0) + 1
        users: list[User] = []
        roles: list[tuple[User, str, Kommune, Barnehage | None]] = []

        def person(role: str, number: int, kommune: Kommune,
                   barnehage: Barnehage | None) -> User:
            email = user_email(role, number, kommune.slug)
            user = User(username=email, email=email, password=self.password,
                        first_name=role.capitalize(), last_name=f"{number} {kommune.slug[-3:]}",
                        is_staff=role == Role.ADMIN)
            users.append(user)
            roles.append((user, role, kommune, barnehage))
            return user

        observer_total = spec.observers
        for kommune in world.kommuner:
            kindergartens = by_kommune[kommune.pk]
            for number in range(1, max(1, len(kindergartens) // KINDERGARTENS_PER_CONSULTANT)
                                + 1):
                world.consultants.setdefault(kommune.pk, []).append(
                    person(Role.CONSULTANT, number, kommune, None))
            person(Role.ADMIN, 1, kommune, None)
            for number in range(1, min(5, max(1, len(kindergartens) // 10)) + 1):
                person(Role.POLITICIAN, number, kommune, None)
            for number, barnehage in enumerate(kindergartens, start=1):
                world.leaders[barnehage.pk] = person(Role.LEADER, number, kommune, barnehage)
            if observer_total is not None and spec.municipalities == 1:
                count = observer_total
            else:
                count = math.ceil(departments.get(kommune.pk, 0) / DEPARTMENTS_PER_OBSERVER)
            count = max(2, count) if len(kindergartens) > 1 else max(1, count)
            for number in range(1, count + 1):
                workplace = kindergartens[(number - 1) * len(kindergartens) // count]
                user = person(Role.OBSERVER, number, kommune, workplace)
                world.observers.setdefault(kommune.pk, []).append((user, workplace.pk))
        User.objects.bulk_create(users, batch_size=5000)
        # Consultants and admins log in with an authenticator app (KVALITET_REQUIRE_2FA).
        TOTPDevice.objects.bulk_create([
            TOTPDevice(user=user, name="app", confirmed=True,
                       key=hashlib.sha1(user.email.encode()).hexdigest())
            for user, role, _kommune, _barnehage in roles
            if role in (Role.CONSULTANT, Role.ADMIN)], batch_size=5000)
        Membership.objects.bulk_create([
            Membership(user=user, role=role, kommune=kommune, barnehage=barnehage)
            for user, role, kommune, barnehage in roles], batch_size=5000)
        instruments = list(Instrument.objects.filter(code__in=("toddler", "prek")))
        certificates = CopyTable(Sertifisering, ["user_id", "instrument_id", "certified_on",
                                                 "valid_until"])
        first_year = spec.today.year - spec.years - 1

        def certifications() -> Iterator[str]:
            for observers in world.observers.values():
                for user, _workplace in observers:
                    for year in range(first_year, spec.today.year + 1):
                        start = date(year, 1, 2)
                        for instrument in instruments:
                            yield certificates.line(user.pk, instrument.pk, start,
                                                    start + timedelta(days=364))
        certificates.copy(certifications())
        self.report.counts["users"] = len(users)
        self.report.counts["observers"] = sum(len(o) for o in world.observers.values())

    # Observations ---------------------------------------------------------------------

    def _observations(self) -> None:
        spec, world = self.spec, self.world
        instruments = {i.code: i for i in Instrument.objects.filter(code__in=MEANS)}
        dimensions = {
            code: [(dim.pk, dim.code) for dim in Dimensjon.objects.filter(
                domene__instrument=instrument).order_by("domene__order", "order")]
            for code, instrument in instruments.items()}
        semesters = spec.semesters()
        middle = (len(semesters) - 1) / 2
        rounds: list[Observasjonsrunde] = []
        for kommune in world.kommuner:
            for semester, year in [*semesters, spec.current]:
                start, end = _span(semester, year)
                current = (semester, year) == spec.current
                rounds.append(Observasjonsrunde(
                    kommune=kommune, name=f"{SEMESTER_NAMES['nb'][Semester(semester)]} {year}",
                    semester=semester, year=year, start_date=start,
                    end_date=end + timedelta(days=30) if current else end,
                    status=(Observasjonsrunde.Status.ACTIVE if current
                            else Observasjonsrunde.Status.CLOSED),
                    closed_at=None if current else datetime.combine(
                        end + timedelta(days=14), clock_time(12), TIMEZONE),
                    min_valid_cycles=2, planned_cycle_minutes=20))
        Observasjonsrunde.objects.bulk_create(rounds, batch_size=5000)
        by_round: dict[tuple[int, str, int], Observasjonsrunde] = {
            (r.kommune_id, r.semester, r.year): r for r in rounds}
        departments: dict[int, list[Avdeling]] = {}
        for avdeling in world.avdelinger:
            departments.setdefault(avdeling.barnehage.kommune_id, []).append(avdeling)
        observations = CopyTable(Observasjon, [
            "id", "runde_id", "avdeling_id", "observer_id", "instrument_id", "planned_date",
            "observed_on", "status", "double_coding_of_id", "children_enrolled",
            "adults_present", "submitted_at", "feedback_strengths", "feedback_development",
            "feedback_meeting_on", "updated_at"])
        cycles = CopyTable(Syklus, [
            "id", "observasjon_id", "client_id", "number", "started_at", "ended_at",
            "interrupted", "activity", "children_present", "adults_present", "updated_at"])
        scores = CopyTable(Skaar, ["id", "syklus_id", "dimensjon_id", "client_id", "value",
                                   "note", "version", "updated_at"])
        counts = {"rounds": len(rounds), "observations": 0, "cycles": 0, "scores": 0}
        obs_number = 0
        # Client ids count cycles and scores within the seed (not by database id), so the
        # same arguments give the same ids in any database.
        serial = [0, 0]
        # One pass per semester (all municipalities): the observations, then cycles and
        # scores streamed together (scores into COPY, cycles gathered for the next COPY).
        for index, (semester, year) in enumerate([*semesters, spec.current]):
            current = (semester, year) == spec.current
            trend = TREND_PER_YEAR * (index - middle) / 2
            start, end = _span(semester, year)
            span_days = (end - start).days
            planned: list[tuple[Any, ...]] = []
            for kommune in world.kommuner:
                runde = by_round[(kommune.pk, semester, year)]
                observers = world.observers[kommune.pk]
                for position, avdeling in enumerate(departments.get(kommune.pk, [])):
                    obs_number += 1
                    rng = random.Random(spec.seed * 1_000_003 + obs_number)
                    day = start + timedelta(days=rng.randrange(span_days))
                    if day.weekday() >= 5:
                        day -= timedelta(days=day.weekday() - 4)
                    observer = _observer_for(observers, avdeling.barnehage_id, position + index)
                    second = None
                    if not current and rng.random() < SECOND_CODING_SHARE:
                        second = _observer_for(observers, avdeling.barnehage_id,
                                               position + index + 1, avoid=observer)
                    planned.append((runde, avdeling, observer, day, rng, second))
            first = reserve_ids(Observasjon, len(planned)
                                + sum(1 for p in planned if p[5] is not None))
            rows = []
            next_id = first
            recorded: list[tuple[int, Any, Avdeling, date, random.Random, int | None]] = []
            for runde, avdeling, observer, day, rng, second in planned:
                code = avdeling.instrument_code
                obs_id = next_id
                next_id += 1
                if current:
                    rows.append(observations.line(
                        obs_id, runde.pk, avdeling.pk, observer, instruments[code].pk, day,
                        None, Observasjon.Status.PLANNED, None, None, None, None, "", "", None,
                        self.stamp))
                    continue
                submitted = datetime.combine(day, clock_time(14, rng.randrange(60)), TIMEZONE)
                rows.append(observations.line(
                    obs_id, runde.pk, avdeling.pk, observer, instruments[code].pk, day, day,
                    Observasjon.Status.LOCKED, None, avdeling.enrolled_children,
                    rng.randint(2, 4), submitted, rng.choice(STRENGTHS["nb"]),
                    rng.choice(DEVELOPMENT["nb"]), day + timedelta(days=rng.randint(5, 14)),
                    submitted))
                second_id = None
                if second is not None:
                    second_id = next_id
                    next_id += 1
                    rows.append(observations.line(
                        second_id, runde.pk, avdeling.pk, second, instruments[code].pk, day,
                        day, Observasjon.Status.LOCKED, obs_id, avdeling.enrolled_children,
                        rng.randint(2, 4), submitted, "", "", None, submitted))
                recorded.append((obs_id, code, avdeling, day, rng, second_id))
                self.done_ids.append(obs_id)
                if second_id is not None:
                    self.done_ids.append(second_id)
            observations.copy(rows)
            counts["observations"] += len(rows)
            if not recorded:
                continue
            # Cycles: three (some four) per observation, and as many again per second coding.
            plan = []
            for obs_id, code, avdeling, day, rng, second_id in recorded:
                number = 4 if rng.random() < FOUR_CYCLES_SHARE else 3
                plan.append((obs_id, code, avdeling, day, rng, second_id, number))
            total_cycles = sum(p[6] * (2 if p[5] else 1) for p in plan)
            cycle_first = reserve_ids(Syklus, total_cycles)
            score_first = reserve_ids(Skaar, sum(
                p[6] * (2 if p[5] else 1) * len(dimensions[p[1]]) for p in plan))
            cycle_lines: list[str] = []
            state = {"cycle": cycle_first, "score": score_first}

            def score_lines(plan: list[tuple[Any, ...]] = plan, trend: float = trend,
                            state: dict[str, int] = state, cycle_lines: list[str] = cycle_lines,
                            cycle_first: int = cycle_first,
                            score_first: int = score_first) -> Iterator[str]:
                prefix = self.prefix
                stamp = self.stamp.isoformat()
                suffix = scores.suffix + "\n"
                cycle_suffix = cycles.suffix + "\n"
                gauss, means_of = random.Random.gauss, MEANS
                for obs_id, code, avdeling, day, rng, second_id, number in plan:
                    level = (world.department_level[avdeling.pk]
                             + rng.gauss(0, OBSERVATION_SD) + trend)
                    means = means_of[code]
                    dims = dimensions[code]
                    enrolled = avdeling.enrolled_children
                    moment = datetime.combine(day, clock_time(9, rng.randrange(30)), TIMEZONE)
                    values_per_cycle = []
                    timing = []
                    for cycle_no in range(1, number + 1):
                        minutes = rng.randint(15, 20)
                        timing.append((cycle_no, moment, minutes,
                                       rng.random() < INTERRUPTED_SHARE,
                                       rng.choice(ACTIVITIES),
                                       max((enrolled + 1) // 2, enrolled - rng.randint(0, 4)),
                                       rng.randint(2, 4)))
                        moment += timedelta(minutes=minutes + rng.randint(5, 12))
                        values = []
                        for dim_id, dim_code in dims:
                            if dim_code == "NC":
                                roll = rng.random() * 100
                                value = 1 if roll < NC_WEIGHTS[0] else (
                                    2 if roll < NC_WEIGHTS[0] + NC_WEIGHTS[1] else 3)
                            else:
                                value = _clip(gauss(rng, means[dim_code] + level, CYCLE_SD))
                            values.append((dim_id, value))
                        values_per_cycle.append(values)
                    codings = [(obs_id, values_per_cycle)]
                    if second_id is not None:
                        codings.append((second_id, [
                            [(dim_id, _second(rng, value)) for dim_id, value in values]
                            for values in values_per_cycle]))
                    for coding_id, per_cycle in codings:
                        for (cycle_no, started, minutes, interrupted, activity, present,
                             adults), values in zip(timing, per_cycle, strict=True):
                            cycle_id = state["cycle"]
                            state["cycle"] += 1
                            ended = started + timedelta(minutes=minutes)
                            cycle_lines.append(
                                f"{cycle_id}\t{coding_id}\t"
                                f"{_uuid(prefix, 1, cycle_id - cycle_first + serial[0])}\t"
                                f"{cycle_no}\t{started.isoformat()}\t{ended.isoformat()}\t"
                                f"{'t' if interrupted else 'f'}\t{activity}\t{present}\t"
                                f"{adults}\t{stamp}{cycle_suffix}")
                            for dim_id, value in values:
                                score_id = state["score"]
                                state["score"] += 1
                                yield (f"{score_id}\t{cycle_id}\t{dim_id}\t"
                                       f"{_uuid(prefix, 2, score_id - score_first + serial[1])}\t"
                                       f"{value}\t\t1\t"
                                       f"{stamp}{suffix}")

            scores.copy(score_lines())
            cycles.copy(cycle_lines)
            counts["cycles"] += state["cycle"] - cycle_first
            counts["scores"] += state["score"] - score_first
            serial[0] += state["cycle"] - cycle_first
            serial[1] += state["score"] - score_first
            self.log(f"  {SEMESTER_NAMES['nb'][Semester(semester)]} {year}: "
                     f"{len(rows)} observations, "
                     f"{state['cycle'] - cycle_first} cycles, "
                     f"{state['score'] - score_first} scores")
        self.report.counts.update(counts)

    # Supervisions, action plans, the quality framework -------------------------------------

    def _supervisions(self) -> None:
        """A completed supervision of each kindergarten every second year; a concern now
        and then, with a development point."""
        spec, world, rng = self.spec, self.world, self.rng
        instrument = TilsynInstrument.objects.filter(kommune__isnull=True).select_related(
            "skala").order_by("pk").first()
        if instrument is None:
            return
        levels = list(SkalaNiva.objects.filter(skala=instrument.skala).order_by("value"))
        criteria = list(Kriterium.objects.filter(tema__instrument=instrument)
                        .order_by("tema__order", "order").values_list("pk", "tema_id"))
        supervisions = []
        for number, barnehage in enumerate(world.barnehager):
            consultants = world.consultants[barnehage.kommune_id]
            for year in range(spec.today.year - spec.years + number % 2, spec.today.year, 2):
                outcome = rng.choices(["none", "concern", "serious"], weights=(82, 14, 4))[0]
                visit = date(year, rng.randint(2, 11), rng.randint(1, 28))
                supervisions.append(Tilsyn(
                    barnehage=barnehage, consultant=consultants[number % len(consultants)],
                    instrument=instrument, date=visit, announced=rng.random() < 0.8,
                    outcome=outcome, status=Tilsyn.Status.COMPLETED,
                    follow_up_date=(visit + timedelta(days=90) if outcome != "none" else None),
                    closed_on=(visit + timedelta(days=200) if outcome != "none"
                               and year < spec.today.year - 1 else None),
                    completed_at=datetime.combine(visit + timedelta(days=7), clock_time(12),
                                                  TIMEZONE),
                    findings="Gode relasjoner; språkarbeid kan styrkes."))
        Tilsyn.objects.bulk_create(supervisions, batch_size=5000)
        ratings = CopyTable(TilsynVurdering, ["tilsyn_id", "kriterium_id", "niva_id"])
        level_of = world.kindergarten_level

        def lines() -> Iterator[str]:
            for tilsyn in supervisions:
                shift = level_of[tilsyn.barnehage_id]
                for kriterium_id, _tema in criteria:
                    index = min(len(levels) - 1, max(0, round(
                        rng.gauss(2.1 + shift * 1.5, 0.7))))
                    yield ratings.line(tilsyn.pk, kriterium_id, levels[index].pk)
        ratings.copy(lines())
        points = [Utviklingspunkt(tilsyn=tilsyn, tema_id=criteria[0][1] if criteria else None,
                                  text="Styrke språkmiljøet i hverdagssamtalene.")
                  for tilsyn in supervisions if tilsyn.outcome != "none"]
        Utviklingspunkt.objects.bulk_create(points, batch_size=5000)
        self._points = {point.tilsyn.barnehage_id: point for point in points}
        self.report.counts["supervisions"] = len(supervisions)

    def _action_plans(self) -> None:
        """About one plan per kindergarten and year: the old ones closed or evaluated, this
        year's approved, in progress, waiting or still a draft."""
        spec, world, rng = self.spec, self.world, self.rng
        mal = Mal.objects.filter(kommune__isnull=True, is_default=True).first() or \
            Mal.objects.filter(kommune__isnull=True).order_by("pk").first()
        if mal is None:
            return
        questions = list(Sporsmal.objects.filter(seksjon__mal=mal).values_list("pk", flat=True))
        plans = []
        for number, barnehage in enumerate(world.barnehager):
            leader = world.leaders[barnehage.pk]
            for year in range(spec.today.year - spec.years + 1, spec.today.year + 1):
                if rng.random() > 0.8:
                    continue
                current = year == spec.today.year
                status = (rng.choices([PlanStatus.DRAFT, PlanStatus.SUBMITTED,
                                       PlanStatus.APPROVED, PlanStatus.IN_PROGRESS],
                                      weights=(25, 15, 20, 40))[0] if current
                          else rng.choices([PlanStatus.CLOSED, PlanStatus.EVALUATED,
                                            PlanStatus.IN_PROGRESS], weights=(70, 25, 5))[0])
                period_start = date(year, 1, 15)
                point = self._points.get(barnehage.pk) if number % 3 == 0 else None
                plans.append(Handleplan(
                    barnehage=barnehage, mal=mal, status=status,
                    origin=PlanOrigin.SUPERVISION if point else PlanOrigin.OBSERVATION,
                    utviklingspunkt=point,
                    title=f"Språk i hverdagen {year}", goal="Flere lange samtaler med barna.",
                    period_start=period_start, period_end=date(year, 12, 15),
                    deadline=date(year, 12, 15), evaluation_due=date(year, 12, 1),
                    responsibility_leader="Følger opp i personalmøter.",
                    created_by=leader,
                    submitted_at=(None if status == PlanStatus.DRAFT else datetime.combine(
                        period_start, clock_time(10), TIMEZONE)),
                    approved_at=(datetime.combine(period_start + timedelta(days=10),
                                                  clock_time(10), TIMEZONE)
                                 if status not in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)
                                 else None)))
        Handleplan.objects.bulk_create(plans, batch_size=5000)
        answers = CopyTable(Svar, ["handleplan_id", "sporsmal_id", "text"])
        answers.copy(answers.line(plan.pk, question, "Vi jobber med dette i alle avdelinger.")
                     for plan in plans for question in questions)
        phases = CopyTable(Fase, ["handleplan_id", "order", "title", "start", "end"])
        phases.copy(line for plan in plans for line in (
            phases.line(plan.pk, 0, "Kartlegging", plan.period_start,
                        _days_after(plan.period_start, 120)),
            phases.line(plan.pk, 1, "Utprøving", _days_after(plan.period_start, 121),
                        plan.period_end)))
        evaluations = CopyTable(Evaluering, ["handleplan_id", "held_on", "observed",
                                             "goal_reached"])
        evaluations.copy(
            evaluations.line(plan.pk, plan.evaluation_due, "Barna deltar mer i samtalene.",
                             rng.choice(GoalReached.values))
            for plan in plans if plan.status in (PlanStatus.EVALUATED, PlanStatus.CLOSED))
        self.report.counts["action_plans"] = len(plans)

    def _framework(self) -> None:
        spec, world, rng = self.spec, self.world, self.rng
        year = spec.today.year
        plans = Kvalitetsplan.objects.bulk_create([
            Kvalitetsplan(kommune=kommune, title="Kvalitetsplan for barnehagene",
                          start_year=year - spec.years, end_year=year + 1,
                          main_goal="Alle barn opplever gode relasjoner og et rikt språkmiljø.")
            for kommune in world.kommuner])
        areas = Fokusomrade.objects.bulk_create([
            Fokusomrade(plan=plan, title=title, order=order)
            for plan in plans for order, title in enumerate(
                ("Relasjoner", "Språk", "Lek"), start=1)])
        Tiltak.objects.bulk_create([
            Tiltak(fokusomrade=area, text=f"Tiltak {i + 1}", order=i,
                   status=rng.choice(["not_started", "under_way", "done"]))
            for area in areas for i in range(4)], batch_size=5000)
        by_plan: dict[int, list[Fokusomrade]] = {}
        for area in areas:
            by_plan.setdefault(area.plan.kommune_id, []).append(area)
        choices = CopyTable(BarnehageFokus, ["barnehage_id", "fokusomrade_id", "year",
                                             "sub_goal", "chosen_by_id"])
        choices.copy(
            choices.line(barnehage.pk, rng.choice(by_plan[barnehage.kommune_id]).pk, y,
                         "Mer samtale i hverdagen.", world.leaders[barnehage.pk].pk)
            for barnehage in world.barnehager for y in range(year - min(3, spec.years), year + 1))
        Anbefaling.objects.bulk_create([
            Anbefaling(kommune=kommune, year=y,
                       text="Fortsett arbeidet med språk og samtaler i alle barnehager.")
            for kommune in world.kommuner for y in range(year - spec.years, year)])


def _days_after(day: date | None, days: int) -> date | None:
    return day + timedelta(days=days) if day else None


def _span(semester: str, year: int) -> tuple[date, date]:
    (start_month, start_day), (end_month, end_day) = SEMESTER_SPAN[Semester(semester)]
    return date(year, start_month, start_day), date(year, end_month, end_day)


def _observer_for(observers: list[tuple[User, int]], barnehage_id: int, turn: int,
                  avoid: int | None = None) -> int:
    """An observer who does not work in the observed kindergarten, in turn."""
    for step in range(len(observers)):
        user, workplace = observers[(turn + step) % len(observers)]
        if workplace != barnehage_id and user.pk != avoid:
            return user.pk
    return observers[turn % len(observers)][0].pk


def _second(rng: random.Random, value: int) -> int:
    """A second observer's score of the same cycle: mostly equal or one off."""
    roll = rng.random()
    step = 0 if roll < 0.62 else (1 if roll < 0.94 else 2)
    if step and rng.random() < 0.5:
        step = -step
    return 1 if value + step < 1 else 7 if value + step > 7 else value + step


def _fast_load(on: bool) -> bool:
    """Skips the per-row foreign-key triggers during the load (the rows are consistent by
    construction); False where the database user may not."""
    if connection.vendor != "postgresql":
        raise RuntimeError("seed_scale needs PostgreSQL")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL session_replication_role = "
                           f"{'replica' if on else 'origin'}")
    except Exception:  # noqa: BLE001 - not a superuser: load with the triggers on
        return False
    return True


@contextmanager
def secondary_indexes_dropped(tables: Sequence[type[models.Model]]) -> Iterator[None]:
    """Drops the tables' indexes that back no constraint and builds them again at the end,
    in the surrounding transaction: one index build is much cheaper than millions of
    index updates."""
    definitions = []
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = format('%%I', i.indexname)::regclass)",
                [model._meta.db_table])
            definitions += cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, definition in definitions:
            cursor.execute(definition)


RESULT_CHUNK = 4000


def store_results(observation_ids: list[int]) -> float:
    """Fills the stored results of the seeded observations; returns the seconds it took.

    The results are computed by `observasjoner.results.compute` (the scoring module's
    arithmetic, exactly what `store_results` stores) and loaded with COPY like the scores
    they come from: `store_results`' row-by-row `bulk_create` of some five million value
    rows would take most of a national seed's time. The semester sums are then refreshed
    from the loaded rows, as `store_results` does. The seed's tests check the loaded rows
    against a recomputation (`results.differences`)."""
    started = time.perf_counter()
    def columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
        by_name = {field.attname: str(field.column) for field in model._meta.concrete_fields}
        return [by_name[name] for name in names]

    heads = CopyTable(Resultat, columns(Resultat, results.HEAD_FIELDS))
    values = CopyTable(Resultatverdi, columns(Resultatverdi, ["id", "resultat_id",
                                                              *results.VALUE_FIELDS]))
    ids = sorted(observation_ids)
    touched: set[results.SumKey] = set()
    for start in range(0, len(ids), RESULT_CHUNK):
        computed = list(results.compute(ids[start:start + RESULT_CHUNK]).values())
        touched |= {item.sum_key for item in computed}
        heads.copy(heads.line(*(item.head[name] for name in results.HEAD_FIELDS))
                   for item in computed)
        next_id = reserve_ids(Resultatverdi, sum(len(item.values) for item in computed))
        lines = []
        for item in computed:
            for row in item.values:
                lines.append(values.line(next_id, item.head["observasjon_id"],
                                         *(row[name] for name in results.VALUE_FIELDS)))
                next_id += 1
        values.copy(lines)
    results.refresh_sums(touched)
    return time.perf_counter() - started


def seed(spec: ScaleSpec, log: Callable[[str], None] | None = None) -> SeedReport:
    return Seeder(spec, log).run()
