"""One home per figure: the consultant's dashboard and the committee's annual report PDF
print the same value for the same municipality and year, because both compose the owner's
one function. Each test builds data where the old, separate computations disagreed.

The dashboard is asked for a semester of the report's year (`?semester=2025-autumn`): a
chosen semester narrows supervisions and action plans to its year, and the focus areas to
the kindergartens' choices for it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from handleplaner.models import Handleplan
from kvalitet.models import BarnehageFokus, Fokusomrade
from observasjoner.tilsyn.models import Tilsyn
from rapporter import selectors
from rapporter.models import Kind, Status
from rapporter.reports import services
from rapporter.reports.tasks import generate_report
from tests.observasjoner.tilsyn.helpers import make_tilsyn
from tests.rapporter.reports.factories import (
    YEAR,
    build_report_world,
    fmt,
    make_action_plan,
    pdf_lines,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class _Tables(HTMLParser):
    """The text of every `<table id="table-...">` cell, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = dict(attrs).get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def dashboard_tables(client, world, kommune) -> dict[str, list[list[str]]]:
    """The consultant's municipality page for autumn of the report's year, in Norwegian."""
    consultant = world.users["consultant"]
    consultant.language = "nb"  # her page in the report's language, to compare word for word
    consultant.save()
    client.force_login(consultant)
    url = reverse("rapporter:dashboard-kommune", args=[kommune.slug])
    response = client.get(url, {"semester": f"{YEAR}-autumn"})
    assert response.status_code == 200
    parser = _Tables()
    # The page shows one section at a time: read each of them.
    for section in re.findall(r'data-section="([^"]+)"', response.content.decode()):
        page = client.get(url, {"semester": f"{YEAR}-autumn", "section": section})
        assert page.status_code == 200
        parser.feed(page.content.decode())
    return parser.tables


def annual_pdf(kommune) -> list[str]:
    rapport = services.order(Kind.ANNUAL, kommune, year=YEAR)
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    assert rapport.status == Status.DRAFT, rapport.error_message
    assert rapport.language == "nb"
    return pdf_lines(rapport)


def row(table: list[list[str]], first: str) -> list[str]:
    found = [cells for cells in table if cells and cells[0] == first]
    assert len(found) == 1, (first, table)
    return found[0]


def test_live_action_plans_are_the_same(client, world, media):
    """A submitted and a returned plan are not live: not yet agreed. The old report counted
    them ("not finished and not draft"), the dashboard did not."""
    data = build_report_world(world)
    created = datetime(YEAR, 4, 1, 12, 0, tzinfo=UTC)
    for title, status in (("Venter på godkjenning", "submitted"),
                          ("Sendt tilbake", "returned")):
        plan = make_action_plan(world.barnehage["own"], title)
        Handleplan.objects.filter(pk=plan.pk).update(status=status, created_at=created,
                                                     deadline=date(YEAR, 5, 1))
    tables = dashboard_tables(client, world, data.kommune)
    lines = annual_pdf(data.kommune)
    with translation.override("nb"):
        live, on_time, overdue = (gettext("Ongoing (approved or in progress)"),
                                  gettext("On time"),
                                  gettext("Past the deadline or the evaluation date"))
        # One approved (on time) and one in progress (past its deadline): two live plans.
        assert row(tables["table-plans-live"], live)[1] == "2"
        assert row(tables["table-plans-live"], on_time)[1:] == ["1", "50 %"]
        assert row(tables["table-plans-live"], overdue)[1:] == ["1", "50 %"]
        assert f"{live} 2" in lines
        assert f"{on_time} 1 50 %" in lines
        assert f"{overdue} 1 50 %" in lines
        # The per-kindergarten table adds up to the same.
        per = tables["table-plans-by-kindergarten"][1:]
        assert sum(int(cells[2]) for cells in per) == 2


