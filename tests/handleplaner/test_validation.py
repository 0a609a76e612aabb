"""What the plan form refuses, and that every message says what to fix."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from handleplaner.models import Sporsmal, Status
from tests.handleplaner.factories import form_data, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_client(client, world):
    client.force_login(world.users["leader"])
    return client


def _post(client, plan, **overrides):
    return client.post(reverse("handleplaner:edit", args=[plan.pk]),
                       form_data(plan, **overrides))


def _errors(response) -> list[str]:
    return [str(line) for line in response.context["error_lines"]]


def test_a_complete_plan_is_submitted(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    response = _post(leader_client, plan, action="submit")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED


def test_a_phase_must_end_after_it_starts(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    fase = plan.faser.first()
    response = _post(leader_client, plan, action="save",
                     **{f"fase-{fase.pk}-start": fase.end, f"fase-{fase.pk}-end": fase.start})
    assert response.status_code == 200
    expected = (f"Phase 1 (Analyse the groups), Ends: The phase must end after it starts: "
                f"{fase.start:%m/%d/%Y} is not after {fase.end:%m/%d/%Y}.")
    assert expected in _errors(response)
    assert "Your draft is saved except the fields marked below" in response.content.decode()
    fase.refresh_from_db()
    assert fase.end > fase.start  # the wrong dates were not saved


def test_a_phase_must_lie_inside_the_plans_period(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    fase = plan.faser.first()
    response = _post(leader_client, plan, action="save", **{
        f"fase-{fase.pk}-start": plan.period_start - timedelta(days=3),
        f"fase-{fase.pk}-end": plan.period_end + timedelta(days=3)})
    errors = _errors(response)
    assert any("The phase starts before the plan's period: start on or after" in line
               for line in errors)
    assert any("The phase ends after the plan's period: end on or before" in line
               for line in errors)


def test_the_period_must_end_after_it_starts(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    response = _post(leader_client, plan, action="save", period_end=plan.period_start)
    assert any("The period must end after it starts" in line for line in _errors(response))


def test_the_deadline_must_be_in_the_future_when_submitting(world, leader_client):
    yesterday = timezone.localdate() - timedelta(days=1)
    plan = make_plan(world.barnehage["own"])
    response = _post(leader_client, plan, action="submit", deadline=yesterday)
    assert response.status_code == 200
    assert (f"Deadline: The deadline {yesterday:%m/%d/%Y} is not in the future: choose a date "
            f"after today.") in _errors(response)
    assert "The plan is saved as a draft but not submitted" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT
    assert plan.deadline == yesterday  # saved as draft: a past deadline is fine until then


def test_a_past_deadline_is_fine_in_a_draft(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    response = _post(leader_client, plan, action="save",
                     deadline=timezone.localdate() - timedelta(days=1))
    assert response.status_code == 302


def test_every_required_question_is_answered_before_submission(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    required = Sporsmal.objects.filter(seksjon__mal=plan.mal, required=True).first()
    optional = Sporsmal.objects.get(seksjon__mal=plan.mal, required=False)
    response = _post(leader_client, plan, action="submit",
                     **{f"q{required.pk}": "   ", f"q{optional.pk}": ""})
    errors = _errors(response)
    line = f"{required.text}: Answer this question before you submit."
    assert line in errors
    assert sum(line.count(required.text) for line in errors) == 1  # named once, not twice
    assert not any(optional.text in line for line in errors)
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_submission_needs_a_phase_with_dates(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    fase = plan.faser.first()
    response = _post(leader_client, plan, action="submit",
                     **{f"fase-{fase.pk}-end": "", f"fase-{fase.pk}-title": ""})
    errors = _errors(response)
    assert "Phase 1, Title: Give the phase a title." in errors
    assert "Phase 1, Ends: Set the date the phase ends." in errors


def test_the_error_is_shown_beside_its_field(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    response = _post(leader_client, plan, action="submit", goal="")
    page = response.content.decode()
    assert "Write the goal of the plan." in page
    assert 'aria-invalid="true"' in page or "is-invalid" in page


def test_the_state_machine_refuses_what_the_form_would(world, client):
    """Submitting past the form (the step's own URL) meets the same rules."""
    plan = make_plan(world.barnehage["own"], deadline=timezone.localdate())
    client.force_login(world.users["leader"])
    response = client.post(reverse("handleplaner:transition", args=[plan.pk, "submit"]),
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("handleplaner:edit", args=[plan.pk])
    assert "is not in the future" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_an_evaluation_is_dated_today_or_earlier(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    client.force_login(world.users["leader"])
    response = client.post(reverse("handleplaner:evaluation-add", args=[plan.pk]), {
        "held_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "observed": "x", "goal_reached": "yes", "final": "on"})
    assert response.status_code == 200
    assert "choose today or an earlier date" in response.content.decode()
