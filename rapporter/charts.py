"""Server-side SVG charts for the dashboards and the PDF reports: no chart code elsewhere.

Three kinds, each a plain function that returns a `Chart` (an SVG string that is safe to
insert into a template with `{{ chart }}` and into WeasyPrint's HTML unchanged):

- `bar_chart`: horizontal bars, grouped when there are several series, on the 1-7
  scale, with an optional threshold line for the whole chart or one per category
  (the research thresholds), whiskers for a spread and "n=" beside every value.
- `line_chart`: a trend over semesters, one line per series, with threshold lines.
- `band_chart`: 100 % stacked bars of the low / middle / high distribution.

The SVG works under the strict CSP and in WeasyPrint: presentation attributes only (no
`<style>`, no `style=`), a `viewBox`, `role="img"` with `aria-labelledby` pointing at
its `<title>` and `<desc>`. Colour is never the only signal: series differ by fill
pattern (bars) or dash and marker shape (lines), bands carry their word in the legend,
and values are written as text. The caller puts a table with the same figures next to
every chart (the dashboards do; so must a report).

Values of None (no data, or suppressed for privacy) draw no bar and the label "–".
Cost, measured at Bærum's size (86 kindergartens): 0.1-0.7 ms for a trend, a band chart or a
chart of three domains; about 5 ms for 86 kindergartens x 3 domains.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal", "vertical", "checks")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")
# Bands: fill colour, pattern and a dark ink for text and strokes.
BAND_STYLE = {
    "low": ("#F4B6B0", "diagonal", "#7A1F16"),
    "middle": ("#FBE3A1", "dots", "#5C4300"),
    "high": ("#A9D8C0", "solid", "#0B4A2E"),
}
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
INK = "#212529"
MUTED = "#6C757D"
GRID = "#DEE2E6"
WIDTH = 640
CHAR_WIDTH = 7.0  # generous width of a 12px character, to size label columns
# A category label wraps at about this many characters, over at most this many lines.
LABEL_CHARS = 30
LABEL_LINES = 2


@dataclass(frozen=True)
class Series:
    """A named row of values (one per category), with n and optional spread per value."""

    label: str
    values: Sequence[float | None]
    ns: Sequence[int | None] | None = None
    ranges: Sequence[tuple[float, float] | None] | None = None
    # Bar charts: a dashed mark across each bar of this series (e.g. ES > 5, IS > 3).
    threshold: Threshold | None = None


@dataclass(frozen=True)
class Threshold:
    value: float
    label: str


@dataclass(frozen=True)
class Chart:
    """An SVG chart; `str(chart)` and `{{ chart }}` give the markup."""

    svg: SafeString
    title: str
    description: str
    chart_id: str

    def __str__(self) -> str:
        return self.svg

    def __html__(self) -> str:
        return self.svg


# Helpers ---------------------------------------------------------------------------

def _esc(text: object) -> str:
    return _xml_escape(str(text), {'"': "&quot;"})


def _num(value: float, digits: int = 1) -> str:
    return formats.number_format(round(value, digits), digits)


def _fmt(x: float) -> str:
    """Coordinates with at most one decimal, no trailing zeros."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _value_label(value: float | None, n: int | None) -> str:
    text = "–" if value is None else _num(value)
    return f"{text} (n={n})" if n is not None else text


def _chart_id(kind: str, *parts: object) -> str:
    digest = hashlib.blake2s(repr((kind, parts)).encode(), digest_size=5).hexdigest()
    return f"chart-{kind}-{digest}"


