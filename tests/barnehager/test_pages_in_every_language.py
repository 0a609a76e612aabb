"""Every main page of every role, in Norwegian bokmål and in Danish, without a string left
in English (issue 11, item 12).

A string is "left in English" when a visible text (or an aria-label, title or placeholder)
equals a msgid that the compiled catalogue of that language translates to something else:
the page shows the English msgid where a translation exists, so a template or a view
forgot to translate it (or translated it before the user's language was active).
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from barnehager import registry
from barnehager.access import scope_of
from barnehager.models import Role
from handleplaner.models import Handleplan, Mal
from handleplaner.models import Status as HandleplanStatus
from kvalitet.models import Kvalitetsplan
from observasjoner.tilsyn.models import Tilsyn, TilsynInstrument
from rapporter.models import Kind, Rapport, Status
from tests.observasjoner.recording.matrix import observation_for
from tests.rapporter.dashboards.factories import build_dataset, build_framework

pytestmark = pytest.mark.django_db

ROLES = [Role.LEADER, Role.OBSERVER, Role.CONSULTANT, Role.POLITICIAN, Role.ADMIN]
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
# Words that are the same in the three languages' pages by design (names, codes).
SAME_EVERYWHERE = {"Kvalitet", "CLASS", "OK", "SMART", "SMTTE", "E-post", "Status"}


def translated_msgids(language: str) -> set[str]:
    """Msgids whose translation in `language` differs from the English text."""
    catalog = trans_real.translation(language)._catalog  # the merged, compiled catalogues
    found = set()
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or not isinstance(msgid, str) or "\x04" in msgid:
            continue
        if value and value != msgid and len(msgid) > 1 and msgid not in SAME_EVERYWHERE:
            found.add(msgid)
    return found


class VisibleTexts(HTMLParser):
    """Text nodes and readable attributes, outside scripts, styles and JSON blocks, and
    outside elements that say they are in another language (lang="...")."""

    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        other_language = bool(attributes.get("lang")) and tag != "html" and not (
            attributes["lang"].startswith(self.language))
        skip = tag in self.SKIP or other_language
        if not skip and not self._skipping():
            self.texts += [attributes[name].strip() for name in ATTRIBUTES
                           if attributes.get(name)]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipping():
            self.texts.append(text)


def main_pages(world, user, objects) -> list[str]:
    """Her home, her profile, every menu entry her roles give her, and the detail pages
    of the demo's objects she may open."""
    urls = [reverse("home"), reverse("profile")]
    urls += [reverse(entry.url_name) for entry in registry.menu_for(scope_of(user))
             if not entry.url_name.startswith("admin:")]
    kommune = world.kommune["own"]
    urls += [
        reverse("barnehage-detail", args=[world.barnehage["own"].pk]),
        reverse("rapporter:dashboard-kommune", args=[kommune.slug]),
        reverse("rapporter:dashboard-barnehage", args=[world.barnehage["own"].pk]),
        reverse("observasjoner:observation-detail", args=[objects["observation"].pk]),
        reverse("observasjoner:monthly-plan", args=[world.barnehage["own"].pk]),
        reverse("observasjoner:tilsyn-detail", args=[objects["tilsyn"].pk]),
        reverse("observasjoner:tilsyn-create"),
        reverse("handleplaner:detail", args=[objects["plan"].pk]),
        reverse("rapporter:report-list"),
        reverse("observasjoner:record", args=[objects["planned"].pk]),
        reverse("observasjoner:my-observations"),
        reverse("kvalitet:barnehage-fokus", args=[world.barnehage["own"].pk]),
        reverse("people-import"),
        reverse("person-detail", args=[world.users[Role.CONSULTANT].pk]),
        *[reverse("kvalitet:plan-detail", args=[pk]) for pk in
          Kvalitetsplan.objects.filter(kommune=kommune).values_list("pk", flat=True)[:1]],
    ]
    return list(dict.fromkeys(urls))


@pytest.fixture
def demo(world):
    _, observations = build_dataset(world)
    build_framework(world)
    return {"observation": observations["a1_spring"],
            "tilsyn": Tilsyn.objects.filter(barnehage=world.barnehage["own"]).first(),
            "plan": Handleplan.objects.filter(barnehage=world.barnehage["own"]).first(),
            "planned": observation_for(world, "own"),
            "returned": Handleplan.objects.create(
                barnehage=world.barnehage["own"], title="Samtaler i garderoben",
                mal=Mal.objects.order_by("pk").first(), status=HandleplanStatus.RETURNED)}


@pytest.mark.parametrize("language", ["nb", "da"])
def test_no_page_of_any_role_shows_a_string_left_in_english(client, world, demo, language):
    english = translated_msgids(language)
    left: dict[str, set[str]] = {}
    walked = 0
    for role in ROLES:
        user = world.users[role]
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        for url in main_pages(world, user, demo):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            walked += 1
            page = response.content.decode()
            assert f'<html lang="{language}">' in page, (role, url)
            parser = VisibleTexts(language)
            parser.feed(page)
            for text in parser.texts:
                if text in english:
                    left.setdefault(text, set()).add(f"{role} {url}")
        client.logout()
    assert walked >= 40, walked
    assert not left, "\n".join(f"{text!r}: {sorted(where)}" for text, where in left.items())


def test_the_check_finds_an_english_leftover():
    """The walker's own check: an untranslated msgid on a Danish page is found."""
    parser = VisibleTexts("da")
    with translation.override("da"):
        parser.feed(f"<p>{translation.gettext('Log out')}</p><p>Log out</p>"
                    '<select><option lang="en">English</option></select>')
    assert parser.texts == ["Log ud", "Log out"]
    assert "Log out" in translated_msgids("da") and "Log ud" not in translated_msgids("da")


def test_a_report_ordered_by_the_schedule_or_a_command_says_automatically(client, world):
    consultant = world.users[Role.CONSULTANT]
    consultant.language = "da"
    consultant.save()
    for scheduled in (True, False):
        Rapport.objects.create(kind=Kind.ANNUAL, kommune=world.kommune["own"], year=2025,
                               status=Status.FAILED, scheduled=scheduled)
    client.force_login(consultant)
    page = client.get(reverse("rapporter:report-list")).content.decode()
    assert "kommandolinje" not in page
    assert "automatisk (planlagt)" in page
    assert page.count("automatisk") >= 2


@pytest.mark.parametrize(("side", "language"), [("foreign", "da"), ("own", "nb")])
def test_a_consultant_is_offered_the_supervision_instrument_of_her_country(
        client, world, side, language):
    users = world.foreign_users if side == "foreign" else world.users
    client.force_login(users[Role.CONSULTANT])
    page = client.get(reverse("observasjoner:tilsyn-create")).content.decode()
    for instrument in TilsynInstrument.objects.filter(kommune__isnull=True):
        offered = instrument.name in page
        assert offered == (instrument.language == language), instrument.name
