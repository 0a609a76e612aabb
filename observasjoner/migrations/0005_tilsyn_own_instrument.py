"""Ships Kvalitet's own supervision instrument, shared by every municipality, in Danish and
in Norwegian.

Written by the Kvalitet project in its own words and organised by the six Danish
læreplanstemaer, on a four-level scale where quality is good from level 3. It contains no
text from KVALid (UCN), which is licensed: a municipality imports the instrument it holds a
licence for with `import_tilsyn_instrument`.
"""

from django.db import migrations

LICENCE = {
    "da": "Kvalitets eget tilsynsredskab, skrevet med egne ord. Frit at bruge. "
          "Indeholder ingen tekst fra KVALid.",
    "nb": "Kvalitets eget tilsynsverktøy, skrevet med egne ord. Fritt å bruke. "
          "Inneholder ingen tekst fra KVALid.",
}

INSTRUMENTS = {
    "da": {
        "name": "Læringsmiljøet i dagtilbud (Kvalitets eget redskab)",
        "scale": "Fire niveauer",
        "levels": ["utilstrækkelig", "tilstrækkelig", "god", "fremragende"],
        "themes": [
            ("Alsidig personlig udvikling", [
                "Personalet møder hvert barn med varme og interesse og viser, at barnet er "
                "værdifuldt.",
                "Børnene får mulighed for at tage initiativ, træffe valg og prøve sig selv af "
                "i hverdagen.",
                "Personalet støtter børnene i at håndtere følelser, modgang og skift mellem "
                "aktiviteter.",
            ]),
            ("Social udvikling", [
                "Alle børn er en del af et fællesskab, og personalet hjælper børn, der står "
                "udenfor, ind i legen.",
                "Personalet guider børnene i at løse konflikter og tage hensyn til hinanden.",
                "Hverdagen rummer leg og aktiviteter, hvor børnene samarbejder i mindre og "
                "større grupper.",
            ]),
            ("Kommunikation og sprog", [
                "Personalet indgår i samtaler med børnene med mange udvekslinger og følger "
                "børnenes emner.",
                "Personalet bruger et varieret og præcist sprog og sætter ord på det, børnene "
                "oplever og gør.",
                "Bøger, fortællinger, rim og skriftsprog er en naturlig del af hverdagens "
                "læringsmiljø.",
            ]),
            ("Krop, sanser og bevægelse", [
                "Børnene har dagligt mulighed for leg og bevægelse, der udfordrer kroppen, både "
                "inde og ude.",
                "Personalet inddrager sanserne og støtter børnene i at mærke og passe på deres "
                "krop.",
                "Rutiner som måltider, påklædning og hvile bruges til at styrke børnenes "
                "selvhjulpenhed.",
            ]),
            ("Natur, udeliv og science", [
                "Børnene udforsker naturen og nærmiljøet regelmæssigt og i alle årstider.",
                "Personalet undrer sig sammen med børnene og støtter dem i at undersøge, "
                "sammenligne og eksperimentere.",
                "Børnene møder tal, former, mængder og mønstre i leg og hverdagsaktiviteter.",
            ]),
            ("Kultur, æstetik og fællesskab", [
                "Børnene møder forskellige kunstformer, traditioner og kulturelle udtryk.",
                "Børnene har adgang til materialer og tid til at skabe, forme og udtrykke sig "
                "på egne måder.",
                "Personalet anerkender og gør brug af børnenes forskellige baggrunde og "
                "familiekulturer.",
            ]),
        ],
    },
    "nb": {
        "name": "Læringsmiljøet i barnehagen (Kvalitets eget verktøy)",
        "scale": "Fire nivåer",
        "levels": ["utilstrekkelig", "tilstrekkelig", "god", "fremragende"],
        "themes": [
            ("Allsidig personlig utvikling", [
                "Personalet møter hvert barn med varme og interesse og viser at barnet er "
                "verdifullt.",
                "Barna får mulighet til å ta initiativ, gjøre valg og prøve seg selv ut i "
                "hverdagen.",
                "Personalet støtter barna i å håndtere følelser, motgang og overganger mellom "
                "aktiviteter.",
            ]),
            ("Sosial utvikling", [
                "Alle barn er en del av et fellesskap, og personalet hjelper barn som står "
                "utenfor, inn i leken.",
                "Personalet veileder barna i å løse konflikter og ta hensyn til hverandre.",
                "Hverdagen har lek og aktiviteter der barna samarbeider i mindre og større "
                "grupper.",
            ]),
            ("Kommunikasjon og språk", [
                "Personalet fører samtaler med barna med mange turer og følger barnas temaer.",
                "Personalet bruker et variert og presist språk og setter ord på det barna "
                "opplever og gjør.",
                "Bøker, fortellinger, rim og skriftspråk er en naturlig del av hverdagens "
                "læringsmiljø.",
            ]),
            ("Kropp, sanser og bevegelse", [
                "Barna har daglig mulighet til lek og bevegelse som utfordrer kroppen, både "
                "inne og ute.",
                "Personalet tar i bruk sansene og støtter barna i å kjenne etter og ta vare på "
                "kroppen sin.",
                "Rutiner som måltider, påkledning og hvile brukes til å styrke barnas "
                "selvstendighet.",
            ]),
            ("Natur, uteliv og naturvitenskap", [
                "Barna utforsker naturen og nærmiljøet jevnlig og i alle årstider.",
                "Personalet undrer seg sammen med barna og støtter dem i å undersøke, "
                "sammenligne og eksperimentere.",
                "Barna møter tall, former, mengder og mønstre i lek og hverdagsaktiviteter.",
            ]),
            ("Kultur, estetikk og fellesskap", [
                "Barna møter ulike kunstformer, tradisjoner og kulturelle uttrykk.",
                "Barna har tilgang til materialer og tid til å skape, forme og uttrykke seg på "
                "egne måter.",
                "Personalet anerkjenner og bruker barnas ulike bakgrunner og familiekulturer.",
            ]),
        ],
    },
}
GOOD_FROM = 3