def _truncate(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def _wrap(label: str, chars: int, lines: int = LABEL_LINES) -> list[str]:
    """A label broken at spaces into at most `lines` lines of about `chars` characters;
    only what does not fit even then is shortened with "…" (and `_label` then carries the
    full text in a <title>)."""
    rows: list[str] = []
    for word in label.split():
        if rows and len(rows[-1]) + 1 + len(word) <= chars:
            rows[-1] += " " + word
        else:
            rows.append(word)
    if not rows:
        return [""]
    if len(rows) > lines:
        rows = [*rows[: lines - 1], " ".join(rows[lines - 1:])]
    return [_truncate(row, chars) for row in rows]


def _label(x: float, y: float, label: str, chars: int, *, anchor: str = "end",
           line_height: float = 13.0) -> str:
    """A category label right-aligned at `x`, centred on `y`, wrapped over two lines; the
    whole label is in the <title> whenever what is shown is not the whole label."""
    rows = _wrap(label, chars)
    full = f"<title>{_esc(label)}</title>" if " ".join(rows) != " ".join(label.split()) else ""
    first = y + 4 - (len(rows) - 1) * line_height / 2
    spans = "".join(f'<tspan x="{_fmt(x)}" y="{_fmt(first + i * line_height)}">{_esc(row)}'
                    "</tspan>" for i, row in enumerate(rows))
    return f'<text x="{_fmt(x)}" y="{_fmt(first)}" text-anchor="{anchor}">{full}{spans}</text>'


def _label_columns(categories: Sequence[object]) -> tuple[int, int]:
    """(characters per line, lines of the longest label) for a label column."""
    longest = max([len(str(c)) for c in categories] + [4])
    chars = min(LABEL_CHARS, longest)
    return chars, max(len(_wrap(str(c), chars)) for c in categories) if categories else 1


def _text_width(text: str, size: float = 11) -> float:
    """A generous estimate of a text's width in the chart's sans-serif font."""
    return len(text) * size * 0.6


def _ticks(lo: float, hi: float) -> range:
    """Whole steps on the 1-7 scale; tens (or more) on a wider scale such as 0-100 %."""
    span = hi - lo
    step = next(step for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
                if span / step <= 10 or step == 1000)
    return range(int(lo), int(hi) + 1, step)


def _pattern(pid: str, pattern: str, colour: str, ink: str = "#FFFFFF") -> str:
    """A 6x6 tile: the colour plus marks in `ink` (lines, dots, a cross ...)."""
    marks = {
        "solid": "",
        "diagonal": f'<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="{ink}" '
                    'stroke-width="1.4"/>',
        "dots": f'<circle cx="3" cy="3" r="1.3" fill="{ink}"/>',
        "cross": f'<path d="M0,3 h6 M3,0 v6" stroke="{ink}" stroke-width="1.2"/>',
        "horizontal": f'<path d="M0,3 h6" stroke="{ink}" stroke-width="1.4"/>',
        "vertical": f'<path d="M3,0 v6" stroke="{ink}" stroke-width="1.4"/>',
        "checks": f'<rect x="0" y="0" width="3" height="3" fill="{ink}"/>'
                  f'<rect x="3" y="3" width="3" height="3" fill="{ink}"/>',
    }[pattern]
    return (f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="6" height="6">'
            f'<rect width="6" height="6" fill="{colour}"/>{marks}</pattern>')


def _open(chart_id: str, title: str, description: str, height: float, defs: str = "") -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_fmt(height)}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}" font-size="12" fill="{INK}" class="kv-chart">',
        f'<title id="{chart_id}-title">{_esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{_esc(description)}</desc>',
        f"<defs>{defs}</defs>" if defs else "",
    ]


def _finish(parts: list[str], chart_id: str, title: str, description: str) -> Chart:
    parts.append("</svg>")
    # Every text and attribute value above went through _esc.
    return Chart(mark_safe("".join(parts)), title, description, chart_id)


def _legend(entries: list[tuple[str, str]], y: float) -> tuple[str, float]:
    """Legend entries (each an SVG fragment of width <= 22 plus its label) on one row."""
    out, x = [], 0.0
    for fragment, label in entries:
        width = 28 + len(label) * CHAR_WIDTH + 18
        if x + width > WIDTH and x > 0:
            x, y = 0.0, y + 18
        out.append(f'<g transform="translate({_fmt(x)},{_fmt(y)})">{fragment}'
                   f'<text x="28" y="11">{_esc(label)}</text></g>')
        x += width
    return "".join(out), y + 18


