"""In Chromium at a tablet viewport (768x1024, touch): an observer records three cycles, the
network drops in the middle of cycle 2, she keeps scoring and reloads the page offline (the
service worker serves it, the outbox survives), the network returns, and every score is on
the server exactly once; submitting locks the observation."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from barnehager.models import Role
from observasjoner.models import Observasjon, Skaar, Syklus
from tests.browser_helpers import snapshot
from tests.observasjoner.recording.matrix import observation_for
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": False,
          "locale": "en-GB", "service_workers": "allow"}
CODES = ["PC", "NC", "TS", "RSP", "BM", "PD", "ILF", "CD", "QF", "LM"]
CYCLES = {
    1: dict(zip(CODES, [6, 1, 6, 5, 6, 5, 5, 3, 2, 3], strict=True)),
    2: dict(zip(CODES, [5, 2, 6, 5, 5, 6, 4, 2, 3, 4], strict=True)),
    3: dict(zip(CODES, [7, 1, 5, 6, 6, 5, 5, 3, 3, 3], strict=True)),
}


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **TABLET)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                          "url": live_server.url}])
    yield context
    context.close()


def log_in(page, user):
    page.goto("/konto/logg-inn/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your next observations")).to_be_visible()


def watch_errors(page) -> list[str]:
    """Script errors and failed loads, except those of a network we cut on purpose."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error"
            and "ERR_INTERNET_DISCONNECTED" not in message.text
            and errors.append(message.text))
    return errors


def tap_score(page, code, value):
    page.locator(f"label[for=score-{code}-{value}]").tap()
    expect(page.locator(f"#score-{code}-{value}")).to_be_checked()


def status(page):
    return page.locator("#sync-status")


def start_cycle(page, number, *, first=False):
    """One control starts the cycle and its timer; the details follow."""
    page.get_by_role("button", name=f"Start cycle {number}").tap()
    expect(page.locator("#cycle-number")).to_have_text(str(number))
    expect(page.locator("#timer-state")).to_have_text("running")
    page.get_by_label("Activity").select_option("play")
    page.get_by_label("Children present").fill("15")
    page.get_by_label("Adults present").fill("3")
    page.get_by_label("Adults present").press("Tab")


def stop_cycle(page, clock_minutes=21):
    if clock_minutes:
        page.clock.fast_forward(clock_minutes * 60_000)
    page.get_by_role("button", name="Stop", exact=True).tap()
    expect(page.locator("#timer-state")).to_have_text("stopped")


def test_three_cycles_with_the_network_cut_in_cycle_two(world, tablet, live_server):
    observer = world.users[Role.OBSERVER]
    observasjon = observation_for(world, "own")
    observasjon.runde.min_valid_cycles = 3
    observasjon.runde.save()
    page = tablet.new_page()
    errors = watch_errors(page)
    page.clock.install()
    log_in(page, observer)

    page.get_by_role("link", name="My observations").click()
    page.get_by_role("link", name="Start recording").tap()
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    expect(status(page)).to_have_text("All saved on the server")
    snapshot(page, "/tmp/tablet-1-empty.png", animations="disabled")

    # Cycle 1: the timer refuses to close a cycle under 10 minutes and warns at 20.
    start_cycle(page, 1)
    for code, value in CYCLES[1].items():
        tap_score(page, code, value)
    expect(page.locator("#cycle-progress")).to_have_text("10 of 10 dimensions scored")
    page.clock.fast_forward("05:00")
    page.get_by_role("button", name="Stop", exact=True).tap()
    expect(page.locator("#timer-message")).to_contain_text("at least 10 minutes")
    page.clock.fast_forward("16:00")
    expect(page.locator("#timer-warning")).to_have_text("20 min planned: reached")
    expect(page.locator("#timer-message")).to_be_empty()
    snapshot(page, "/tmp/tablet-2-cycle1.png", animations="disabled")
    stop_cycle(page, 0)
    expect(status(page)).to_have_text("All saved on the server")

    # Cycle 2: half the scores, then the network goes.
    start_cycle(page, 2)
    first_half, second_half = CODES[:5], CODES[5:]
    for code in first_half:
        tap_score(page, code, CYCLES[2][code])
    expect(status(page)).to_have_text("All saved on the server")
    tablet.set_offline(True)
    for code in second_half:
        tap_score(page, code, CYCLES[2][code])
    page.get_by_label("Note on LM").fill("Mange samtaler ved bordet.")
    page.get_by_label("Note on LM").press("Tab")
    expect(status(page)).to_contain_text("changes waiting to be sent")
    expect(page.locator("#sync-problem")).to_contain_text("No connection")
    snapshot(page, "/tmp/tablet-3-offline.png", animations="disabled")

    # A reload without a connection: the service worker serves the page, the outbox
    # survives and is laid over the server's state.
    page.reload()
    expect(page.locator("#cycle-number")).to_have_text("2")
    for code in CODES:
        expect(page.locator(f"#score-{code}-{CYCLES[2][code]}")).to_be_checked()
    expect(page.get_by_label("Note on LM")).to_have_value("Mange samtaler ved bordet.")
    expect(status(page)).to_contain_text("changes waiting to be sent")
    snapshot(page, "/tmp/tablet-4-offline-reloaded.png", animations="disabled")
    assert Skaar.objects.filter(syklus__number=2).count() == 5
    stop_cycle(page)

    # The network returns: the outbox empties, each score exactly once.
    tablet.set_offline(False)
    expect(status(page)).to_have_text("All saved on the server", timeout=15000)

    start_cycle(page, 3)
    for code, value in CYCLES[3].items():
        tap_score(page, code, value)
    stop_cycle(page)
    expect(status(page)).to_have_text("All saved on the server")
    expect(page.locator("#summary-valid")).to_contain_text("Valid cycles: 3")
    snapshot(page, "/tmp/tablet-5-summary.png", full_page=True, animations="disabled")

    assert Syklus.objects.filter(observasjon=observasjon).count() == 3
    assert Skaar.objects.filter(syklus__observasjon=observasjon).count() == 30
    for number, scores in CYCLES.items():
        saved = dict(Skaar.objects.filter(syklus__observasjon=observasjon,
                                          syklus__number=number)
                     .values_list("dimensjon__code", "value"))
        assert saved == scores, number
    assert Skaar.objects.get(syklus__number=2, dimensjon__code="LM").note == (
        "Mange samtaler ved bordet.")

    # Submit locks the observation; the API refuses changes afterwards.
    page.get_by_role("button", name="Submit and lock…").tap()
    page.get_by_role("button", name="Yes, submit and lock").tap()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    snapshot(page, "/tmp/tablet-6-submitted.png", full_page=True, animations="disabled")
    observasjon.refresh_from_db()
    assert observasjon.status == Observasjon.Status.SUBMITTED
    assert observasjon.submitted_at is not None
    assert Skaar.objects.filter(syklus__observasjon=observasjon).count() == 30
    assert not errors, errors
