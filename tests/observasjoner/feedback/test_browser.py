"""In Chromium at a tablet viewport: after submitting, the observer writes the feedback; the
kindergarten's leader reads results and feedback, writes a practice story and sets the
month's dimension."""


import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from barnehager.models import Role
from observasjoner.models import Maanedsplan, Observasjon, Praksisfortelling
from tests.browser_helpers import snapshot
from tests.observasjoner.recording.matrix import observation_for, record_cycle
from tests.observasjoner.recording.test_browser_recording import TABLET, log_in, watch_errors
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCORES = [
    {"PC": 6, "NC": 1, "TS": 6, "RSP": 5, "BM": 6, "PD": 5, "ILF": 5, "CD": 3, "QF": 2, "LM": 3},
    {"PC": 5, "NC": 2, "TS": 6, "RSP": 5, "BM": 5, "PD": 6, "ILF": 4, "CD": 2, "QF": 3, "LM": 4},
    {"PC": 7, "NC": 1, "TS": 5, "RSP": 6, "BM": 6, "PD": 5, "ILF": 5, "CD": 3, "QF": 3, "LM": 3},
]


def tablet_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **TABLET)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                          "url": live_server.url}])
    return context, context.new_page()


def test_feedback_results_stories_and_the_monthly_plan(world, browser, live_server):
    observasjon = observation_for(world, "own")
    for number, scores in enumerate(SCORES, start=1):
        record_cycle(observasjon, number, scores)
    Observasjon.objects.filter(pk=observasjon.pk).update(
        status=Observasjon.Status.SUBMITTED, submitted_at=timezone.now(),
        observed_on=timezone.localdate())

    context, page = tablet_page(browser, live_server)
    errors = watch_errors(page)
    log_in(page, world.users[Role.OBSERVER])
    page.get_by_role("link", name="All my observations").tap()
    snapshot(page, "/tmp/tablet-9-my-observations.png", animations="disabled")
    page.get_by_role("link", name="Write feedback").tap()
    page.get_by_label("Strengths").fill("Varme og humor; de voksne er nær barna i leken.")
    page.get_by_label("CD Concept Development").check()
    page.get_by_label("How to work on them").fill("Flere hvorfor- og hvordan-spørsmål.")
    page.get_by_label("Feedback meeting").fill("2025-11-03")
    snapshot(page, "/tmp/tablet-10-feedback-form.png", full_page=True, animations="disabled")
    page.get_by_role("button", name="Save the feedback").tap()
    expect(page.get_by_role("alert")).to_contain_text("The feedback is saved")
    context.close()

    context, page = tablet_page(browser, live_server)
    errors += watch_errors(page)
    log_in_leader(page, world.users[Role.LEADER])
    page.get_by_role("link", name="A1 barnehage: Storeslem").tap()
    expect(page.get_by_text("Varme og humor; de voksne er nær barna i leken.")).to_be_visible()
    expect(page.get_by_role("table", name="Domain scores")).to_contain_text("ES Emotional Support")
    snapshot(page, "/tmp/tablet-11-leader-results.png", full_page=True, animations="disabled")

    page.get_by_role("button", name="Show menu").tap()  # the menu folds at 768 px
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Practice stories").tap()
    page.get_by_role("link", name="Write a practice story").tap()
    page.get_by_label("Dimension").select_option(label="CLASS Pre-K: LM Language Modeling")
    page.get_by_label("Month").fill("2025-10")
    page.get_by_label("Title").fill("Samtale om regnet")
    page.get_by_label("Story").fill("Ved lunsj spurte en voksen hvorfor det regner, og "
                                    "samtalen gikk over mange turer.")
    page.get_by_role("button", name="Save the story").tap()
    expect(page.get_by_role("heading", name="Samtale om regnet")).to_be_visible()
    assert Praksisfortelling.objects.get().barnehage == world.barnehage["own"]

    page.get_by_role("link", name="The kindergarten's monthly plan").tap()
    page.get_by_role("textbox", name="Month").fill("2025-10")
    page.get_by_role("combobox", name="Dimension").select_option(
        label="CLASS Pre-K: LM Language Modeling")
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("row", name="October")).to_contain_text("LM Language Modeling")
    snapshot(page, "/tmp/tablet-12-monthly-plan.png", full_page=True, animations="disabled")
    assert Maanedsplan.objects.get().dimensjon.code == "LM"
    context.close()
    assert not errors, errors


def log_in_leader(page, user):
    page.goto("/konto/logg-inn/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Observation results and feedback")).to_be_visible()
