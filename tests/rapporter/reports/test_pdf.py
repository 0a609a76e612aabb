"""The reports read back from their PDFs: every CLASS figure in them is the one computed
from the database through the scoring module, small groups print "–" with the reason,
and the file is a tagged PDF/UA-1 document with its title and language."""

from collections import defaultdict
from statistics import fmean

import pytest
from django.utils import translation
from django.utils.translation import gettext

from barnehager.models import AgeGroup
from observasjoner import scoring
from observasjoner.models import Instrument, Observasjon
from observasjoner.tilsyn.models import Tilsyn
from rapporter import selectors
from rapporter.models import Anbefaling, Kind, Status
from rapporter.reports import services
from rapporter.reports.tasks import generate_report
from tests.rapporter.reports.factories import (
    YEAR,
    build_report_world,
    fmt,
    pdf_lines,
    pdf_reader,
    signed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make(kind, kommune, **fields):
    rapport = services.order(kind, kommune, **fields)
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    assert rapport.status == Status.DRAFT, rapport.error_message
    return rapport


def scored_domains(kommune, **filters):
    """(instrument, year, semester, age group) -> domain -> observation scores, straight
    from the scoring module (not through the selectors)."""
    found = defaultdict(lambda: defaultdict(list))
    observations = Observasjon.objects.filter(
        runde__kommune=kommune, status__in=("submitted", "locked"),
        double_coding_of__isnull=True, **filters,
    ).select_related("runde", "instrument", "avdeling").prefetch_related(
        "sykluser__skaar__dimensjon", "instrument__domener__dimensjoner")
    for observasjon in observations:
        result = scoring.result_of(observasjon)
        if not result.counts:
            continue
        key = (observasjon.instrument.code, observasjon.runde.year, observasjon.runde.semester,
               observasjon.avdeling.age_group)
        for code, value in result.domain_scores.items():
            found[key][code].append(value)
    return found


def pooled(found, **match):
    """All scores of the keys matching `match`: domain -> list."""
    fields = ("instrument", "year", "semester", "age_group")
    result = defaultdict(list)
    for key, domains in found.items():
        values = dict(zip(fields, key, strict=True))
        if all(values[name] == wanted for name, wanted in match.items()):
            for code, scores in domains.items():
                result[code].extend(scores)
    return result


def test_annual_report_figures_equal_the_scoring_module(world, media):
    data = build_report_world(world)
    kommune = data.kommune
    rapport = make(Kind.ANNUAL, kommune, year=YEAR)
    lines = pdf_lines(rapport)
    found = scored_domains(kommune)
    observations = selectors.load_observations(kommune)
    checked = 0
    with translation.override("nb"):
        for code, instrument in observations.instruments.items():
            now, before = pooled(found, instrument=code, year=YEAR), pooled(
                found, instrument=code, year=YEAR - 1)
            for domene in instrument.domener.all():
                if not now[domene.code]:
                    continue
                mean_now, mean_before = fmean(now[domene.code]), fmean(before[domene.code])
                # The summary's table (whose long labels wrap, beside the interval and
                # what the change means) and the instrument's own table.
                figures = (f"{fmt(mean_before)} {len(before[domene.code])} {fmt(mean_now)} "
                           f"{len(now[domene.code])} {signed(mean_now, mean_before)}")
                assert " ".join(lines).count(figures) == 2
                assert (f"{domene.code} {domene.name} > {domene.threshold:.0f} "
                        f"{fmt(mean_before)} {len(before[domene.code])} {fmt(mean_now)} "
                        f"{len(now[domene.code])} {signed(mean_now, mean_before)}") in lines
                checked += 1
        counted_now = sum(len(scores) for key, domains in found.items() if key[1] == YEAR
                          for scores in list(domains.values())[:1])
        counted_before = sum(len(scores) for key, domains in found.items()
                             if key[1] == YEAR - 1 for scores in list(domains.values())[:1])
        assert (f"{gettext('Observations that count')} {counted_before} {counted_now} "
                f"+{counted_now - counted_before}") in lines
    assert checked == 5  # ES, CO, IS and EBS, ESL


def test_small_groups_are_suppressed_with_a_footnote(world, media):
    data = build_report_world(world)
    rapport = make(Kind.ANNUAL, data.kommune, year=YEAR)
    text = " ".join(pdf_lines(rapport))
    found = scored_domains(data.kommune)
    mixed = pooled(found, instrument="prek", year=YEAR, age_group=AgeGroup.MIXED)
    assert len(mixed["ES"]) == 2  # fewer than 5: the mixed-age group is not shown
    with translation.override("nb"):
        spring = pooled(found, instrument="prek", year=YEAR, semester="spring")
        autumn = pooled(found, instrument="prek", year=YEAR, semester="autumn")
        older = pooled(found, instrument="prek", year=YEAR, age_group=AgeGroup.PRESCHOOL)
        assert f"{AgeGroup.MIXED.label} (n = 2)" in text
        for code in ("ES", "CO", "IS"):
            # Spring, autumn, mixed ages (suppressed), pre-school, in the table's order.
            assert (f"{fmt(fmean(spring[code]))} {fmt(fmean(autumn[code]))} – "
                    f"{fmt(fmean(older[code]))}") in text
        # The mixed departments' own means (6.0 and more) appear nowhere.
        assert fmt(fmean(mixed["ES"])) not in text
        assert str(selectors.SUPPRESSION_REASON) in text


def test_supervision_and_action_plan_figures(world, media):
    data = build_report_world(world)
    rapport = make(Kind.ANNUAL, data.kommune, year=YEAR)
    lines = pdf_lines(rapport)
    with translation.override("nb"):
        # A Norwegian municipality's outcomes, in Norway's words (docs/domain.md, Supervision).
        outcomes = dict(Tilsyn.outcome_choices(data.kommune.country))
        assert f"{outcomes[Tilsyn.Outcome.NO_CONCERN]} 1 50 %" in lines
        assert f"{outcomes[Tilsyn.Outcome.CONCERN]} 1 50 %" in lines
        # "Skærpet tilsyn" is Danish; Norway counts its orders to correct instead.
        intensified = gettext("Kindergartens under intensified supervision at the end of the year")
        assert not any(line.startswith(intensified) for line in lines)
        assert "Pålegg om retting gitt i løpet av året 0" in lines
        assert f"{gettext('On time')} 1 50 %" in lines
        assert f"{gettext('Past the deadline or the evaluation date')} 1 50 %" in lines


def test_pdf_is_tagged_with_title_and_language(world, media):
    data = build_report_world(world)
    rapport = make(Kind.ANNUAL, data.kommune, year=YEAR)
    reader = pdf_reader(rapport)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nb"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    with translation.override("nb"):
        expected = gettext("Quality report %(year)s: %(kommune)s") % {
            "year": YEAR, "kommune": data.kommune.name}
    assert reader.metadata.title == expected
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert rapport.pages == len(reader.pages) > 10
    text = " ".join(pdf_lines(rapport))
    assert "CLASS®" in text and "Teachstone, Inc." in text  # the trademark notice


def test_recommendation_text_is_escaped_not_markup(world, media):
    kommune = world.kommune["own"]
    Anbefaling.objects.create(kommune=kommune, year=YEAR,
                              text="<b>Mer lek</b> & språk\n\nAndre avsnitt.")
    rapport = make(Kind.ANNUAL, kommune, year=YEAR)
    lines = pdf_lines(rapport)
    assert "<b>Mer lek</b> & språk" in lines
    assert "Andre avsnitt." in lines


def test_a_danish_municipality_gets_a_danish_report(world, media):
    kommune = world.kommune["foreign"]
    rapport = make(Kind.ANNUAL, kommune, year=YEAR)
    assert rapport.language == "da"
    assert pdf_reader(rapport).trailer["/Root"]["/Lang"] == "da"


def test_kindergarten_report_beside_the_municipality(world, media):
    """One kindergarten has too few observations for figures of its own: the report says
    so and shows the municipality's figures, never the kindergarten's."""
    data = build_report_world(world)
    barnehage = world.barnehage["own"].kommune.barnehager.get(name="G0 barnehage")
    rapport = make(Kind.KINDERGARTEN, data.kommune, year=YEAR, semester="autumn",
                   barnehage=barnehage)
    lines = pdf_lines(rapport)
    found = scored_domains(data.kommune)
    own = scored_domains(data.kommune, avdeling__barnehage=barnehage)
    municipality = pooled(found, instrument="prek", year=YEAR, semester="autumn")
    kindergarten = pooled(own, instrument="prek", year=YEAR, semester="autumn")
    assert len(kindergarten["ES"]) == 1  # one pre-school department: fewer than 5
    with translation.override("nb"):
        for domene in Instrument.objects.get(code="prek").domener.all():
            assert (f"{domene.code} {domene.name} > {domene.threshold:.0f} "
                    f"{fmt(fmean(municipality[domene.code]))} "
                    f"{len(municipality[domene.code])}") in lines
        assert str(selectors.SUPPRESSION_REASON) in " ".join(lines)
    assert barnehage.name in lines
