"""Importing a supervision instrument: all or nothing, every problem with its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from observasjoner.tilsyn.importing import InstrumentImportError, import_instrument
from observasjoner.tilsyn.models import Kriterium, Skala, Tema, TilsynInstrument
from tests.observasjoner.tilsyn.helpers import english as _english

pytestmark = pytest.mark.django_db
english = pytest.fixture(autouse=True)(_english)

GOOD_CSV = """type,text,detail
instrument,Vårt lisensierte verktøy,Lisens til 2027
language,nb,
scale,Fire nivåer,god
level,utilstrekkelig,
level,tilstrekkelig,
level,god,
level,fremragende,
theme,Sosial utvikling,
criterion,Personalet hjelper barn inn i leken.,
criterion,"Konflikter løses med veiledning, ikke straff.",
theme,Kommunikasjon og språk,
criterion,Samtaler med mange turer.,
"""

GOOD_YAML = """\
instrument: Vores licenserede redskab
language: da
licence: Licens til 2027
scale:
  name: Fire niveauer
  good_from: 3
  levels: [utilstrækkelig, tilstrækkelig, god, fremragende]
themes:
  - name: Social udvikling
    criteria:
      - Personalet hjælper børn ind i legen.
      - Konflikter løses med vejledning.
  - name: Kommunikation og sprog
    criteria:
      - Samtaler med mange udvekslinger.