# Bar chart -------------------------------------------------------------------------

def bar_chart(title: str, description: str, categories: Sequence[str],
              series: Sequence[Series], *, threshold: Threshold | None = None,
              category_thresholds: Sequence[Threshold | None] | None = None,
              scale: tuple[float, float] = (1, 7), chart_id: str | None = None) -> Chart:
    """Horizontal (grouped) bars: one group per category, one bar per series.

    `threshold` draws one dashed line across the chart; `category_thresholds` one per
    category (e.g. ES > 5, IS > 3 when the categories are domains); `Series.threshold`
    a dashed mark across each bar of that series (when the series are domains).
    `Series.ranges` draws a whisker from low to high over each bar (the spread).
    """
    chart_id = chart_id or _chart_id("bar", title, description, categories,
                                     [(s.label, s.values, s.ns, s.ranges, s.threshold)
                                      for s in series], threshold, category_thresholds)
    lo, hi = scale
    label_chars, label_lines = _label_columns(categories)
    left = 12 + label_chars * CHAR_WIDTH
    right = WIDTH - 92
    span = right - left

    def x_of(value: float) -> float:
        return left + (min(max(value, lo), hi) - lo) / (hi - lo) * span

    patterns = "".join(_pattern(f"{chart_id}-p{i}", PATTERNS[i % len(PATTERNS)],
                                COLOURS[i % len(COLOURS)]) for i in range(len(series))
                       if PATTERNS[i % len(PATTERNS)] != "solid")

    def fill(i: int) -> str:
        if PATTERNS[i % len(PATTERNS)] == "solid":
            return COLOURS[i % len(COLOURS)]
        return f"url(#{chart_id}-p{i})"

    top = 8.0
    legend = ""
    if len(series) > 1:
        legend, top = _legend([
            (f'<rect width="22" height="12" fill="{fill(i)}" stroke="{INK}" '
             'stroke-width="0.5"/>', s.label) for i, s in enumerate(series)], top)
        top += 4
    bar, gap, group_pad = 14.0, 2.0, 10.0
    group_height = max(len(series) * (bar + gap) - gap, label_lines * 13.0) + group_pad
    plot_top = top + 16
    plot_bottom = plot_top + max(1, len(categories)) * group_height
    height = plot_bottom + 26
    parts = _open(chart_id, title, description, height, patterns)
    parts.append(legend)
    # Grid and axis labels.
    for tick in _ticks(lo, hi):
        x = _fmt(x_of(tick))
        parts.append(f'<line x1="{x}" y1="{_fmt(plot_top)}" x2="{x}" y2="{_fmt(plot_bottom)}" '
                     f'stroke="{GRID}" stroke-width="1"/>'
                     f'<text x="{x}" y="{_fmt(plot_bottom + 16)}" text-anchor="middle" '
                     f'fill="{MUTED}">{tick}</text>')
    bars_height = len(series) * (bar + gap) - gap
    for index, category in enumerate(categories):
        y0 = plot_top + index * group_height + group_pad / 2
        bars_top = y0 + (group_height - group_pad - bars_height) / 2
        parts.append(_label(left - 8, y0 + (group_height - group_pad) / 2, str(category),
                            label_chars))
        mark = category_thresholds[index] if category_thresholds is not None else None
        for i, row in enumerate(series):
            value = row.values[index]
            n = row.ns[index] if row.ns is not None else None
            y = bars_top + i * (bar + gap)
            if value is not None:
                parts.append(f'<rect x="{_fmt(left)}" y="{_fmt(y)}" '
                             f'width="{_fmt(max(x_of(value) - left, 1))}" height="{_fmt(bar)}" '
                             f'fill="{fill(i)}" stroke="{INK}" stroke-width="0.5"/>')
            spread = row.ranges[index] if row.ranges is not None else None
            end = x_of(value) if value is not None else left
            if spread is not None:
                low, high = x_of(spread[0]), x_of(spread[1])
                mid = _fmt(y + bar / 2)
                parts.append(f'<path d="M{_fmt(low)},{mid} H{_fmt(high)} M{_fmt(low)},'
                             f'{_fmt(y + 3)} v{_fmt(bar - 6)} M{_fmt(high)},{_fmt(y + 3)} '
                             f'v{_fmt(bar - 6)}" stroke="{INK}" stroke-width="1.2" fill="none"/>')
                end = max(end, high)
            if row.threshold is not None:
                x = _fmt(x_of(row.threshold.value))
                parts.append(f'<line x1="{x}" y1="{_fmt(y - 1)}" x2="{x}" '
                             f'y2="{_fmt(y + bar + 1)}" stroke="{INK}" stroke-width="2" '
                             f'stroke-dasharray="3 2"><title>{_esc(row.threshold.label)}'
                             '</title></line>')
                end = max(end, x_of(row.threshold.value))
            text = _value_label(value, n)
            # The value is written after the bar; a threshold line that would run through
            # it (or through the few points before it) puts it after the line instead.
            for line_x in [x_of(t.value) for t in (mark, threshold) if t is not None]:
                if end - 2 <= line_x <= end + 6 + _text_width(text):
                    end = max(end, line_x)
            parts.append(f'<text x="{_fmt(end + 4)}" y="{_fmt(y + bar - 3)}" font-size="11">'
                         f'{_esc(text)}</text>')
        if mark is not None:
            x = _fmt(x_of(mark.value))
            parts.append(f'<line x1="{x}" y1="{_fmt(bars_top - 3)}" x2="{x}" '
                         f'y2="{_fmt(bars_top + bars_height + 3)}" stroke="{INK}" '
                         f'stroke-width="2" stroke-dasharray="4 3"><title>{_esc(mark.label)}'
                         '</title></line>')
    parts.append(f'<line x1="{_fmt(left)}" y1="{_fmt(plot_top)}" x2="{_fmt(left)}" '
                 f'y2="{_fmt(plot_bottom)}" stroke="{INK}" stroke-width="1"/>')
    if threshold is not None:
        x = _fmt(x_of(threshold.value))
        parts.append(f'<line x1="{x}" y1="{_fmt(plot_top - 4)}" x2="{x}" '
                     f'y2="{_fmt(plot_bottom)}" stroke="{INK}" stroke-width="2" '
                     f'stroke-dasharray="6 4"/><text x="{x}" y="{_fmt(plot_top - 6)}" '
                     f'text-anchor="middle" font-size="11">{_esc(threshold.label)}</text>')
    elif any(row.threshold for row in series) or (
            category_thresholds is not None and any(category_thresholds)):
        # Outside the f-string, where makemessages finds the msgid.
        note = _esc(_("Dashed line: research threshold"))
        parts.append(f'<text x="{_fmt(right)}" y="{_fmt(plot_top - 4)}" text-anchor="end" '
                     f'font-size="11" fill="{MUTED}">{note}</text>')
    return _finish(parts, chart_id, title, description)


