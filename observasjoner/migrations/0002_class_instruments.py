"""Loads CLASS Toddler and CLASS Pre-K (2008) as data: codes, names, bands, thresholds.

CLASS® is a registered trademark of Teachstone, Inc. Names and codes are public facts;
the hints are our own one-line wording, not text from the manuals.
"""

from django.db import migrations

# (code, nb, da, en, reversed, (hint nb, hint da, hint en))
PC = ("PC", "Positivt klima", "Positivt klima", "Positive Climate", False,
      ("Varme, glede og respekt i samspillet.", "Varme, glæde og respekt i samspillet.",
       "Warmth, enjoyment and respect in interactions."))
NC = ("NC", "Negativt klima", "Negativt klima", "Negative Climate", True,
      ("Irritasjon, sinne eller harde ord (høy skår er dårlig).",
       "Irritation, vrede eller hårde ord (høj score er dårlig).",
       "Irritation, anger or harsh words (a high score is bad)."))
TS = ("TS", "Voksnes sensitivitet", "Voksnes sensitivitet", "Teacher Sensitivity", False,
      ("De voksne ser og svarer på barnas behov.", "De voksne ser og svarer på børnenes behov.",
       "Adults notice and respond to children's needs."))
QF = ("QF", "Kvalitet på tilbakemeldinger", "Kvalitet i feedback", "Quality of Feedback", False,
      ("Tilbakemeldinger som utvider barnas forståelse.",
       "Feedback der udvider børnenes forståelse.",
       "Feedback that extends children's understanding."))
LM = ("LM", "Språkmodellering", "Sproglig modellering", "Language Modeling", False,
      ("Rikt språk og samtaler med mange turer.", "Rigt sprog og samtaler med mange ture.",
       "Rich language and conversations with many turns."))

INSTRUMENTS = [
    {
        "code": "toddler",
        "names": ("CLASS Toddler", "CLASS Toddler", "CLASS Toddler"),
        "ages": "15-36 months",
        "domains": [
            ("EBS", ("Emosjonell og atferdsmessig støtte", "Følelsesmæssig og adfærdsmæssig støtte",
                     "Emotional and Behavioral Support"), 5, [
                PC, NC, TS,
                ("RCP", "Hensyn til barnets perspektiv", "Hensyn til barnets perspektiv",
                 "Regard for Child Perspectives", False,
                 ("Barnets initiativ og interesser får plass.",
                  "Barnets initiativ og interesser får plads.",
                  "The child's initiative and interests get room.")),
                ("BG", "Veiledning av atferd", "Vejledning af adfærd", "Behavior Guidance", False,
                 ("Tydelige forventninger og støtte til selvregulering.",
                  "Tydelige forventninger og støtte til selvregulering.",
                  "Clear expectations and support for self-regulation.")),
            ]),
            ("ESL", ("Engasjert støtte for læring", "Engageret støtte til læring",
                     "Engaged Support for Learning"), 3, [
                ("FLD", "Tilrettelegging for læring og utvikling",
                 "Facilitering af læring og udvikling",
                 "Facilitation of Learning and Development", False,
                 ("Aktiv deltakelse og utforsking blir støttet.",
                  "Aktiv deltagelse og udforskning bliver støttet.",
                  "Active participation and exploration are supported.")),
                QF, LM,
            ]),
        ],
    },
    {
        "code": "prek",
        "names": ("CLASS Pre-K", "CLASS Pre-K", "CLASS Pre-K"),
        "ages": "3-5 years",
        "domains": [
            ("ES", ("Emosjonell støtte", "Følelsesmæssig støtte", "Emotional Support"), 5, [
                PC, NC, TS,
                ("RSP", "Hensyn til barnas perspektiv", "Hensyn til børnenes perspektiv",
                 "Regard for Student Perspectives", False,
                 ("Barna får velge, lede og si sin mening.",
                  "Børnene får lov at vælge, lede og sige deres mening.",
                  "Children get to choose, lead and speak their minds.")),
            ]),
            ("CO", ("Organisering av avdelingen", "Organisering af stuen",
                    "Classroom Organization"), 5, [
                ("BM", "Atferdshåndtering", "Adfærdshåndtering", "Behavior Management", False,
                 ("Forutsigbare rammer som forebygger uro.",
                  "Forudsigelige rammer der forebygger uro.",
                  "Predictable structure that prevents disruption.")),
                ("PD", "Produktivitet", "Produktivitet", "Productivity", False,
                 ("Tiden brukes godt, lite venting.", "Tiden bruges godt, lidt venten.",
                  "Time is used well, little waiting.")),
                ("ILF", "Læringsformer", "Læringsformater", "Instructional Learning Formats",
                 False,
                 ("Varierte aktiviteter som fanger interessen.",
                  "Varierede aktiviteter der fanger interessen.",
                  "Varied activities that hold interest.")),
            ]),
            ("IS", ("Støtte til læring og utvikling", "Støtte til læring og udvikling",
                    "Instructional Support"), 3, [
                ("CD", "Begrepsutvikling", "Begrebsudvikling", "Concept Development", False,
                 ("Hvorfor- og hvordan-spørsmål som utvikler tenkning.",
                  "Hvorfor- og hvordan-spørgsmål der udvikler tænkning.",
                  "Why and how questions that develop thinking.")),
                QF, LM,
            ]),
        ],
    },
]


def load(apps, schema_editor):
    Instrument = apps.get_model("observasjoner", "Instrument")
    Domene = apps.get_model("observasjoner", "Domene")
    Dimensjon = apps.get_model("observasjoner", "Dimensjon")
    for spec in INSTRUMENTS:
        nb, da, en = spec["names"]
        instrument, _ = Instrument.objects.update_or_create(
            code=spec["code"],
            defaults={"name_nb": nb, "name_da": da, "name_en": en,
                      "age_description": spec["ages"]},
        )
        for order, (code, (d_nb, d_da, d_en), threshold, dimensions) in enumerate(
            spec["domains"], start=1
        ):
            domene, _ = Domene.objects.update_or_create(
                instrument=instrument, code=code,
                defaults={"name_nb": d_nb, "name_da": d_da, "name_en": d_en, "order": order,
                          "threshold": threshold},
            )
            for dim_order, (dim_code, n_nb, n_da, n_en, rev, hints) in enumerate(
                dimensions, start=1
            ):
                Dimensjon.objects.update_or_create(
                    domene=domene, code=dim_code,
                    defaults={"name_nb": n_nb, "name_da": n_da, "name_en": n_en,
                              "order": dim_order, "reversed": rev, "hint_nb": hints[0],
                              "hint_da": hints[1], "hint_en": hints[2]},
                )


def unload(apps, schema_editor):
    apps.get_model("observasjoner", "Instrument").objects.filter(
        code__in=[spec["code"] for spec in INSTRUMENTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("observasjoner", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
