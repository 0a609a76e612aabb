"""Demo supervisions: Frederikshavn with each outcome and one published report, an old
report that is due again, a draft; in Moss one supervision as kindergarten authority and
one as owner. Every write is keyed on the kindergarten, so running the seed again changes
nothing.
"""

import random
from datetime import timedelta

from django.utils import timezone

from barnehager.demo import demo_email
from barnehager.models import Barnehage, User
from observasjoner.tilsyn import services
from observasjoner.tilsyn.models import Tilsyn, TilsynInstrument, TilsynVurdering, Utviklingspunkt

FINDINGS = {
    Tilsyn.Outcome.NO_CONCERN: (
        "Et varmt og roligt læringsmiljø, hvor personalet følger børnenes initiativer. "
        "Sprogmiljøet er rigt, og udelivet bruges hele året."),
    Tilsyn.Outcome.CONCERN: (
        "Relationerne er gode, men hverdagen er præget af mange skift og ventetid. "
        "Sproglige samtaler med flere udvekslinger ses sjældent i de store grupper."),
    Tilsyn.Outcome.SERIOUS: (
        "Læringsmiljøet lever ikke op til kravene: børn, der står uden for legen, får ikke "
        "hjælp ind i fællesskabet, og konflikter håndteres uden vejledning. En handleplan "
        "skal startes med det samme i dialog med lederen."),
}
POINTS = {
    Tilsyn.Outcome.NO_CONCERN: ["Fasthold arbejdet med sprog i rutinerne, også ved "
                                "måltiderne."],
    Tilsyn.Outcome.CONCERN: ["Færre skift og mindre ventetid i overgangene.",
                             "Flere samtaler med mange udvekslinger i små grupper."],
    Tilsyn.Outcome.SERIOUS: ["Alle børn skal hjælpes ind i et fællesskab hver dag.",
                             "Personalet vejleder børnene i at løse konflikter.",
                             "Ugentlig sparring mellem leder og konsulent om læringsmiljøet."],
}
NOTES = {"da": ["Set ved frokost på stuen.", "Drøftet med lederen efter besøget.",
                "Set på legepladsen om formiddagen."],
         "nb": ["Sett ved lunsj på avdelingen.", "Drøftet med styreren etter besøket.",
                "Sett på uteområdet om formiddagen."]}
# Levels (1-4) a supervision with this outcome draws its ratings from.
RATING_LEVELS = {Tilsyn.Outcome.NO_CONCERN: (3, 3, 4, 4), Tilsyn.Outcome.CONCERN: (2, 2, 3, 3),
                 Tilsyn.Outcome.SERIOUS: (1, 2, 2, 3)}


def seed(stdout) -> None:
    today = timezone.localdate()
    created = 0
    frederikshavn = _plan("frederikshavn", today, [
        # (kindergarten index, days ago, outcome, status, announced, role)
        (0, 160, Tilsyn.Outcome.NO_CONCERN, Tilsyn.Status.PUBLISHED, True, None),
        (1, 75, Tilsyn.Outcome.CONCERN, Tilsyn.Status.PUBLISHED, False, None),
        (2, 40, Tilsyn.Outcome.SERIOUS, Tilsyn.Status.COMPLETED, True, None),
        (3, 6, "", Tilsyn.Status.DRAFT, True, None),
        (4, 3 * 365 + 20, Tilsyn.Outcome.NO_CONCERN, Tilsyn.Status.PUBLISHED, True, None),
    ])
    moss = _plan("moss", today, [
        (5, 90, Tilsyn.Outcome.NO_CONCERN, Tilsyn.Status.COMPLETED, True,
         Tilsyn.Role.AUTHORITY),
        (0, 30, Tilsyn.Outcome.CONCERN, Tilsyn.Status.COMPLETED, True, Tilsyn.Role.OWNER),
    ])
    for spec in frederikshavn + moss:
        created += _seed_one(*spec, today=today)
    stdout.write(f"  {created} supervisions")


def _plan(slug: str, today, rows):
    barnehager = list(Barnehage.objects.filter(kommune__slug=slug).select_related("kommune")
                      .order_by("pk"))
    consultant = User.objects.get(email=demo_email("consultant", slug))
    return [(barnehager[index], consultant, today - timedelta(days=days_ago), outcome, status,
             announced, role) for index, days_ago, outcome, status, announced, role in rows]


def _seed_one(barnehage, consultant, day, outcome, status, announced, role, *, today) -> int:
    if Tilsyn.objects.filter(barnehage=barnehage).exists():
        return 0
    kommune = barnehage.kommune
    instrument = TilsynInstrument.objects.available_for(kommune).filter(
        kommune__isnull=True, language=kommune.language).first()
    tilsyn = Tilsyn.objects.create(
        barnehage=barnehage, consultant=consultant, instrument=instrument, date=day,
        announced=announced, role=role or Tilsyn.Role.AUTHORITY,
        outcome=outcome,
        follow_up_date=day + timedelta(days=120) if outcome in Tilsyn.INTENSIFIED else None,
        findings=_findings(outcome, kommune.language),
    )
    _rate(tilsyn, outcome, NOTES[kommune.language], random.Random(barnehage.name))
    for order, text in enumerate(_points(outcome, kommune.language), start=1):
        Utviklingspunkt.objects.create(tilsyn=tilsyn, text=text, order=order)
    if status != Tilsyn.Status.DRAFT:
        tilsyn.complete()
    if status == Tilsyn.Status.PUBLISHED:
        tilsyn.board_comment = ("Forældrebestyrelsen har drøftet tilsynet på sit møde og "
                                "bakker op om udviklingspunkterne.")
        tilsyn.board_comment_date = day + timedelta(days=21)
        tilsyn.save(update_fields=["board_comment", "board_comment_date"])
        services.publish(tilsyn, today=day + timedelta(days=30))
    return 1


def _rate(tilsyn: Tilsyn, outcome: str, notes: list[str], rng: random.Random) -> None:
    levels = {level.value: level for level in tilsyn.instrument.skala.levels.all()}
    vurderinger = []
    for tema in tilsyn.instrument.temaer.prefetch_related("kriterier"):
        for kriterium in tema.kriterier.all():
            value = rng.choice(RATING_LEVELS[outcome]) if outcome else None
            vurderinger.append(TilsynVurdering(
                tilsyn=tilsyn, kriterium=kriterium, niva=levels.get(value),
                note=rng.choice(notes) if outcome and rng.random() < 0.3 else "",
            ))
    TilsynVurdering.objects.bulk_create(vurderinger)


def _findings(outcome: str, language: str) -> str:
    if not outcome:
        return ""
    if language == "nb":
        return {
            Tilsyn.Outcome.NO_CONCERN: "Et trygt og varmt læringsmiljø med god språkbruk.",
            Tilsyn.Outcome.CONCERN: "Gode relasjoner, men mange overganger og mye venting.",
        }.get(outcome, "")
    return FINDINGS[outcome]


def _points(outcome: str, language: str) -> list[str]:
    if not outcome:
        return []
    if language == "nb":
        return ["Færre overganger og mindre venting i løpet av dagen."] if (
            outcome in Tilsyn.INTENSIFIED) else []
    return POINTS[outcome]