# Line chart ------------------------------------------------------------------------

def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return (f'<rect x="{_fmt(x - 4)}" y="{_fmt(y - 4)}" width="8" height="8" '
                f'fill="{colour}"/>')
    if shape == "triangle":
        return (f'<path d="M{_fmt(x)},{_fmt(y - 5)} L{_fmt(x + 5)},{_fmt(y + 4)} '
                f'L{_fmt(x - 5)},{_fmt(y + 4)} Z" fill="{colour}"/>')
    if shape == "diamond":
        return (f'<path d="M{_fmt(x)},{_fmt(y - 5)} L{_fmt(x + 5)},{_fmt(y)} '
                f'L{_fmt(x)},{_fmt(y + 5)} L{_fmt(x - 5)},{_fmt(y)} Z" fill="{colour}"/>')
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="4" fill="{colour}"/>'


def line_chart(title: str, description: str, x_labels: Sequence[str],
               series: Sequence[Series], *, thresholds: Sequence[Threshold] = (),
               scale: tuple[float, float] = (1, 7), chart_id: str | None = None) -> Chart:
    """A trend: one line per series over `x_labels` (semesters), values written at points.

    A None value breaks the line. Each series has its own dash pattern and marker shape.
    """
    chart_id = chart_id or _chart_id("line", title, description, x_labels,
                                     [(s.label, s.values, s.ns) for s in series],
                                     [(t.value, t.label) for t in thresholds])
    lo, hi = scale
    legend, top = _legend([
        (f'<line x1="0" y1="6" x2="22" y2="6" stroke="{COLOURS[i % len(COLOURS)]}" '
         f'stroke-width="2.5" stroke-dasharray="{DASHES[i % len(DASHES)]}"/>'
         + _marker(MARKERS[i % len(MARKERS)], 11, 6, COLOURS[i % len(COLOURS)]), s.label)
        for i, s in enumerate(series)], 4.0)
    left, right = 40.0, WIDTH - 120
    plot_top, plot_height = top + 12, 220.0
    plot_bottom = plot_top + plot_height
    height = plot_bottom + 34

    def y_of(value: float) -> float:
        return plot_bottom - (min(max(value, lo), hi) - lo) / (hi - lo) * plot_height

    count = len(x_labels)
    step = (right - left) / max(count - 1, 1)

    def x_of(index: int) -> float:
        return left + index * step if count > 1 else (left + right) / 2

    parts = _open(chart_id, title, description, height)
    parts.append(legend)
    for tick in _ticks(lo, hi):
        y = _fmt(y_of(tick))
        parts.append(f'<line x1="{_fmt(left)}" y1="{y}" x2="{_fmt(right)}" y2="{y}" '
                     f'stroke="{GRID}" stroke-width="1"/><text x="{_fmt(left - 8)}" '
                     f'y="{_fmt(y_of(tick) + 4)}" text-anchor="end" fill="{MUTED}">{tick}</text>')
    # Years of semesters do not fit side by side: then every `every`-th one is written, the
    # newest always (the chart's table gives them all).
    longest = max((len(str(label)) for label in x_labels), default=0)
    every = max(1, math.ceil((longest + 1) * CHAR_WIDTH / step)) if count > 1 else 1
    label_chars = max(6, int(every * step / CHAR_WIDTH)) if count > 1 else 40
    for index, label in enumerate(x_labels):
        if (count - 1 - index) % every:
            continue
        parts.append(f'<text x="{_fmt(x_of(index))}" y="{_fmt(plot_bottom + 18)}" '
                     f'text-anchor="middle">{_esc(_truncate(str(label), label_chars))}</text>')
    for threshold in thresholds:
        y = _fmt(y_of(threshold.value))
        parts.append(f'<line x1="{_fmt(left)}" y1="{y}" x2="{_fmt(right)}" y2="{y}" '
                     f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
                     f'<text x="{_fmt(right + 6)}" y="{_fmt(y_of(threshold.value) + 4)}" '
                     f'font-size="11">{_esc(threshold.label)}</text>')
    for i, row in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        segments, current = [], []
        for index, value in enumerate(row.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x_of(index), y_of(value)))
        if current:
            segments.append(current)
        for segment in segments:
            if len(segment) > 1:
                points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in segment)
                parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                             f'stroke-width="2.5" stroke-dasharray="{DASHES[i % len(DASHES)]}"/>')
        for index, value in enumerate(row.values):
            if value is None:
                continue
            x, y = x_of(index), y_of(value)
            n = row.ns[index] if row.ns is not None else None
            parts.append(_marker(MARKERS[i % len(MARKERS)], x, y, colour))
            parts.append(f'<text x="{_fmt(x + 7)}" y="{_fmt(y - 6)}" font-size="10">'
                         f'<title>{_esc(row.label)}: {_esc(_value_label(value, n))}</title>'
                         f'{_esc(_num(value))}</text>')
    parts.append(f'<line x1="{_fmt(left)}" y1="{_fmt(plot_bottom)}" x2="{_fmt(right)}" '
                 f'y2="{_fmt(plot_bottom)}" stroke="{INK}" stroke-width="1"/>')
    return _finish(parts, chart_id, title, description)


