"""The tables of the dashboards: one description that renders as HTML and downloads as CSV
or XLSX with the same figures.

A `Table` has typed columns; a cell of a "figure" column is a `selectors.Figure` (mean with
n), shown as one cell on the page and as two columns (mean, n) in a download, so a
spreadsheet gets numbers it can compute with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barnehager import downloads
from rapporter.selectors import BAND_LABELS, Figure

TEXT, NUMBER, SCORE, FIGURE, SHARE, DATE = "text", "number", "score", "figure", "share", "date"
SMALL_N_NOTE = gettext_lazy("fewer than 5 observations: read with care")
# The word beside the n of such a group: the mark is text, not a colour only.
SMALL_N_MARK = gettext_lazy("few")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Link:
    """A cell that links to a drill-down page; downloads keep the text only."""

    text: str
    url: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Score:
    """One observation's (or department's) score with its band."""

    value: float | None
    band: str | None = None


@dataclass(frozen=True)
class HtmlCell:
    html: SafeString
    numeric: bool

    def __str__(self) -> str:
        return self.html

    def __html__(self) -> str:
        return self.html


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    # On the page, only the first `limit` rows (a download has them all), with a link to
    # the page showing every row (`more_url`).
    limit: int | None = None
    more_url: str = ""

    @property
    def shown_rows(self) -> list[list[Any]]:
        return self.rows[:self.limit] if self.limit is not None else self.rows

    @property
    def truncated(self) -> bool:
        return self.limit is not None and len(self.rows) > self.limit

    @property
    def html_rows(self) -> list[list[HtmlCell]]:
        return [[HtmlCell(cell_html(column, value), column.kind != TEXT)
                 for column, value in zip(self.columns, row, strict=True)]
                for row in self.shown_rows]

    def export_header(self) -> list[str]:
        header = []
        for column in self.columns:
            if column.kind == FIGURE:
                mean = _("mean")
                header += [f"{column.label} ({mean})", f"{column.label} (n)"]
            elif column.kind == SCORE:
                band = _("band")
                header += [str(column.label), f"{column.label} ({band})"]
            else:
                header.append(str(column.label))
        return header

    def export_rows(self) -> list[list[Any]]:
        return [[value for column, cell in zip(self.columns, row, strict=True)
                 for value in export_values(column, cell)] for row in self.rows]


def _number(value: float, digits: int = 1) -> str:
    return formats.number_format(round(value, digits), digits)


def cell_html(column: Column, value: Any) -> SafeString:
    """A cell as escaped HTML: figures with n and band word, small groups marked."""
    if value is None:
        return format_html('<span aria-label="{}">–</span>', _("no data"))
    if isinstance(value, Link):
        if value.url:
            return format_html('<a href="{}">{}</a>', value.url, value.text)
        return format_html("{}", value.text)
    if column.kind == FIGURE:
        return figure_html(value)
    if column.kind == SCORE:
        if value.value is None:
            return mark_safe("–")
        return format_html('{} <span class="badge band-{}">{}</span>', _number(value.value),
                           value.band or "none", BAND_LABELS.get(value.band, ""))
    if column.kind == SHARE:
        return format_html("{} %", _number(100 * value, 0))
    if column.kind == DATE:  # in the reader's own format; a download keeps the date itself
        return format_html('<time datetime="{}">{}</time>', value.isoformat(),
                           formats.date_format(value, "SHORT_DATE_FORMAT"))
    if column.kind == NUMBER and isinstance(value, float):
        return format_html("{}", _number(value))
    return format_html("{}", value)


def figure_html(fig: Figure) -> SafeString:
    if fig.suppressed:
        return format_html('<span title="{}">– <small class="text-body-secondary">n={}'
                           "</small></span>", _("Fewer than 5 observations"), fig.n)
    if fig.mean is None:
        return mark_safe('<span class="text-body-secondary">– <small>n=0</small></span>')
    small = small_n_html() if fig.small else ""
    return format_html('<span class="text-nowrap">{} <span class="badge band-{}">{}</span> '
                       "<small>n={}{}</small></span>", _number(fig.mean), fig.band,
                       fig.band_label, fig.n, small)


def small_n_html() -> SafeString:
    """The text mark of a group under 5 observations ("few"), its meaning in the title."""
    return format_html(' <abbr class="small-n" title="{}">{}</abbr>', SMALL_N_NOTE,
                       SMALL_N_MARK)


def export_values(column: Column, value: Any) -> list[Any]:
    """Plain values for a download: numbers stay numbers (rounded to two decimals)."""
    if column.kind == FIGURE:
        if value is None:
            return [None, 0]
        return [None if value.mean is None else round(value.mean, 2), value.n]
    if column.kind == SCORE:
        if value is None or value.value is None:
            return [None, None]
        return [round(value.value, 2), str(BAND_LABELS.get(value.band, ""))]
    if value is None:
        return [None]
    if column.kind == DATE:
        return [value]
    if column.kind == SHARE:
        return [round(100 * value, 1)]
    if isinstance(value, float):
        return [round(value, 2)]
    if isinstance(value, int):
        return [value]
    return [str(value)]


def download(table: Table, fmt: str, page: str) -> HttpResponse:
    """The table as a CSV or XLSX file (see barnehager.downloads), its note below it."""
    return downloads.response(
        downloads.Sheet(table.key, table.export_header(), table.export_rows(),
                        notes=[str(table.note)] if table.note else ()),
        fmt, f"{page}-{table.key}")
