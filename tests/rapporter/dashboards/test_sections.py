"""The dashboard's first screen and its sections (issue 11, item 6): what needs attention
comes first, then one section at a time, groups worst first, small groups marked, and a
municipality of hundreds of kindergartens does not list them all on the page."""

import csv
import io
import re

import pytest
from django.urls import reverse

from rapporter import selectors
from rapporter.dashboards import views
from tests.rapporter.dashboards.factories import build_dataset, build_framework, grow_kommune


@pytest.fixture
def kommune(world):
    kommune, _obs = build_dataset(world)
    build_framework(world)
    return kommune


def url(kommune, **params):
    return reverse("rapporter:dashboard-kommune", args=[kommune.slug]), params


def page(client, kommune, **params):
    path, query = url(kommune, **params)
    response = client.get(path, query)
    assert response.status_code == 200
    return response.content.decode()


def box(html: str, key: str) -> str:
    """One box of "Needs attention"."""
    part = html.split(f'data-attention="{key}"', 1)[1]
    return re.split(r'data-attention="|</section>', part, maxsplit=1)[0]


def count(html: str, key: str) -> str:
    return re.search(r'class="attention-count[^"]*">([^<]+)<', box(html, key)).group(1)


def row_labels(html: str, key: str) -> list[str]:
    table = html.split(f'id="table-{key}"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table)]


def test_needs_attention_comes_before_the_sections(client, world, kommune):
    client.force_login(world.users["consultant"])
    html = page(client, kommune)
    main = html.split("<main", 1)[1]
    assert main.index("Needs attention") < main.index('id="filter-heading"') < main.index(
        'id="dashboard-sections"')
    # Departments that fell a band: A1's pre-school department, high to middle in spring.
    data = selectors.load_observations(kommune)
    drops = selectors.band_drops(data)
    assert drops and count(html, "band-drops") == str(len(drops))
    pre = world.avdeling["own"]
    assert reverse("rapporter:dashboard-avdeling", args=[pre.pk]) in box(html, "band-drops")
    assert "high → middle" in box(html, "band-drops")
    assert "?section=band-drops#section-band-drops" in box(html, "band-drops")
    # Under a threshold: A1, observed once in spring (ES and CO under 5), marked as few.
    thresholds = box(html, "thresholds")
    assert count(html, "thresholds") == "1"
    assert "A1 barnehage" in thresholds and "ES 4,5" not in thresholds
    assert re.search(r"ES 4\.5 \(n=1\)", thresholds), thresholds
    assert '<abbr class="small-n" title="fewer than 5 observations: read with care">few' in (
        thresholds)
    # The plan past its deadline, the supervision whose follow-up is due, the round.
    assert count(html, "plans") == "1" and "Språk i hverdagen" in box(html, "plans")
    assert "#table-plans-overdue" in box(html, "plans")
    assert count(html, "supervision") == "1" and "A2 barnehage" in box(html, "supervision")
    assert "follow-up was due" in box(html, "supervision")
    assert "?intensified=on" in box(html, "supervision")
    # Spring 2025's round: three counted or submitted of four (the second coding is not one).
    assert count(html, "round") == "3/4"
    assert "3 of 4 observations submitted" in box(html, "round")


def test_one_section_at_a_time_each_at_its_own_address(client, world, kommune):
    client.force_login(world.users["consultant"])
    html = page(client, kommune)
    # The first instrument is shown; the others are links (htmx fetches them).
    assert 'id="table-barnehage-prek"' in html
    for absent in ("trend-toddler", "supervision", "plans-overdue", "rounds", "focus-areas"):
        assert f'id="table-{absent}"' not in html, absent
    assert 'aria-current="page"' in html.split('id="dashboard-sections"', 1)[1].split(
        "</nav>", 1)[0]
    assert 'href="?section=supervision#dashboard-sections"' in html
    assert 'hx-get="?section=supervision"' in html
    # Without JavaScript the link is a whole page, with the first screen on it.
    supervision = page(client, kommune, section="supervision")
    assert 'id="table-supervision"' in supervision and "Needs attention" in supervision
    assert 'id="table-barnehage-prek"' not in supervision
    # htmx gets the sections part only, and caches keep the two apart.
    path, query = url(kommune, section="supervision")
    response = client.get(path, query, HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="dashboard-sections")
    part = response.content.decode()
    assert "<html" not in part and "Needs attention" not in part
    assert part.lstrip().startswith('<div id="dashboard-sections"')
    assert 'id="table-supervision"' in part
    assert "HX-Request" in response["Vary"]
    # Going back in history without htmx's cache asks for the whole page again.
    restored = client.get(path, query, HTTP_HX_REQUEST="true",
                          HTTP_HX_HISTORY_RESTORE_REQUEST="true").content.decode()
    assert "<html" in restored and "Needs attention" in restored
    # An unknown section is the first one, not an error.
    assert 'id="table-barnehage-prek"' in page(client, kommune, section="nope")


def test_kindergartens_worst_first_and_only_the_worst_ten_on_the_page(client, world, kommune):
    grow_kommune(kommune, world.users["observer"], 12, prefix="G")
    client.force_login(world.users["consultant"])
    data = selectors.load_observations(kommune)
    groups = selectors.worst_first(selectors.domain_by(data, "prek", "barnehage",
                                                       semester=data.latest_semester))
    assert len(groups) == 13
    margins = [group.margin for group in groups]
    assert margins == sorted(margins) and margins[0] < margins[-1]
    html = page(client, kommune)
    assert row_labels(html, "barnehage-prek") == [group.label for group in groups[:10]]
    assert "The worst 10 of 13 are shown." in html
    assert 'href="?section=instrument-prek&amp;all=barnehage-prek#table-barnehage-prek"' in html
    everything = page(client, kommune, section="instrument-prek", all="barnehage-prek")
    assert row_labels(everything, "barnehage-prek") == [group.label for group in groups]
    # A download has every group, in the same order.
    path, _query = url(kommune)
    sheet = client.get(path, {"table": "barnehage-prek", "format": "csv"})
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))[1:]
    assert [row[0] for row in rows[:len(groups)]] == [group.label for group in groups]
    assert not {row[0] for row in rows[len(groups):] if row} & {g.label for g in groups}


