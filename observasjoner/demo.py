"""Demo observations: certified observers, two years of CLASS rounds in Bærum with
realistic scores, feedback, second codings, practice stories and monthly plans, and a
current round with work for the demo observer; one closed round each in Moss and
Frederikshavn.

Scores follow Nordic studies (toddlers: EBS about 5.6, ESL about 3.3; pre-school: ES
about 5.7, CO 5.2, IS 2.7; Negative Climate mostly 1). Everything is drawn from
random.Random with fixed seeds and keyed on natural keys: running the seed again changes
nothing. Plans come from the assignment service, so the demo keeps the same rules as
the product. No child is named anywhere.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from barnehager.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, demo_email
from barnehager.models import Barnehage, Kommune, Membership, Role, Sertifisering, User
from observasjoner import results
from observasjoner.models import (
    Activity,
    Dimensjon,
    Instrument,
    Maanedsplan,
    Observasjon,
    Observasjonsrunde,
    Praksisfortelling,
    Semester,
    Skaar,
    Syklus,
)
from observasjoner.rounds import assignment

NAMESPACE = uuid.UUID("6f1c1f7e-3b0e-4d55-9b5c-4f1f3e0c2a10")
SEMESTER_NAMES = {"nb": {Semester.SPRING: "Vår", Semester.AUTUMN: "Høst"},
                  "da": {Semester.SPRING: "Forår", Semester.AUTUMN: "Efterår"}}
SEMESTER_SPAN = {Semester.SPRING: ((2, 1), (5, 31)), Semester.AUTUMN: ((9, 1), (11, 30))}

# Mean score per dimension (before a department's own level and the programme's trend).
MEANS = {
    "toddler": {"PC": 5.6, "NC": 1.2, "TS": 5.3, "RCP": 5.0, "BG": 5.0,
                "FLD": 3.4, "QF": 2.7, "LM": 3.2},
    "prek": {"PC": 5.7, "NC": 1.2, "TS": 5.3, "RSP": 4.8, "BM": 5.3, "PD": 5.2, "ILF": 4.5,
             "CD": 2.2, "QF": 2.5, "LM": 2.8},
}
ACTIVITIES = [Activity.PLAY, Activity.MEAL, Activity.CIRCLE, Activity.OUTDOORS,
              Activity.ACTIVITY, Activity.TRANSITION, Activity.ROUTINE]


@dataclass(frozen=True)
class ObserverSpec:
    first: str
    last: str
    workplace: int  # index of the kindergarten (by pk) where she works
    certified_days_ago: int  # start of the current one-year certification


# Bærum: about three observers in a few kindergartens (the demo observer is the third
# at Hosletoppen). Kristin's certification expires within 60 days, Gro's has lapsed,
# and Tonje's second codings agree less well than the others'.
OBSERVERS = {
    "baerum": [
        ObserverSpec("Ida", "Solberg", 0, 120), ObserverSpec("Kristin", "Moen", 0, 325),
        ObserverSpec("Hege", "Dahl", 0, 200), ObserverSpec("Tonje", "Berge", 1, 90),
        ObserverSpec("Linn", "Aas", 1, 150), ObserverSpec("Siri", "Holm", 2, 60),
        ObserverSpec("Camilla", "Vik", 2, 240), ObserverSpec("Ragnhild", "Lund", 2, 180),
        ObserverSpec("Marit", "Sæther", 3, 100), ObserverSpec("Eli", "Rønning", 3, 270),
        ObserverSpec("Gro", "Bakke", 3, 385),
    ],
    "moss": [ObserverSpec("Anita", "Kristiansen", 2, 130),
             ObserverSpec("Bente", "Pedersen", 4, 210)],
    "frederikshavn": [ObserverSpec("Pia", "Christensen", 2, 140),
                      ObserverSpec("Lene", "Rasmussen", 4, 220)],
}
WEAK_CODER = "Tonje"

STRENGTHS = {
    "nb": ["Varme og trygge voksne som er tett på barna gjennom hele observasjonen.",
           "De voksne møter barnas initiativ med interesse og gir dem god tid.",
           "Rolige overganger og tydelige rutiner gjør at barna vet hva som skal skje.",
           "God stemning i gruppa, med mye humor og felles glede."],
    "da": ["Varme og trygge voksne, der er tæt på børnene hele vejen igennem.",
           "De voksne møder børnenes initiativer med interesse og giver dem god tid.",
           "Rolige overgange og tydelige rutiner, så børnene ved, hvad der skal ske."],
}
DEVELOPMENT = {
    "nb": ["Utvid samtalene med flere turer: still åpne spørsmål og bygg videre på svarene.",
           "Bruk hverdagssituasjoner til å sette ord på det barna gjør og tenker.",
           "Gi tilbakemeldinger som hjelper barna et steg videre, ikke bare ros.",
           "Planlegg hvordan aktivitetene kan gi barna noe å undre seg over."],
    "da": ["Udvid samtalerne med flere ture: stil åbne spørgsmål og byg videre på svarene.",
           "Brug hverdagens situationer til at sætte ord på det, børnene gør og tænker.",
           "Giv feedback, der hjælper børnene et skridt videre, ikke kun ros."],
}
STORIES = {
    "PC": ("Latter ved matbordet", "Under lunsjen begynte et barn å tulle med brødskiva, og "
           "snart lo hele bordet. Jeg lo med og fortalte om da jeg var liten. Stemningen var "
           "varm resten av måltidet."),
    "TS": ("Trøst i garderoben", "Et barn ble stående alene og gråte da foreldrene gikk. Jeg "
           "satte meg ned på barnets høyde, sa at det var lov å være lei seg, og vi vinket "
           "sammen i vinduet."),
    "RSP": ("Barnas byggeplan", "Barna ville bygge en hytte av stoler. I stedet for å foreslå "
            "noe selv spurte jeg hva de trengte. De fant tepper og bestemte hvem som gjorde "
            "hva."),
    "BM": ("Ryddesangen", "Overgangen til samling pleier å bli urolig. Vi innførte en "
           "ryddesang og forklarte på forhånd hva som skulle skje. Denne uken gikk det roligere."),
    "PD": ("Ventetid før tur", "Vi brukte ventetiden i garderoben til en gjettelek om hva vi "
           "kunne finne i skogen. Ingen satt og ventet uten noe å gjøre."),
    "ILF": ("Samling med konkreter", "I samlingen hadde jeg med ekte grønnsaker. Barna fikk "
            "kjenne og lukte, og alle ville si noe om hva de kjente."),
    "CD": ("Hvorfor flyter den?", "Ved vannleken spurte jeg hvorfor noen ting flyter. Barna "
           "testet ideene sine og sorterte tingene i to bøtter etterpå."),
    "QF": ("Et steg videre", "Et barn viste meg en tegning. Jeg spurte hva som skjedde på "
           "tegningen og hva som kunne skje etterpå, og barnet tegnet videre."),
    "LM": ("Samtale om regnet", "På tur snakket vi om regnet. Jeg satte ord på det vi så: "
           "sølepytter, dråper, speilbilder. Barna fant på egne ord for lyden."),
}
PLAN_DIMENSIONS = ["PC", "TS", "RSP", "BM", "PD", "ILF", "CD", "QF", "LM"]


def seed(stdout, today: date | None = None) -> None:
    today = today or timezone.localdate()
    for slug in ("baerum", "moss", "frederikshavn"):
        kommune = Kommune.objects.get(slug=slug)
        barnehager = list(Barnehage.objects.filter(kommune=kommune).order_by("pk"))
        observers = _seed_observers(kommune, barnehager, today)
        weak = {user.pk for user in observers if user.first_name == WEAK_CODER}
        semesters = _past_semesters(today, 4 if slug == "baerum" else 1)
        for number, (semester, year) in enumerate(reversed(semesters)):
            _seed_closed_round(kommune, semester, year, trend=0.1 * number, weak=weak)
        if slug == "baerum":
            _seed_current_round(kommune, today, weak)
            _seed_monthly_plans(barnehager, today)
            _seed_stories(kommune, barnehager, today)
        count = Observasjon.objects.filter(runde__kommune=kommune).count()
        stdout.write(f"  {kommune}: {len(observers)} observers, {count} observations")


# Observers and certifications ------------------------------------------------------------

def _ascii(name: str) -> str:
    return (name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
            .replace(" ", ""))


def _seed_observers(kommune: Kommune, barnehager: list[Barnehage], today: date) -> list[User]:
    instruments = list(Instrument.objects.filter(code__in=("toddler", "prek")))
    users = []
    password = None
    for spec in OBSERVERS[kommune.slug]:
        email = f"{_ascii(spec.first)}.{_ascii(spec.last)}@{DEMO_EMAIL_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            # One hash for all of them: hashing is slow by design, the password is public.
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(username=email, email=email, first_name=spec.first,
                                       last_name=spec.last, password=password)
        Membership.objects.get_or_create(user=user, role=Role.OBSERVER, kommune=kommune,
                                         barnehage=barnehager[spec.workplace])
        _certify(user, instruments, today - timedelta(days=spec.certified_days_ago))
        users.append(user)
    # The organisation's demo observer: certified three months before the month of the first
    # seed; a later seed keeps that date.
    demo_observer = User.objects.get(email=demo_email(Role.OBSERVER, kommune.slug))
    current = Sertifisering.objects.filter(user=demo_observer).order_by("-valid_until").first()
    _certify(demo_observer, instruments, current.certified_on if current is not None
             else today.replace(day=1) - timedelta(days=90))
    return [demo_observer, *users]


def _certify(user: User, instruments, current_start: date) -> None:
    """A one-year certification from `current_start`, renewed every year before it (three
    years back), so history was observed by certified observers."""
    for years_back in range(4):
        certified_on = current_start - timedelta(days=365 * years_back)
        for instrument in instruments:
            Sertifisering.objects.get_or_create(
                user=user, instrument=instrument, certified_on=certified_on,
                defaults={"valid_until": certified_on + timedelta(days=364)})


# Rounds ----------------------------------------------------------------------------------

def _past_semesters(today: date, count: int) -> list[tuple[str, int]]:
    """The `count` semesters before the current one, newest first."""
    semester = Semester.SPRING if today.month <= 6 else Semester.AUTUMN
    year = today.year
    found = []
    for _ in range(count):
        if semester == Semester.AUTUMN:
            semester = Semester.SPRING
        else:
            semester, year = Semester.AUTUMN, year - 1
        found.append((semester, year))
    return found


def _round_name(kommune: Kommune, semester: str, year: int) -> str:
    return f"{SEMESTER_NAMES[kommune.language][semester]} {year}"


def _span(semester: str, year: int) -> tuple[date, date]:
    (start_month, start_day), (end_month, end_day) = SEMESTER_SPAN[semester]
    return date(year, start_month, start_day), date(year, end_month, end_day)


def _seed_closed_round(kommune: Kommune, semester: str, year: int, *, trend: float,
                       weak: set[int]) -> None:
    name = _round_name(kommune, semester, year)
    if Observasjonsrunde.objects.filter(kommune=kommune, name=name).exists():
        return
    start, end = _span(semester, year)
    runde = Observasjonsrunde.objects.create(
        kommune=kommune, name=name, semester=semester, year=year, start_date=start,
        end_date=end, status=Observasjonsrunde.Status.ACTIVE, planned_cycle_minutes=20,
        min_valid_cycles=2, double_coding_share=15 if kommune.slug == "baerum" else 10)
    proposal = assignment.propose_plan(runde, today=start)
    rng = random.Random(f"{kommune.slug}-{semester}-{year}")
    _record(runde, proposal.planned, proposal.second_codings, rng, trend=trend, weak=weak,
            status=Observasjon.Status.LOCKED)
    runde.status = Observasjonsrunde.Status.CLOSED
    runde.closed_at = timezone.make_aware(datetime.combine(end + timedelta(days=14), time(12)))
    runde.save(update_fields=["status", "closed_at"])


def _seed_current_round(kommune: Kommune, today: date, weak: set[int]) -> None:
    """This semester's round, active: what is due is mostly submitted (a few overdue), the
    rest planned, with upcoming observations for the demo observer's tablet."""
    semester = Semester.SPRING if today.month <= 6 else Semester.AUTUMN
    name = _round_name(kommune, semester, today.year)
    if Observasjonsrunde.objects.filter(kommune=kommune, name=name).exists():
        return
    start, end = _span(semester, today.year)
    start, end = min(start, today - timedelta(days=35)), max(end, today + timedelta(days=30))
    runde = Observasjonsrunde.objects.create(
        kommune=kommune, name=name, semester=semester, year=today.year, start_date=start,
        end_date=end, status=Observasjonsrunde.Status.PLANNING, planned_cycle_minutes=20,
        min_valid_cycles=2)
    assignment.propose_plan(runde, today=start)
    _give_demo_observer_work(runde, today)
    observasjoner = list(runde.observasjoner.select_related("avdeling", "instrument"))
    rng = random.Random(f"{kommune.slug}-current-{today.year}-{semester}")
    primaries = [obs for obs in observasjoner if obs.double_coding_of_id is None]
    seconds = [obs for obs in observasjoner if obs.double_coding_of_id]
    due = [obs for obs in primaries if obs.planned_date < today]
    overdue = {obs.pk for obs in rng.sample(due, k=len(due) // 8)}
    done = [obs for obs in primaries if obs.planned_date < today and obs.pk not in overdue]
    done_ids = {obs.pk for obs in done}
    _record(runde, done, [obs for obs in seconds if obs.double_coding_of_id in done_ids], rng,
            trend=0.45, weak=weak, status=Observasjon.Status.SUBMITTED)
    assignment.publish_round(runde, notify=False)


def _give_demo_observer_work(runde: Observasjonsrunde, today: date) -> None:
    """At least three upcoming observations for the demo observer, moved to her through
    the assignment service (so every rule still holds)."""
    observer = User.objects.get(email=demo_email(Role.OBSERVER, runde.kommune.slug))
    upcoming = runde.observasjoner.filter(planned_date__gte=today, double_coding_of=None)
    wanted = 3 - upcoming.filter(observer=observer).count()
    for observasjon in upcoming.exclude(observer=observer).order_by("planned_date", "pk"):
        if wanted <= 0:
            break
        try:
            assignment.change_assignment(observasjon, observer, observasjon.planned_date)
        except assignment.AssignmentRefused:
            continue
        wanted -= 1


def _record(runde: Observasjonsrunde, primaries: list[Observasjon],
            seconds: list[Observasjon], rng: random.Random, *, trend: float,
            weak: set[int], status: str) -> None:
    """Cycles, scores and feedback for observations already planned."""
    dimensjoner = {(dim.domene.instrument_id, dim.code): dim
                   for dim in Dimensjon.objects.select_related("domene")}
    language = runde.kommune.language
    sykluser, skaar = [], []
    cycle_scores: dict[int, list[dict[str, int]]] = {}
    interrupted: dict[int, bool] = {}  # the third cycle broke off (both observers see it)
    for observasjon in primaries:
        code = observasjon.instrument.code
        level = _department_level(observasjon.avdeling_id)
        cycles = [{dim: _score(rng, dim, MEANS[code][dim] + level + trend)
                   for dim in MEANS[code]} for _ in range(3)]
        cycle_scores[observasjon.pk] = cycles
        interrupted[observasjon.pk] = rng.random() < 0.05
        _cycles(observasjon, cycles, rng, sykluser, skaar, dimensjoner,
                interrupted_third=interrupted[observasjon.pk])
        _finish(observasjon, rng, status)
        _feedback(observasjon, cycles, rng, language, dimensjoner)
    primary_observers = {obs.pk: obs.observer_id for obs in primaries}
    recorded = list(primaries)
    for observasjon in seconds:
        primary_cycles = cycle_scores.get(observasjon.double_coding_of_id)
        if primary_cycles is None:
            continue
        careless = (observasjon.observer_id in weak
                    or primary_observers[observasjon.double_coding_of_id] in weak)
        cycles = [{dim: _second_score(rng, value, careless) for dim, value in cycle.items()}
                  for cycle in primary_cycles]
        _cycles(observasjon, cycles, rng, sykluser, skaar, dimensjoner,
                interrupted_third=interrupted[observasjon.double_coding_of_id])
        _finish(observasjon, rng, status)
        recorded.append(observasjon)
    Syklus.objects.bulk_create(sykluser)
    Skaar.objects.bulk_create(skaar)
    Observasjon.objects.bulk_update(recorded, [
        "status", "observed_on", "submitted_at", "adults_present", "feedback_strengths",
        "feedback_development", "feedback_meeting_on"])
    results.store_results([observasjon.pk for observasjon in recorded])
    through = Observasjon.feedback_dimensions.through
    through.objects.bulk_create([
        through(observasjon_id=obs.pk, dimensjon_id=dim.pk)
        for obs in primaries for dim in getattr(obs, "_focus", [])])


def _department_level(avdeling_id: int) -> float:
    """Each department's own level around the mean, the same in every round."""
    return random.Random(f"avdeling-{avdeling_id}").gauss(0, 0.35)


def _score(rng: random.Random, code: str, mean: float) -> int:
    if code == "NC":
        return rng.choices((1, 2, 3), weights=(80, 16, 4))[0]
    return max(1, min(7, round(rng.gauss(mean, 0.7))))


def _second_score(rng: random.Random, value: int, careless: bool) -> int:
    weights = (25, 35, 40) if careless else (62, 32, 6)
    step = rng.choices((0, 1, 2), weights=weights)[0] * rng.choice((-1, 1))
    return max(1, min(7, value + step))


def _cycles(observasjon: Observasjon, cycles, rng: random.Random, sykluser: list,
            skaar: list, dimensjoner, *, interrupted_third: bool) -> None:
    enrolled = observasjon.children_enrolled or observasjon.avdeling.enrolled_children or 12
    clock = timezone.make_aware(datetime.combine(observasjon.planned_date, time(9, 0)))
    for number, scores in enumerate(cycles, start=1):
        minutes = rng.randint(15, 20)
        syklus = Syklus(
            observasjon=observasjon,
            client_id=uuid.uuid5(NAMESPACE, f"{observasjon.pk}/{number}"),
            number=number, started_at=clock, ended_at=clock + timedelta(minutes=minutes),
            interrupted=interrupted_third and number == 3,
            activity=rng.choice(ACTIVITIES),
            children_present=max((enrolled + 1) // 2, enrolled - rng.randint(0, 3)),
            adults_present=rng.randint(2, 4))
        sykluser.append(syklus)
        for code, value in scores.items():
            skaar.append(Skaar(
                syklus=syklus, dimensjon=dimensjoner[(observasjon.instrument_id, code)],
                client_id=uuid.uuid5(NAMESPACE, f"{observasjon.pk}/{number}/{code}"),
                value=value))
        clock += timedelta(minutes=minutes + rng.randint(5, 12))


def _finish(observasjon: Observasjon, rng: random.Random, status: str) -> None:
    observasjon.status = status
    observasjon.observed_on = observasjon.planned_date
    observasjon.submitted_at = timezone.make_aware(
        datetime.combine(observasjon.planned_date, time(14, rng.randint(0, 59))))
    observasjon.adults_present = rng.randint(2, 4)


def _feedback(observasjon: Observasjon, cycles, rng: random.Random, language: str,
              dimensjoner) -> None:
    """Written feedback naming the strongest dimension and one or two to work on."""
    means = {code: sum(cycle[code] for cycle in cycles) / len(cycles)
             for code in cycles[0] if code != "NC"}
    ranked = sorted(means, key=means.get)
    focus = ranked[:rng.choice((1, 2))]
    best = dimensjoner[(observasjon.instrument_id, ranked[-1])]
    best_name = best.name_da if language == "da" else best.name_nb
    observasjon.feedback_strengths = f"{rng.choice(STRENGTHS[language])} {best_name}."
    observasjon.feedback_development = rng.choice(DEVELOPMENT[language])
    observasjon.feedback_meeting_on = observasjon.planned_date + timedelta(
        days=rng.randint(5, 14))
    observasjon._focus = [dimensjoner[(observasjon.instrument_id, code)] for code in focus]


# Monthly plans and practice stories --------------------------------------------------------

def _months(today: date, back: int, ahead: int) -> list[date]:
    first = today.replace(day=1)
    months = []
    for offset in range(-back, ahead + 1):
        month_index = first.month - 1 + offset
        months.append(date(first.year + month_index // 12, month_index % 12 + 1, 1))
    return months


def _plan_dimensions() -> dict[str, Dimensjon]:
    return {dim.code: dim for dim in Dimensjon.objects.filter(
        domene__instrument__code="prek", code__in=PLAN_DIMENSIONS)}


def _seed_monthly_plans(barnehager: list[Barnehage], today: date) -> None:
    dims = _plan_dimensions()
    existing = set(Maanedsplan.objects.filter(barnehage__in=barnehager)
                   .values_list("barnehage_id", "month"))
    plans = []
    for index, barnehage in enumerate(barnehager):
        for offset, month in enumerate(_months(today, 11, 2)):
            if (barnehage.pk, month) in existing:
                continue
            code = PLAN_DIMENSIONS[(index + offset) % len(PLAN_DIMENSIONS)]
            plans.append(Maanedsplan(barnehage=barnehage, month=month, dimensjon=dims[code]))
    Maanedsplan.objects.bulk_create(plans)


def _seed_stories(kommune: Kommune, barnehager: list[Barnehage], today: date) -> None:
    """Stories from staff of the kindergartens with people in the demo, on the month's
    dimension, for the last six months."""
    dims = _plan_dimensions()
    authors: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
            kommune=kommune, barnehage__in=barnehager,
            role__in=(Role.LEADER, Role.OBSERVER)).select_related("user").order_by("pk"):
        authors.setdefault(membership.barnehage_id, []).append(membership.user)
    plans = {(plan.barnehage_id, plan.month): plan.dimensjon.code
             for plan in Maanedsplan.objects.filter(barnehage__in=barnehager)
             .select_related("dimensjon")}
    existing = set(Praksisfortelling.objects.filter(barnehage__in=barnehager)
                   .values_list("barnehage_id", "month", "title"))
    rng = random.Random(f"{kommune.slug}-stories")
    stories = []
    for barnehage in barnehager:
        people = authors.get(barnehage.pk)
        if not people:
            continue
        avdelinger = list(barnehage.avdelinger.order_by("pk"))
        for month in _months(today, 5, 0):
            code = plans.get((barnehage.pk, month), "LM")
            title, text = STORIES[code]
            if (barnehage.pk, month, title) in existing:
                continue
            stories.append(Praksisfortelling(
                barnehage=barnehage, avdeling=rng.choice(avdelinger), dimensjon=dims[code],
                month=month, title=title, story=text, author=rng.choice(people)))
    Praksisfortelling.objects.bulk_create(stories)
