"""In Chromium at a tablet viewport: a score changed on a second device is shown to the
observer to choose, never overwritten; a server error, a redirect to the login page or a
403 keeps the change on the tablet until the server accepts it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from barnehager.models import Role
from observasjoner.models import Observasjon, Skaar, Syklus
from tests.browser_helpers import snapshot
from tests.observasjoner.recording.matrix import observation_for, record_cycle
from tests.observasjoner.recording.test_browser_recording import (
    TABLET,
    log_in,
    tap_score,
    watch_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCORES = {"PC": 6, "NC": 1, "TS": 6, "RSP": 5, "BM": 6, "PD": 5, "ILF": 5, "CD": 3, "QF": 2,
          "LM": 3}


def open_tablet(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **{**TABLET, **options})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                          "url": live_server.url}])
    return context


def in_progress(world) -> tuple[Observasjon, Syklus]:
    observasjon = observation_for(world, "own", status=Observasjon.Status.IN_PROGRESS)
    syklus = record_cycle(observasjon, 1, SCORES)
    Syklus.objects.filter(pk=syklus.pk).update(ended_at=None,
                                               started_at=timezone.now() - timedelta(minutes=3))
    return observasjon, syklus


def changed_elsewhere(syklus, code, value):
    """What a second tablet's save leaves behind: a new value and a new version."""
    skaar = Skaar.objects.get(syklus=syklus, dimensjon__code=code)
    skaar.value = value
    skaar.version += 1
    skaar.save()


def test_a_change_from_a_second_device_is_shown_to_choose(world, browser, live_server):
    observasjon, syklus = in_progress(world)
    context = open_tablet(browser, live_server)
    page = context.new_page()
    errors = watch_errors(page)
    log_in(page, world.users[Role.OBSERVER])
    page.goto(f"/observasjoner/{observasjon.pk}/registrering/")
    expect(page.locator("#score-PC-6")).to_be_checked()
    expect(page.locator("#recorder")).to_have_attribute("data-synced", "true")
    conflict_answers = "the server responded with a status of 409"

    changed_elsewhere(syklus, "PC", 3)
    tap_score(page, "PC", 7)
    conflicts = page.locator("#conflicts")
    expect(conflicts).to_contain_text(
        "PC in cycle 1: this tablet has 7, another device saved 3.")
    expect(page.locator("#sync-status")).to_have_text("1 conflict to resolve")
    expect(page.locator("#score-PC-3")).to_be_checked()
    expect(page.locator('.dimension[data-dimension="PC"]')).to_have_class(
        "dimension has-conflict")
    expect(page.get_by_role("button", name="Submit and lock…")).to_be_disabled()
    assert Skaar.objects.get(syklus=syklus, dimensjon__code="PC").value == 3
    page.locator("#conflicts").scroll_into_view_if_needed()
    snapshot(page, "/tmp/tablet-7-conflict.png", animations="disabled")

    # The conflict survives a reload until she chooses.
    page.reload()
    expect(conflicts).to_contain_text("this tablet has 7, another device saved 3")
    page.get_by_role("button", name="Keep mine (7)").tap()
    expect(page.locator("#sync-status")).to_have_text("All saved on the server")
    skaar = Skaar.objects.get(syklus=syklus, dimensjon__code="PC")
    assert (skaar.value, skaar.version) == (7, 3)

    changed_elsewhere(syklus, "TS", 2)
    tap_score(page, "TS", 5)
    page.get_by_role("button", name="Use the other (2)").tap()
    expect(conflicts).to_be_hidden()
    expect(page.locator("#score-TS-2")).to_be_checked()
    expect(page.locator("#sync-status")).to_have_text("All saved on the server")
    assert Skaar.objects.get(syklus=syklus, dimensjon__code="TS").value == 2
    assert Skaar.objects.filter(syklus=syklus).count() == 10
    context.close()
    assert not [error for error in errors if conflict_answers not in error], errors


