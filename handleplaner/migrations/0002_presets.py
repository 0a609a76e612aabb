"""The two preset templates every municipality may use: SMART (the default, as in the
Danish action plans of the seeds) and SMTTE. Questions and help texts in our own words."""

from django.db import migrations

# (nb, da, en) for every text.
SMART = {
    "code": "smart",
    "is_default": True,
    "name": ("SMART-handleplan", "SMART-handleplan", "SMART action plan"),
    "description": (
        "Mål som er spesifikke, målbare, aksepterte, relevante og tidsbestemte.",
        "Mål der er specifikke, målbare, accepterede, relevante og tidsbegrænsede.",
        "Goals that are specific, measurable, accepted, relevant and time-bound.",
    ),
    "sections": [
        {
            "title": ("Spesifikt", "Specifik", "Specific"),
            "questions": [
                (("Hva vil vi oppnå?", "Hvad vil vi opnå?", "What do we want to achieve?"),
                 ("Beskriv endringen dere vil se i barnas hverdag og i de voksnes praksis. "
                  "Vær konkret: hvem, hvor og i hvilke situasjoner.",
                  "Beskriv den forandring I vil se i børnenes hverdag og i de voksnes praksis. "
                  "Vær konkret: hvem, hvor og i hvilke situationer.",
                  "Describe the change you want to see in the children's everyday life and in "
                  "the adults' practice. Be concrete: who, where and in which situations."),
                 True),
                (("Hvorfor vil vi oppnå dette?", "Hvorfor vil vi opnå dette?",
                  "Why do we want to achieve it?"),
                 ("Knytt målet til det tilsynet, observasjonen eller deres egen analyse viste. "
                  "Hva så dere som gjør planen nødvendig?",
                  "Knyt målet til det, tilsynet, observationen eller jeres egen analyse viste. "
                  "Hvad så I, som gør planen nødvendig?",
                  "Tie the goal to what the supervision, the observation or your own analysis "
                  "showed. What did you see that calls for this plan?"),
                 True),
            ],
        },
        {
            "title": ("Målbart", "Målbar", "Measurable"),
            "questions": [
                (("Hvordan vil vi evaluere og følge opp?",
                  "Hvordan vil vi evaluere og lave målopfølgning?",
                  "How will we evaluate and follow up?"),
                 ("Nevn møtene, metodene og dokumentasjonen dere vil bruke (avdelingsmøter, "
                  "video, observasjoner, CLASS eller kriterier fra tilsynet) og hvor ofte.",
                  "Nævn møderne, metoderne og den dokumentation, I vil bruge (stuemøder, "
                  "video, observationer, CLASS eller kriterier fra tilsynet), og hvor ofte.",
                  "Name the meetings, methods and documentation you will use (department "
                  "meetings, video, observations, CLASS or the supervision's criteria) and how "
                  "often."),
                 True),
                (("Hvordan vet vi at målet er nådd?", "Hvordan ved vi, at målet er nået?",
                  "How will we know the goal is reached?"),
                 ("Beskriv tegnene dere venter å se hos barn og voksne når målet er nådd.",
                  "Beskriv de tegn, I forventer at se hos børn og voksne, når målet er nået.",
                  "Describe the signs you expect to see in children and adults when the goal "
                  "is reached."),
                 True),
                (("Hvilket kunnskapsgrunnlag bygger innsatsen på, og hva kjennetegner høy "
                  "kvalitet?",
                  "Hvilket vidensgrundlag danner afsæt for indsatsen, og hvad er indikatorerne "
                  "for høj kvalitet?",
                  "What knowledge does the effort build on, and what marks high quality?"),
                 ("Vis til forskning, rammeplanen eller instrumentet dere bruker, og si hva høy "
                  "kvalitet er ifølge det.",
                  "Henvis til forskning, den styrkede pædagogiske læreplan eller det "
                  "instrument, I bruger, og sig hvad høj kvalitet er ifølge det.",
                  "Point to research, the curriculum framework or the instrument you use, and "
                  "say what high quality is according to it."),
                 True),
            ],
        },
        {
            "title": ("Akseptert", "Accepteret", "Accepted"),
            "shows_responsibilities": True,
            "questions": [
                (("Hvordan kan målet nås?", "Hvordan kan målet nås?",
                  "How can the goal be reached?"),
                 ("Beskriv tiltakene og hvem som deltar. Ansvaret til leder, eier og styre "
                  "skriver dere nedenfor.",
                  "Beskriv tiltagene, og hvem der deltager. Ansvaret for leder, "
                  "kontraktholder og bestyrelse skriver I nedenfor.",
                  "Describe the measures and who takes part. The responsibilities of the "
                  "leader, the owner and the board go below."),
                 True),
                (("Hva fremmer og hva hemmer arbeidet?", "Hvad er fremmere og hæmmere?",
                  "What helps and what hinders the work?"),
                 ("Tenk på kompetanse, organisering av dagen, møtestruktur, fravær og ressurser. "
                  "Hva gjør dere med det som hemmer?",
                  "Tænk på kompetencer, organisering af dagen, mødestruktur, fravær og "
                  "ressourcer. Hvad gør I ved det, der hæmmer?",
                  "Think of competence, how the day is organised, meetings, absence and "
                  "resources. What will you do about what hinders?"),
                 True),
            ],
        },
        {
            "title": ("Relevant", "Relevant", "Relevant"),
            "questions": [
                (("Hvorfor er målet viktig nå?", "Hvorfor er målet relevant nu?",
                  "Why does the goal matter now?"),
                 ("Vis hvordan målet henger sammen med deres langsiktige mål, kommunens "
                  "kvalitetsplan og årsplanen.",
                  "Vis, hvordan målet hænger sammen med jeres langsigtede mål, kommunens "
                  "strategi og jeres læreplan.",
                  "Show how the goal fits your long-term aims, the municipality's quality plan "
                  "and your annual plan."),
                 True),
                (("Hvor henter vi faglig inspirasjon?", "Hvor hentes faglig inspiration?",
                  "Where do we find professional inspiration?"),
                 ("Bøker, kurs, nettverk, kolleger, materiell. Valgfritt.",
                  "Bøger, kurser, netværk, kolleger, materialer. Valgfrit.",
                  "Books, courses, networks, colleagues, materials. Optional."),
                 False),
            ],
        },
        {
            "title": ("Tidsbestemt", "Tidsbegrænset", "Time-bound"),
            "shows_timeline": True,
            "questions": [],
        },
    ],
}

