"""The dashboard pages: what consultants and leaders see, filters in the URL, downloads."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from barnehager.models import AgeGroup, Avdeling, Membership
from observasjoner import scoring
from observasjoner.models import Observasjon
from rapporter import selectors
from rapporter.dashboards.views import DETAILED_OBSERVATIONS
from tests.rapporter.dashboards.factories import (
    build_dataset,
    build_framework,
    make_observation,
    make_round,
    uniform,
)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def data(world):
    kommune, obs = build_dataset(world)
    framework = build_framework(world)
    return kommune, obs, framework


def kommune_url(kommune, **params):
    url = reverse("rapporter:dashboard-kommune", args=[kommune.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


SECTIONS = ("instrument-prek", "instrument-toddler", "conclusions", "rounds", "band-drops",
            "supervision", "action-plans", "focus")


def every_section(client, url_of) -> str:
    """The page's sections one after the other, as a reader clicks through them."""
    return "".join(client.get(url_of(section=section)).content.decode()
                   for section in SECTIONS)


def test_consultant_sees_municipality_overview(client, world, data):
    kommune, _obs, _framework = data
    client.force_login(world.users["consultant"])
    response = client.get(kommune_url(kommune))
    assert response.status_code == 200
    html = every_section(client, lambda **params: kommune_url(kommune, **params))
    # Trend, domains, groupings and bands for both instruments, with charts.
    for key in ("rounds", "trend-prek", "domains-prek", "barnehage-prek", "nettverk-prek",
                "pulje-prek", "age_group-prek", "bands-prek", "spread-prek", "trend-toddler",
                "band-drops", "supervision", "supervision-themes", "plans-by-status",
                "plan-evaluations", "plans-overdue", "focus-areas"):
        assert f'id="table-{key}"' in html, key
    assert html.count("<svg") >= 7
    assert "style=" not in html.split("<main", 1)[1]
    html = response.content.decode()
    # The latest semester is the default: spring 2025, where A1 pre-school ES is n=1.
    assert "Results for Spring 2025" in html
    assert "ES &gt; 5" in html and "IS &gt; 3" in html
    # Nothing of municipality B.
    assert "B1 barnehage" not in html and "Fremmed plan" not in html


def test_small_groups_are_marked_not_hidden_for_consultants(client, world, data):
    kommune, _obs, _framework = data
    client.force_login(world.users["consultant"])
    html = client.get(kommune_url(kommune)).content.decode()
    assert "n=1" in html and "fewer than 5 observations" in html


def test_filters_are_kept_in_the_url_and_in_drill_down_links(client, world, data):
    kommune, _obs, _framework = data
    client.force_login(world.users["consultant"])
    response = client.get(kommune_url(kommune, semester="2024-autumn", instrument="prek"))
    html = response.content.decode()
    assert "Results for Autumn 2024" in html
    assert 'value="2024-autumn" selected' in html and 'value="prek" selected' in html
    assert 'id="table-trend-toddler"' not in html
    a1 = world.barnehage["own"]
    assert (f'href="/rapporter/dashboard/barnehage/{a1.pk}/?semester=2024-autumn&amp;'
            'instrument=prek"') in html
    # Age group filter: toddler departments only.
    html = client.get(kommune_url(kommune, age_group=AgeGroup.TODDLER)).content.decode()
    assert 'id="table-trend-toddler"' in html and 'id="table-trend-prek"' not in html
    # A value that is no choice is ignored, not an error.
    assert client.get(kommune_url(kommune, semester="1999-winter")).status_code == 200


