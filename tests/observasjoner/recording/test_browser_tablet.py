"""The observer's tablet in Chromium at 768 x 1024 with touch (issue 11, items 4 and 5).

- Logging in and opening only the home page is enough: every observation of the coming
  weeks then opens from a cold start without a connection and says "Ready offline".
- One control starts a cycle (and its timer); a running cycle does not count as valid.
- A forgotten timer is corrected by editing the cycle's start and end, validated.
- A conflict shows right under the status that announces it.
- The written feedback's check boxes are 44 px touch targets.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from barnehager.models import Role
from observasjoner.models import Observasjon, Skaar, Syklus
from observasjoner.recording.selectors import OFFLINE_DAYS
from tests.browser_helpers import snapshot
from tests.observasjoner.recording.matrix import observation_for, record_cycle, submitted_for
from tests.observasjoner.recording.test_browser_conflicts import changed_elsewhere, in_progress
from tests.observasjoner.recording.test_browser_recording import (
    CODES,
    CYCLES,
    TABLET,
    log_in,
    status,
    tap_score,
    watch_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="Europe/Oslo",
                                  **TABLET)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                          "url": live_server.url}])
    yield context
    context.close()


def record_url(observasjon: Observasjon) -> str:
    return f"/observasjoner/{observasjon.pk}/registrering/"


def ready_mark(page, observasjon: Observasjon):
    return page.locator(f'[data-offline-ready-for="{record_url(observasjon)}"]')


def test_the_home_page_alone_makes_every_coming_observation_ready_offline(
        world, tablet, live_server):
    today = timezone.localdate()
    observer = world.users[Role.OBSERVER]
    soon = observation_for(world, "own")
    later = observation_for(world, "sibling")
    Observasjon.objects.filter(pk=later.pk).update(
        planned_date=today + timedelta(days=OFFLINE_DAYS - 3))
    page = tablet.new_page()
    errors = watch_errors(page)
    log_in(page, observer)

    # Only the home page was opened: both observations say they are ready offline.
    for observasjon in (soon, later):
        expect(ready_mark(page, observasjon)).to_be_visible()
        expect(ready_mark(page, observasjon)).to_have_text("Ready offline")
    expect(page.locator("html")).to_have_attribute("data-offline-kept", "3")  # + her list
    snapshot(page, "/tmp/tablet-home-ready-offline.png", full_page=True)

    # A cold start without a connection: the page is closed, a new one opens the later
    # observation, which no page had shown online.
    tablet.set_offline(True)
    page.close()
    page = tablet.new_page()
    errors += watch_errors(page)
    page.clock.install()
    page.goto(record_url(later))
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    expect(page.locator("[data-offline-indicator]")).to_contain_text("Ready offline")
    expect(page.get_by_role("heading", level=1)).to_contain_text(later.avdeling.name)

    page.locator("#new-cycle").tap()
    expect(page.locator("#timer-state")).to_have_text("running")
    page.get_by_label("Children present").fill("15")
    page.get_by_label("Children present").press("Tab")
    for code, value in CYCLES[1].items():
        tap_score(page, code, value)
    page.clock.fast_forward("21:00")
    page.get_by_role("button", name="Stop", exact=True).tap()
    expect(page.locator("#timer-state")).to_have_text("stopped")
    expect(status(page)).to_contain_text("changes waiting to be sent")
    snapshot(page, "/tmp/tablet-offline-cold-start.png", animations="disabled")
    assert not Syklus.objects.filter(observasjon=later).exists()

    tablet.set_offline(False)
    expect(status(page)).to_have_text("All saved on the server")
    syklus = Syklus.objects.get(observasjon=later)
    assert syklus.number == 1 and syklus.ended_at is not None
    assert syklus.children_present == 15
    saved = list(Skaar.objects.filter(syklus=syklus).values_list("dimensjon__code", "value"))
    assert len(saved) == len(CODES) == len(dict(saved))
    assert dict(saved) == CYCLES[1]
    assert not Syklus.objects.filter(observasjon=soon).exists()
    assert not [error for error in errors if "Failed to load resource" not in error], errors


def test_an_observation_beyond_the_coming_weeks_is_not_kept(world, tablet, live_server):
    far = observation_for(world, "own")
    Observasjon.objects.filter(pk=far.pk).update(
        planned_date=timezone.localdate() + timedelta(days=OFFLINE_DAYS + 10))
    page = tablet.new_page()
    log_in(page, world.users[Role.OBSERVER])
    expect(page.locator("html")).to_have_attribute("data-offline-kept", "1")  # her list
    expect(ready_mark(page, far)).to_be_hidden()


def test_one_control_starts_a_cycle_and_a_running_cycle_does_not_count(world, tablet,
                                                                       live_server):
    observasjon = observation_for(world, "own")
    observasjon.runde.min_valid_cycles = 1
    observasjon.runde.save()
    page = tablet.new_page()
    page.clock.install()
    log_in(page, world.users[Role.OBSERVER])
    page.goto(record_url(observasjon))
    expect(page.locator("#recorder")).to_have_attribute("data-synced", "true")

    # One start control, enabled, and it starts the timer.
    starts = page.get_by_role("button", name="Start")
    expect(starts).to_have_count(1)
    expect(starts).to_have_text("Start cycle 1")
    expect(starts).to_be_enabled()
    snapshot(page, "/tmp/tablet-start.png", animations="disabled")
    starts.tap()
    expect(page.locator("#timer-state")).to_have_text("running")
    expect(page.get_by_role("button", name="Start")).to_have_text("Start cycle 2")
    page.get_by_label("Children present").fill("15")
    page.get_by_label("Children present").press("Tab")
    for code, value in CYCLES[1].items():
        tap_score(page, code, value)
    expect(status(page)).to_have_text("All saved on the server")

    # Every score in, the timer still running: not a valid cycle yet.
    expect(page.locator("#summary-valid")).to_have_text("Valid cycles: 0 (at least 1 needed)")
    expect(page.locator("#summary-problems")).to_contain_text("still running")
    snapshot(page, "/tmp/tablet-running-summary.png", full_page=True, animations="disabled")
    page.clock.fast_forward("20:00")
    page.get_by_role("button", name="Stop", exact=True).tap()
    expect(page.locator("#summary-valid")).to_have_text("Valid cycles: 1 (at least 1 needed)")
    expect(page.locator("#summary-problems")).to_be_empty()


def _clock_start() -> datetime:
    """Two hours ago on today's date in Oslo, so a corrected cycle stays in the past and
    on one day."""
    now = timezone.now().astimezone(OSLO)
    start = now - timedelta(hours=2)
    return start if start.date() == now.date() else now.replace(hour=0, minute=1)


def test_a_forgotten_timer_is_corrected_by_editing_start_and_end(world, tablet, live_server):
    observasjon = observation_for(world, "own")
    page = tablet.new_page()
    start = _clock_start().replace(second=0, microsecond=0)
    page.clock.install(time=start)
    log_in(page, world.users[Role.OBSERVER])
    page.goto(record_url(observasjon))
    page.locator("#new-cycle").tap()
    expect(page.locator("#timer-state")).to_have_text("running")
    # She forgot the timer: it ran 55 minutes.
    page.clock.fast_forward("55:00")
    page.get_by_role("button", name="Stop", exact=True).tap()
    expect(status(page)).to_have_text("All saved on the server")

    page.get_by_text("Correct the start or end time").tap()
    started = page.get_by_label("Started at")
    ended = page.get_by_label("Ended at")
    expect(started).to_have_value(start.strftime("%H:%M"))
    expect(ended).to_have_value((start + timedelta(minutes=55)).strftime("%H:%M"))

    # Refused: an end before the start, and a time still to come.
    ended.fill((start - timedelta(minutes=5)).strftime("%H:%M"))
    page.get_by_role("button", name="Save the times").tap()
    expect(page.locator("#cycle-times-message")).to_have_text(
        "A cycle cannot end before it starts.")
    ended.fill((start + timedelta(minutes=90)).strftime("%H:%M"))
    page.get_by_role("button", name="Save the times").tap()
    expect(page.locator("#cycle-times-message")).to_have_text(
        "A cycle cannot start or end in the future.")
    syklus = Syklus.objects.get(observasjon=observasjon)
    assert syklus.minutes == pytest.approx(55, abs=0.1)

    # Accepted: started two minutes later than tapped, lasted 20 minutes.
    started.fill((start + timedelta(minutes=2)).strftime("%H:%M"))
    ended.fill((start + timedelta(minutes=22)).strftime("%H:%M"))
    page.get_by_role("button", name="Save the times").tap()
    expect(page.locator("#cycle-times-message")).to_have_text(
        "Times corrected: the cycle lasted 20 min.")
    expect(status(page)).to_have_text("All saved on the server")
    snapshot(page, "/tmp/tablet-correct-times.png", animations="disabled")
    syklus.refresh_from_db()
    assert syklus.started_at == start + timedelta(minutes=2)
    assert syklus.minutes == 20


def test_a_conflict_shows_right_under_the_status_that_announces_it(world, tablet,
                                                                   live_server):
    observasjon, syklus = in_progress(world)
    page = tablet.new_page()
    log_in(page, world.users[Role.OBSERVER])
    page.goto(record_url(observasjon))
    expect(page.locator("#recorder")).to_have_attribute("data-synced", "true")
    # The last dimension, at the bottom of the page.
    changed_elsewhere(syklus, "LM", 2)
    tap_score(page, "LM", 5)
    conflicts = page.locator("#conflicts")
    expect(status(page)).to_have_text("1 conflict to resolve")
    expect(conflicts).to_contain_text("LM in cycle 1: this tablet has 5, another device saved 2.")
    badge, panel = status(page).bounding_box(), conflicts.bounding_box()
    assert 0 <= panel["y"] - (badge["y"] + badge["height"]) < 120, (badge, panel)
    assert panel["y"] + panel["height"] <= 1024  # in view while she is at the last dimension
    snapshot(page, "/tmp/tablet-conflict-placement.png", animations="disabled")
    page.get_by_role("button", name="Keep mine (5)").tap()
    expect(conflicts).to_be_hidden()
    expect(status(page)).to_have_text("All saved on the server")


def test_the_feedback_check_boxes_are_touch_targets(world, tablet, live_server):
    observasjon = submitted_for(world, "own")
    record_cycle(observasjon, 1, CYCLES[1])
    page = tablet.new_page()
    log_in(page, world.users[Role.OBSERVER])
    page.goto(f"/observasjoner/{observasjon.pk}/tilbakemelding/")
    boxes = page.locator('input[name="feedback_dimensions"]')
    expect(boxes.first).to_be_visible()
    assert boxes.count() == len(CODES)
    for index in range(boxes.count()):
        box = boxes.nth(index)
        label = page.locator(f'label[for="{box.get_attribute("id")}"]')
        target = label.bounding_box()
        assert target["height"] >= 44, (label.inner_text(), target)
        assert box.bounding_box()["height"] >= 24
    page.locator(f'label[for="{boxes.nth(7).get_attribute("id")}"]').tap()
    expect(boxes.nth(7)).to_be_checked()
    snapshot(page, "/tmp/tablet-feedback.png", full_page=True)