SMTTE = {
    "code": "smtte",
    "is_default": False,
    "name": ("SMTTE-modellen", "SMTTE-modellen", "SMTTE model"),
    "description": (
        "Sammenheng, mål, tiltak, tegn og evaluering.",
        "Sammenhæng, mål, tiltag, tegn og evaluering.",
        "Context, goals, measures, signs and evaluation.",
    ),
    "sections": [
        {
            "title": ("Sammenheng", "Sammenhæng", "Context"),
            "questions": [
                (("Hva er utgangspunktet?", "Hvad er udgangspunktet?",
                  "What is the starting point?"),
                 ("Beskriv situasjonen, barnegruppen og det tilsynet eller observasjonen viste.",
                  "Beskriv situationen, børnegruppen og det, tilsynet eller observationen "
                  "viste.",
                  "Describe the situation, the group of children and what the supervision or "
                  "observation showed."),
                 True),
            ],
        },
        {
            "title": ("Mål", "Mål", "Goals"),
            "questions": [
                (("Hva vil vi oppnå for barna?", "Hvad vil vi opnå for børnene?",
                  "What do we want to achieve for the children?"),
                 ("Mål for barnas trivsel og læring, og for de voksnes praksis.",
                  "Mål for børnenes trivsel og læring og for de voksnes praksis.",
                  "Goals for the children's well-being and learning, and for the adults' "
                  "practice."),
                 True),
            ],
        },
        {
            "title": ("Tiltak", "Tiltag", "Measures"),
            "shows_responsibilities": True,
            "shows_timeline": True,
            "questions": [
                (("Hva gjør vi?", "Hvad gør vi?", "What will we do?"),
                 ("De konkrete tiltakene i den rekkefølgen dere tar dem. Datoene hører hjemme "
                  "i fasene nedenfor.",
                  "De konkrete tiltag i den rækkefølge, I tager dem. Datoerne hører hjemme i "
                  "faserne nedenfor.",
                  "The concrete measures in the order you will take them. The dates go in the "
                  "phases below."),
                 True),
            ],
        },
        {
            "title": ("Tegn", "Tegn", "Signs"),
            "questions": [
                (("Hvilke tegn ser vi etter?", "Hvilke tegn ser vi efter?",
                  "Which signs will we look for?"),
                 ("Hva vil dere se og høre hos barn og voksne som viser at dere nærmer dere "
                  "målet?",
                  "Hvad vil I se og høre hos børn og voksne, som viser, at I nærmer jer målet?",
                  "What will you see and hear in children and adults that shows you are "
                  "getting closer to the goal?"),
                 True),
            ],
        },
        {
            "title": ("Evaluering", "Evaluering", "Evaluation"),
            "questions": [
                (("Hvordan og når evaluerer vi?", "Hvordan og hvornår evaluerer vi?",
                  "How and when will we evaluate?"),
                 ("Hvem evaluerer, med hvilken dokumentasjon, og når. Sett evalueringsdatoen "
                  "under Tiltak.",
                  "Hvem evaluerer, med hvilken dokumentation, og hvornår. Sæt "
                  "evalueringsdatoen under Tiltag.",
                  "Who evaluates, with which documentation, and when. Set the evaluation date "
                  "under Measures."),
                 True),
            ],
        },
    ],
}


def _languages(prefix: str, texts: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip((f"{prefix}_nb", f"{prefix}_da", f"{prefix}_en"), texts, strict=True))


def load_presets(apps, schema_editor):
    Mal = apps.get_model("handleplaner", "Mal")
    Seksjon = apps.get_model("handleplaner", "Seksjon")
    Sporsmal = apps.get_model("handleplaner", "Sporsmal")
    for preset in (SMART, SMTTE):
        mal, _ = Mal.objects.update_or_create(
            kommune=None, code=preset["code"],
            defaults={"is_default": preset["is_default"], "active": True,
                      **_languages("name", preset["name"]),
                      **_languages("description", preset["description"])},
        )
        for order, section in enumerate(preset["sections"]):
            seksjon, _ = Seksjon.objects.update_or_create(
                mal=mal, order=order,
                defaults={**_languages("title", section["title"]),
                          "shows_responsibilities": section.get("shows_responsibilities", False),
                          "shows_timeline": section.get("shows_timeline", False)},
            )
            for number, (text, help_text, required) in enumerate(section["questions"]):
                Sporsmal.objects.update_or_create(
                    seksjon=seksjon, order=number,
                    defaults={**_languages("text", text), **_languages("help_text", help_text),
                              "required": required},
                )


def remove_presets(apps, schema_editor):
    Mal = apps.get_model("handleplaner", "Mal")
    Mal.objects.filter(kommune=None, code__in=["smart", "smtte"],
                       handleplaner__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("handleplaner", "0001_initial"),
    ]

    operations = [migrations.RunPython(load_presets, remove_presets)]