def test_small_groups_are_marked_in_words(client, world, kommune):
    client.force_login(world.users["consultant"])
    html = page(client, kommune)
    table = html.split('id="table-barnehage-prek"', 1)[1].split("</table>", 1)[0]
    # A1 has one observation in spring: its figures say "few", not only a colour.
    assert "n=1" in table and ">few</abbr>" in table
    note = html.split('id="table-barnehage-prek"', 1)[1].split("</p>", 1)[0]
    assert "1 of 1 groups has fewer than 5 observations" in note
    assert "reports to politicians leave such groups out" in note


def test_long_lists_are_cut_with_a_link_to_all(client, world, kommune, monkeypatch):
    monkeypatch.setattr(views, "LONG_TABLE_LIMIT", 1)
    client.force_login(world.users["consultant"])
    html = page(client, kommune, section="band-drops")
    drops = selectors.band_drops(selectors.load_observations(kommune))
    assert len(drops) == 2
    assert len(row_labels(html, "band-drops")) == 1
    assert "?section=band-drops&amp;all=band-drops#table-band-drops" in html
    html = page(client, kommune, section="band-drops", all="band-drops")
    assert len(row_labels(html, "band-drops")) == 2


def test_leader_page_names_departments(client, world, kommune):
    client.force_login(world.users["leader"])
    a1 = world.barnehage["own"]
    html = client.get(reverse("rapporter:dashboard-barnehage", args=[a1.pk])).content.decode()
    assert "Departments at or under a research threshold" in box(html, "thresholds")
    assert "A2 barnehage" not in html.split('id="dashboard-sections"', 1)[0]