def load(apps, schema_editor):
    Skala = apps.get_model("observasjoner", "Skala")
    SkalaNiva = apps.get_model("observasjoner", "SkalaNiva")
    TilsynInstrument = apps.get_model("observasjoner", "TilsynInstrument")
    Tema = apps.get_model("observasjoner", "Tema")
    Kriterium = apps.get_model("observasjoner", "Kriterium")
    for language, spec in INSTRUMENTS.items():
        if TilsynInstrument.objects.filter(kommune__isnull=True, name=spec["name"]).exists():
            continue
        skala = Skala.objects.create(name=spec["scale"], good_from=GOOD_FROM)
        for value, name in enumerate(spec["levels"], start=1):
            SkalaNiva.objects.create(skala=skala, value=value, name=name)
        instrument = TilsynInstrument.objects.create(
            kommune=None, name=spec["name"], language=language,
            licence_note=LICENCE[language], skala=skala)
        for order, (theme, criteria) in enumerate(spec["themes"], start=1):
            tema = Tema.objects.create(instrument=instrument, name=theme, order=order)
            for number, text in enumerate(criteria, start=1):
                Kriterium.objects.create(tema=tema, text=text, order=number)


def unload(apps, schema_editor):
    TilsynInstrument = apps.get_model("observasjoner", "TilsynInstrument")
    Skala = apps.get_model("observasjoner", "Skala")
    names = [spec["name"] for spec in INSTRUMENTS.values()]
    instruments = TilsynInstrument.objects.filter(kommune__isnull=True, name__in=names)
    skala_ids = list(instruments.values_list("skala_id", flat=True))
    instruments.delete()
    Skala.objects.filter(pk__in=skala_ids).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("observasjoner", "0004_tilsyn"),
    ]

    operations = [migrations.RunPython(load, unload)]
