"""The one table writer: CSV with the byte-order mark Excel needs, and formula-safe cells in
CSV and XLSX, checked on the writer and on every download the product offers (the
dashboards' tables, including the action-plan ones, and the observation export)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from barnehager import downloads
from barnehager.models import Role
from handleplaner.models import Handleplan
from tests.observasjoner import factories as observation_factories
from tests.rapporter.dashboards.factories import build_dataset, build_framework

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
DANGEROUS = [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "a CSV for Excel starts with the BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def formula_like_csv_values(content: bytes) -> list[str]:
    """Text cells a spreadsheet would run as a formula (numbers such as -0.5 are no text)."""
    return [value for row in csv_rows(content) for value in row
            if downloads.is_formula_like(value) and not is_number(value)]


def xlsx_cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_formula_safe(csv_content: bytes, xlsx_content: bytes, planted: str) -> None:
    """No cell of either file is a formula; the planted text is there, as text."""
    assert not formula_like_csv_values(csv_content)
    assert "'" + planted in [value for row in csv_rows(csv_content) for value in row]
    cells = xlsx_cells(xlsx_content)
    assert not [cell for cell in cells if cell.data_type == "f"]
    planted_cells = [cell for cell in cells if cell.value == planted]
    assert planted_cells
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in planted_cells)


# The writer ------------------------------------------------------------------------------

def test_dangerous_text_is_text_and_numbers_stay_numbers():
    sheet = downloads.Sheet("Test", ["Name", "Value"],
                            [[text, -1.5] for text in DANGEROUS] + [["Blåbær Æøå", 2]],
                            decimals={1: 2})
    rows = csv_rows(downloads.to_csv(sheet))
    assert rows[0] == ["Name", "Value"]
    assert [row[0] for row in rows[1:-1]] == ["'" + text for text in DANGEROUS]
    assert rows[-1] == ["Blåbær Æøå", "2.00"]
    assert {row[1] for row in rows[1:-1]} == {"-1.50"}  # a negative number is no text

    cells = load_workbook(io.BytesIO(downloads.to_xlsx(sheet))).active
    for row, text in zip(cells.iter_rows(min_row=2), DANGEROUS, strict=False):
        name, value = row
        # XML reads a carriage return back as a line feed.
        assert (name.value, name.data_type, name.quotePrefix) == (
            text.replace("\r", "\n"), "s", True)
        assert (value.value, value.data_type, value.number_format) == (-1.5, "n", "0.00")
    last = next(cells.iter_rows(min_row=len(DANGEROUS) + 2))
    assert (last[0].value, last[0].quotePrefix) == ("Blåbær Æøå", False)


def test_the_file_name_is_a_slug_with_the_extension():
    response = downloads.response(downloads.Sheet("x", ["a"], []), downloads.CSV,
                                  'Ås "barnehage"\r\n; x=1')
    assert response["Content-Disposition"] == 'attachment; filename="as-barnehage-x1.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"


# Every download ----------------------------------------------------------------------------

def test_every_dashboard_table_is_formula_safe(client, world):
    kommune, _obs = build_dataset(world)
    build_framework(world)
    world.barnehage["own"].name = FORMULA
    world.barnehage["own"].save()
    Handleplan.objects.filter(barnehage=world.barnehage["own"]).update(title="@" + FORMULA)
    client.force_login(world.users[Role.CONSULTANT])
    url = reverse("rapporter:dashboard-kommune", args=[kommune.slug])
    html = client.get(url).content.decode()
    # The page shows one section at a time: every section's tables.
    html += "".join(client.get(url, {"section": section}).content.decode()
                    for section in re.findall(r'data-section="([^"]+)"', html))
    keys = {part.split('"', 1)[0] for part in html.split('id="table-')[1:]}
    planted = {"supervision": FORMULA, "plans-overdue": "@" + FORMULA}
    assert set(planted) <= set(keys)
    for key in keys:
        files = {fmt: client.get(url, {"table": key, "format": fmt}) for fmt in ("csv", "xlsx")}
        assert all(response.status_code == 200 for response in files.values())
        if key in planted:
            assert_formula_safe(files["csv"].content, files["xlsx"].content, planted[key])
        else:
            assert not formula_like_csv_values(files["csv"].content)
            assert not [cell for cell in xlsx_cells(files["xlsx"].content)
                        if cell.data_type == "f"]


def test_the_observation_export_is_formula_safe(client, world, tmp_path, capsys):
    runde = observation_factories.runde(world.kommune["own"], status="active")
    observation_factories.observation(
        runde, world.avdeling["own"], world.users[Role.OBSERVER], status="submitted",
        scores=[observation_factories.PREK_CYCLE, observation_factories.PREK_CYCLE])
    world.barnehage["own"].name = FORMULA
    world.barnehage["own"].save()
    client.force_login(world.users[Role.CONSULTANT])
    url = reverse("observasjoner:export", args=[world.kommune["own"].slug])
    csv_file, xlsx_file = (client.get(url, {"format": fmt}) for fmt in ("csv", "xlsx"))
    assert_formula_safe(csv_file.content, xlsx_file.content, FORMULA)

    out = tmp_path / "export.xlsx"
    call_command("export_observations", "--kommune", world.kommune["own"].slug,
                 "--format", "xlsx", "--out", str(out))
    assert_formula_safe(csv_file.content, out.read_bytes(), FORMULA)
    call_command("export_observations", "--kommune", world.kommune["own"].slug)
    printed = capsys.readouterr().out
    assert not printed.startswith("\ufeff")  # the BOM is for files, not for a pipe
    assert "'" + FORMULA in printed.replace('""', '"')
