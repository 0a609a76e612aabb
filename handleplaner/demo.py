"""Demo action plans in every state, in Frederikshavn (Danish), Moss and Bærum (Norwegian).

The two plans of Børnehuset Bangsbo retell seeds 003 (small groups so every child takes
part) and 004 (a common direction in the daily routines) in our own words. Dates are
relative to today, so queues, overdue marks and reminders look live. A plan is keyed on
its kindergarten and title: running the seed again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from barnehager.demo import ADMIN_GROUP, demo_email
from barnehager.models import Barnehage, User
from handleplaner.models import (
    Evaluering,
    Fase,
    Fremdrift,
    Handleplan,
    Kommentar,
    Mal,
    Origin,
    Overgang,
    Sporsmal,
    Status,
    Svar,
)
from kvalitet.models import Fokusomrade
from observasjoner.models import Dimensjon, Observasjon, Utviklingspunkt

# Each step's target; steps by a leader or by a consultant.
STEP_TARGETS = {"submit": Status.SUBMITTED, "approve": Status.APPROVED,
                "return_to_leader": Status.RETURNED, "start": Status.IN_PROGRESS,
                "evaluate": Status.EVALUATED, "close": Status.CLOSED}
CONSULTANT_STEPS = {"approve", "return_to_leader", "close"}


@dataclass(frozen=True)
class Phase:
    title: str
    description: str
    start: int  # days from today
    end: int
    completed: int | None = None
    progress: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    kommune: str
    barnehage: int  # index among the municipality's kindergartens, by id
    title: str
    status: str
    goal: str
    answers: tuple[tuple[str, ...], ...]  # per template section, per question
    period: tuple[int, int]
    deadline: int
    phases: tuple[Phase, ...]
    steps: tuple[tuple[str, int, str], ...] = ()  # (transition, days from today, comment)
    template: str = "smart"
    origin: str = Origin.OTHER
    origin_note: str = ""
    development_point: int | None = None  # order of a point of the latest supervision
    focus_area: bool = False
    dimensions: tuple[str, ...] = ()  # "instrument:CODE"
    responsibilities: tuple[str, str, str] = ("", "", "")
    evaluation_due: int | None = None
    next_supervision: int | None = None
    evaluation: tuple[int, str, str] | None = None  # (days from today, what we saw, reached)
    comments: tuple[tuple[int, str], ...] = ()  # consultant's (days from today, text)


PLANS = (
    # Seed 003, retold.
    PlanSpec(
        kommune="frederikshavn", barnehage=0, title="Små grupper, så alle børn er med",
        status=Status.IN_PROGRESS, origin=Origin.SUPERVISION,
        origin_note="Ved tilsynet fortalte personalet, at de savner systematisk kontakt med "
                    "alle børn – også dem, der klarer sig selv.",
        goal="Hvert barn er hver dag en del af en lille gruppe, der er sammensat efter "
             "børnenes behov, og personalet reflekterer fast over sin egen praksis.",
        dimensions=("toddler:TS", "toddler:FLD", "prek:TS", "prek:ILF"),
        answers=(
            ("Vi vil give alle børn bedre muligheder for at deltage ved at arbejde i små "
             "grupper, som vi sammensætter ud fra børnenes behov og forudsætninger – både i "
             "planlagte aktiviteter og i rutinerne. Samtidig vil vi styrke de faglige "
             "refleksioner i hverdagen om børnenes udvikling og om vores egen praksis.",
             "Personalet vil være i kontakt med alle børn hver dag, også dem der 'godt kan "
             "selv'. I små grupper er samspillet mellem voksen og barn mere direkte, og "
             "læringsmiljøet kan tage udgangspunkt i det enkelte barn."),
            ("De små grupper er et fast punkt på stuemøderne. Vi ser sammen på video, "
             "billeder og korte observationer og spørger: Har vi kontakt med alle børn? "
             "Passer læringsmiljøet til børnenes behov? Kan alle børn deltage?",
             "Når hvert barn er i en lille gruppe hver dag, når vi på stuemøderne kan pege på "
             "konkrete situationer med alle børn, og når samspillet vurderes højere ved "
             "næste tilsyn.",
             "I små grupper er der flere og længere samspil mellem barn og voksen, og det "
             "bliver lettere at tilrettelægge ud fra børnenes forudsætninger. Høj kvalitet "
             "ses, når alle børn har voksne, der guider og støtter dem, også i rutinerne."),
            ("Vi analyserer børnegrupperne, danner små grupper og øver os i at beskrive mål "
             "og tiltag for hver gruppe. Derefter kører stuerne forløb med et fælles fokus "
             "og evaluerer hver fjerde uge.",
             "Fremmer: et personale, der gerne vil, og faste stuemøder. Hæmmer: i "
             "vuggestuen mange jævnaldrende børn, der kræver praktisk hjælp, så de større "
             "børn overses; i børnehaven planer, der ofte laves om, fordi få børn fylder "
             "meget."),
            ("Mængden og kvaliteten af kontakt er afgørende for børnenes trivsel, læring og "
             "dannelse. Vores langsigtede mål er et hus med plads til alle, hvor alle "
             "deltager i fællesskabet.",
             "Den styrkede pædagogiske læreplan, kommunens kvalitetsstrategi og sparring med "
             "den pædagogiske konsulent."),
            (),
        ),
        responsibilities=(
            "Sætter de små grupper på dagsordenen til stuemøderne og sikrer tid til "
            "refleksion.",
            "Følger op på planen i dialog med lederen to gange om året.",
            "Orienteres om planen og følger den på bestyrelsesmøderne."),
        period=(-130, 240), deadline=240, evaluation_due=100, next_supervision=330,
        phases=(
            Phase("Analyse af børnegrupperne",
                  "Efter næste stuemøde er børnegrupperne analyseret, så de små grupper kan "
                  "dannes.", -130, -75, completed=-78,
                  progress=("Alle stuer har analyseret deres børnegruppe; grupperne er "
                            "dannet.",)),
            Phase("Øvebane: små grupper og tiltag",
                  "Vi øver os i at beskrive tiltag og aktiviteter, der støtter målet, så vi "
                  "kan evaluere og lære af praksis. Retningslinjer for grupperne aftales "
                  "på p-mødet.", -75, 5,
                  progress=("To stuer har beskrevet tiltag for deres grupper; resten følger "
                            "på næste p-møde.",)),
            Phase("Forløb i små grupper",
                  "Stuerne planlægger forløb med mål og tegn, dokumenterer og evaluerer "
                  "hver fjerde uge. Ønsker en stue et nyt fokus, går den tilbage til fase 2.",
                  5, 240),
        ),
        steps=(("submit", -140, ""),
               ("approve", -132, "Godkendt. Tag gerne video med på stuemøderne."),
               ("start", -130, "")),
        comments=((-120, "Fint, at I starter med analysen. Jeg deltager gerne i et "
                         "stuemøde i fase 2."),),
    ),
    # Seed 004, retold.
    PlanSpec(
        kommune="frederikshavn", barnehage=0, title="Fælles retning i rutinesituationerne",
        status=Status.SUBMITTED, origin=Origin.SUPERVISION,
        origin_note="Tilsynet pegede på fælles retning på tværs af stuerne, en tydelig "
                    "struktur, drøftelser af fælles pædagogisk ståsted og mere videndeling.",
        goal="Alle stuer arbejder ud fra en fælles beskrevet struktur for "
             "rutinesituationerne, og personalet analyserer sin praksis på video.",
        dimensions=("prek:PC", "prek:TS", "prek:ILF", "toddler:RCP"),
        answers=(
            ("Gennem en analyse af rutinesituationerne vil vi skabe et læringsmiljø af høj "
             "kvalitet med en fælles retning for hele huset. Fokus er personalets "
             "tilknytning til børnene og rammer for gode samspil og trygge relationer til "
             "hvert barn.",
             "Børnene skal have samme pædagogiske kvalitet uanset stue. Tilsynet efterspurgte "
             "fælles retning, en tydelig struktur, drøftelser af vores pejlemærker og mere "
             "sparring mellem personale og ledelse."),
            ("Når strukturen for rutinerne er beskrevet og i brug, filmer vi praksis og "
             "analyserer videoerne på personalemøderne med tilsynets kriterier i hånden. Vi "
             "ser på hinandens praksis og bruger det konstruktivt i vores evalueringskultur.",
             "Når video er et naturligt redskab – også i svære situationer – og når vi kan "
             "se virkningen i forældretilfredsheden og i kriterierne ved næste tilsyn.",
             "En systematisk tilgang til rutinerne giver flere gode samspil mellem børn og "
             "voksne og mellem børnene. Tilsynets kriterier for samspil og relationer er "
             "vores målestok for høj kvalitet."),
            ("Lederen faciliterer processer og sparring og sikrer tryghed blandt "
             "medarbejderne. En ny mødestruktur fra det nye skoleår giver rum til faglig "
             "sparring. Se ansvarsfordelingen nedenfor.",
             "Fremmer: forløbet om relationskompetence, som alle er i gang med, og den nye "
             "mødestruktur. Hæmmer: at stuerne skal sammensættes på ny, og at det kræver "
             "tryghed at blive filmet."),
            ("Vi bruger allerede ressourcer på målet, og den nye normperiode giver flere. "
             "Planen passer til vores mål om et fælles pædagogisk udgangspunkt i hele "
             "landsbyordningen, også i overgangen til skole.",
             "Forløbet om relationskompetence, bogen 'Hjernesmarte børn', den styrkede "
             "pædagogiske læreplan og Dansk Center for Undervisningsmiljø."),
            (),
        ),
        responsibilities=(
            "Facilitere processer og sparring, sikre kvalitet og fremdrift i arbejdet med "
            "rutinerne og sikre de rette kompetencer, herunder faglige fyrtårne.",
            "Sparre med lederen om den pædagogiske og personalemæssige udvikling og sikre en "
            "rød tråd fra 0 til 18 år i hele huset.",
            "Være orienteret om tilsyn og handleplan, følge med i, at planen følges, og se "
            "på, hvordan husets øvrige principper spiller ind."),
        period=(10, 400), deadline=400, evaluation_due=200, next_supervision=420,
        phases=(
            Phase("Struktur for rutinerne",
                  "Planen præsenteres for personalet og bestyrelsen; stuerne sammensættes, "
                  "og strukturen for rutinesituationerne beskrives.", 10, 90),
            Phase("Video og analyse",
                  "Rutinesituationer filmes og analyseres på personalemøderne med tilsynets "
                  "kriterier. En måling af forældretrivslen sættes i gang.", 90, 300),
            Phase("Evaluering",
                  "Vi evaluerer i forbindelse med det uanmeldte tilsyn og beskriver næste års "
                  "udviklingsforløb.", 300, 400),
        ),
        steps=(("submit", -2, ""),),
    ),
    PlanSpec(
        kommune="frederikshavn", barnehage=2, title="Alle børn med i fællesskabet hver dag",
        status=Status.APPROVED, origin=Origin.SUPERVISION, development_point=1,
        goal="Hvert barn hjælpes ind i et fællesskab hver dag, og personalet vejleder "
             "børnene, når de løser konflikter.",
        dimensions=("prek:RSP", "prek:BM"),
        answers=(
            ("Ingen børn står uden for legen, og konflikter bliver til læring.",
             "Tilsynet fandt alvorlig bekymring: børn uden for legen fik ikke hjælp."),
            ("Ugentlige korte observationer af legen; drøftes på stuemødet.",
             "Når observationerne viser, at alle børn har været med i en leg hver dag.",
             "Børn lærer i fællesskaber; voksne, der guider, er kendetegnet for høj "
             "kvalitet."),
            ("Faste voksne i legen, legegrupper og vejledning i konflikter.",
             "Fremmer: konsulentens sparring. Hæmmer: vikarer og fravær."),
            ("Tilsynet kræver, at arbejdet starter med det samme.", ""),
            (),
        ),
        responsibilities=("Ugentlig sparring med konsulenten.",
                          "Følger op ved det skærpede tilsyn.",
                          "Orienteres og kan kommentere planen."),
        period=(-10, 180), deadline=180, evaluation_due=150, next_supervision=200,
        phases=(
            Phase("Kortlægning af fællesskaberne", "Hvem leger med hvem, og hvem står "
                  "udenfor?", -10, 30),
            Phase("Vejledning i konflikter", "Personalet øver vejledning i legen.", 30, 120),
            Phase("Opfølgning", "Evaluering med konsulenten.", 120, 180),
        ),
        steps=(("submit", -20, ""),
               ("return_to_leader", -18, "Beskriv, hvordan I vil se, at alle børn er med. "
                                         "Tilføj tegn, I kan observere."),
               ("submit", -14, ""), ("approve", -12, "")),
    ),
    PlanSpec(
        kommune="frederikshavn", barnehage=3, title="Sprog i garderoben",
        status=Status.CLOSED, template="smtte",
        goal="Overgangene i garderoben bliver til sproglige samtaler i stedet for ventetid.",
        dimensions=("prek:LM", "prek:CD"),
        answers=(
            ("Garderoben var præget af ventetid og korte beskeder.",),
            ("Flere samtaler med mange udvekslinger mellem barn og voksen.",),
            ("Små hold i garderoben; en voksen har samtalen som opgave.",),
            ("Børnene fortæller, spørger og venter mindre.",),
            ("Video før og efter; evaluering på personalemødet.",),
        ),
        period=(-420, -60), deadline=-60, evaluation_due=-70,
        phases=(Phase("Små hold", "Garderoben deles i to hold.", -420, -300, completed=-300),
                Phase("Samtaler", "De voksne øver lange samtaler.", -300, -60,
                      completed=-62)),
        steps=(("submit", -430, ""), ("approve", -425, ""), ("start", -420, ""),
               ("evaluate", -65, ""), ("close", -50, "Flot arbejde. Planen lukkes.")),
        evaluation=(-65, "Personalet taler med børnene i garderoben, og ventetiden er "
                         "kortere. Enkelte børn trækker sig stadig.", "partly"),
    ),
    PlanSpec(
        kommune="moss", barnehage=0, title="Språkmodellering ved måltidet",
        status=Status.DRAFT, origin=Origin.OBSERVATION,
        origin_note="Tilbakemeldingen etter observasjonen: samtalene ved bordet er korte.",
        goal="Måltidene blir samtaler der de voksne utvider det barna sier.",
        dimensions=("toddler:LM",),
        answers=(("Lengre samtaler ved bordet, der voksne bygger videre på barnas ord.", ""),
                 ("", "", ""), ("", ""), ("", ""), ()),
        period=(20, 200), deadline=200,
        phases=(Phase("Observere måltidet", "", 20, 60),),
    ),
    PlanSpec(
        kommune="moss", barnehage=0, title="Færre overganger og mindre venting",
        status=Status.RETURNED, origin=Origin.SUPERVISION, development_point=1,
        goal="Dagen har færre overganger, og barna venter mindre.",
        dimensions=("prek:PD", "prek:BM", "toddler:BG"),
        answers=(
            ("Vi vil organisere dagen med færre skift mellom aktiviteter.",
             "Tilsynet så mye venting i overgangene, og barna ble urolige."),
            ("Vi teller overganger og ventetid to dager i måneden.",
             "Når barna ikke venter.",
             "Forskning på prosesskvalitet viser at tid brukt på venting går fra læring."),
            ("Ny dagsrytme og faste roller for de voksne i overgangene.",
             "Fremmer: engasjert personale. Hemmer: mange deltidsstillinger."),
            ("Overgangene er der barna har det vanskeligst i dag.", "Kollegaveiledning."),
            (),
        ),
        responsibilities=("Lager ny dagsrytme sammen med pedagogisk leder.",
                          "Følger opp i lederavtalen.", "Får planen til orientering."),
        period=(1, 210), deadline=210, evaluation_due=180,
        phases=(Phase("Ny dagsrytme", "Dagsrytmen skrives om.", 1, 60),
                Phase("Roller i overgangene", "Faste roller prøves ut.", 60, 210)),
        steps=(("submit", -6, ""),
               ("return_to_leader", -4, "Målet er tydelig, men skriv hvordan dere vil vite at "
                                        "det er nådd: hvilke tegn ser dere etter? Legg også "
                                        "inn neste tilsyn.")),
    ),
    PlanSpec(
        kommune="moss", barnehage=1, title="Voksne som deltar i uteleken",
        status=Status.APPROVED, origin=Origin.FOCUS_AREA, focus_area=True,
        goal="De voksne er med i leken ute, ikke bare til stede.",
        dimensions=("prek:TS", "prek:ILF"),
        answers=(
            ("Voksne som leker med og støtter barnas lek ute.", "Kvalitetsplanens fokus."),
            ("Observasjon av uteleken hver måned.", "Når alle voksne er i lek hver dag.",
             "Rammeplanen om lek og voksnes deltakelse."),
            ("Soner ute med ansvarlig voksen.", "Fremmer: godt uteområde. Hemmer: kulde."),
            ("Barna er ute mange timer hver dag.", "Nettverksmøter."),
            (),
        ),
        period=(-20, 200), deadline=200, evaluation_due=190,
        phases=(Phase("Soner ute", "Uteområdet deles i soner.", -20, 3),
                Phase("Lek med voksne", "Voksne deltar i leken.", 3, 200)),
        steps=(("submit", -30, ""), ("approve", -25, "")),
    ),
    PlanSpec(
        kommune="moss", barnehage=2, title="Rom for lek på småbarnsavdelingen",
        status=Status.EVALUATED, template="smtte",
        goal="Rommet inviterer til lek i små grupper.",
        dimensions=("toddler:FLD", "toddler:RCP"),
        answers=(("Rommet var åpent og fylt med lekene samlet på ett sted.",),
                 ("Små lekekroker der barna kan leke uforstyrret.",),
                 ("Vi bygger lekekroker og bytter leker hver måned.",),
                 ("Barna leker lenger og blir mindre avbrutt.",),
                 ("Observasjon før og etter; evaluering på planleggingsdagen.",)),
        period=(-300, -5), deadline=-5, evaluation_due=-10,
        phases=(Phase("Lekekroker", "Rommet deles inn.", -300, -150, completed=-150),
                Phase("Bytte leker", "Lekene byttes hver måned.", -150, -5, completed=-6)),
        steps=(("submit", -310, ""), ("approve", -305, ""), ("start", -300, ""),
               ("evaluate", -10, "")),
        evaluation=(-10, "Barna leker lenger i lekekrokene, og det er færre konflikter.",
                    "yes"),
    ),
    PlanSpec(
        kommune="baerum", barnehage=0, title="Tilbakemeldinger som løfter læring",
        status=Status.IN_PROGRESS, origin=Origin.OBSERVATION,
        goal="De voksne gir tilbakemeldinger som får barna til å tenke videre.",
        dimensions=("prek:QF", "prek:CD"),
        answers=(
            ("Flere tilbakemeldinger som stiller spørsmål og utvider.",
             "CLASS-observasjonen viste lave skårer på tilbakemeldinger."),
            ("Vi filmer samlingsstunden hver tredje uke.", "Når filmene viser lengre samtaler.",
             "TETT PÅ bygger på forskning om voksnes samspill med barna."),
            ("Veiledning i nettverket og øving i samlingsstunden.",
             "Fremmer: mentor. Hemmer: travle morgener."),
            ("Tilbakemeldinger er der vi har mest å hente.", "Nettverket og mentoren."),
            (),
        ),
        period=(-190, 120), deadline=120, evaluation_due=-5,
        phases=(Phase("Øving", "Øve på spørsmål som utvider.", -190, -60, completed=-60,
                      progress=("Alle avdelinger har øvd i samlingsstunden.",)),
                Phase("Filme og veilede", "Film og veiledning.", -60, 120)),
        steps=(("submit", -200, ""), ("approve", -195, ""), ("start", -190, "")),
    ),
    PlanSpec(
        kommune="baerum", barnehage=0, title="Samlingsstund der alle barn deltar",
        status=Status.APPROVED, template="smtte",
        goal="Alle barn deltar aktivt i samlingsstunden.",
        dimensions=("prek:ILF", "prek:RSP"),
        answers=(("Samlingsstunden er lang, og noen barn faller ut.",),
                 ("Alle barn deltar, og samlingen følger barnas initiativ.",),
                 ("Kortere samlinger i mindre grupper.",),
                 ("Barna tar ordet og blir sittende.",),
                 ("Observasjon etter fire uker; evaluering på personalmøtet.",)),
        period=(-5, 90), deadline=90, evaluation_due=6,
        phases=(Phase("Mindre grupper", "Samlingen deles i to grupper.", -5, 4),
                Phase("Barnas initiativ", "Samlingen bygger på barnas innspill.", 4, 90)),
        steps=(("submit", -12, ""), ("approve", -8, "")),
    ),
    PlanSpec(
        kommune="baerum", barnehage=1, title="Trygg start for de yngste",
        status=Status.CLOSED, template="smtte",
        goal="De yngste barna får en trygg start med fast primærkontakt.",
        dimensions=("toddler:PC", "toddler:TS"),
        answers=(("Mange nye barn starter i august.",),
                 ("Hvert barn har en trygg voksen de første ukene.",),
                 ("Primærkontakt og foreldresamtaler.",),
                 ("Barna søker trøst hos sin voksne og leker.",),
                 ("Samtaler med foreldrene etter seks uker.",)),
        period=(-400, -100), deadline=-100, evaluation_due=-110,
        phases=(Phase("Tilvenning", "Primærkontakt i tilvenningen.", -400, -300,
                      completed=-300),
                Phase("Oppfølging", "Samtaler med foreldre.", -300, -110, completed=-112)),
        steps=(("submit", -410, ""), ("approve", -405, ""), ("start", -400, ""),
               ("evaluate", -108, ""), ("close", -100, "")),
        evaluation=(-108, "Alle barna hadde en fast voksen; foreldrene var trygge.", "yes"),
    ),
)


def seed(stdout) -> None:
    _admins_edit_templates()
    today = timezone.localdate()
    created = 0
    for spec in PLANS:
        barnehage = Barnehage.objects.filter(kommune__slug=spec.kommune).order_by("pk")[
            spec.barnehage]
        if Handleplan.objects.filter(barnehage=barnehage, title=spec.title).exists():
            continue
        _seed_plan(spec, barnehage, today)
        created += 1
    stdout.write(f"  {created} action plans")


def _admins_edit_templates() -> None:
    """Municipal admins add their municipality's own templates in the admin."""
    group = Group.objects.filter(name=ADMIN_GROUP).first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(
            content_type__app_label="handleplaner",
            content_type__model__in=("mal", "seksjon", "sporsmal")))