def test_csv_download_has_the_same_figures_as_the_page(client, world, data):
    kommune, obs, _framework = data
    client.force_login(world.users["consultant"])
    response = client.get(kommune_url(kommune, table="trend-prek", format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, autumn, spring = rows
    assert header[:4] == ["Semester", "n", "ES Emotional Support (mean)",
                          "ES Emotional Support (n)"]
    results = [scoring.result_of(o) for o in Observasjon.objects.filter(
        pk__in=[obs["a1_autumn"].pk, obs["a2_autumn"].pk])]
    es = scoring.aggregate(result.domain_scores["ES"] for result in results)
    assert autumn[:4] == ["Autumn 2024", "2", str(round(es.mean, 2)), "2"]
    assert spring[0] == "Spring 2025" and spring[1] == "1"


def test_xlsx_download(client, world, data):
    kommune, _obs, _framework = data
    client.force_login(world.users["consultant"])
    response = client.get(kommune_url(kommune, table="bands-prek", format="xlsx",
                                      semester="2024-autumn"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Domain", "Low", "Middle", "High", "n", "Share high")
    assert values[1] == ("ES", 0, 1, 1, 2, 50.0)


def test_every_table_on_the_page_downloads(client, world, data):
    kommune, _obs, _framework = data
    client.force_login(world.users["consultant"])
    html = every_section(client, lambda **params: kommune_url(kommune, **params))
    keys = {part.split('"', 1)[0] for part in html.split('id="table-')[1:]}
    assert len(keys) > 15
    for key in keys:
        for fmt in ("csv", "xlsx"):
            assert client.get(kommune_url(kommune, table=key, format=fmt)).status_code == 200
    assert client.get(kommune_url(kommune, table="nope", format="csv")).status_code == 404
    assert client.get(kommune_url(kommune, table="rounds", format="pdf")).status_code == 404


def test_supervision_action_plan_and_focus_panels(client, world, data):
    kommune, _obs, _framework = data
    client.force_login(world.users["consultant"])
    sheet = client.get(kommune_url(kommune, table="supervision", format="csv"))
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    # A1 rated every criterion "good" (level 3, good from 3); A2 "sufficient" (level 2).
    assert by_name["A1 barnehage"][-1] == "100.0" and by_name["A2 barnehage"][-1] == "0.0"
    assert by_name["All"][-1] == "50.0"
    plans = client.get(kommune_url(kommune, table="plans-by-status", format="csv"))
    plan_rows = {row[0]: row[1] for row in csv.reader(
        io.StringIO(plans.content.decode("utf-8-sig")))}
    assert plan_rows["Draft"] == "2" and plan_rows["Overdue"] == "1"
    evaluations = client.get(kommune_url(kommune, table="plan-evaluations", format="csv"))
    assert "Yes,1,50.0" in evaluations.content.decode()
    focus = client.get(kommune_url(kommune, table="focus-areas", format="csv"))
    focus_rows = list(csv.reader(io.StringIO(focus.content.decode("utf-8-sig"))))
    assert focus_rows[1][:3] == ["Livsmestring", "Plan own", "2"]


def test_leader_sees_her_own_kindergarten_only(client, world, data):
    kommune, _obs, _framework = data
    client.force_login(world.users["leader"])
    a1 = world.barnehage["own"]
    url = reverse("rapporter:dashboard-barnehage", args=[a1.pk])
    html = client.get(url).content.decode()
    assert 'id="table-avdeling-prek"' in html and 'id="table-barnehage-prek"' not in html
    html = "".join(client.get(url, {"section": section}).content.decode()
                   for section in SECTIONS)
    assert "A2 barnehage" not in html and "Lek ute" not in html
    assert 'id="table-band-drops"' in html  # A1 pre-school fell from high to middle in ES
    # The municipality crumb is text, not a link, for a leader.
    assert reverse("rapporter:dashboard-kommune", args=[kommune.slug]) not in html
    loaded = selectors.load_observations(kommune, barnehage_ids=[a1.pk])
    assert {row.barnehage_id for row in loaded.rows} == {a1.pk}


def test_department_page_shows_each_observation_with_cycle_spread(client, world, data):
    _kommune, obs, _framework = data
    client.force_login(world.users["leader"])
    avdeling = world.avdeling["own"]
    response = client.get(reverse("rapporter:dashboard-avdeling", args=[avdeling.pk]))
    html = response.content.decode()
    assert f'id="table-observation-{obs["a1_spring"].pk}"' in html
    assert f'id="table-observation-{obs["a1_autumn"].pk}"' in html
    # The second coding is not shown.
    double = Observasjon.objects.get(double_coding_of=obs["a1_spring"])
    assert f"table-observation-{double.pk}" not in html
    detail = client.get(reverse("rapporter:dashboard-avdeling", args=[avdeling.pk]),
                        {"table": f"observation-{obs['a1_spring'].pk}", "format": "csv"})
    rows = {row[0]: row for row in csv.reader(io.StringIO(
        detail.content.decode("utf-8-sig")))}
    # PC cycles 4, 5, 4: mean 4.33, lowest 4, highest 5.
    assert rows["PC Positive Climate"][1:] == ["4.33", "4", "5"]
    for svg in html.split("<svg")[1:]:
        ET.fromstring("<svg" + svg.split("</svg>", 1)[0] + "</svg>")


def test_department_page_details_the_newest_observations_and_links_the_older(client, world):
    """Ten years of history cost the page a table row per observation, not a chart each."""
    avdeling = world.avdeling["own"]
    observations = [
        make_observation(make_round(world.kommune["own"], 2020 + number // 2,
                                    ("spring", "autumn")[number % 2]),
                         avdeling, world.users["observer"],
                         [uniform(avdeling.instrument_code, 4)] * 3)
        for number in range(6)]
    client.force_login(world.users["leader"])
    html = client.get(reverse("rapporter:dashboard-avdeling", args=[avdeling.pk])).content.decode()
    detailed = [observasjon for observasjon in observations
                if f'id="table-observation-{observasjon.pk}"' in html]
    assert detailed == observations[-DETAILED_OBSERVATIONS:]
    assert "The newest 4 observations are shown with their dimensions" in html
    for observasjon in observations:
        assert reverse("observasjoner:observation-detail", args=[observasjon.pk]) in html


def test_index_lists_dashboards_when_there_are_several(client, world, data):
    leader = world.users["leader"]
    Membership.objects.create(user=leader, role="leader", kommune=world.kommune["own"],
                              barnehage=world.barnehage["sibling"])
    client.force_login(leader)
    response = client.get(reverse("rapporter:dashboard"))
    assert response.status_code == 200
    assert "A1 barnehage" in response.content.decode()
    assert "A2 barnehage" in response.content.decode()


def test_navigation_entry(client, world):
    client.force_login(world.users["consultant"])
    assert reverse("rapporter:dashboard") in client.get(reverse("home")).content.decode()
    client.force_login(world.users["observer"])
    assert reverse("rapporter:dashboard") not in client.get(reverse("home")).content.decode()


def test_toddler_department_uses_toddler_domains(client, world, data):
    client.force_login(world.users["consultant"])
    toddler = Avdeling.objects.get(barnehage=world.barnehage["own"], age_group="smabarn")
    html = client.get(reverse("rapporter:dashboard-avdeling", args=[toddler.pk])).content.decode()
    assert "EBS" in html and "ESL" in html and "EBS &gt; 5" in html
