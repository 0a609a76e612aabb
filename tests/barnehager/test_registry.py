"""The base app learns of the other apps only through barnehager.registry."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from barnehager import registry
from barnehager.access import ROLE_CONSULTANT, ROLE_LEADER, scope_of

ROOT = Path(__file__).resolve().parents[2]
OTHER_APPS = ("kvalitet", "observasjoner", "handleplaner", "rapporter")


def test_the_base_app_names_no_other_apps_url_or_template():
    # A URL name ("handleplaner:list") or a template path ("handleplaner/...") of another
    # app in barnehager's code or templates; the import contracts cannot see strings.
    named = re.compile(r"""["'](?:{})[:/]""".format("|".join(OTHER_APPS)))
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*(ROOT / "barnehager").rglob("*.py"),
                     *(ROOT / "templates" / "barnehager").rglob("*.html")]
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if named.search(line)
    ]
    assert offenders == []


@pytest.fixture
def extra_sections():
    """Sections registered for one test only."""
    added = []

    def add(template, context, roles, order):
        registry.add_home_section(template, context, roles=roles, order=order)
        added.append(template)

    yield add
    for template in added:
        del registry._sections[template]


def test_a_section_shows_to_its_roles_in_order_and_not_when_it_has_nothing(world,
                                                                           extra_sections):
    extra_sections("test/late.html", lambda user: {"n": 2}, None, 1000)
    extra_sections("test/early.html", lambda user: {"n": 1}, None, -1)
    extra_sections("test/empty.html", lambda user: None, None, 500)
    extra_sections("test/consultants.html", lambda user: {}, (ROLE_CONSULTANT,), 600)

    def shown(user):
        return [section.template
                for section in registry.home_sections_for(user, scope_of(user))
                if section.template.startswith("test/")]

    assert shown(world.users["leader"]) == ["test/early.html", "test/late.html"]
    assert shown(world.users["consultant"]) == ["test/early.html", "test/consultants.html",
                                                "test/late.html"]
    early = registry.home_sections_for(world.users["leader"], scope_of(world.users["leader"]))[0]
    assert early.context == {"n": 1}


def test_each_app_contributes_its_menu_entries_in_menu_order(client, world):
    client.force_login(world.users["consultant"])
    menu = client.get(reverse("home")).context["nav_items"]
    assert [item["url"] for item in menu] == [
        reverse(name) for name in (
            "home", "barnehage-list", "kvalitet:plan-list", "observasjoner:runde-list",
            "observasjoner:tilsyn-list", "handleplaner:list", "rapporter:dashboard",
            "rapporter:report-list")]
    assert [item["active"] for item in menu] == [True] + [False] * 7
    leader = scope_of(world.users["leader"])
    assert "observasjoner:story-list" in [entry.url_name for entry in registry.menu_for(leader)]
    assert ROLE_LEADER in leader.roles
