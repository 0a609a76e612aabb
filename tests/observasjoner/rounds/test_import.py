"""Importing historical observations: whole files or nothing, with line numbers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from barnehager.models import Membership, Role
from observasjoner import scoring
from observasjoner.models import Observasjon, Observasjonsrunde, Skaar, Syklus
from observasjoner.rounds.importing import ImportFailed, import_observations
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (their msgids), whatever the default language."""
    with translation.override("en"):
        yield

HEADER = ("kommune,barnehage,avdeling,date,observer_email,instrument,cycle,"
          "PC,NC,TS,RSP,BM,PD,ILF,CD,QF,LM,RCP,BG,FLD\n")
OBSERVER = "observer.a@example.test"


def prek(cycle, day="2024-10-15", observer=OBSERVER, avdeling="Storeslem", nc="1",
         barnehage="A2 barnehage", kommune="aby"):
    return (f"{kommune},{barnehage},{avdeling},{day},{observer},prek,{cycle},"
            f"6,{nc},6,5,5,6,5,3,2,3,,,\n")


def toddler(cycle, day="2024-10-16"):
    return f"Aby,A2 barnehage,Småtroll,{day},{OBSERVER},toddler,{cycle},6,1,6,,,,,,3,3,5,5,4\n"


GOOD = HEADER + prek(1) + prek(2) + prek(3) + toddler(1) + toddler(2)


def counts():
    return (Observasjonsrunde.objects.count(), Observasjon.objects.count(),
            Syklus.objects.count(), Skaar.objects.count())


def test_a_good_file_becomes_locked_history_in_an_import_round(world):
    result = import_observations(GOOD.encode(), kommuner=[world.kommune["own"]])
    assert (result.observations, result.cycles) == (2, 5)
    runde = Observasjonsrunde.objects.get()
    assert runde.name.startswith("Import ") and runde.name.endswith(" 2024")
    assert (runde.semester, runde.year, runde.status) == ("autumn", 2024, "closed")
    assert runde.kommune == world.kommune["own"]
    observasjon = Observasjon.objects.get(instrument__code="prek")
    assert observasjon.status == Observasjon.Status.LOCKED
    assert observasjon.observer == world.users[Role.OBSERVER]
    assert str(observasjon.observed_on) == "2024-10-15"
    result = scoring.result_of(observasjon)
    assert result.valid_cycles == 3
    assert result.dimension_means["PC"] == 6
    assert Skaar.objects.filter(syklus__observasjon__instrument__code="toddler").count() == 16


def test_one_bad_row_imports_nothing_and_names_its_line(world):
    bad = HEADER + prek(1) + prek(2) + prek(3) + prek(4, nc="9") + toddler(1)
    with pytest.raises(ImportFailed) as failed:
        import_observations(bad.encode(), kommuner=[world.kommune["own"]])
    assert list(failed.value.errors.shown) == [
        "Line 5: NC must be a whole number from 1 to 7 (got 9)."]
    assert counts() == (0, 0, 0, 0)


def test_every_bad_row_is_reported(world):
    bad = (HEADER + prek(1, day="15.10.2024") + prek(2, day="2024-13-01")
           + prek(1, avdeling="Finnes ikke") + prek(1, observer="ukjent@example.test")
           + prek(1, kommune="bby", barnehage="B1 barnehage")
           + prek(1, day="15.10.2024")
           + "aby,A2 barnehage,Storeslem,2024-10-17,observer.a@example.test,prek,1,"
             "6,1,6,5,5,6,5,3,2,3,5,,\n")
    with pytest.raises(ImportFailed) as failed:
        import_observations(bad.encode(), kommuner=[world.kommune["own"]])
    assert list(failed.value.errors.shown) == [
        "Line 3: date must look like 2024-10-15 (got 2024-13-01).",
        "Line 4: no department called Finnes ikke in A2 barnehage.",
        "Line 5: no user with the e-mail address ukjent@example.test.",
        "Line 6: Bby is not your municipality.",
        "Line 7: cycle 1 of this observation is already on line 2.",
        "Line 8: RCP not in CLASS Pre-K; leave those empty.",
    ]
    assert counts() == (0, 0, 0, 0)


def test_missing_columns_are_reported_on_line_one(world):
    with pytest.raises(ImportFailed) as failed:
        import_observations(b"kommune,barnehage,PC,XX\n", kommuner=None)
    assert list(failed.value.errors.shown) == [
        "Line 1: unknown column XX; missing columns: avdeling, date, observer_email, "
        "instrument, cycle."]


def test_a_file_imported_twice_is_refused_the_second_time(world):
    import_observations(GOOD.encode(), kommuner=[world.kommune["own"]])
    before = counts()
    with pytest.raises(ImportFailed) as failed:
        import_observations(GOOD.encode(), kommuner=[world.kommune["own"]])
    assert failed.value.errors.shown[0].startswith("Line 2: A2 barnehage: Storeslem was already "
                                             "observed by observer.a@example.test")
    assert counts() == before