"""


def counts():
    return (TilsynInstrument.objects.count(), Skala.objects.count(), Tema.objects.count(),
            Kriterium.objects.count())


def test_a_good_csv_creates_the_whole_instrument(world):
    kommune = world.kommune["own"]
    instrument = import_instrument(GOOD_CSV.encode(), "verktoy.csv", kommune)
    assert instrument.kommune == kommune and instrument.language == "nb"
    assert instrument.licence_note == "Lisens til 2027"
    assert [level.name for level in instrument.skala.levels.all()] == [
        "utilstrekkelig", "tilstrekkelig", "god", "fremragende"]
    assert instrument.skala.good_from == 3
    themes = list(instrument.temaer.all())
    assert [(tema.order, tema.name) for tema in themes] == [
        (1, "Sosial utvikling"), (2, "Kommunikasjon og språk")]
    assert [k.text for k in themes[0].kriterier.all()] == [
        "Personalet hjelper barn inn i leken.", "Konflikter løses med veiledning, ikke straff."]


def test_a_semicolon_csv_from_a_spreadsheet_imports_too(world):
    content = GOOD_CSV.replace(",", ";").replace(
        '"Konflikter løses med veiledning; ikke straff."', "Konflikter løses med veiledning")
    instrument = import_instrument(("\ufeff" + content).encode(), "verktoy.csv",
                                   world.kommune["own"])
    assert instrument.temaer.count() == 2


def test_a_good_yaml_creates_the_whole_instrument(world):
    instrument = import_instrument(GOOD_YAML.encode(), "redskab.yaml", world.kommune["foreign"])
    assert instrument.skala.good_from == 3
    assert instrument.temaer.count() == 2
    assert Kriterium.objects.filter(tema__instrument=instrument).count() == 3


def test_a_bad_csv_line_rejects_the_whole_file_with_line_and_reason(world):
    lines = GOOD_CSV.splitlines()
    lines[10] = "kriterium,Konflikter løses,"  # line 11: a misspelt type
    lines.insert(8, "criterion,Before any theme,")  # line 9: a criterion without its theme
    before = counts()
    with pytest.raises(InstrumentImportError) as error:
        import_instrument("\n".join(lines).encode(), "verktoy.csv", world.kommune["own"])
    problems = [(problem.line, str(problem)) for problem in error.value.problems]
    assert problems == [
        (9, "Line 9: A criterion before any theme."),
        (12, "Line 12: Unknown type “kriterium”; use one of: instrument, language, scale, "
             "level, theme, criterion."),
    ]
    assert counts() == before


def test_bad_yaml_lines_are_reported_and_nothing_saved(world):
    content = GOOD_YAML.replace("good_from: 3", "good_from: excellent").replace(
        "      - Samtaler med mange udvekslinger.", "      - ''")
    before = counts()
    with pytest.raises(InstrumentImportError) as error:
        import_instrument(content.encode(), "redskab.yml", world.kommune["own"])
    assert [str(problem) for problem in error.value.problems] == [
        "Line 6: “excellent” is not a level of the scale.",
        "Line 15: An empty criterion.",
    ]
    assert counts() == before


def test_broken_yaml_syntax_names_its_line(world):
    with pytest.raises(InstrumentImportError) as error:
        import_instrument(b"instrument: x\nthemes: [unclosed\n", "x.yaml", world.kommune["own"])
    assert error.value.problems[0].line == 3
    assert "Not valid YAML" in str(error.value.problems[0])


def test_a_second_instrument_with_the_same_name_is_refused(world):
    import_instrument(GOOD_CSV.encode(), "verktoy.csv", world.kommune["own"])
    with pytest.raises(InstrumentImportError) as error:
        import_instrument(GOOD_CSV.encode(), "verktoy.csv", world.kommune["own"])
    assert error.value.problems[0].line == 2
    # The other municipality holds its own licence and may use the same name.
    import_instrument(GOOD_CSV.encode(), "verktoy.csv", world.kommune["foreign"])


def test_other_file_types_and_encodings_are_refused(world):
    with pytest.raises(InstrumentImportError, match="Upload a .csv"):
        import_instrument(GOOD_CSV.encode(), "verktoy.xlsx", world.kommune["own"])
    with pytest.raises(InstrumentImportError, match="Line 2: The file is not UTF-8"):
        import_instrument("type,text\ninstrument,Bj\xf8rn".encode("latin-1"), "x.csv",
                          world.kommune["own"])


def test_the_command_imports_for_a_municipality(world, tmp_path, capsys):
    path = tmp_path / "verktoy.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    call_command("import_tilsyn_instrument", str(path), "--kommune", "aby")
    assert "Imported 'Vårt lisensierte verktøy': 2 themes, 3 criteria" in capsys.readouterr().out
    assert TilsynInstrument.objects.get(name="Vårt lisensierte verktøy").kommune.slug == "aby"


def test_the_command_reports_every_problem_and_imports_nothing(world, tmp_path, capsys):
    path = tmp_path / "verktoy.csv"
    path.write_text(GOOD_CSV.replace("level,god,", "level,,"), encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError, match="Nothing imported: 2 problem"):
        call_command("import_tilsyn_instrument", str(path), "--kommune", "aby")
    err = capsys.readouterr().err
    assert "Line 7: A level without a name." in err
    assert "Line 4: “god” is not a level of the scale." in err
    assert counts() == before
    with pytest.raises(CommandError, match="No municipality"):
        call_command("import_tilsyn_instrument", str(path), "--kommune", "nowhere")


def test_the_upload_page_shows_the_problems_and_imports_nothing(client, world):
    client.force_login(world.users["consultant"])
    url = reverse("observasjoner:tilsyn-instrument-import")
    before = counts()
    bad = GOOD_CSV.replace("criterion,Samtaler med mange turer.,", "criterion,,")
    response = client.post(url, {"kommune": world.kommune["own"].pk,
                                 "file": SimpleUploadedFile("v.csv", bad.encode())})
    assert response.status_code == 400
    assert "Line 13: An empty criterion." in response.content.decode()
    assert counts() == before

    response = client.post(url, {"kommune": world.kommune["own"].pk,
                                 "file": SimpleUploadedFile("v.csv", GOOD_CSV.encode())})
    instrument = TilsynInstrument.objects.get(name="Vårt lisensierte verktøy")
    assert response.status_code == 302
    assert response["Location"] == reverse("observasjoner:tilsyn-instrument-detail",
                                           args=[instrument.pk])


def test_a_consultant_cannot_import_for_another_municipality(client, world):
    client.force_login(world.users["consultant"])
    response = client.post(reverse("observasjoner:tilsyn-instrument-import"), {
        "kommune": world.kommune["foreign"].pk,
        "file": SimpleUploadedFile("v.csv", GOOD_CSV.encode())})
    assert response.status_code == 200
    assert "kommune" in response.context["form"].errors
    assert not TilsynInstrument.objects.filter(name="Vårt lisensierte verktøy").exists()


def _upload(client, world, name: str, text: str):
    client.force_login(world.users["consultant"])
    return client.post(reverse("observasjoner:tilsyn-instrument-import"), {
        "kommune": world.kommune["own"].pk, "file": SimpleUploadedFile(name, text.encode())})


def test_a_yaml_alias_bomb_is_refused_at_once(client, world):
    """Nine levels of nine aliases would expand to 387 million strings."""
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    before = counts()
    response = _upload(client, world, "bomb.yaml", "\n".join(lines) + "\n")
    assert response.status_code == 400
    assert "Anchors and aliases" in response.content.decode()
    assert counts() == before


def test_deeply_nested_yaml_is_refused_not_a_server_error(client, world):
    nested = "[" * 5000 + "]" * 5000
    response = _upload(client, world, "deep.yaml", f"instrument: {nested}\n")
    assert response.status_code == 400
    assert "nests deeper than 8 levels" in response.content.decode()
