"""The one way the product writes a table for download, as CSV or XLSX.

- CSV is UTF-8 with a byte-order mark: without it Excel reads the file as the system's
  code page and garbles æøå.
- Cells are formula-safe: a text cell that begins with =, +, -, @, a tab or a carriage
  return would be run as a formula by a spreadsheet (CSV injection). In CSV it is written
  with a leading apostrophe; in XLSX it is written as an explicit string cell (openpyxl
  would otherwise store text starting with "=" as a formula) with Excel's quote prefix,
  so it stays text even when someone edits the cell. Numbers stay numbers.
- The file name is a slug with the format's extension, sent in a Content-Disposition
  header Django builds, so a kindergarten's name cannot break the header.

openpyxl is imported inside `to_xlsx`: only a process that writes XLSX pays for it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from barnehager import audit
from barnehager.models import AuditAction

CSV, XLSX = "csv", "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = frozenset(CONTENT_TYPES)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"
# Characters an XLSX sheet name may not hold, and its longest length.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31


@dataclass(frozen=True)
class Sheet:
    """A table to download. `decimals` maps a column's index to the number of decimals its
    numbers are written with; `notes` are lines written after the rows. `delimiter` is the
    CSV separator (a semicolon for a file people fill in with Excel in Norway or Denmark,
    whose list separator it is)."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    decimals: Mapping[int, int] = field(default_factory=dict)
    notes: Sequence[str] = ()
    delimiter: str = ","


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _csv_value(value: object, decimals: int | None) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return f"{value:.{decimals}f}" if decimals is not None else value
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if is_formula_like(text) else text


def to_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sheet.delimiter)
    writer.writerow([_csv_value(name, None) for name in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_value(value, sheet.decimals.get(index))
                         for index, value in enumerate(row)])
    if sheet.notes:
        writer.writerow([])
        writer.writerows([_csv_value(note, None)] for note in sheet.notes)
    return (BYTE_ORDER_MARK + buffer.getvalue()).encode("utf-8")


def sheet_name(name: str) -> str:
    return SHEET_NAME_FORBIDDEN.sub("", name).strip()[:SHEET_NAME_LENGTH] or "Sheet"


def to_xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet_name(sheet.name))

    def cell(value: object, decimals: int | None = None, *, bold: bool = False
             ) -> WriteOnlyCell:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            written = WriteOnlyCell(worksheet, value=round(value, decimals)
                                    if decimals is not None else value)
            if decimals:
                written.number_format = "0." + "0" * decimals
        elif value is None or isinstance(value, date):
            written = WriteOnlyCell(worksheet, value=value)
        else:
            text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            written = WriteOnlyCell(worksheet, value=text)
            written.data_type = "s"  # never a formula, whatever the text begins with
            written.quotePrefix = is_formula_like(text)
        if bold:
            written.font = Font(bold=True)
        return written

    worksheet.append([cell(name, bold=True) for name in sheet.header])
    for row in sheet.rows:
        worksheet.append([cell(value, sheet.decimals.get(index))
                          for index, value in enumerate(row)])
    if sheet.notes:
        worksheet.append([])
        for note in sheet.notes:
            worksheet.append([cell(note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def content(sheet: Sheet, fmt: str) -> bytes:
    """The file's bytes in `fmt` (one of FORMATS)."""
    return to_xlsx(sheet) if fmt == XLSX else to_csv(sheet)


def filename(stem: str, fmt: str) -> str:
    """A file name made only of ASCII letters, digits and dashes, with the extension."""
    return f"{slugify(stem) or 'download'}.{fmt}"


def response(sheet: Sheet, fmt: str, stem: str) -> HttpResponse:
    """The sheet as an attachment named after `stem`; the download is in the audit log."""
    download = HttpResponse(content(sheet, fmt), content_type=CONTENT_TYPES[fmt])
    name = filename(stem, fmt)
    download["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=name)
    audit.record(AuditAction.EXPORT, label=name, details={"format": fmt, "sheet": sheet.name})
    return download
