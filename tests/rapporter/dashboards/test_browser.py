"""The municipality dashboard in Chromium at 1440 x 900 and 768 x 1024 (issue 11, item 6):
"Needs attention" is on the first screen, and the section menu works from the keyboard,
with htmx swapping one section in at a time under the app's own CSP."""

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_accessibility import LANGUAGE, audit
from tests.browser_helpers import snapshot
from tests.rapporter.dashboards.factories import build_dataset, build_framework, grow_kommune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {1440: 900, 768: 1024}


@pytest.fixture(autouse=True)
def instruments(transactional_db):
    """The CLASS instruments again (a transactional test's flush empties them)."""
    import_module("observasjoner.migrations.0002_class_instruments").load(django_apps, None)


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_needs_attention_on_the_first_screen_and_sections_by_keyboard(
        browser, live_server, world, width):
    kommune, _obs = build_dataset(world)
    build_framework(world)
    grow_kommune(kommune, world.users["observer"], 14, prefix="G")
    consultant = world.users["consultant"]
    consultant.language = "nb"
    consultant.save(update_fields=["language"])
    client = Client()
    client.force_login(consultant)
    context = browser.new_context(base_url=live_server.url, locale="nb-NO",
                                  viewport={"width": width, "height": VIEWPORTS[width]},
                                  has_touch=width < 1000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(reverse("rapporter:dashboard-kommune", args=[kommune.slug]))

    # The whole "Needs attention" block lies inside the first viewport.
    attention = page.locator("section.attention")
    expect(attention).to_be_visible()
    box = attention.bounding_box()
    assert box["y"] + box["height"] <= VIEWPORTS[width], box
    expect(attention.locator(".attention-box")).to_have_count(5)
    snapshot(page, f"/tmp/work/shots-dash/test-{width}-first-screen.png")
    assert not errors, ("load", errors)

    # The per-kindergarten table shows the worst ten of the 16 kindergartens.
    expect(page.locator("#table-barnehage-prek tbody tr")).to_have_count(10)

    # The keyboard reaches the section menu; Enter shows "Tilsyn" without leaving the page.
    menu = page.locator(".dashboard-tabs")
    first = menu.locator("a[aria-current=page]")
    first.focus()
    expect(first).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu.locator("a").nth(1)).to_be_focused()
    supervision = menu.get_by_role("link", name="Tilsyn", exact=True)
    supervision.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#table-supervision")).to_be_visible()
    expect(page.locator("#table-barnehage-prek")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"\?section=supervision$"))
    current = menu.locator("a[aria-current=page]")
    expect(current).to_have_text("Tilsyn")
    expect(current).to_be_focused()
    # The focus ring is visible and nothing covers the focused link.
    outline = current.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    link = current.bounding_box()
    assert link["y"] >= 0 and link["y"] + link["height"] <= VIEWPORTS[width]
    covering = current.evaluate(
        "element => { const r = element.getBoundingClientRect();"
        " const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
        " return element.contains(hit); }")
    assert covering
    # The "Needs attention" block is still there: only the section was swapped.
    expect(attention).to_be_visible()
    snapshot(page, f"/tmp/work/shots-dash/test-{width}-supervision.png")
    assert not errors, ("swap", errors)

    # Shift+Tab goes back along the menu, and Enter brings the instrument back.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(menu.locator("a").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#table-barnehage-prek")).to_be_visible()
    expect(menu.locator("a").first).to_have_attribute("aria-current", "page")

    # Back in the browser's history gives the supervision section again.
    page.go_back()
    expect(page.locator("#table-supervision")).to_be_visible()
    assert not errors, errors
    context.close()


SECTIONS = ("instrument-prek", "instrument-toddler", "conclusions", "rounds", "band-drops",
            "supervision", "action-plans", "focus")


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_every_section_passes_axe(browser, live_server, world, width):
    """The accessibility audit of tests/browser/test_accessibility.py on each section's
    page (that test sees only the first), in Danish at 768 px as it does."""
    kommune, _obs = build_dataset(world)
    build_framework(world)
    grow_kommune(kommune, world.users["observer"], 14, prefix="G")
    consultant = world.users["consultant"]
    consultant.language = LANGUAGE[width]
    consultant.save(update_fields=["language"])
    client = Client()
    client.force_login(consultant)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nb-NO",
                                  viewport={"width": width, "height": VIEWPORTS[width]})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    page = context.new_page()
    base = reverse("rapporter:dashboard-kommune", args=[kommune.slug])
    found = [f"{section}: {violation['id']} {violation['help']} {violation['nodes']}"
             for section in SECTIONS
             for violation in audit(page, f"{base}?section={section}")]
    found += [f"all groups: {violation['id']} {violation['help']}" for violation in audit(
        page, f"{base}?section=instrument-prek&all=barnehage-prek")]
    context.close()
    assert not found, "\n".join(found)
