"""A demo leader logs in through the browser and sees her kindergarten; the page keeps to
the CSP (a violation would show as a console error)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from barnehager.demo import DEMO_PASSWORD
from tests.browser_helpers import snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_logs_in_and_sees_her_kindergarten(live_server, page):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{live_server.url}/")
    page.get_by_label("E-postadresse").fill("leader.baerum@demo.kvalitet.no")
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Eiksmarka barnehage", exact=True)).to_be_visible()
    snapshot(page, "/tmp/home-leader.png", full_page=True)
    # Switch to English with the keyboard-usable language form.
    page.get_by_role("button", name="Vis meny").click()
    page.get_by_label("Språk").select_option("en")
    expect(page.get_by_label("Språk")).to_have_value("en")
    with page.expect_navigation():
        page.get_by_role("button", name="Endre").click()
    expect(page.get_by_role("heading", name="Your kindergarten")).to_be_visible()
    assert not errors, errors
