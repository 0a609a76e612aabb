"""In Chromium: a leader writes a plan, autosave and the browser's copy survive reloads, she
submits, a consultant returns it with a comment, she fixes it and resubmits, and it is
approved. Every page keeps to the CSP (a violation shows as a console error)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from handleplaner.models import Handleplan, Status
from tests import second_factor
from tests.browser_helpers import open_menu, snapshot
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]


def log_in(page, live_server, user):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    second_factor.pass_in_browser(page, user)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()


def log_out(page):
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("input[name=username]")).to_be_visible()


def saved(page):
    """The autosave has answered for everything typed so far."""
    expect(page.locator("#autosave-status")).not_to_contain_text("not saved yet")
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")


def test_a_plan_from_draft_to_approval(live_server, page, world):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1440, "height": 900})
    today = timezone.localdate()
    leader, consultant = world.users["leader"], world.users["consultant"]

    # The leader starts a plan from her home page.
    log_in(page, live_server, leader)
    page.get_by_role("link", name="New action plan").click()
    page.fill("#id_title", "Small groups for every child")
    expect(page.get_by_label("SMART action plan", exact=False)).to_be_checked()
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator("#autosave-status")).to_contain_text("saved automatically")

    # She writes; the help text stands beside each question.
    expect(page.locator(".plan-help").first).to_contain_text("Describe the change")
    page.fill("#id_goal", "Every child is part of a small group every day.")
    saved(page)
    answers = {
        "What do we want to achieve?": "Small groups formed from the children's needs.",
        "Why do we want to achieve it?": "Staff want daily contact with every child.",
        "How will we evaluate and follow up?": "Department meetings every month.",
        "How will we know the goal is reached?": "Every child is in a group each day.",
        "What knowledge does the effort build on, and what marks high quality?":
            "Research on small groups.",
        "How can the goal be reached?": "Analyse the groups, then form them.",
        "What helps and what hinders the work?": "Helps: keen staff. Hinders: absence.",
        "Why does the goal matter now?": "The supervision asked for it.",
    }
    for label, text in answers.items():
        page.get_by_label(label).fill(text)
    page.fill("#id_period_start", today.isoformat())
    page.fill("#id_period_end", (today + timedelta(days=200)).isoformat())
    page.fill("#id_deadline", (today + timedelta(days=180)).isoformat())
    phase = page.locator(".plan-phase").first
    phase.locator("input[name$='-title']").fill("Analyse the groups")
    phase.locator("input[name$='-start']").fill((today + timedelta(days=1)).isoformat())
    phase.locator("input[name$='-end']").fill((today + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Add a phase").click()
    expect(page.locator(".plan-phase")).to_have_count(2)
    expect(page.locator(".plan-phase").nth(1).locator("input[name$='-title']")).to_be_focused()
    page.keyboard.type("Work in small groups")
    saved(page)

    # The autosave survives a reload.
    page.reload()
    expect(page.locator("#id_goal")).to_have_value(
        "Every child is part of a small group every day.")
    expect(page.get_by_label("How can the goal be reached?")).to_have_value(
        "Analyse the groups, then form them.")
    expect(page.locator(".plan-phase").nth(1).locator("input[name$='-title']")).to_have_value(
        "Work in small groups")
    expect(page.locator("#draft-restore")).to_be_hidden()

    # Text typed just before the tab closes comes back from the browser's copy.
    page.fill("#id_origin_note", "From the autumn supervision.")
    page.reload()
    expect(page.locator("#draft-restore")).to_be_visible()
    page.get_by_role("button", name="Put it back into the form").click()
    expect(page.locator("#id_origin_note")).to_have_value("From the autumn supervision.")
    saved(page)
    snapshot(page, "/tmp/hp-form.png", full_page=True)

    # The second phase still lacks dates: the submission is refused, saying what to fix.
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#form-errors")).to_contain_text(
        "Phase 2 (Work in small groups), Starts: Set the date the phase starts.")
    second = page.locator(".plan-phase").nth(1)
    second.locator("input[name$='-start']").fill((today + timedelta(days=61)).isoformat())
    second.locator("input[name$='-end']").fill((today + timedelta(days=150)).isoformat())
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("The plan is submitted for approval.")).to_be_visible()
    expect(page.locator(".badge", has_text="Waiting for approval")).to_be_visible()
    log_out(page)

    # The consultant finds it in her queue and returns it with a comment.
    log_in(page, live_server, consultant)
    page.get_by_role("link", name="Action plans", exact=True).click()
    page.get_by_role("link", name="Queue: plans needing attention").click()
    page.get_by_role("link", name="Small groups for every child").click()
    page.get_by_label("Comment to the leader").fill(
        "Say which signs you will look for in the children.")
    page.get_by_role("button", name="Return for changes").click()
    expect(page.locator(".badge", has_text="Returned for changes")).to_be_visible()
    log_out(page)

    # The leader reads the comment, fixes the plan and submits it again.
    log_in(page, live_server, leader)
    expect(page.get_by_role("status").filter(has_text="Returned for changes:")).to_be_visible()
    page.locator(".list-group").get_by_role("link", name="Small groups for every child").click()
    expect(page.get_by_text("Say which signs you will look for in the children.").first
           ).to_be_visible()
    page.get_by_role("link", name="Edit and resubmit").click()
    expect(page.get_by_text("Say which signs you will look for in the children.")
           ).to_be_visible()
    page.get_by_label("How will we know the goal is reached?").fill(
        "Every child is in a group each day; children start play in the groups.")
    saved(page)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".badge", has_text="Waiting for approval")).to_be_visible()
    log_out(page)

    # The consultant approves.
    log_in(page, live_server, consultant)
    plan = Handleplan.objects.get(title="Small groups for every child")
    page.goto(f"{live_server.url}/handleplaner/{plan.pk}/")
    page.get_by_role("button", name="Approve").click()
    # One click does not approve: the page says what happens and who is told.
    expect(page.get_by_role("heading", name="Who is told")).to_be_visible()
    expect(page.locator(".confirm-page")).to_contain_text("The kindergarten's leaders")
    page.get_by_role("button", name="Yes, approve the plan").click()
    expect(page.locator(".badge", has_text="Approved")).to_be_visible()
    snapshot(page, "/tmp/hp-plan.png", full_page=True)

    plan.refresh_from_db()
    assert plan.status == Status.APPROVED
    assert plan.approved_by == consultant
    assert [step.name for step in plan.overganger.order_by("at")] == [
        "submit", "return_to_leader", "submit", "approve"]
    assert not errors, errors
