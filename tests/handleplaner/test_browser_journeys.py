"""In Chromium (issue 11, items 2 and 8): a keyboard-only leader tabs through the plan editor
and no focused field hides under the sticky bars, at 1024 and 1440 px; she is offered only
what her plan can target, in groups she can skip; a final evaluation and an approval each
take a confirmation that says what happens and who is told."""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from handleplaner.models import Handleplan, Status
from observasjoner.models import Dimensjon
from tests import second_factor
from tests.browser_helpers import snapshot
from tests.handleplaner.factories import make_plan
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]

# The focused element's box, the sticky bars' boxes, and whether it sits inside a bar.
FOCUS_BOX = """() => {
  const el = document.activeElement;
  const box = (node) => { const r = node.getBoundingClientRect();
                          return {top: r.top, bottom: r.bottom, height: r.height}; };
  return {
    tag: el.tagName, name: el.getAttribute("name") || el.id || el.textContent.trim().slice(0, 40),
    box: box(el), bar: box(document.querySelector(".plan-actions")),
    status: box(document.querySelector(".plan-status-bar")),
    inBar: !!el.closest(".plan-actions, .plan-status-bar"),
    inForm: !!el.closest("#plan-form"),
  };
}"""


def log_in(page, live_server, user, language="en"):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    second_factor.pass_in_browser(page, user)
    expect(page.locator("input[name=password]")).to_have_count(0)


def _settled(page) -> dict:
    """The focus box once scrolling has stopped (Bootstrap scrolls smoothly)."""
    info = page.evaluate(FOCUS_BOX)
    for _attempt in range(40):
        page.wait_for_timeout(40)
        again = page.evaluate(FOCUS_BOX)
        if again == info:
            return info
        info = again
    return info


def _tab_through_the_form(page) -> list[dict]:
    """Every tab stop from the page's top to the action bar's last link."""
    page.locator("#main").focus()
    stops = []
    for _press in range(400):
        page.keyboard.press("Tab")
        info = _settled(page)
        if not info["inForm"]:
            if stops:
                break
            continue
        stops.append(info)
        if info["inBar"] and info["tag"] == "A":  # "View the plan", the form's last stop
            break
    return stops


@pytest.mark.parametrize("width", [1024, 1440])
def test_no_tab_stop_of_the_editor_hides_under_its_sticky_bars(live_server, page, world,
                                                              width):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": width, "height": 800})
    plan = make_plan(world.barnehage["own"], avdeling=world.avdeling["own"])
    log_in(page, live_server, world.users["leader"])
    page.goto(f"{live_server.url}/handleplaner/{plan.pk}/rediger/")
    expect(page.locator("#autosave-status")).to_contain_text("saved automatically")

    # Only the department's instrument (Pre-K), grouped by domain; no supervision criteria
    # for a kindergarten that has had no supervision.
    prek = Dimensjon.objects.filter(domene__instrument__code="prek").count()
    expect(page.locator("input[name=dimensjoner]")).to_have_count(prek)
    expect(page.locator("input[name=kriterier]")).to_have_count(0)
    expect(page.locator("#plan-dimensions fieldset legend")).to_have_count(3)
    expect(page.locator("#plan-criteria")).to_contain_text("No supervision criteria to choose")

    stops = _tab_through_the_form(page)
    assert stops and stops[-1]["inBar"], stops[-3:]
    hidden = [stop for stop in stops if not stop["inBar"] and stop["box"]["height"] > 0
              and (stop["box"]["bottom"] > stop["bar"]["top"] + 0.5
                   or stop["box"]["top"] < stop["status"]["bottom"] - 0.5)]
    assert not hidden, f"{len(hidden)} of {len(stops)} tab stops under a sticky bar: {hidden}"
    snapshot(page, f"/tmp/journeys-editor-focus-{width}.png")
    assert not errors, errors


def test_the_targets_can_be_skipped_with_one_link(live_server, page, world):
    page.set_viewport_size({"width": 1440, "height": 900})
    plan = make_plan(world.barnehage["own"], avdeling=world.avdeling["own"])
    log_in(page, live_server, world.users["leader"])
    page.goto(f"{live_server.url}/handleplaner/{plan.pk}/rediger/")
    skip = page.get_by_role("link", name="Skip the dimensions and criteria")
    skip.focus()
    expect(skip).to_be_visible()  # shown when it has the focus
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.tagName, "
                            "document.activeElement.name]")
    assert focused[0] == "TEXTAREA" and focused[1].startswith("q"), focused


def test_a_final_evaluation_is_confirmed_and_an_interim_one_is_not(live_server, page, world):
    page.set_viewport_size({"width": 1440, "height": 900})
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    today = timezone.localdate().isoformat()
    log_in(page, live_server, world.users["leader"])
    page.goto(f"{live_server.url}/handleplaner/{plan.pk}/evaluering/")
    final = page.get_by_label("This is the final evaluation", exact=False)
    expect(final).not_to_be_checked()

    page.fill("#id_held_on", today)
    page.fill("#id_observed", "Half the groups work.")
    page.get_by_label("Partly").check()
    page.get_by_role("button", name="Record the evaluation").click()
    expect(page.get_by_text("The interim evaluation is recorded")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == Status.IN_PROGRESS

    page.goto(f"{live_server.url}/handleplaner/{plan.pk}/evaluering/")
    page.fill("#id_held_on", today)
    page.fill("#id_observed", "Every group works.")
    page.get_by_label("Yes").check()
    page.get_by_label("This is the final evaluation", exact=False).check()
    page.get_by_role("button", name="Record the evaluation").click()
    expect(page.get_by_role("heading", name="What happens")).to_be_visible()
    expect(page.locator(".confirm-page")).to_contain_text("The municipality's consultants")
    snapshot(page, "/tmp/journeys-final-evaluation-confirm.png", full_page=True)
    page.get_by_role("button", name="Back to the form").click()
    expect(page.locator("#id_observed")).to_have_value("Every group works.")
    assert Handleplan.objects.get(pk=plan.pk).status == Status.IN_PROGRESS
    page.get_by_role("button", name="Record the evaluation").click()
    page.get_by_role("button", name="Yes, record the final evaluation").click()
    expect(page.locator(".badge", has_text="Evaluated")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == Status.EVALUATED
    assert [e.final for e in plan.evalueringer.order_by("pk")] == [False, True]
