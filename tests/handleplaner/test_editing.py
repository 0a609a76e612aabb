"""Saving a draft: autosave, phases added and removed, and two people who edit the same
draft without overwriting each other."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from barnehager.models import Membership, Role
from handleplaner.models import Fase, Mal, Status
from tests.handleplaner.factories import form_data, make_plan
from tests.world import make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def second_leader(world):
    """Another leader of the same kindergarten, editing in her own browser."""
    user = make_user("leader2.a@example.test")
    Membership.objects.create(user=user, role=Role.LEADER, kommune=world.kommune["own"],
                              barnehage=world.barnehage["own"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leader_client(client, world):
    client.force_login(world.users["leader"])
    return client


def test_autosave_stores_what_validates_and_says_when(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    response = leader_client.post(reverse("handleplaner:autosave", args=[plan.pk]), form_data(
        plan, goal="A shorter goal.", period_end="not a date"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "handleplan-saved"
    body = response.content.decode()
    assert "Saved at" in body
    assert "Period ends: Enter a valid date." in body
    assert 'id="id_version" hx-swap-oob="true"' in body and 'value="2"' in body
    plan.refresh_from_db()
    assert plan.goal == "A shorter goal."
    assert plan.version == 2
    assert plan.period_end is not None  # the wrong value was left out


def test_an_autosave_with_nothing_new_writes_nothing(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    history = plan.history.count()
    leader_client.post(reverse("handleplaner:autosave", args=[plan.pk]), form_data(plan),
                       **HTMX)
    plan.refresh_from_db()
    assert plan.version == 1
    assert plan.history.count() == history


def test_autosave_of_a_plan_no_longer_editable_says_so(world, leader_client):
    plan = make_plan(world.barnehage["own"], status=Status.SUBMITTED)
    response = leader_client.post(reverse("handleplaner:autosave", args=[plan.pk]),
                                  form_data(plan, goal="Too late"), **HTMX)
    assert "can no longer be edited" in response.content.decode()
    plan.refresh_from_db()
    assert plan.goal != "Too late"


def test_a_save_based_on_a_stale_version_is_refused_and_the_text_kept(
        world, leader_client, second_leader):
    plan = make_plan(world.barnehage["own"])
    opened = form_data(plan)  # both open the form at version 1
    response = second_leader.post(reverse("handleplaner:edit", args=[plan.pk]),
                                  {**opened, "editor": "tab-b", "goal": "Her goal.",
                                   "action": "save"})
    assert response.status_code == 302

    response = leader_client.post(reverse("handleplaner:edit", args=[plan.pk]),
                                  {**opened, "editor": "tab-a", "goal": "My own goal.",
                                   "action": "save"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: Leader2.A saved this plan at" in page
    assert "nothing has been overwritten" in page
    assert "My own goal." in page  # her text is still in the form
    plan.refresh_from_db()
    assert plan.goal == "Her goal."
    assert plan.version == 2


def test_a_stale_autosave_is_refused_with_the_same_message(world, leader_client,
                                                          second_leader):
    plan = make_plan(world.barnehage["own"])
    opened = form_data(plan)
    second_leader.post(reverse("handleplaner:autosave", args=[plan.pk]),
                       {**opened, "editor": "tab-b", "goal": "Her goal."}, **HTMX)
    response = leader_client.post(reverse("handleplaner:autosave", args=[plan.pk]),
                                  {**opened, "editor": "tab-a", "goal": "Mine."}, **HTMX)
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "Not saved:" in response.content.decode()
    plan.refresh_from_db()
    assert plan.goal == "Her goal."


def test_a_forms_own_autosave_racing_its_button_is_not_a_conflict(world, leader_client):
    """The button's POST may carry the version from before its own autosave answered."""
    plan = make_plan(world.barnehage["own"])
    opened = form_data(plan)
    leader_client.post(reverse("handleplaner:autosave", args=[plan.pk]),
                       {**opened, "goal": "Typed first."}, **HTMX)
    response = leader_client.post(reverse("handleplaner:edit", args=[plan.pk]),
                                  {**opened, "goal": "Typed first, then more.",
                                   "action": "save"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.goal == "Typed first, then more."
    assert plan.version == 3


def test_adding_and_removing_phases_keeps_what_was_typed(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    first, second = plan.faser.all()
    response = leader_client.post(reverse("handleplaner:phase-add", args=[plan.pk]),
                                  form_data(plan, goal="Typed before adding."), **HTMX)
    assert response.status_code == 200
    added = Fase.objects.get(handleplan=plan, order=2)
    body = response.content.decode()
    assert f'id="fase-{added.pk}"' in body and "Phase 3" in body
    assert 'value="3"' in body  # save + add: two versions on
    plan.refresh_from_db()
    assert plan.goal == "Typed before adding."

    response = leader_client.post(
        reverse("handleplaner:phase-delete", args=[plan.pk, first.pk]),
        form_data(plan, **{f"fase-{second.pk}-title": "Typed in phase 2"}), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="fase-{first.pk}"' not in body
    assert "Typed in phase 2" in body
    second.refresh_from_db()
    assert (second.order, second.title) == (0, "Typed in phase 2")
    assert list(plan.faser.values_list("order", flat=True)) == [0, 1]


def test_the_form_shows_each_questions_help_text_beside_it(world, leader_client):
    plan = make_plan(world.barnehage["own"])
    page = leader_client.get(reverse("handleplaner:edit", args=[plan.pk])).content.decode()
    question = plan.mal.seksjoner.first().sporsmal.first()
    assert f'aria-describedby="help-q{question.pk}"' in page
    assert f'id="help-q{question.pk}"' in page
    assert escape(question.help) in page
    for title in ("Specific", "Measurable", "Accepted", "Relevant", "Time-bound"):
        assert title in page
    assert 'hx-trigger="input changed delay:1s, change delay:1s"' in page
    assert "js/handleplan-draft.js" in page
    assert "<script>" not in page.split("</main>")[0]  # no inline script in the page body


def test_a_new_plan_starts_as_a_draft_with_one_phase(world, leader_client):
    response = leader_client.get(reverse("handleplaner:create"))
    assert 'value="smart"' not in response.content.decode()  # templates by id, SMART checked

    smart = Mal.objects.get(code="smart", kommune=None)
    assert response.context["form"]["mal"].value() == smart.pk
    response = leader_client.post(reverse("handleplaner:create"), {
        "barnehage": world.barnehage["own"].pk, "mal": smart.pk, "title": "Calmer mornings",
        "origin": "annet", "origin_note": ""})
    plan = world.barnehage["own"].handleplaner.get()
    assert response["Location"] == reverse("handleplaner:edit", args=[plan.pk])
    assert (plan.status, plan.created_by, plan.faser.count()) == (
        Status.DRAFT, world.users["leader"], 1)


def test_a_leader_cannot_create_a_plan_for_another_kindergarten(world, leader_client):
    response = leader_client.post(reverse("handleplaner:create"), {
        "barnehage": world.barnehage["sibling"].pk,
        "mal": Mal.objects.get(code="smart", kommune=None).pk, "title": "Not mine",
        "origin": "annet"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not world.barnehage["sibling"].handleplaner.exists()
