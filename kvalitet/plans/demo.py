"""Demo quality framework: Moss' quality plan (seed 000), Frederikshavn's strategy (seed 002)
and Bærum's TETT PÅ programme (seed 001).

Names, titles, dates and the structure come from the seeds; every longer text here is our
own short wording, not the documents'. Every write is keyed on a natural key, so running the
seed again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from barnehager.demo import ADMIN_GROUP
from barnehager.models import Barnehage, Kommune
from kvalitet.models import (
    BarnehageFokus,
    FokusKind,
    Fokusomrade,
    Kvalitetsplan,
    Kvalitetsprinsipp,
    PlanKind,
    QualityKind,
    RoleLevel,
    Tegn,
    Tiltak,
    TiltakStatus,
)

DONE, UNDER_WAY, NOT_STARTED = TiltakStatus.DONE, TiltakStatus.UNDER_WAY, TiltakStatus.NOT_STARTED


@dataclass(frozen=True)
class Area:
    title: str
    kind: str
    goal: str
    challenge: str = ""
    quality_kind: str = ""
    measures: tuple[tuple[str, str], ...] = ()
    signs: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanSpec:
    kommune_slug: str
    kind: str
    title: str
    start_year: int
    end_year: int | None
    vision: str
    main_goal: str
    foundation: str = ""
    adopted_by: str = ""
    adopted_on: date | None = None
    evaluation_due: date | None = None
    principles: tuple[tuple[str, str], ...] = ()
    areas: tuple[Area, ...] = ()


MOSS = PlanSpec(
    kommune_slug="moss", kind=PlanKind.QUALITY_PLAN,
    title="Små føtter skaper fremtidens spor", start_year=2020, end_year=2024,
    vision="#mangfoldige Moss – skapende, varmere og grønnere",
    main_goal="Hvert barn i de kommunale barnehagene i Moss møter et trygt og inkluderende "
              "miljø der helse, trivsel og utvikling får gode vilkår.",
    foundation="Relasjonene er grunnmuren: trygge, varme bånd mellom barn og voksne, og "
               "mellom barna, bærer alle de seks prinsippene i hverdagen.",
    adopted_by="Hovedutvalget Oppvekst og utdanning", adopted_on=date(2020, 5, 25),
    evaluation_due=date(2021, 6, 30),
    principles=(
        ("#for barnets beste",
         "Vi lærer hele tiden og spør alltid hva som tjener barnet. Hvert barn blir sett, "
         "hørt og får være med på å forme hverdagen."),
        ("#fellesskap",
         "Alle barn hører til og betyr noe for gruppen. Vi hjelper barna å løse konflikter "
         "sammen og godtar ingen mobbing."),
        ("#gode naturopplevelser",
         "Skog og strand er nær, og vi bruker dem hver uke. Barna får kjenne, klatre og undre "
         "seg ute, og lærer å ta vare på naturen."),
        ("#utforskende",
         "Vi har tydelige mål, men følger barnas spor underveis. Nysgjerrighet og alle sanser "
         "får plass, med passe store utfordringer."),
        ("#profesjonell kjærlighet",
         "Varme og faglig skjønn går hånd i hånd. De voksne reflekterer over egne relasjoner "
         "og tilpasser seg det enkelte barnet."),
        ("#lekende",
         "Leken har verdi i seg selv. Voksne er til stede, leker med og vet når de skal støtte "
         "leken og når de skal la barna styre."),
    ),
    areas=(
        Area("Livsmestring", FokusKind.FOCUS_AREA, quality_kind=QualityKind.PROCESS,
             challenge="Psykisk helse er en stor folkehelseutfordring i Moss, og grunnlaget "
                       "for å mestre livet legges tidlig.",
             goal="Barna kjenner at de mestrer og er verdifulle, og de lærer å takle både "
                  "medgang og motgang.",
             measures=(("Trygg tilknytning ved oppstart og gode rutiner for overganger.", DONE),
                       ("Barna støttes i å bygge et godt selvbilde og håndtere motgang.",
                        UNDER_WAY),
                       ("Daglig fysisk aktivitet som gir alle barn gode opplevelser.",
                        UNDER_WAY))),
        Area("Inkluderende barnehagemiljø", FokusKind.FOCUS_AREA,
             quality_kind=QualityKind.PROCESS,
             challenge="SIMM-kartleggingen viste at mange barn trives, men at en del opplever "
                       "erting, og at gutter og jenter får ulikt utbytte.",
             goal="Barna føler at de hører til og er en del av fellesskapet i barnehagen.",
             measures=(("Barna deles i smågrupper hver dag.", DONE),
                       ("Alle barn får like muligheter til å bli sett, hørt og delta.",
                        UNDER_WAY),
                       ("Gutter og jenter sikres like muligheter til pedagogisk utbytte.",
                        UNDER_WAY),
                       ("Mangfold verdsettes, og fellesskapet har rom for ulikhet.",
                        NOT_STARTED))),
        Area("Utvikling", FokusKind.FOCUS_AREA, quality_kind=QualityKind.CONTENT,
             challenge="Lek og læring må knyttes tettere til rammeplanens fagområder for at "
                       "tilbudet skal bli likeverdig.",
             goal="Barna får tro på at de kan lære, både på egen hånd og sammen med andre i "
                  "leken.",
             measures=(("Læringsmiljøer og aktiviteter som gir lyst til å utforske og leke.",
                        DONE),
                       ("Felles opplevelser som gir grunnlag for vennskap og språklig "
                        "samspill.", UNDER_WAY),
                       ("Planene viser hvordan barnehagen arbeider med språkmiljø og "
                        "progresjon.", NOT_STARTED))),
        Area("Tidlig innsats og tverrfaglig samarbeid", FokusKind.EARLY_INTERVENTION,
             challenge="Hjelp må komme tidlig, både i det ordinære tilbudet og gjennom "
                       "særskilte tiltak når noe oppdages.",
             goal="Barna utvikler ferdighetene sine og får brukt hele sitt potensial.",
             measures=(("Et allmennpedagogisk tilbud av god kvalitet som forebygger vansker.",
                        UNDER_WAY),
                       ("Kompetanseutvikling slik at riktige tiltak settes inn i tide.",
                        UNDER_WAY),
                       ("Tilrettelegging for enkeltbarn innenfor det ordinære tilbudet.", DONE),
                       ("Fast samarbeid med PVK og PPT om kompetanse og tiltak.", DONE),
                       ("Fast samarbeid med barneverntjenesten om kompetanseheving.",
                        UNDER_WAY),
                       ("Tettere samarbeid mellom helsestasjon og barnehage.", NOT_STARTED),
                       ("Deltakelse i Kompetanseløftet for spesialpedagogikk og inkluderende "
                        "praksis.", UNDER_WAY),
                       ("Samarbeid med Statped, habiliteringstjenesten og andre eksterne "
                        "støttetjenester.", NOT_STARTED))),
    ),
)

S, P, A, K, C = (RoleLevel.STAFF, RoleLevel.PEDAGOGICAL_LEADERS, RoleLevel.AREA_LEADERS,
                 RoleLevel.CONSULTANTS, RoleLevel.CENTRE_MANAGER)

FREDERIKSHAVN = PlanSpec(
    kommune_slug="frederikshavn", kind=PlanKind.STRATEGY,
    title="Kvalitet i dagtilbud", start_year=2022, end_year=None,
    vision="Barndom har værdi i sig selv.",
    main_goal="Børnene i kommunens dagtilbud trives, lærer og udvikler sig mere nu – og står "
              "rustet til et godt voksenliv.",
    adopted_by="Center for Dagtilbud",
    areas=(
        Area("Kvalitet", FokusKind.AREA_OF_EFFORT, quality_kind=QualityKind.PROCESS,
             challenge="Dagtilbuddene ligger målt med KVALid lige under god kvalitet; alle skal "
                       "løftes, så hvert barn møder et godt eller højt læringsmiljø.",
             goal="Vi hæver kvaliteten i dagtilbuddene med KVALids kvalitetskriterier som "
                  "fælles sprog.",
             signs={S: ("Bruger kvalitetskriterierne, når de drøfter og planlægger praksis.",
                        "Giver hinanden feedback og bruger den i hverdagen."),
                    P: ("Skaber faste rum for refleksion over kriterierne på møderne.",
                        "Iagttager praksis og fremhæver det, der lykkes."),
                    A: ("Giver lederne rammer og tid til arbejdet med kriterierne.",
                        "Organiserer videndeling mellem lederne i området."),
                    K: ("Vurderer kvaliteten ved tilsyn og giver konkret tilbagemelding.",
                        "Samler et billede på tværs af dagtilbuddene med en handleplan."),
                    C: ("Fremlægger kvaliteten for Børne- og Ungdomsudvalget hvert andet år.",
                        "Oversætter kvalitetsbehov til den politiske organisation.")}),
        Area("Børnesyn", FokusKind.AREA_OF_EFFORT, quality_kind=QualityKind.CONTENT,
             challenge="Flere børn henvises til særlige tilbud; børnesynet skal i højere grad "
                       "præge læringsmiljøer, der rummer hele børnegruppen.",
             goal="Børnesynet fra det pædagogiske grundlag bliver til god praksis hver dag.",
             signs={S: ("Tager børnenes perspektiv og justerer læringsmiljøet efter dem.",
                        "Tager udgangspunkt i barnets styrker, når det er i vanskeligheder."),
                    P: ("Går foran og undersøger selv praksis sammen med medarbejderne.",
                        "Sætter svære spørgsmål på dagsordenen med det gode eksempel."),
                    A: ("Holder status- og læringssamtaler med hver leder om børnesynet.",
                        "Skaber rum, hvor lederne sparrer om praksis og data."),
                    K: ("Vurderer arbejdet med børnesynet ved tilsyn.",
                        "Giver sparring efter lokale behov."),
                    C: ("Står på mål for børnesynet over for udvalget.",
                        "Giver områdelederne rum til at drøfte og udvikle børnesynet.")}),
        Area("Systematik", FokusKind.AREA_OF_EFFORT, quality_kind=QualityKind.PROCESS,
             challenge="Dagtilbuddene arbejder meget forskelligt med systematisk "
                       "kvalitetsudvikling: data, handleplaner og evaluering.",
             goal="Vi bruger data, skriver handleplaner og udvikler en fælles "
                  "evalueringskultur.",
             signs={S: ("Sætter læringsmål og dokumenterer praksis ud fra dem.",
                        "Justerer læringsmiljøet gennem handleplaner."),
                    P: ("Laver et årshjul for det systematiske udviklingsarbejde.",
                        "Sikrer, at alle kan bruge de valgte værktøjer."),
                    A: ("Følger årshjulene og sammenligner processer på tværs af distriktet.",
                        "Vælger de værktøjer, der passer til praksis."),
                    K: ("Vurderer systematikken ved tilsyn og hjælper ledelsen videre.",
                        "Støtter arbejdet med data og handleplaner."),
                    C: ("Bringer resultaterne systematisk ind i de politiske drøftelser.",
                        "Ser på sammenhængen med resten af børne- og ungeområdet.")}),
        Area("En professionel organisation", FokusKind.AREA_OF_EFFORT,
             challenge="Viden deles og fastholdes ikke altid, hverken over for nye "
                       "medarbejdere eller på tværs af dagtilbud.",
             goal="Vi er en lærende organisation med psykologisk tryghed, åbenhed og "
                  "samarbejde.",
             signs={S: ("Ser børnene som alles børn og tager medansvar for fællesskabet.",
                        "Tør prøve nyt og beder om hjælp, når det trænger."),
                    P: ("Beder selv om feedback og deler læring med kolleger.",
                        "Giver medarbejderne tid til at forberede den fælles opgave."),
                    A: ("Giver lederne sparring enkeltvis og som team.",
                        "Bygger et lederteam, hvor ingen står alene."),
                    K: ("Hjælper med at formulere handleplaner for udviklingspunkter.",
                        "Bruger tilsynet til løbende udvikling på tværs."),
                    C: ("Arbejder strategisk med kompetenceudvikling i hele området.",
                        "Sikrer sammenhæng mellem indsatserne på dagtilbudsområdet.")}),
    ),
)

BAERUM = PlanSpec(
    kommune_slug="baerum", kind=PlanKind.PROGRAMME,
    title="TETT PÅ – Kvalitet i bærumsbarnehagen", start_year=2020, end_year=2024,
    vision="Varme og stimulerende voksne i samspill med hvert barn, hver dag.",
    main_goal="Alle ansatte blir enda bedre til å fremme barnas trygghet, trivsel, læring og "
              "språk i hverdagen, gjennom observasjon, veiledning og refleksjon over egen "
              "praksis.",
    areas=(
        Area("Observasjon og tilbakemelding", FokusKind.AREA_OF_EFFORT,
             quality_kind=QualityKind.PROCESS,
             goal="Hver avdeling får et tydelig bilde av samspillet sitt to ganger i året.",
             measures=(("Sertifiserte observatører fra hver barnehage, i snitt tre.", DONE),
                       ("Hver avdeling observeres hvert semester av en observatør fra en annen "
                        "barnehage.", UNDER_WAY),
                       ("Muntlig og skriftlig tilbakemelding til hele avdelingen etter "
                        "observasjonen.", UNDER_WAY))),
        Area("Veiledning og praksisfortellinger", FokusKind.AREA_OF_EFFORT,
             quality_kind=QualityKind.PROCESS,
             goal="Refleksjon over egen praksis blir en fast del av hver måned.",
             measures=(("Månedsplan for hvilken dimensjon barnehagen arbeider med.", DONE),
                       ("Mentor veileder på pedagogisk ledermøte hver måned det første året.",
                        DONE),
                       ("Alle leverer en kort praksisfortelling før veiledningen.", UNDER_WAY))),
        Area("Felles kompetanse og nettverk", FokusKind.AREA_OF_EFFORT,
             quality_kind=QualityKind.STRUCTURE,
             goal="Alle ansatte deler et felles kunnskapsgrunnlag, og barnehagene lærer av "
                  "hverandre.",
             measures=(("Fire felles fagdager for alle ansatte over to år.", DONE),
                       ("Barnehager i nettverk med felles mentor.", DONE),
                       ("Ekstra oppfølging av sårbare barn i år to.", UNDER_WAY))),
    ),
)

PLANS = (MOSS, FREDERIKSHAVN, BAERUM)

# (municipality, year or None for the current year, kindergarten index, focus title, sub-goal,
# chosen from, anchored in). Index 0 is the demo leader's kindergarten.
CHOICES = (
    ("moss", 2024, 0, "Inkluderende barnehagemiljø",
     "Hvert barn har minst én venn å leke med, og de voksne griper inn ved erting.",
     "SIMM-analysen høsten 2023", "Årsplan 2024"),
    ("moss", 2024, 1, "Livsmestring",
     "Barna får øve på å sette ord på følelser i samlingsstund og lek.",
     "SIMM-analysen høsten 2023", "Årsplan 2024"),
    ("moss", 2024, 2, "Utvikling",
     "Språkmiljøet på hver avdeling planlegges med tydelig progresjon.",
     "SIMM-analysen høsten 2023", "Årsplan 2024"),
    ("moss", 2024, 3, "Inkluderende barnehagemiljø",
     "Smågrupper hver dag, satt sammen slik at alle barn får delta.",
     "SIMM-analysen høsten 2023", "Årsplan 2024"),
    ("frederikshavn", None, 0, "Børnesyn",
     "Vi inddrager børnenes perspektiver, når vi planlægger ugens aktiviteter.",
     "KVALid-tilsynet", "Den pædagogiske læreplan"),
    ("frederikshavn", None, 1, "Systematik",
     "Hver stue arbejder med ét læringsmål ad gangen og evaluerer det efter seks uger.",
     "KVALid-tilsynet", "Årshjulet"),
    ("frederikshavn", None, 2, "Kvalitet",
     "Vi giver hinanden feedback ud fra kvalitetskriterierne på hvert stuemøde.",
     "KVALid-tilsynet", "Den pædagogiske læreplan"),
)


def seed(stdout, today: date | None = None) -> None:
    today = today or timezone.localdate()
    _grant_admin_group()
    for spec in PLANS:
        kommune = Kommune.objects.get(slug=spec.kommune_slug)
        plan = _seed_plan(kommune, spec)
        stdout.write(f"  {kommune}: {plan.title} ({plan.fokusomrader.count()} areas)")
    for slug, year, index, title, sub_goal, chosen_from, anchored_in in CHOICES:
        kommune = Kommune.objects.get(slug=slug)
        barnehage = Barnehage.objects.filter(kommune=kommune).order_by("pk")[index]
        fokusomrade = Fokusomrade.objects.get(plan__kommune=kommune, title=title)
        BarnehageFokus.objects.get_or_create(
            barnehage=barnehage, fokusomrade=fokusomrade, year=year or today.year,
            defaults={"sub_goal": sub_goal, "chosen_from": chosen_from,
                      "anchored_in": anchored_in},
        )


def _seed_plan(kommune: Kommune, spec: PlanSpec) -> Kvalitetsplan:
    plan, _ = Kvalitetsplan.objects.update_or_create(
        kommune=kommune, title=spec.title, start_year=spec.start_year,
        defaults={"kind": spec.kind, "end_year": spec.end_year, "vision": spec.vision,
                  "main_goal": spec.main_goal, "foundation": spec.foundation,
                  "adopted_by": spec.adopted_by, "adopted_on": spec.adopted_on,
                  "evaluation_due": spec.evaluation_due},
    )
    for order, (name, description) in enumerate(spec.principles, start=1):
        Kvalitetsprinsipp.objects.update_or_create(
            plan=plan, name=name, defaults={"description": description, "order": order})
    for order, area in enumerate(spec.areas, start=1):
        fokusomrade, _ = Fokusomrade.objects.update_or_create(
            plan=plan, title=area.title,
            defaults={"kind": area.kind, "goal": area.goal, "challenge": area.challenge,
                      "quality_kind": area.quality_kind, "order": order},
        )
        # Measures and signs are keyed on their place; a measure's status is left as users
        # set it.
        for position, (text, status) in enumerate(area.measures, start=1):
            Tiltak.objects.get_or_create(fokusomrade=fokusomrade, order=position,
                                         defaults={"text": text, "status": status})
        for level, texts in area.signs.items():
            for position, text in enumerate(texts, start=1):
                Tegn.objects.get_or_create(fokusomrade=fokusomrade, role_level=level,
                                           order=position, defaults={"text": text})
    return plan


def _grant_admin_group() -> None:
    """Municipal admins also manage the quality framework in the Django admin."""
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="kvalitet"))
