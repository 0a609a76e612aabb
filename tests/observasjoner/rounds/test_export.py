"""Exporting observations: columns named by the codes, two decimals, every value from
the scoring module."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from barnehager.models import Role
from observasjoner import scoring
from observasjoner.models import Observasjon
from tests.observasjoner import factories as f

pytestmark = pytest.mark.django_db

DIMENSIONS = ["PC", "NC", "TS", "RSP", "BM", "PD", "ILF", "CD", "QF", "LM", "RCP", "BG", "FLD"]
DOMAINS = ["ES", "CO", "IS", "EBS", "ESL"]


@pytest.fixture
def observed(world):
    runde = f.runde(world.kommune["own"], status="active")
    observer = world.users[Role.OBSERVER]
    prek = f.observation(runde, world.avdeling["sibling"], observer, status="submitted", scores=[
        f.PREK_CYCLE, {**f.PREK_CYCLE, "PC": 5, "NC": 2, "RSP": 6, "CD": 2},
        {**f.PREK_CYCLE, "TS": 5, "LM": 4}])
    toddlers = world.barnehage["sibling"].avdelinger.get(name="Småtroll")
    toddler = f.observation(runde, toddlers, observer, status="locked",
                            scores=[f.TODDLER_CYCLE, {**f.TODDLER_CYCLE, "FLD": 3}])
    # Neither a planned observation nor another municipality's is exported.
    f.observation(runde, world.avdeling["own"], observer)
    foreign = f.runde(world.kommune["foreign"], status="active")
    f.observation(foreign, world.avdeling["foreign"], world.foreign_users[Role.OBSERVER],
                  status="submitted", scores=[f.PREK_CYCLE, f.PREK_CYCLE])
    return prek, toddler


def _expected(observasjon):
    return scoring.result_of(Observasjon.objects.get(pk=observasjon.pk))


def test_csv_has_one_row_per_observation_with_scores_from_scoring(client, world, observed):
    client.force_login(world.users[Role.CONSULTANT])
    response = client.get(reverse("observasjoner:export", args=["aby"]), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="observasjoner-aby.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())  # for Excel
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = list(rows[0])
    for column in ["barnehage", "avdeling", "date", "observer", "instrument", "valid_cycles",
                   *DIMENSIONS, *DOMAINS, *(f"{code} band" for code in DOMAINS)]:
        assert column in header
    assert len(rows) == 2
    by_id = {int(row["observation_id"]): row for row in rows}
    for observasjon in observed:
        row = by_id[observasjon.pk]
        result = _expected(observasjon)
        spec = scoring.spec_for(observasjon.instrument)
        assert row["valid_cycles"] == str(result.valid_cycles)
        for code, value in result.dimension_means.items():
            assert row[code] == f"{value:.2f}"
        for code, value in result.domain_scores.items():
            assert row[code] == f"{value:.2f}"
            assert row[f"{code} band"] == scoring.band(value, spec)
        other = set(DIMENSIONS) - set(result.dimension_means)
        assert all(row[code] == "" for code in other)
    prek = by_id[observed[0].pk]
    # By hand: PC 5.67, NC 1.33, TS 5.67, RSP 5.33 -> ES (5.67 + 6.67 + 5.67 + 5.33) / 4.
    assert (prek["PC"], prek["NC"], prek["ES"], prek["ES band"]) == (
        "5.67", "1.33", "5.83", "high")
    assert (prek["barnehage"], prek["avdeling"], prek["instrument"]) == (
        "A2 barnehage", "Storeslem", "prek")


def test_xlsx_holds_the_same_numbers_rounded_to_two_decimals(client, world, observed):
    client.force_login(world.users[Role.CONSULTANT])
    response = client.get(reverse("observasjoner:export", args=["aby"]), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    header, rows = list(values[0]), values[1:]
    assert len(rows) == 2
    prek = dict(zip(header, next(row for row in rows if row[0] == observed[0].pk),
                    strict=True))
    result = _expected(observed[0])
    for code in ("PC", "NC", "ES", "CO", "IS"):
        value = result.dimension_means.get(code, result.domain_scores.get(code))
        assert prek[code] == round(value, 2)
    assert prek["ES band"] == "high"
    assert prek["EBS"] is None
    number_formats = {cell.number_format for cell in sheet[2][header.index("ES"):]
                      if isinstance(cell.value, float)}
    assert number_formats == {"0.00"}


def test_the_command_writes_csv_and_xlsx(world, observed, tmp_path, capsys):
    call_command("export_observations", "--kommune", "aby")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {int(row["observation_id"]) for row in rows} == {obs.pk for obs in observed}
    out = tmp_path / "aby.xlsx"
    call_command("export_observations", "--kommune", "aby", "--format", "xlsx",
                 "--out", str(out))
    assert load_workbook(out).active.max_row == 3


def test_a_round_can_be_exported_alone(client, world, observed):
    other = f.runde(world.kommune["own"], status="active", start=f.ROUND_START.replace(
        year=2031), end=f.ROUND_END.replace(year=2031))
    f.observation(other, world.avdeling["own"], world.users[Role.OBSERVER], status="locked",
                  scores=[f.PREK_CYCLE, f.PREK_CYCLE])
    client.force_login(world.users[Role.CONSULTANT])
    response = client.get(reverse("observasjoner:export", args=["aby"]),
                          {"runde": other.pk})
    assert len(list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))) == 1
    foreign = f.runde(world.kommune["foreign"])
    assert client.get(reverse("observasjoner:export", args=["aby"]),
                      {"runde": foreign.pk}).status_code == 404