def test_refusals_keep_the_change_until_the_server_accepts_it(world, browser, live_server):
    observasjon, syklus = in_progress(world)
    Skaar.objects.filter(syklus=syklus, dimensjon__code__in=["QF", "LM"]).delete()
    # page.route does not see requests that pass a service worker: block it here.
    context = open_tablet(browser, live_server, service_workers="block")
    page = context.new_page()
    log_in(page, world.users[Role.OBSERVER])
    page.goto(f"/observasjoner/{observasjon.pk}/registrering/")
    status = page.locator("#sync-status")
    problem = page.locator("#sync-problem")
    api = "**/observasjoner/api/*/skaar/"

    # One handler whose answer changes, so no retry slips through to the server while
    # one refusal is swapped for the next.
    answer = {"status": 502, "body": "Bad gateway"}

    def refuse(route):
        if answer.get("pass"):
            route.continue_()
        else:
            route.fulfill(**answer)

    page.route(api, refuse)
    tap_score(page, "QF", 4)
    expect(status).to_have_text("1 change waiting to be sent")
    expect(problem).to_contain_text("error 502")

    answer.clear()
    answer.update(status=302, headers={"Location": "/konto/logg-inn/?next=/"})
    tap_score(page, "LM", 5)
    expect(status).to_have_text("2 changes waiting to be sent")
    expect(problem).to_contain_text("You are logged out")

    answer.clear()
    answer.update(status=403, body="<h1>403 Forbidden</h1>", content_type="text/html")
    page.reload()
    expect(problem).to_contain_text("no access")
    expect(page.locator("#score-QF-4")).to_be_checked()
    expect(page.locator("#score-LM-5")).to_be_checked()
    assert not Skaar.objects.filter(syklus=syklus, dimensjon__code__in=["QF", "LM"]).exists()
    snapshot(page, "/tmp/tablet-8-refused.png", animations="disabled")
    answer.clear()
    answer["pass"] = True

    # The next attempt (here: the next tap) sends everything, each change once.
    tap_score(page, "NC", 2)
    expect(status).to_have_text("All saved on the server")
    expect(problem).to_be_hidden()
    saved = dict(Skaar.objects.filter(syklus=syklus).values_list("dimensjon__code", "value"))
    assert saved == {**SCORES, "QF": 4, "LM": 5, "NC": 2}

    # A change the server can never take waits beside the queue and holds nothing up.
    page.get_by_label("Adults present").fill("1500")
    page.get_by_label("Adults present").press("Tab")
    expect(page.locator("#conflicts")).to_contain_text(
        "Adults present must be between 0 and 999.")
    tap_score(page, "PD", 6)
    expect(status).to_have_text("1 conflict to resolve")
    expect(page.locator("#recorder")).to_have_attribute("data-synced", "true")
    assert Skaar.objects.get(syklus=syklus, dimensjon__code="PD").value == 6
    page.get_by_role("button", name="Dismiss").tap()
    expect(status).to_have_text("All saved on the server")
    assert Syklus.objects.get(pk=syklus.pk).adults_present == 3
    context.close()


def test_a_cycle_number_taken_on_a_second_device_is_renumbered(world, browser, live_server):
    observasjon = observation_for(world, "own", status=Observasjon.Status.IN_PROGRESS)
    record_cycle(observasjon, 1, SCORES)
    context = open_tablet(browser, live_server)
    page = context.new_page()
    log_in(page, world.users[Role.OBSERVER])
    page.goto(f"/observasjoner/{observasjon.pk}/registrering/")
    expect(page.locator("#recorder")).to_have_attribute("data-synced", "true")

    elsewhere = record_cycle(observasjon, 2, {"PC": 5})
    page.locator("#new-cycle").tap()
    expect(page.locator("#sync-problem")).to_contain_text(
        "Another device had already recorded cycle 2; this tablet's cycle is now cycle 3.")
    expect(page.locator("#cycle-number")).to_have_text("3")
    expect(page.locator("#sync-status")).to_have_text("All saved on the server")
    expect(page.locator("#cycle-tabs")).to_contain_text("Cycle 2")
    tap_score(page, "PC", 4)
    expect(page.locator("#sync-status")).to_have_text("All saved on the server")
    numbers = dict(Syklus.objects.filter(observasjon=observasjon)
                   .values_list("number", "client_id"))
    assert sorted(numbers) == [1, 2, 3] and numbers[2] == elsewhere.client_id
    assert Skaar.objects.get(syklus__number=3, syklus__observasjon=observasjon).value == 4
    context.close()