def test_a_second_observer_on_the_same_day_is_a_second_coding(world):
    second = make_user("andre@example.test")
    Membership.objects.create(user=second, role=Role.OBSERVER, kommune=world.kommune["own"],
                              barnehage=world.barnehage["own"])
    text = HEADER + prek(1) + prek(2) + prek(1, observer="ANDRE@example.test") \
        + prek(2, observer="andre@example.test")
    import_observations(text.replace(",", ";").encode("utf-8-sig"),
                        kommuner=[world.kommune["own"]])
    primary = Observasjon.objects.get(observer=world.users[Role.OBSERVER])
    coding = Observasjon.objects.get(observer=second)
    assert coding.double_coding_of == primary and primary.double_coding_of is None


def test_the_command_imports_a_file_and_refuses_a_bad_one(world, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import_observations", str(good))
    assert "Imported 2 observations with 5 cycles" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + prek(1, day="2024-11-01") + prek(2, day="2024-11-01", nc="x"),
                   encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_observations", str(bad))
    assert "Line 3: NC must be a whole number from 1 to 7 (got x)." in capsys.readouterr().err
    assert Observasjon.objects.count() == 2


def test_the_upload_page_imports_into_the_consultants_municipality(client, world):
    client.force_login(world.users[Role.CONSULTANT])
    upload = SimpleUploadedFile("runde.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(reverse("observasjoner:import"),
                           {"kommune": world.kommune["own"].pk, "file": upload})
    assert response.status_code == 302
    assert Observasjon.objects.count() == 2


def test_the_upload_page_shows_the_bad_lines_and_imports_nothing(client, world):
    client.force_login(world.users[Role.CONSULTANT])
    upload = SimpleUploadedFile("runde.csv", (GOOD + prek(4, nc="0")).encode())
    response = client.post(reverse("observasjoner:import"),
                           {"kommune": world.kommune["own"].pk, "file": upload})
    assert response.status_code == 400
    assert "Line 7: NC must be a whole number from 1 to 7 (got 0)." in response.content.decode()
    assert counts() == (0, 0, 0, 0)


def test_the_upload_page_refuses_another_municipality(client, world):
    client.force_login(world.users[Role.CONSULTANT])
    upload = SimpleUploadedFile("runde.csv", GOOD.encode())
    response = client.post(reverse("observasjoner:import"),
                           {"kommune": world.kommune["foreign"].pk, "file": upload})
    assert response.status_code == 200  # the form refuses the choice
    assert "kommune" in response.context["form"].errors
    assert counts() == (0, 0, 0, 0)


def test_a_file_of_many_bad_rows_lists_the_first_hundred_and_counts_the_rest(client, world):
    client.force_login(world.users[Role.CONSULTANT])
    bad = HEADER + "".join(prek(1, nc="9") for _ in range(20_000))
    response = client.post(reverse("observasjoner:import"), {
        "kommune": world.kommune["own"].pk, "file": SimpleUploadedFile("bad.csv", bad.encode())})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported: 20000 problems in the file." in page
    assert page.count("<li>Line ") == 100
    assert "…and 19900 more problems" in page
    assert len(page) < 100_000
    assert counts() == (0, 0, 0, 0)


def test_excel_semicolon_csv_in_windows_1252_imports(world):
    """What Excel in Norway and Denmark writes as "CSV (semicolon separated)"; the
    department Småtroll's å must survive the encoding."""
    excel = GOOD.replace(",", ";").replace("\n", "\r\n").encode("cp1252")
    result = import_observations(excel, kommuner=[world.kommune["own"]])
    assert result.observations == 2
    assert Observasjon.objects.filter(avdeling__name="Småtroll").count() == 1


def test_the_template_of_an_instrument_filled_in_with_excel_imports(client, world):
    """The page offers one empty file per instrument; its columns, filled in and saved by
    Excel (semicolons, Windows-1252), are a file the import takes."""
    client.force_login(world.users[Role.CONSULTANT])
    page = client.get(reverse("observasjoner:import"))
    url = reverse("observasjoner:import-template", args=["prek"])
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header = response.content.decode("utf-8-sig").strip()
    assert header == ";".join(["kommune", "barnehage", "avdeling", "date", "observer_email",
                               "instrument", "cycle", "PC", "NC", "TS", "RSP", "BM", "PD",
                               "ILF", "CD", "QF", "LM", "minutes", "children_present"])
    rows = [";".join(["aby", "A2 barnehage", "Storeslem", "2024-10-15", OBSERVER, "prek",
                      str(cycle), "6", "1", "6", "5", "5", "6", "5", "3", "2", "3", "20",
                      "15"]) for cycle in (1, 2, 3)]
    filled = "\r\n".join([header, *rows]).encode("cp1252")
    result = import_observations(filled, kommuner=[world.kommune["own"]])
    assert result.observations == 1 and result.cycles == 3
    assert client.get(reverse("observasjoner:import-template", args=["nonsense"])
                      ).status_code == 404
