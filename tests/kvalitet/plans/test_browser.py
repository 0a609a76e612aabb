"""In Chromium: a consultant records a measure's progress in place (htmx under the CSP) and a
leader chooses her kindergarten's focus."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser_helpers import snapshot
from tests.kvalitet.factories import fokus_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    # English, whatever locale the shared browser context has: the test reads English msgids.
    page.context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME,
         "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
    ])


def watch_console(page) -> list[str]:
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_consultant_updates_a_measure_without_leaving_the_page(live_server, page, world):
    fokus = fokus_for(world, "own")
    errors = watch_console(page)
    log_in(page, live_server, world.users["consultant"])
    page.goto(f"{live_server.url}/kvalitetsplan/{fokus.plan_id}/")
    expect(page.get_by_text("1 of 2 done, 0 under way")).to_be_visible()
    page.get_by_label("Status of measure 2").select_option("under_way")
    page.locator(f"#fokus-{fokus.pk}-measures-block button").nth(1).click()
    expect(page.get_by_text("1 of 2 done, 1 under way")).to_be_visible()
    assert page.url.endswith(f"/kvalitetsplan/{fokus.plan_id}/")  # swapped, not reloaded
    page.get_by_label("Status of measure 2").select_option("done")
    page.get_by_label("Status of measure 2").press("Tab")
    page.keyboard.press("Enter")  # the Update button, reached by keyboard
    expect(page.get_by_text("2 of 2 done, 0 under way")).to_be_visible()
    second = fokus.tiltak.order_by("order", "pk").last()
    expect(page.locator(f"#tiltak-{second.pk}-update")).to_be_focused()  # focus survives
    snapshot(page, "/tmp/kvalitet-plan-consultant.png", full_page=True)
    assert not errors, errors


def test_leader_chooses_her_focus_and_sees_it_on_the_plan(live_server, page, world):
    fokus = fokus_for(world, "own")
    errors = watch_console(page)
    log_in(page, live_server, world.users["leader"])
    page.goto(f"{live_server.url}/kvalitetsplan/{fokus.plan_id}/")
    page.get_by_role("link", name="Choose the focus of A1 barnehage").click()
    page.get_by_label("We work on this focus area").check()
    page.get_by_label("Our sub-goal").fill("Barna øver på å sette ord på følelser.")
    page.get_by_label("Anchored in").fill("Årsplan")
    page.get_by_role("button", name="Save our focus").click()
    expect(page.get_by_role("alert")).to_contain_text("was saved")
    page.goto(f"{live_server.url}/kvalitetsplan/{fokus.plan_id}/")
    expect(page.get_by_text("Barna øver på å sette ord på følelser.")).to_be_visible()
    assert not errors, errors
