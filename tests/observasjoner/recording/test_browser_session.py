"""A shared tablet: the observer's log-in ends (an hour without a request, or someone logs
out) while scores wait in the browser's outbox. Nothing is lost: the page says she is logged
out, and after she logs in again the waiting scores reach the server, each once."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from barnehager.models import Role
from observasjoner.models import Skaar
from tests.observasjoner.recording.matrix import observation_for
from tests.observasjoner.recording.test_browser_recording import (
    CODES,
    CYCLES,
    log_in,
    start_cycle,
    status,
    tablet,  # noqa: F401 - the tablet's browser context, a fixture
    tap_score,
    watch_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scores_waiting_when_the_session_ends_are_sent_after_the_next_log_in(
        world, tablet, live_server):  # noqa: F811
    observer = world.users[Role.OBSERVER]
    observasjon = observation_for(world, "own")
    page = tablet.new_page()
    errors = watch_errors(page)
    log_in(page, observer)
    page.get_by_role("link", name="My observations").click()
    page.get_by_role("link", name="Start recording").tap()
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    recording_url = page.url

    start_cycle(page, 1)
    first_half, second_half = CODES[:5], CODES[5:]
    for code in first_half:
        tap_score(page, code, CYCLES[1][code])
    expect(status(page)).to_have_text("All saved on the server")

    # Off the network she goes on scoring; meanwhile her log-in ends (the idle limit).
    tablet.set_offline(True)
    for code in second_half:
        tap_score(page, code, CYCLES[1][code])
    expect(status(page)).to_contain_text("changes waiting to be sent")
    Session.objects.all().delete()
    tablet.set_offline(False)
    expect(page.locator("#sync-problem")).to_contain_text("You are logged out")
    expect(status(page)).to_contain_text("changes waiting to be sent")
    assert Skaar.objects.filter(syklus__observasjon=observasjon).count() == 5

    # She logs in again on the same tablet and opens the observation: the outbox empties.
    log_in(page, observer)
    page.goto(recording_url)
    expect(status(page)).to_have_text("All saved on the server", timeout=15000)
    saved = dict(Skaar.objects.filter(syklus__observasjon=observasjon, syklus__number=1)
                 .values_list("dimensjon__code", "value"))
    assert saved == CYCLES[1]
    assert not [error for error in errors if "401" not in error and "403" not in error], errors
