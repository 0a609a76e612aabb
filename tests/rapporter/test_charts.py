"""The SVG chart module: valid, accessible, CSP-safe markup with the values written out."""

import io
import xml.etree.ElementTree as ET

import pytest
import weasyprint
from django.utils import translation
from pypdf import PdfReader

from rapporter import charts
from rapporter.charts import Series, Threshold

SVG = "{http://www.w3.org/2000/svg}"


def bar():
    return charts.bar_chart(
        "Domain scores by kindergarten", "Emotional support per kindergarten, with n.",
        ["Eiksmarka barnehage", "<b>Jar</b> & co", "Fornebu"],
        [Series("ES", [5.84, 6.1, None], ns=[12, 3, 0], ranges=[(4.5, 6.5), None, None]),
         Series("IS", [2.7, 3.4, 2.1], ns=[12, 3, 2])],
        threshold=Threshold(5, "ES > 5"))


def grouped_by_domain():
    return charts.bar_chart(
        "Domains", "Mean per domain", ["ES", "CO", "IS"],
        [Series("Autumn 2024", [5.8, 5.1, 2.9], ns=[40, 40, 40]),
         Series("Spring 2025", [6.0, 5.3, 3.2], ns=[44, 44, 44])],
        category_thresholds=[Threshold(5, "ES > 5"), Threshold(5, "CO > 5"),
                             Threshold(3, "IS > 3")])


def line():
    return charts.line_chart(
        "Trend", "Domain means per semester", ["Spring 2024", "Autumn 2024", "Spring 2025"],
        [Series("ES", [5.5, None, 6.03], ns=[10, 0, 15]), Series("IS", [2.5, 2.8, 3.1])],
        thresholds=[Threshold(5, "ES > 5"), Threshold(3, "IS > 3")])


def band():
    return charts.band_chart(
        "Bands", "Observations per band", ["ES", "CO", "IS"],
        [{"low": 1, "middle": 10, "high": 20}, {"low": 0, "middle": 25, "high": 6}, None],
        band_labels={"low": "low", "middle": "middle", "high": "high"})


ALL = [bar, grouped_by_domain, line, band]


