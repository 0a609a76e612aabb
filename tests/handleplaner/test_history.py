"""Every change is kept and shown as a readable list of who changed what, and when."""

from datetime import timedelta

import pytest
from django.urls import reverse

from handleplaner import services
from handleplaner.history import history_entries
from handleplaner.models import Handleplan, Sporsmal, Status
from tests.handleplaner.factories import form_data, make_plan

pytestmark = pytest.mark.django_db


def _save(client, plan, **overrides):
    plan.refresh_from_db()
    response = client.post(reverse("handleplaner:edit", args=[plan.pk]),
                           form_data(plan, action="save", **overrides))
    assert response.status_code == 302


def test_each_save_is_kept_with_who_and_when(world, client):
    plan = make_plan(world.barnehage["own"])
    client.force_login(world.users["leader"])
    _save(client, plan, goal="First goal.")
    _save(client, plan, goal="Second goal.")
    records = list(plan.history.order_by("history_date"))
    assert [record.goal for record in records][-2:] == ["First goal.", "Second goal."]
    assert records[-1].history_user == world.users["leader"]


def test_the_history_reads_as_changes_from_old_to_new(world, client):
    plan = make_plan(world.barnehage["own"])
    question = Sporsmal.objects.filter(seksjon__mal=plan.mal).first()
    fase = plan.faser.first()
    client.force_login(world.users["leader"])
    _save(client, plan, goal="Every child plays.",
          **{f"q{question.pk}": "Smaller groups.",
             f"fase-{fase.pk}-end": fase.end + timedelta(days=7)})
    services.apply_transition(plan.pk, "submit", world.users["leader"])
    services.apply_transition(plan.pk, "return_to_leader", world.users["consultant"],
                              comment="Add signs.")

    entries = history_entries(Handleplan.objects.get(pk=plan.pk))
    newest, leaders = entries[0], entries[1]
    assert newest.who == world.users["consultant"]
    assert [(change.label, change.old, change.new) for change in newest.changes] == [
        ("Status", "Waiting for approval", "Returned for changes")]
    changes = {change.label: (change.old, change.new) for change in leaders.changes}
    assert leaders.who == world.users["leader"]
    assert changes["goal"] == ("Every child is part of a small group every day.",
                               "Every child plays.")
    assert changes[question.text] == (f"Answer to question {question.pk}", "Smaller groups.")
    assert changes["Phase 1: ends"][1] == f"{fase.end + timedelta(days=7):%m/%d/%Y}"
    assert changes["Status"] == ("Draft", "Waiting for approval")


def test_a_persons_changes_within_half_an_hour_are_one_entry(world, client):
    plan = make_plan(world.barnehage["own"])
    client.force_login(world.users["leader"])
    _save(client, plan, goal="One.")
    _save(client, plan, goal="Two.")
    _save(client, plan, goal="Three.")
    entry = history_entries(plan)[0]
    goal = next(change for change in entry.changes if change.label == "goal")
    assert (goal.old, goal.new) == ("Every child is part of a small group every day.",
                                    "Three.")


def test_leader_and_consultant_see_the_history_page(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.DRAFT)
    client.force_login(world.users["leader"])
    _save(client, plan, goal="<b>Bold</b> goal")
    for role in ("leader", "consultant"):
        client.force_login(world.users[role])
        page = client.get(reverse("handleplaner:history", args=[plan.pk])).content.decode()
        assert "&lt;b&gt;Bold&lt;/b&gt; goal" in page  # user text escaped
        assert "<del>Every child is part of a small group every day.</del>" in page
        assert str(world.users["leader"]) in page


def test_the_history_page_reads_a_fixed_number_of_queries(world, client,
                                                          django_assert_max_num_queries):
    plan = make_plan(world.barnehage["own"])
    client.force_login(world.users["leader"])
    for number in range(6):
        _save(client, plan, goal=f"Goal {number}")
    with django_assert_max_num_queries(25):
        client.get(reverse("handleplaner:history", args=[plan.pk]))
