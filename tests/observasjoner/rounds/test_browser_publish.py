"""In Chromium (issue 11, item 8): publishing a round takes a confirmation that says what
happens and who is told, works without JavaScript, mails each observer her dates with a
calendar file, and she sees them on her home page at once. The pages changed for issue 11
are looked at in bokmål and Danish at 1440 and 768 px (saved with KVALITET_SCREENSHOTS)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from barnehager.models import Role
from handleplaner.models import Status
from observasjoner.models import Observasjonsrunde
from tests import second_factor
from tests.browser_helpers import snapshot
from tests.handleplaner.factories import make_plan
from tests.observasjoner import factories as f
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user, language="en"):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    second_factor.pass_in_browser(page, user)
    expect(page.locator("input[name=password]")).to_have_count(0)


def _planned_round(world):
    today = timezone.localdate()
    runde = f.runde(world.kommune["own"], start=today + timedelta(days=3),
                    end=today + timedelta(days=60))
    observation = f.observation(runde, world.avdeling["sibling"], world.users[Role.OBSERVER],
                                day=today + timedelta(days=5))
    return runde, observation


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_publishing_a_round_is_confirmed_and_the_observer_sees_it(
        live_server, browser, world, javascript):
    context = browser.new_context(java_script_enabled=javascript, locale="en-GB",
                                  viewport={"width": 1440, "height": 900})
    page = context.new_page()
    runde, observation = _planned_round(world)
    log_in(page, live_server, world.users[Role.CONSULTANT])
    page.goto(f"{live_server.url}/observasjoner/runder/{runde.pk}/")
    page.get_by_role("button", name="Publish the plan").click()
    expect(page.get_by_role("heading", name="Who is told")).to_be_visible()
    expect(page.locator(".confirm-page")).to_contain_text(
        "1 observer, by e-mail with her dates and a calendar file (.ics):")
    assert Observasjonsrunde.objects.get(pk=runde.pk).status == "planning"
    page.get_by_role("button", name="Yes, publish the plan").click()
    expect(page.get_by_text("1 observer has been sent her observations")).to_be_visible()
    assert Observasjonsrunde.objects.get(pk=runde.pk).status == "active"
    (message,) = mail.outbox
    assert message.to == [world.users[Role.OBSERVER].email]
    assert message.attachments[0][0].endswith(".ics")
    context.close()

    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": 768, "height": 1024})
    page = context.new_page()
    log_in(page, live_server, world.users[Role.OBSERVER])
    expect(page.locator(f"a[href='/observasjoner/{observation.pk}/registrering/']").first
           ).to_be_visible()
    context.close()


@pytest.mark.parametrize("language", ["nb", "da"])
@pytest.mark.parametrize("width", [1440, 768])
def test_the_changed_pages_in_bokmal_and_danish(live_server, browser, world, language, width):
    """Each page of the issue's items in the language: what happens / who is told, the
    round's counts and rules, the editor's targets, the evaluation and reopening."""
    words = {
        "nb": {"told": "Hvem får beskjed", "targets": "Hva planen arbeider med",
               "observed": "avdeling observert", "reopen": "Åpne planen igjen",
               "share": "Andel av innskrevne barn til stede (%)",
               "next": "Neste evaluering"},
        "da": {"told": "Hvem får besked", "targets": "Hvad planen arbejder med",
               "observed": "stue observeret", "reopen": "Genåbn planen",
               "share": "Andel af indskrevne børn til stede (%)",
               "next": "Næste evaluering"},
    }[language]
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    runde, _observation = _planned_round(world)
    consultant, leader = world.users[Role.CONSULTANT], world.users[Role.LEADER]
    for user in (consultant, leader):
        if hasattr(user, "language"):
            user.language = language
            user.save()
    name = f"/tmp/journeys-{{}}-{language}-{width}.png"

    log_in(page, live_server, consultant, language)
    page.goto(f"{live_server.url}/observasjoner/runder/{runde.pk}/")
    expect(page.locator("#progress-heading + label")).to_contain_text(words["observed"])
    snapshot(page, name.format("round"), full_page=True)
    page.locator("form[action$='/publiser/'] button").click()
    expect(page.locator(".confirm-page")).to_contain_text(words["told"])
    snapshot(page, name.format("publish-confirm"), full_page=True)
    page.goto(f"{live_server.url}/observasjoner/runder/ny/")
    expect(page.locator("label[for=id_min_presence_share]")).to_contain_text(words["share"])
    page.fill("#id_min_presence_share", "150")
    page.fill("#id_min_cycle_minutes", "30")
    page.fill("#id_min_valid_cycles", "9")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".invalid-feedback")).to_have_count(3)
    snapshot(page, name.format("round-form-errors"), full_page=True)

    evaluated = make_plan(world.barnehage["own"], status=Status.EVALUATED, title="Lek ute")
    page.goto(f"{live_server.url}/handleplaner/{evaluated.pk}/")
    expect(page.locator("#reopen-heading")).to_have_text(words["reopen"])
    snapshot(page, name.format("plan-reopen"), full_page=True)
    submitted = make_plan(world.barnehage["own"], status=Status.SUBMITTED, title="Språk")
    page.goto(f"{live_server.url}/handleplaner/{submitted.pk}/")
    page.locator("#review-heading ~ form button.btn-success").click()
    expect(page.locator(".confirm-page")).to_contain_text(words["told"])
    snapshot(page, name.format("approve-confirm"), full_page=True)
    context.close()

    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    log_in(page, live_server, leader, language)
    draft = make_plan(world.barnehage["own"], avdeling=world.avdeling["own"], title="Samspill")
    page.goto(f"{live_server.url}/handleplaner/{draft.pk}/rediger/")
    expect(page.locator("#plan-targets legend").first).to_have_text(words["targets"])
    page.locator("#plan-targets").scroll_into_view_if_needed()
    snapshot(page, name.format("editor"))
    running = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS, title="Ro")
    page.goto(f"{live_server.url}/handleplaner/{running.pk}/evaluering/")
    expect(page.locator("label[for=id_next_on]")).to_contain_text(words["next"])
    snapshot(page, name.format("evaluation"), full_page=True)
    context.close()