def texts(root):
    return " ".join(" ".join(element.itertext()) for element in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("make", ALL, ids=lambda make: make.__name__)
def test_valid_accessible_svg_without_styles(make):
    with translation.override("en"):
        chart = make()
    root = ET.fromstring(str(chart))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == chart.title and desc.text == chart.description
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert not list(root.iter(f"{SVG}style"))
    assert all("style" not in element.attrib for element in root.iter())
    assert "<script" not in str(chart) and "javascript:" not in str(chart)
    # Every pattern a shape fills with is defined in the chart.
    defined = {element.get("id") for element in root.iter(f"{SVG}pattern")}
    used = {element.get("fill")[5:-1] for element in root.iter()
            if (element.get("fill") or "").startswith("url(#")}
    assert used <= defined


def test_bar_chart_writes_values_n_threshold_and_escapes_labels():
    with translation.override("en"):
        chart = bar()
    root = ET.fromstring(str(chart))
    written = texts(root)
    assert "5.8 (n=12)" in written and "3.4 (n=3)" in written
    assert "– (n=0)" in written  # no data: no bar, a dash
    assert "ES > 5" in written
    assert "<b>Jar</b> & co" in written and "&lt;b&gt;" in str(chart)
    # Two series: the second is hatched, so colour is not the only signal.
    assert len(list(root.iter(f"{SVG}pattern"))) == 1
    # The spread whisker is drawn.
    assert any(path.get("d", "").startswith("M") for path in root.iter(f"{SVG}path"))


def test_numbers_follow_the_active_language():
    with translation.override("nb"):
        assert "5,8 (n=12)" in texts(ET.fromstring(str(bar())))


def test_grouped_chart_marks_each_categorys_threshold():
    root = ET.fromstring(str(grouped_by_domain()))
    dashed = [element for element in root.iter(f"{SVG}line")
              if element.get("stroke-dasharray") == "4 3"]
    assert len(dashed) == 3
    assert {"ES > 5", "CO > 5", "IS > 3"} == {element.find(f"{SVG}title").text
                                              for element in dashed}


def test_line_chart_breaks_at_missing_values_and_labels_points():
    with translation.override("en"):
        root = ET.fromstring(str(line()))
    written = texts(root)
    assert "6.0" in written and "IS > 3" in written and "Autumn 2024" in written
    # ES has a gap, so only IS draws a polyline; ES's two points are still marked.
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    assert len(list(root.iter(f"{SVG}circle"))) >= 3


def test_line_chart_over_many_semesters_writes_labels_that_do_not_overlap():
    semesters = [f"{season} {year}" for year in range(2016, 2026) for season in ("Vår", "Høst")]
    root = ET.fromstring(str(charts.line_chart(
        "Trend", "Ten years", semesters, [Series("ES", [5.0] * len(semesters))])))
    labels = [(float(node.get("x")), node.text) for node in root.iter(f"{SVG}text")
              if node.text in semesters]
    assert labels[-1][1] == "Høst 2025" and 3 <= len(labels) < len(semesters)
    width = max(len(text) for _x, text in labels) * charts.CHAR_WIDTH
    positions = [x for x, _text in labels]
    assert all(positions[i + 1] - positions[i] >= width for i in range(len(positions) - 1))


def test_band_chart_writes_counts_shares_and_band_words():
    root = ET.fromstring(str(band()))
    written = texts(root)
    assert "20 (65 %)" in written and "n=31" in written
    assert {"low", "middle", "high"} <= set(written.split())
    assert "–" in written  # the category without data


def test_same_input_same_ids_and_different_charts_do_not_clash():
    assert str(bar()) == str(bar())
    assert bar().chart_id != line().chart_id != band().chart_id


def test_charts_embed_in_a_weasyprint_pdf():
    with translation.override("en"):
        html = "".join(f"<div>{make()}</div>" for make in ALL)
    pdf = weasyprint.HTML(string=f"<html lang='en'><body>{html}</body></html>").write_pdf()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # SVG text is placed glyph by glyph, so the extracted text loses its spaces.
    compact = "".join(text.split())
    assert "5.8(n=12)" in compact and "IS>3" in compact and "20(65%)" in compact


def test_percent_scale_has_a_readable_number_of_ticks():
    chart = charts.bar_chart("Share good", "Per theme", ["A", "B"],
                             [Series("Share", [50.0, 75.0], ns=[6, 4])], scale=(0, 100))
    ticks = [text.text for text in ET.fromstring(str(chart)).iter(f"{SVG}text")
             if text.get("text-anchor") == "middle"]
    assert ticks == ["0", "10", "20", "30", "40", "50", "60", "70", "80", "90", "100"]


LONG_LABELS = [
    "IS Støtte til læring og utvikling",
    "EBS Følelsesmæssig og adfærdsmæssig støtte",
    "Den kommunale barnehagen på Nordre Eiksmarka og Steinskogen",
    "Fagerborg-Eiksmarka-Sandvika-Stabekk-Bekkestua-barnehage",
    "ES",
]


def shown_labels(root):
    """Each category label as drawn: (the visible lines joined, its <title> or None)."""
    found = []
    for text in root.iter(f"{SVG}text"):
        spans = text.findall(f"{SVG}tspan")
        if spans:
            title = text.find(f"{SVG}title")
            found.append((" ".join(span.text or "" for span in spans),
                          title.text if title is not None else None))
    return found


@pytest.mark.parametrize("kind", ["bar", "band"])
def test_no_chart_label_is_cut(kind):
    """A long label wraps over two lines; what still does not fit is shortened, and then the
    whole label is the text's <title>: no label is ever lost."""
    if kind == "bar":
        chart = charts.bar_chart("Long", "Long labels", LONG_LABELS,
                                 [Series("2025", [5.1, 3.2, 4.4, 2.0, 6.1], ns=[9] * 5)])
    else:
        chart = charts.band_chart("Long", "Long labels", LONG_LABELS,
                                  [{"low": 1, "middle": 2, "high": 3}] * 5,
                                  band_labels={"low": "low", "middle": "middle", "high": "high"})
    drawn = shown_labels(ET.fromstring(str(chart)))
    assert len(drawn) == len(LONG_LABELS)
    for label, (visible, title) in zip(LONG_LABELS, drawn, strict=True):
        assert visible == label or title == label, (label, visible, title)
        if "…" in visible:
            assert title == label
    # The domain names of the reports fit whole on two lines, without "…".
    assert drawn[0] == ("IS Støtte til læring og utvikling", None)
    assert drawn[1][0] == "EBS Følelsesmæssig og adfærdsmæssig støtte"


def test_no_threshold_line_crosses_a_value_label():
    """Values just under or over a threshold (4.9 and 5.1 against 5, 2.6 against 3): the
    label is written after the dashed line, not through it."""
    with translation.override("nb"):
        chart = charts.bar_chart(
            "Domains", "Mean per domain", LONG_LABELS[:3],
            [Series("2024", [5.6, 4.9, 2.4], ns=[23, 23, 23]),
             Series("2025", [5.7, 5.1, 2.6], ns=[46, 46, 46])],
            category_thresholds=[Threshold(5, "ES > 5"), Threshold(5, "CO > 5"),
                                 Threshold(3, "IS > 3")])
    root = ET.fromstring(str(chart))
    lines = [(float(line.get("x1")), float(line.get("y1")), float(line.get("y2")))
             for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    labels = [(float(text.get("x")), float(text.get("y")), text.text)
              for text in root.iter(f"{SVG}text") if "(n=" in (text.text or "")]
    assert len(lines) == 3 and len(labels) == 6
    for x, baseline, text in labels:
        width = len(text) * 11 * 0.6
        for line_x, top, bottom in lines:
            crosses_height = top <= baseline and baseline - 11 <= bottom
            assert not (crosses_height and x <= line_x <= x + width), (text, line_x)
