"""The state machine: every step allowed for its role and refused for the others, recorded
with who and when, and mailed to the people concerned."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from handleplaner import services
from handleplaner.models import Evaluering, Fremdrift, Overgang, Status
from tests.handleplaner.factories import form_data, make_plan

pytestmark = pytest.mark.django_db

ROLES = ["leader", "observer", "consultant", "politician", "admin"]
# (step, from, to, the roles that may take it)
STEPS = [
    ("submit", Status.DRAFT, Status.SUBMITTED, {"leader"}),
    ("submit", Status.RETURNED, Status.SUBMITTED, {"leader"}),
    ("approve", Status.SUBMITTED, Status.APPROVED, {"consultant", "admin"}),
    ("return_to_leader", Status.SUBMITTED, Status.RETURNED, {"consultant", "admin"}),
    ("start", Status.APPROVED, Status.IN_PROGRESS, {"leader"}),
    ("evaluate", Status.IN_PROGRESS, Status.EVALUATED, {"leader"}),
    ("close", Status.EVALUATED, Status.CLOSED, {"consultant", "admin"}),
]


def _plan_for(world, name, source, target="own"):
    plan = make_plan(world.barnehage[target], status=source)
    if name == "evaluate":
        Evaluering.objects.create(handleplan=plan, held_on=plan.period_start,
                                  observed="Groups are in place.", goal_reached="partly")
    return plan


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "source", "target", "allowed"), STEPS,
                         ids=[f"{step[0]}-from-{step[1]}" for step in STEPS])
def test_each_step_is_allowed_for_its_roles_and_refused_for_the_others(
        world, django_capture_on_commit_callbacks, role, name, source, target, allowed):
    plan = _plan_for(world, name, source)
    user = world.users[role]
    if role in allowed:
        with django_capture_on_commit_callbacks(execute=True):
            step = services.apply_transition(plan.pk, name, user, comment="Say what to fix.")
        plan.refresh_from_db()
        assert plan.status == target
        assert (step.name, step.source, step.target, step.by) == (name, source, target, user)
        assert step.at is not None
        assert plan.version == 2
    else:
        with pytest.raises(PermissionDenied):
            services.apply_transition(plan.pk, name, user, comment="Say what to fix.")
        plan.refresh_from_db()
        assert plan.status == source
        assert not Overgang.objects.filter(handleplan=plan).exists()


@pytest.mark.parametrize(("name", "source", "target", "allowed"), STEPS,
                         ids=[f"{step[0]}-from-{step[1]}" for step in STEPS])
def test_nobody_acts_on_another_kindergartens_or_municipalitys_plan(world, name, source,
                                                                    target, allowed):
    sibling = _plan_for(world, name, source, "sibling")
    foreign = _plan_for(world, name, source, "foreign")
    if "leader" in allowed:  # A1's leader on A2's plan
        with pytest.raises(PermissionDenied):
            services.apply_transition(sibling.pk, name, world.users["leader"], comment="x")
    for role in allowed:  # municipality A's people on municipality B's plan
        with pytest.raises(PermissionDenied):
            services.apply_transition(foreign.pk, name, world.users[role], comment="x")


def test_a_step_the_state_does_not_offer_is_refused_with_a_reason(world):
    plan = make_plan(world.barnehage["own"], status=Status.DRAFT)
    with pytest.raises(services.TransitionRefused) as refused:
        services.apply_transition(plan.pk, "approve", world.users["consultant"])
    assert "cannot take this step" in refused.value.messages[0]
    with pytest.raises(services.TransitionRefused):
        services.apply_transition(plan.pk, "close", world.users["consultant"])


def test_returning_needs_a_comment(world):
    plan = make_plan(world.barnehage["own"], status=Status.SUBMITTED)
    with pytest.raises(ValidationError):
        services.apply_transition(plan.pk, "return_to_leader", world.users["consultant"])
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED


def test_evaluating_needs_a_recorded_evaluation(world):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    with pytest.raises(services.TransitionRefused) as refused:
        services.apply_transition(plan.pk, "evaluate", world.users["leader"])
    assert refused.value.messages == ["Record the evaluation first."]


def test_submitting_an_incomplete_plan_names_what_is_missing(world):
    plan = make_plan(world.barnehage["own"], complete=False, goal="")
    with pytest.raises(services.TransitionRefused) as refused:
        services.apply_transition(plan.pk, "submit", world.users["leader"])
    problems = refused.value.messages
    assert "Write the goal of the plan." in problems
    assert "Add at least one phase with its start and end dates." in problems
    assert any(problem.startswith("Answer this question before you submit: \u201cWhat do we "
                                  "want to achieve?\u201d") for problem in problems)


def test_submitting_mails_the_consultants_and_returning_mails_the_leader(
        world, client, django_capture_on_commit_callbacks):
    plan = make_plan(world.barnehage["own"], created_by=world.users["leader"])
    client.force_login(world.users["leader"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("handleplaner:edit", args=[plan.pk]),
                               form_data(plan, action="submit"))
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[world.users["consultant"].email]]
    assert plan.title in mail.outbox[0].subject
    assert f"/handleplaner/{plan.pk}/" in mail.outbox[0].body

    client.force_login(world.users["consultant"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("handleplaner:transition", args=[plan.pk, "return_to_leader"]),
            {"comment": "Add the signs you will look for."})
    assert response.status_code == 302
    assert mail.outbox[1].to == [world.users["leader"].email]
    assert "Add the signs you will look for." in mail.outbox[1].body
    page = client.get(reverse("handleplaner:detail", args=[plan.pk])).content.decode()
    assert "Add the signs you will look for." in page
    assert "Waiting for approval → Returned for changes" in page


def test_returning_without_a_comment_in_the_page_says_what_to_do(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.SUBMITTED)
    client.force_login(world.users["consultant"])
    response = client.post(
        reverse("handleplaner:transition", args=[plan.pk, "return_to_leader"]),
        {"comment": "  "}, follow=True)
    assert "Say what the leader should change when you return a plan." in (
        response.content.decode())
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED


def test_approval_records_who_and_when(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.SUBMITTED)
    client.force_login(world.users["consultant"])
    client.post(reverse("handleplaner:transition", args=[plan.pk, "approve"]),
                {"confirmed": "1"})
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED
    assert plan.approved_by == world.users["consultant"]
    assert plan.approved_at is not None


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.IN_PROGRESS,
                                    Status.EVALUATED, Status.CLOSED])
def test_the_leader_edits_only_drafts_and_returned_plans(world, client, status):
    plan = make_plan(world.barnehage["own"], status=status)
    client.force_login(world.users["leader"])
    response = client.get(reverse("handleplaner:edit", args=[plan.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("handleplaner:detail", args=[plan.pk])
    with pytest.raises(services.NotEditable):
        services.save_content(plan.pk, world.users["leader"], version=plan.version,
                              token="t", content=services.Content(fields={"goal": "Changed"}))
    plan.refresh_from_db()
    assert plan.goal != "Changed"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED])
def test_the_leader_edits_her_draft_and_returned_plan(world, client, status):
    plan = make_plan(world.barnehage["own"], status=status)
    client.force_login(world.users["leader"])
    assert client.get(reverse("handleplaner:edit", args=[plan.pk])).status_code == 200


def test_progress_is_recorded_per_phase_only_once_the_work_is_under_way(world, client):
    approved = make_plan(world.barnehage["own"], status=Status.APPROVED)
    with pytest.raises(PermissionDenied):
        services.add_progress(approved.faser.first(), world.users["leader"], "Too early",
                              completed=False)
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    fase = plan.faser.first()
    fase.start = plan.period_start  # it has started
    fase.save()
    client.force_login(world.users["leader"])
    response = client.post(reverse("handleplaner:progress-add", args=[plan.pk, fase.pk]),
                           {"text": "All groups are formed.", "completed": "on"})
    assert response.status_code == 302
    fase.refresh_from_db()
    assert fase.completed_on is not None
    assert Fremdrift.objects.get(fase=fase).text == "All groups are formed."
    with pytest.raises(PermissionDenied):
        services.add_progress(fase, world.users["consultant"], "Not mine", completed=False)


def test_a_final_evaluation_moves_the_plan_to_evaluated(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    client.force_login(world.users["leader"])
    response = client.post(reverse("handleplaner:evaluation-add", args=[plan.pk]), {
        "held_on": plan.period_start.isoformat(), "observed": "Every child was in a group.",
        "goal_reached": "partly", "final": "on", "confirmed": "1"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.EVALUATED
    evaluation = plan.evalueringer.get()
    assert (evaluation.goal_reached, evaluation.observed) == ("partly",
                                                             "Every child was in a group.")
    assert plan.overganger.get().by == world.users["leader"]


def test_an_interim_evaluation_keeps_the_plan_in_progress(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    client.force_login(world.users["leader"])
    client.post(reverse("handleplaner:evaluation-add", args=[plan.pk]), {
        "held_on": plan.period_start.isoformat(), "observed": "Half way.",
        "goal_reached": "no"})
    plan.refresh_from_db()
    assert plan.status == Status.IN_PROGRESS
    assert plan.evalueringer.count() == 1


def test_the_detail_page_offers_each_role_its_own_steps(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.SUBMITTED)
    client.force_login(world.users["consultant"])
    page = client.get(reverse("handleplaner:detail", args=[plan.pk])).content.decode()
    assert "Review the plan" in page and "Return for changes" in page
    client.force_login(world.users["leader"])
    page = client.get(reverse("handleplaner:detail", args=[plan.pk])).content.decode()
    assert "Review the plan" not in page