def _user(role: str, barnehage: Barnehage) -> User | None:
    """The demo user of this role, if she works here (a leader leads one kindergarten)."""
    return User.objects.filter(email=demo_email(role, barnehage.kommune.slug),
                               memberships__role=role).filter(
        memberships__barnehage=barnehage if role == "leader" else None).first()


def _day(today: date, offset: int) -> date:
    return today + timedelta(days=offset)


def _moment(today: date, offset: int) -> datetime:
    return timezone.make_aware(datetime.combine(_day(today, offset), time(10, 0)))


def _seed_plan(spec: PlanSpec, barnehage: Barnehage, today: date) -> Handleplan:
    leader = _user("leader", barnehage)
    consultant = User.objects.filter(email=demo_email("consultant", spec.kommune)).first()
    plan = Handleplan(
        barnehage=barnehage, mal=Mal.objects.get(kommune=None, code=spec.template),
        title=spec.title, goal=spec.goal, status=spec.status, origin=spec.origin,
        origin_note=spec.origin_note,
        utviklingspunkt=_development_point(barnehage, spec.development_point),
        observasjon=Observasjon.objects.filter(
            avdeling__barnehage=barnehage,
            status__in=(Observasjon.Status.SUBMITTED, Observasjon.Status.LOCKED),
        ).first() if spec.origin == Origin.OBSERVATION else None,
        fokusomrade=Fokusomrade.objects.filter(plan__kommune=barnehage.kommune).first()
        if spec.focus_area else None,
        period_start=_day(today, spec.period[0]), period_end=_day(today, spec.period[1]),
        deadline=_day(today, spec.deadline),
        evaluation_due=_day(today, spec.evaluation_due)
        if spec.evaluation_due is not None else None,
        next_supervision=_day(today, spec.next_supervision)
        if spec.next_supervision is not None else None,
        responsibility_leader=spec.responsibilities[0],
        responsibility_owner=spec.responsibilities[1],
        responsibility_board=spec.responsibilities[2],
        created_by=leader,
    )
    plan._history_user = leader or consultant
    steps = _walk(plan, spec, leader, consultant, today)
    plan.save()
    for step in steps:
        step.handleplan = plan
    Overgang.objects.bulk_create(steps)
    plan.dimensjoner.set(_dimensions(spec.dimensions))
    _answers(plan, spec)
    for order, phase in enumerate(spec.phases):
        fase = Fase(
            handleplan=plan, order=order, title=phase.title, description=phase.description,
            start=_day(today, phase.start), end=_day(today, phase.end),
            completed_on=_day(today, phase.completed) if phase.completed is not None
            else None)
        fase._history_user = plan._history_user
        fase.save()
        # A progress note written a few days before the phase ended, or recently.
        written = _moment(today, min(phase.end, 0) - 3)
        for text in phase.progress:
            note = Fremdrift.objects.create(fase=fase, text=text, written_by=leader)
            Fremdrift.objects.filter(pk=note.pk).update(created_at=written)
    for offset, text in spec.comments:
        comment = Kommentar.objects.create(handleplan=plan, author=consultant, text=text)
        Kommentar.objects.filter(pk=comment.pk).update(created_at=_moment(today, offset))
    if spec.evaluation:
        offset, observed, reached = spec.evaluation
        Evaluering.objects.create(handleplan=plan, held_on=_day(today, offset),
                                  observed=observed, goal_reached=reached, written_by=leader,
                                  final=plan.status in (Status.EVALUATED, Status.CLOSED))
    return plan


