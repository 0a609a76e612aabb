"""The one PDF renderer: every kind of PDF the product makes is read back with pdfinfo
(poppler) and pypdf and is tagged PDF/UA-1 with its title and language; the URL fetcher
serves only static files and refuses everything else without opening it."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from barnehager.pdf import PdfDocument, RenderError, render_pdf, static_path
from observasjoner.tilsyn import services as tilsyn_services
from observasjoner.tilsyn.models import Tilsyn, Tilsynsrapport
from rapporter.models import Kind, Status
from rapporter.reports import services as report_services
from rapporter.reports.tasks import generate_report
from tests.handleplaner.factories import make_plan
from tests.observasjoner.tilsyn.helpers import make_tilsyn
from tests.rapporter.reports.factories import YEAR

pytestmark = pytest.mark.django_db


def read_back(content: bytes, tmp_path: Path) -> dict[str, str]:
    """What pdfinfo says about the file, plus the catalogue's /Lang (pdfinfo does not print
    it) and whether the XMP metadata claims PDF/UA-1."""
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    facts = {}
    for line in info.stdout.splitlines():
        key, _, value = line.partition(":")
        facts[key.strip()] = value.strip()
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True,
                          check=True).stdout
    facts["PDF/UA part"] = "1" if 'pdfuaid:part="1"' in meta else ""
    facts["Lang"] = str(PdfReader(io.BytesIO(content)).trailer["/Root"].get("/Lang", ""))
    return facts


def assert_pdf_ua(content: bytes, tmp_path: Path, *, title: str, language: str) -> None:
    facts = read_back(content, tmp_path)
    assert facts["Tagged"] == "yes"
    assert facts["PDF version"] == "1.7"
    assert facts["PDF/UA part"] == "1"
    assert facts["Title"] == title
    assert facts["Lang"] == language


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def published_report(kind: str, kommune, **fields) -> bytes:
    rapport = report_services.order(kind, kommune, **fields)
    generate_report.delay(rapport.pk)
    rapport.refresh_from_db()
    assert rapport.status == Status.DRAFT, rapport.error_message
    with rapport.file.open("rb") as handle:
        return handle.read()


def test_annual_report(world, media, tmp_path):
    kommune = world.kommune["own"]
    content = published_report(Kind.ANNUAL, kommune, year=YEAR)
    with translation.override("nb"):
        title = gettext("Quality report %(year)s: %(kommune)s") % {
            "year": YEAR, "kommune": kommune.name}
    assert_pdf_ua(content, tmp_path, title=title, language="nb")


def test_kindergarten_report(world, media, tmp_path):
    barnehage = world.barnehage["foreign"]
    content = published_report(Kind.KINDERGARTEN, barnehage.kommune, year=YEAR,
                               semester="autumn", barnehage=barnehage)
    title = PdfReader(io.BytesIO(content)).metadata.title
    assert barnehage.name in title
    assert_pdf_ua(content, tmp_path, title=title, language="da")


def test_published_supervision_report(world, tmp_path):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                         outcome=Tilsyn.Outcome.NO_CONCERN)
    tilsyn.complete()
    tilsyn_services.publish(tilsyn, without_board_comment=True)
    content = bytes(Tilsynsrapport.objects.get(tilsyn=tilsyn).pdf)
    with translation.override("nb"):
        title = gettext("Supervision report: %(name)s") % {"name": tilsyn.barnehage.name}
    assert_pdf_ua(content, tmp_path, title=title, language="nb")


def test_action_plan(world, client, tmp_path):
    plan = make_plan(world.barnehage["own"], title="Språk & lek for alle")
    client.force_login(world.users["consultant"])
    response = client.get(reverse("handleplaner:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert_pdf_ua(response.content, tmp_path, title="Språk & lek for alle", language="nb")


@pytest.mark.parametrize("kind", [Kind.SUPERVISION, Kind.ACTION_PLAN])
def test_the_supervision_and_plan_ordered_as_reports(world, media, tmp_path, kind):
    barnehage = world.barnehage["own"]
    if kind == Kind.SUPERVISION:
        subject = make_tilsyn(barnehage, world.users["consultant"],
                              outcome=Tilsyn.Outcome.NO_CONCERN,
                              status=Tilsyn.Status.COMPLETED)
    else:
        subject = make_plan(barnehage, title="Mer lek ute")
    content = published_report(kind, barnehage.kommune, year=YEAR, barnehage=barnehage,
                               subject_id=subject.pk)
    title = PdfReader(io.BytesIO(content)).metadata.title
    assert title
    assert_pdf_ua(content, tmp_path, title=title, language="nb")


# The fence -------------------------------------------------------------------------------

@pytest.fixture
def page(settings):
    """A template named "page.html" whose body is set by the test."""
    templates: dict[str, str] = {}
    settings.TEMPLATES = [{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", templates)]},
    }]

    def set_body(body: str, head: str = "<title>Fence</title>") -> PdfDocument:
        templates["page.html"] = (f"<!doctype html><html lang='en'><head>{head}</head>"
                                  f"<body>{body}</body></html>")
        return PdfDocument("page.html")

    return set_body


@pytest.mark.parametrize("address", [
    "file:///etc/passwd",
    "http://example.invalid/logo.png",
    "https://example.invalid/static/css/report.css",
    "/media/secret.png",
    "/static/../kvalitet/settings.py",
    "/static/%2e%2e/kvalitet/settings.py",
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E",
])
def test_nothing_outside_static_is_fetched(page, address):
    started = time.monotonic()
    with pytest.raises(RenderError):
        render_pdf(page(f'<img src="{address}" alt="">'))
    assert time.monotonic() - started < 5  # refused at once, no connection attempted


def test_a_stylesheet_outside_static_is_refused_too(page):
    with pytest.raises(RenderError):
        render_pdf(page("", head='<title>Fence</title>'
                            '<link rel="stylesheet" href="file:///etc/passwd">'))


def test_static_files_are_read_from_disk(page):
    assert static_path("https://kvalitet.invalid/static/css/report.css").is_file()
    rendered = render_pdf(page("<p>Styled</p>", head='<title>Fence</title>'
                               '<link rel="stylesheet" href="/static/css/report.css">'))
    assert rendered.pages >= 1


def test_a_document_without_title_or_language_is_refused(page):
    with pytest.raises(RenderError, match="title"):
        render_pdf(page("<p>No title</p>", head=""))
