"""Data for the report tests: a municipality with enough observations for unsuppressed
figures in 2024 and 2025, one small group (mixed-age departments, n = 2) that must be
suppressed, a quality plan, supervisions and action plans; and reading a PDF back."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import formats, timezone, translation
from pypdf import PdfReader

from barnehager.models import AgeGroup, Avdeling
from handleplaner.models import Handleplan, Mal
from kvalitet.models import BarnehageFokus, Fokusomrade, Kvalitetsplan, Tiltak, TiltakStatus
from observasjoner.tilsyn.models import Tilsyn
from tests.observasjoner.tilsyn.helpers import make_tilsyn
from tests.rapporter.dashboards.factories import grow_kommune, make_observation, make_round, uniform

YEAR = 2025


@dataclass
class ReportWorld:
    kommune: object
    rounds: dict


def build_report_world(world) -> ReportWorld:
    """Kommune A of `world`: six more kindergartens observed in autumn 2024, spring and
    autumn 2025; two mixed-age departments observed once in autumn 2025 (a group of 2);
    a plan with two focus areas; two supervisions and two action plans in 2025."""
    kommune = world.kommune["own"]
    observer = world.users["observer"]
    grow_kommune(kommune, observer, 6,
                 semesters=((YEAR - 1, "autumn"), (YEAR, "spring"), (YEAR, "autumn")))
    autumn = make_round(kommune, YEAR, "autumn")
    for target in ("own", "sibling"):
        mixed = Avdeling.objects.create(barnehage=world.barnehage[target], name="Blanding",
                                        age_group=AgeGroup.MIXED, enrolled_children=18)
        make_observation(autumn, mixed, observer,
                         [uniform("prek", 6, NC=1), uniform("prek", 5, NC=2),
                          uniform("prek", 6, NC=1, CD=4)])
    plan = Kvalitetsplan.objects.create(
        kommune=kommune, title="Kvalitetsplan for barnehagene", start_year=2024, end_year=2027,
        vision="Alle barn skal oppleve gode relasjoner.", main_goal="Trygge og lekende barn.",
        adopted_by="Kommunestyret", adopted_on=date(2024, 2, 1))
    language = Fokusomrade.objects.create(plan=plan, title="Språk i hverdagen", order=1,
                                          goal="Flere samtaler med mange turer.")
    play = Fokusomrade.objects.create(plan=plan, title="Lek og vennskap", order=2,
                                      goal="Alle barn har en venn.")
    for text, status in (("Språkkurs for alle ansatte", TiltakStatus.DONE),
                         ("Samtaler ved måltidet", TiltakStatus.UNDER_WAY),
                         ("Leseombud i hver avdeling", TiltakStatus.NOT_STARTED)):
        Tiltak.objects.create(fokusomrade=language, text=text, status=status)
    Tiltak.objects.create(fokusomrade=play, text="Lekegrupper på tvers", status=TiltakStatus.DONE)
    BarnehageFokus.objects.create(barnehage=world.barnehage["own"], fokusomrade=language,
                                  year=YEAR, sub_goal="Vi snakker mer med de yngste.")
    consultant = world.users["consultant"]
    make_tilsyn(world.barnehage["own"], consultant, outcome=Tilsyn.Outcome.NO_CONCERN,
                status=Tilsyn.Status.PUBLISHED, level=3)
    make_tilsyn(world.barnehage["sibling"], consultant, outcome=Tilsyn.Outcome.CONCERN,
                status=Tilsyn.Status.COMPLETED, level=2)
    overdue = make_action_plan(world.barnehage["sibling"], "Tryggere overganger")
    on_time = make_action_plan(world.barnehage["own"], "Mer språk ved måltidet")
    created = datetime(YEAR, 3, 1, 12, 0, tzinfo=timezone.get_current_timezone())
    Handleplan.objects.filter(pk=overdue.pk).update(status="in_progress", created_at=created,
                                                    deadline=date(YEAR, 6, 1))
    Handleplan.objects.filter(pk=on_time.pk).update(status="approved", created_at=created,
                                                    deadline=date(YEAR + 5, 6, 1))
    return ReportWorld(kommune=kommune, rounds={"autumn": autumn})


def make_action_plan(barnehage, title: str) -> Handleplan:
    return Handleplan.objects.create(barnehage=barnehage, title=title,
                                     mal=Mal.objects.order_by("pk").first())


def pdf_reader(rapport) -> PdfReader:
    with rapport.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def pdf_lines(rapport) -> list[str]:
    """The PDF's text, line by line, with runs of spaces collapsed."""
    reader = pdf_reader(rapport)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


def fmt(value: float | None, digits: int = 2, language: str = "nb") -> str:
    """A number as the report prints it."""
    if value is None:
        return "–"
    with translation.override(language):
        return formats.number_format(round(value, digits), digits)


def signed(now: float, before: float, language: str = "nb") -> str:
    change = round(now, 2) - round(before, 2)
    if round(change, 2) == 0:
        return "±" + fmt(0, 2, language)
    return ("+" if change > 0 else "−") + fmt(abs(change), 2, language)