def test_focus_area_progress_is_the_same(client, world, media):
    """A focus area without measures has no progress ("–", no measures yet), not 0 %."""
    data = build_report_world(world)
    plan = Fokusomrade.objects.get(title="Språk i hverdagen").plan
    empty = Fokusomrade.objects.create(plan=plan, title="Foreldresamarbeid", order=3)
    BarnehageFokus.objects.create(barnehage=world.barnehage["sibling"], fokusomrade=empty,
                                  year=YEAR)
    tables = dashboard_tables(client, world, data.kommune)
    text = " ".join(annual_pdf(data.kommune))
    focus = tables["table-focus-areas"]
    with translation.override("nb"):
        header = focus[0]
        progress = header.index(gettext("Progress"))
        measures = header.index(gettext("Measures"))
        # Three measures, one done: 33 %; on the dashboard and in the report.
        assert row(focus, "Språk i hverdagen")[measures:measures + 4] == ["3", "1", "1", "1"]
        assert row(focus, "Språk i hverdagen")[progress] == "33 %"
        assert "Språk i hverdagen Flere samtaler med mange turer. 3 1 1 1 33 % 1" in text
        assert row(focus, "Foreldresamarbeid")[measures] == "0"
        assert row(focus, "Foreldresamarbeid")[progress] == "–"
        assert f"Foreldresamarbeid 0 0 0 0 – {gettext('no measures yet')} 1" in text


def test_share_of_good_supervision_ratings_is_the_same(client, world, media):
    """A kindergarten supervised twice in the year counts with its latest supervision only:
    the old report pooled both visits (2 of 3 supervisions good: 67 %), the dashboard took
    the latest of each kindergarten (1 of 2: 50 %)."""
    data = build_report_world(world)
    earlier = make_tilsyn(world.barnehage["sibling"], world.users["consultant"],
                          outcome=Tilsyn.Outcome.NO_CONCERN, status=Tilsyn.Status.COMPLETED,
                          level=3)
    Tilsyn.objects.filter(pk=earlier.pk).update(date=date(YEAR, 3, 1))
    tables = dashboard_tables(client, world, data.kommune)
    lines = annual_pdf(data.kommune)
    with translation.override("nb"):
        everything = row(tables["table-supervision"], gettext("All"))
        rated, good = everything[3], everything[4]
        assert everything[5] == "50 %"
        assert f"{gettext('Criteria rated')} {rated}" in lines
        assert f"{gettext('Rated at or above good quality')} {good} (50 %)" in lines
        # The visits themselves all count: three supervisions carried out.
        assert f"{Tilsyn.Outcome.NO_CONCERN.label} 2 67 %" in lines


def test_domain_means_with_n_are_the_same(client, world, media):
    """Each semester's domain means and n: the dashboard's trend table (one decimal) and
    the report's table by semester (two decimals) print the same figure."""
    data = build_report_world(world)
    tables = dashboard_tables(client, world, data.kommune)
    lines = annual_pdf(data.kommune)
    text = " ".join(lines)
    observations = selectors.load_observations(data.kommune)
    trend = tables["table-trend-prek"]
    header = trend[0]
    checked = 0
    with translation.override("nb"):
        for semester in (selectors.SemesterKey.of(YEAR, "spring"),
                         selectors.SemesterKey.of(YEAR, "autumn")):
            cells = row(trend, semester.label)
            total = selectors.domain_total(observations, "prek", semester=semester)
            assert total.n >= selectors.PRIVACY_MIN_N  # shown in the report, not suppressed
            assert cells[1] == str(total.n)
            assert f"{semester.label} (n = {total.n})" in text
            for code, figure in total.figures.items():
                column = next(i for i, label in enumerate(header) if label.startswith(code))
                assert cells[column].startswith(f"{fmt(figure.mean, 1)} ")
                assert cells[column].endswith(f"n={figure.n}")
                checked += 1
        # The report's by-semester table: spring, autumn, then the age groups.
        names = observations.domain_names("prek")
        for code in names:
            spring, autumn = (selectors.domain_total(
                observations, "prek", semester=selectors.SemesterKey.of(YEAR, key)
            ).figures[code] for key in ("spring", "autumn"))
            assert f"{code} {names[code]} {fmt(spring.mean)} {fmt(autumn.mean)} " in text
    assert checked == 6  # ES, CO, IS in two semesters
