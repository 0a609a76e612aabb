"""Exporting submitted observations with their results, as CSV or XLSX.

One row per observation: where, when, who, which instrument, the number of valid cycles,
each dimension's mean and each domain's score (columns named by their codes, two
decimals) and each domain's band. Every number comes from `scoring`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db.models import Prefetch

from observasjoner import scoring
from observasjoner.access import DONE_STATUSES
from observasjoner.models import Instrument, Observasjon, Skaar, Syklus

FIXED_COLUMNS = ["observation_id", "kommune", "runde", "barnehage", "avdeling", "date",
                 "observer", "observer_email", "instrument", "status", "second_coding_of",
                 "valid_cycles", "counts"]
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@dataclass
class Table:
    header: list[str]
    rows: list[list]
    score_columns: set[str]


def instrument_specs() -> dict[int, scoring.InstrumentSpec]:
    return {instrument.pk: scoring.spec_for(instrument)
            for instrument in Instrument.objects.prefetch_related("domener__dimensjoner")
            .order_by("code")}


def score_columns(specs) -> tuple[list[str], list[str]]:
    """Dimension codes (each once, in instrument order) and domain codes."""
    dimensions: list[str] = []
    domains: list[str] = []
    for spec in specs:
        dimensions.extend(code for code in spec.dimension_codes if code not in dimensions)
        domains.extend(domain.code for domain in spec.domains if domain.code not in domains)
    return dimensions, domains


def observations_for_export(kommune, runde=None):
    """Submitted and locked observations of a municipality (or one of its rounds), with
    everything scoring needs preloaded."""
    queryset = Observasjon.objects.filter(runde__kommune=kommune, status__in=DONE_STATUSES)
    if runde is not None:
        queryset = queryset.filter(runde=runde)
    return (queryset.select_related("runde__kommune", "avdeling__barnehage", "observer",
                                    "instrument")
            .prefetch_related(Prefetch("sykluser", queryset=Syklus.objects.order_by("number")
                                       .prefetch_related(Prefetch(
                                           "skaar", queryset=Skaar.objects
                                           .select_related("dimensjon")))))
            .order_by("observed_on", "planned_date", "avdeling__barnehage__name",
                      "avdeling__name", "pk"))


def table(observasjoner) -> Table:
    specs = instrument_specs()
    dimensions, domains = score_columns(specs.values())
    header = [*FIXED_COLUMNS, *dimensions, *domains, *(f"{code} band" for code in domains)]
    rows = []
    for observasjon in observasjoner:
        spec = specs[observasjon.instrument_id]
        result = scoring.result_of(observasjon, spec)
        row = [
            observasjon.pk, observasjon.runde.kommune.slug, observasjon.runde.name,
            observasjon.avdeling.barnehage.name, observasjon.avdeling.name,
            (observasjon.observed_on or observasjon.planned_date).isoformat(),
            observasjon.observer.get_full_name() or observasjon.observer.email,
            observasjon.observer.email, spec.code, observasjon.status,
            observasjon.double_coding_of_id or "", result.valid_cycles,
            "yes" if result.counts else "no",
        ]
        row.extend(result.dimension_means.get(code) for code in dimensions)
        row.extend(result.domain_scores.get(code) for code in domains)
        row.extend(scoring.band(result.domain_scores.get(code), spec) for code in domains)
        rows.append(row)
    return Table(header, rows, set(dimensions) | set(domains))


def _two_decimals(value) -> str:
    return "" if value is None else f"{value:.2f}"


def to_csv(data: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(data.header)
    scored = [index for index, name in enumerate(data.header) if name in data.score_columns]
    for row in data.rows:
        writer.writerow([_two_decimals(value) if index in scored
                         else ("" if value is None else value)
                         for index, value in enumerate(row)])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(data: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Observations")
    bold = Font(bold=True)
    header = []
    for name in data.header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    scored = {index for index, name in enumerate(data.header) if name in data.score_columns}
    for row in data.rows:
        cells = []
        for index, value in enumerate(row):
            if index in scored and value is not None:
                cell = WriteOnlyCell(sheet, value=round(value, 2))
                cell.number_format = "0.00"
            else:
                cell = WriteOnlyCell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(kommune, fmt: str = "csv", runde=None) -> tuple[bytes, str, str]:
    """The file's content, content type and file name."""
    data = table(observations_for_export(kommune, runde))
    content_type, extension = FORMATS[fmt]
    content = to_xlsx(data) if fmt == "xlsx" else to_csv(data)
    suffix = f"-{runde.pk}" if runde is not None else ""
    return content, content_type, f"observasjoner-{kommune.slug}{suffix}.{extension}"