def _walk(plan: Handleplan, spec: PlanSpec, leader, consultant, today: date) -> list[Overgang]:
    """The plan's past steps through the workflow, dated; they must end in its status.
    Sets the dates the steps leave on the plan and returns the unsaved steps."""
    status = Status.DRAFT
    steps = []
    for name, offset, comment in spec.steps:
        by = consultant if name in CONSULTANT_STEPS else leader
        steps.append(Overgang(name=name, source=status, target=STEP_TARGETS[name], by=by,
                              at=_moment(today, offset), comment=comment))
        status = STEP_TARGETS[name]
        if name == "submit":
            plan.submitted_at = _moment(today, offset)
        elif name == "approve":
            plan.approved_by, plan.approved_at = by, _moment(today, offset)
        elif name == "close":
            plan.closed_at = _moment(today, offset)
    if status != spec.status:
        raise ValueError(f"demo plan {spec.title!r}: steps end in {status}, not {spec.status}")
    plan.version = len(steps) + 1
    return steps


def _development_point(barnehage: Barnehage, order: int | None) -> Utviklingspunkt | None:
    if order is None:
        return None
    return (Utviklingspunkt.objects.filter(tilsyn__barnehage=barnehage, order=order)
            .select_related("tilsyn").order_by("-tilsyn__date").first())


def _dimensions(codes: tuple[str, ...]) -> list[Dimensjon]:
    wanted = [code.split(":") for code in codes]
    return [dimensjon for dimensjon in Dimensjon.objects.select_related("domene__instrument")
            if [dimensjon.domene.instrument.code, dimensjon.code] in wanted]


def _answers(plan: Handleplan, spec: PlanSpec) -> None:
    questions = list(Sporsmal.objects.filter(seksjon__mal=plan.mal)
                     .order_by("seksjon__order", "order"))
    texts = [text for section in spec.answers for text in section]
    Svar.objects.bulk_create([Svar(handleplan=plan, sporsmal=question, text=text)
                              for question, text in zip(questions, texts, strict=True)
                              if text])