# Band distribution -----------------------------------------------------------------

def band_chart(title: str, description: str, categories: Sequence[str],
               counts: Sequence[dict[str, int] | None], *, band_labels: dict[str, str],
               chart_id: str | None = None) -> Chart:
    """100 % stacked bars of low / middle / high per category, counts written inside.

    `counts[i]` maps "low", "middle", "high" to a number of observations; None (or all
    zero) means no data or suppressed and draws "–". `band_labels` gives the words.
    """
    chart_id = chart_id or _chart_id("band", title, description, categories,
                                     [tuple(sorted(c.items())) if c else None for c in counts])
    bands = tuple(BAND_STYLE)
    defs = "".join(_pattern(f"{chart_id}-{band}", BAND_STYLE[band][1], BAND_STYLE[band][0],
                            BAND_STYLE[band][2]) for band in bands
                   if BAND_STYLE[band][1] != "solid")

    def fill(band: str) -> str:
        colour, pattern, _ink = BAND_STYLE[band]
        return colour if pattern == "solid" else f"url(#{chart_id}-{band})"

    legend, top = _legend([
        (f'<rect width="22" height="12" fill="{fill(band)}" stroke="{INK}" '
         'stroke-width="0.5"/>', str(band_labels[band])) for band in bands], 4.0)
    label_chars, label_lines = _label_columns(categories)
    left = 12 + label_chars * CHAR_WIDTH
    right = WIDTH - 60
    bar, row_height = 20.0, max(28.0, label_lines * 13.0 + 6)
    plot_top = top + 6
    plot_bottom = plot_top + max(1, len(categories)) * row_height
    height = plot_bottom + 24
    parts = _open(chart_id, title, description, height, defs)
    parts.append(legend)
    for share in (0, 25, 50, 75, 100):
        x = _fmt(left + share / 100 * (right - left))
        parts.append(f'<line x1="{x}" y1="{_fmt(plot_top)}" x2="{x}" y2="{_fmt(plot_bottom)}" '
                     f'stroke="{GRID}" stroke-width="1"/><text x="{x}" '
                     f'y="{_fmt(plot_bottom + 16)}" text-anchor="middle" fill="{MUTED}">'
                     f'{share} %</text>')
    for index, category in enumerate(categories):
        y = plot_top + index * row_height + (row_height - bar) / 2
        parts.append(_label(left - 8, y + bar / 2, str(category), label_chars))
        row = counts[index] or {}
        total = sum(row.get(band, 0) for band in bands)
        if not total:
            parts.append(f'<text x="{_fmt(left + 4)}" y="{_fmt(y + bar / 2 + 4)}">–</text>')
            continue
        x = left
        for band in bands:
            value = row.get(band, 0)
            if not value:
                continue
            width = value / total * (right - left)
            ink = BAND_STYLE[band][2]
            parts.append(f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(width)}" '
                         f'height="{_fmt(bar)}" fill="{fill(band)}" stroke="{ink}" '
                         f'stroke-width="0.8"><title>{_esc(band_labels[band])}: {value}</title>'
                         '</rect>')
            text = f"{value} ({round(100 * value / total)} %)"
            if width >= len(text) * 6.2 + 8:
                box = len(text) * 6.2 + 4
                parts.append(f'<rect x="{_fmt(x + width / 2 - box / 2)}" y="{_fmt(y + 3)}" '
                             f'width="{_fmt(box)}" height="{_fmt(bar - 6)}" fill="#FFFFFF" '
                             f'rx="2"/><text x="{_fmt(x + width / 2)}" y="{_fmt(y + bar / 2 + 4)}" '
                             f'text-anchor="middle" font-size="11" fill="{ink}">{_esc(text)}'
                             '</text>')
            x += width
        parts.append(f'<text x="{_fmt(right + 6)}" y="{_fmt(y + bar / 2 + 4)}" font-size="11">'
                     f'n={total}</text>')
    return _finish(parts, chart_id, title, description)
