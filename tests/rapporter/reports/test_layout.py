"""The annual report's layout with real names and sizes: chart labels never cut, band
headers that agree with the captions, a strategy printed as the document it is, and 86
kindergartens in an appendix sorted by score, lowest first."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from barnehager.models import AgeGroup, Avdeling, Barnehage
from kvalitet.models import Fokusomrade, Kvalitetsplan, PlanKind, RoleLevel, Tegn
from observasjoner.models import Observasjon
from rapporter.models import Kind, Rapport
from rapporter.reports import services
from rapporter.reports.selectors import annual_report
from tests.rapporter.dashboards.factories import (
    _instrument_cached,
    add_cycles,
    make_round,
    uniform,
)
from tests.rapporter.reports.factories import YEAR, build_report_world, pdf_reader

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def built_text(kommune, year=YEAR, language=None) -> str:
    """The annual report made through the real build, as one line of text."""
    rapport = services.order(Kind.ANNUAL, kommune, year=year)
    if language:
        Rapport.objects.filter(pk=rapport.pk).update(language=language)
    rapport = services.build(rapport.pk)
    reader = pdf_reader(rapport)
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def labels_of(svg: str) -> list[tuple[str, str | None]]:
    """Each wrapped category label of a chart: (its visible lines joined, its <title>)."""
    found = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        spans = text.findall(f"{SVG}tspan")
        if spans:
            title = text.find(f"{SVG}title")
            found.append((" ".join(span.text or "" for span in spans),
                          None if title is None else title.text))
    return found


@pytest.mark.parametrize("language", ["nb", "da", "en"])
def test_no_chart_label_in_the_report_is_cut(world, language):
    data = build_report_world(world)
    rapport = Rapport(kind=Kind.ANNUAL, kommune=data.kommune, year=YEAR, language=language,
                      version=1)
    with translation.override(language):
        sections = annual_report(rapport).context["sections"]
    checked = 0
    for section in sections:
        categories = [f"{code} {name}" for code, name in section.domains]
        for chart in (section.charts.scores, section.charts.bands, section.charts.age_groups):
            if chart is None:
                continue
            drawn = labels_of(str(chart))
            assert len(drawn) == len(categories)
            for category, (visible, title) in zip(categories, drawn, strict=True):
                assert visible == category or title == category, (category, visible)
                assert "…" not in visible  # domain names fit whole on two lines
                checked += 1
    assert checked >= 10


def test_band_headers_agree_with_the_band_captions(world, media):
    data = build_report_world(world)
    text = built_text(data.kommune)
    with translation.override("nb"):
        # The scoring module's limits (2.5 and 5.5), in headers, captions and method alike.
        assert "Lav (under 2,5)" in text and "Høy (5,5 og over)" in text
        assert "Middels (2,5 til under 5,5)" in text
        assert "lav (under 2,5), middels eller høy (5,5 og over)" in text
        assert "Lav (1-2)" not in text and "Høy (6-7)" not in text


def test_a_strategy_prints_its_areas_and_signs_per_role_level(world, media):
    """Frederikshavn's strategy has areas of effort with a challenge, a goal and signs of
    success per role level, and no measures: the report prints those, not 0/0/0/–."""
    kommune = world.kommune["foreign"]
    plan = Kvalitetsplan.objects.create(kommune=kommune, kind=PlanKind.STRATEGY,
                                        title="Kvalitet i dagtilbud", start_year=2022)
    for order, title in enumerate(("Kvalitet", "Børnesyn", "Systematik",
                                   "En professionel organisation"), start=1):
        area = Fokusomrade.objects.create(
            plan=plan, title=title, order=order, kind="area_of_effort",
            challenge=f"Udfordringen for {title}.", goal=f"Målet for {title}.")
        for level in RoleLevel:
            Tegn.objects.create(fokusomrade=area, role_level=level,
                                text=f"Tegn for {title} hos {level.value}.")
    text = built_text(kommune)
    with translation.override("da"):
        for title in ("Kvalitet", "Børnesyn", "Systematik", "En professionel organisation"):
            assert f"Udfordringen for {title}." in text and f"Målet for {title}." in text
            for level in RoleLevel:
                assert f"Tegn for {title} hos {level.value}." in text
        for level in RoleLevel:
            assert str(level.label) in text
        assert "ingen tiltag endnu" not in text
        assert "Tegn på succes: En professionel organisation" in text


def grow_large_kindergartens(kommune, observer, count: int) -> list[Barnehage]:
    """`count` kindergartens with three pre-school departments each, every department
    observed in both semesters of YEAR: six observations per kindergarten, enough to be
    shown. Kindergarten i scores 3 + (i % 4) in every dimension (Negative Climate 2)."""
    barnehager = Barnehage.objects.bulk_create([
        Barnehage(kommune=kommune, name=f"Stor barnehage {number:03d}")
        for number in range(count)])
    avdelinger = Avdeling.objects.bulk_create([
        Avdeling(barnehage=barnehage, name=f"Avdeling {side}", age_group=AgeGroup.PRESCHOOL,
                 enrolled_children=20)
        for barnehage in barnehager for side in "ABC"])
    level = {barnehage.pk: 3 + index % 4 for index, barnehage in enumerate(barnehager)}
    for semester in ("spring", "autumn"):
        runde = make_round(kommune, YEAR, semester)
        observations = Observasjon.objects.bulk_create([
            Observasjon(runde=runde, avdeling=avdeling, observer=observer,
                        instrument=_instrument_cached("prek"), planned_date=runde.start_date,
                        observed_on=runde.start_date, status="submitted")
            for avdeling in avdelinger])
        add_cycles([(observation, [uniform("prek", level[observation.avdeling.barnehage_id],
                                           NC=2)] * 3)
                    for observation in observations])
    return barnehager


def test_86_kindergartens_in_an_appendix_lowest_score_first(world, media):
    kommune = world.kommune["own"]
    grow_large_kindergartens(kommune, world.users["observer"], 86)
    rapport = Rapport(kind=Kind.ANNUAL, kommune=kommune, year=YEAR, language="nb",
                      version=1)
    with translation.override("nb"):
        appendix = annual_report(rapport).context["appendix"]
    section, rows, hidden = appendix[0]
    assert section.code == "prek"
    assert len(rows) == 86 and not hidden
    scores = [row.score for row in rows]
    assert scores == sorted(scores)  # lowest first, not alphabetical
    assert [row.name for row in rows[:3]] == ["Stor barnehage 000", "Stor barnehage 004",
                                              "Stor barnehage 008"]
    text = built_text(kommune)
    appendix_text = text.split("Vedlegg: resultater per barnehage")[-1]
    for row in rows:
        assert row.name in appendix_text
    # In the PDF, too, the lowest-scoring kindergartens come first.
    positions = [appendix_text.index(row.name) for row in rows[::10]]
    assert positions == sorted(positions)


def test_every_page_of_a_large_report_carries_more_than_a_lone_table(world, media):
    """No page but the last of the appendix holds only a few lines (a lone small table or
    a chart pushed over on its own): 86 kindergartens, every page well filled."""
    kommune = world.kommune["own"]
    grow_large_kindergartens(kommune, world.users["observer"], 86)
    rapport = services.order(Kind.ANNUAL, kommune, year=YEAR)
    rapport = services.build(rapport.pk)
    reader = pdf_reader(rapport)
    lines = [len([line for line in page.extract_text().splitlines() if line.strip()])
             for page in reader.pages]
    # The cover and the contents are short by nature; so is the last page.
    thin = [number for number, count in enumerate(lines[2:-1], start=3) if count < 8]
    assert not thin, [(number, reader.pages[number - 1].extract_text()[:300]) for number in thin]
    assert len(reader.pages) < 25
