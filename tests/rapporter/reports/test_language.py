"""One language per report: the annual and the kindergarten report rendered in nb, da and
en carry no string of another language, in their text, their metadata or their file name,
and every message the report templates and their Python modules use is translated in the
compiled nb and da catalogues."""

import ast
import gettext as gnu_gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.template import templatize

from rapporter.models import Kind, Rapport
from rapporter.reports import services
from tests.rapporter.reports.factories import YEAR, build_report_world, pdf_reader

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted((ROOT / "templates/rapporter/pdf").glob("*.html"))
MODULES = [ROOT / "rapporter" / name for name in (
    "charts.py", "conclusions.py", "selectors.py", "reports/selectors.py")]
LANGUAGES = ("nb", "da", "en")
# Strings readers found in the nb and da reports before (issue 10), and their kin.
KNOWN_ENGLISH = ("Dashed line: research threshold", "research threshold", "3-5 years",
                 "15-36 months", "Negative Climate", "Emotional Support",
                 "Instructional Support", "Classroom Organization", "clearly higher",
                 "no clear change", "annual-")
KNOWN_NORWEGIAN_OR_DANISH = ("Stiplet linje", "forskningsbasert", "tydelig", "år)",
                             "måneder", "Sammenlignet med")

LITERAL = r"""u?'(?:[^'\\\n]|\\.)*'|u?"(?:[^"\\\n]|\\.)*\""""
TEMPLATE_CALL = re.compile(
    rf"\b(gettext|pgettext|ngettext|npgettext)\(\s*({LITERAL})(?:\s*,\s*({LITERAL}))?")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%|%s|\{\{.*?\}\}")


def template_messages(path: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every translate/blocktranslate in a template."""
    found = set()
    for name, first, second in TEMPLATE_CALL.findall(templatize(path.read_text())):
        first = ast.literal_eval(first)
        second = ast.literal_eval(second) if second else None
        found.add((first, second) if name in ("pgettext", "npgettext") else (None, first))
    return found


def module_messages(path: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every gettext call with literal arguments in a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        args = [arg.value for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
        if name in ("_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy") and args:
            found.add((None, args[0]))
        elif name in ("pgettext", "pgettext_lazy") and len(args) > 1:
            found.add((args[0], args[1]))
    return found


def report_messages() -> set[tuple[str | None, str]]:
    found = set()
    for path in TEMPLATES:
        found |= template_messages(path)
    for path in MODULES:
        found |= module_messages(path)
    return found


def catalogue(language: str) -> dict:
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    with open(path, "rb") as handle:
        return gnu_gettext.GNUTranslations(handle)._catalog


def translated(catalog: dict, context: str | None, msgid: str) -> str | None:
    key = f"{context}\x04{msgid}" if context else msgid
    value = catalog.get(key) or catalog.get((key, 0))
    return value or None


def fragments(text: str) -> list[str]:
    """The pieces of a message between its placeholders that are long enough to be
    unmistakably language: three words or more."""
    pieces = [piece.strip(" .,:;()–-") for piece in PLACEHOLDER.split(text.replace("%%", "%"))]
    return [piece for piece in pieces if len(piece.split()) >= 3]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_report_message_is_translated_in_nb_and_da():
    messages = report_messages()
    assert len(messages) > 150  # the extraction found the templates' and modules' strings
    assert (None, "Dashed line: research threshold") in messages
    for language in ("nb", "da"):
        catalog = catalogue(language)
        missing = sorted(msgid for context, msgid in messages
                         if not translated(catalog, context, msgid))
        assert not missing, f"untranslated in {language}: {missing}"


@pytest.fixture
def reports(world, settings, tmp_path):
    """The annual report and one kindergarten's report of municipality A, each rendered in
    nb, da and en through the real build (stored as drafts)."""
    settings.MEDIA_ROOT = tmp_path
    data = build_report_world(world)
    kindergarten = world.barnehage["own"]
    made = {}
    for language in LANGUAGES:
        for kind, fields in ((Kind.ANNUAL, {}),
                             (Kind.KINDERGARTEN, {"barnehage": kindergarten,
                                                  "semester": "autumn"})):
            rapport = services.order(kind, data.kommune, year=YEAR, **fields)
            Rapport.objects.filter(pk=rapport.pk).update(language=language)
            rapport = services.build(rapport.pk)
            rapport.refresh_from_db()
            assert rapport.has_file, rapport.error_message
            reader = pdf_reader(rapport)
            metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
            text = " ".join(page.extract_text() for page in reader.pages)
            made[language, kind] = (rapport, normalise(f"{metadata} {text}"))
    return made


@pytest.mark.django_db
def test_reports_carry_no_string_of_another_language(reports):
    messages = report_messages()
    catalogs = {language: catalogue(language) for language in ("nb", "da")}
    own_words = {}
    for language in LANGUAGES:
        words = []
        for context, msgid in messages:
            words.append(translated(catalogs[language], context, msgid) or msgid
                         if language != "en" else msgid)
        own_words[language] = normalise(" ".join(words))
    for (language, kind), (rapport, text) in reports.items():
        where = f"{kind} report in {language}"
        assert rapport.language == language
        with translation.override(language):
            assert str(rapport.get_kind_display()).replace(" ", "-") in rapport.download_name
            # The text is really there, in this language: the charts' legend note, the
            # instrument headings with their ages and the conclusions.
            if kind == Kind.ANNUAL:
                assert normalise(gettext("Dashed line: research threshold")) in text, where
                assert f"CLASS Pre-K ({gettext('3-5 years')})" in text, where
                assert gettext("no clear change") in text or gettext("clearly higher") in text
        if language == "en":
            for word in KNOWN_NORWEGIAN_OR_DANISH:
                assert word not in text, f"{word!r} in the {where}"
        else:
            for word in KNOWN_ENGLISH:
                assert word not in text and word not in rapport.download_name, \
                    f"{word!r} in the {where}"
        # Every message of the other languages, where it differs from this language's own.
        for context, msgid in messages:
            for other in LANGUAGES:
                if other == language:
                    continue
                foreign = msgid if other == "en" else translated(catalogs[other], context,
                                                                 msgid)
                for piece in fragments(foreign or ""):
                    if piece in own_words[language]:
                        continue  # the same words in both languages
                    assert normalise(piece) not in text, f"{other} {piece!r} in the {where}"
