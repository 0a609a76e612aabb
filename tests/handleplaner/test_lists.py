"""A leader's plans, a consultant's queue across the municipality, filters in the URL, and
who sees which plan at all."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from handleplaner.models import Handleplan, Status
from tests.handleplaner.factories import make_plan

pytestmark = pytest.mark.django_db


def _titles(response) -> set[str]:
    return {plan.title for plan in response.context["page"]}


@pytest.fixture
def plans(world):
    today = timezone.localdate()
    return {
        "own draft": make_plan(world.barnehage["own"], title="own draft"),
        "own waiting": make_plan(world.barnehage["own"], title="own waiting",
                                 status=Status.SUBMITTED),
        "own late": make_plan(world.barnehage["own"], title="own late",
                              status=Status.IN_PROGRESS, deadline=today - timedelta(days=1)),
        "sibling waiting": make_plan(world.barnehage["sibling"], title="sibling waiting",
                                     status=Status.SUBMITTED),
        "sibling evaluation late": make_plan(
            world.barnehage["sibling"], title="sibling evaluation late",
            status=Status.APPROVED, evaluation_due=today - timedelta(days=2)),
        "sibling closed late": make_plan(world.barnehage["sibling"], title="sibling closed late",
                                         status=Status.CLOSED,
                                         deadline=today - timedelta(days=30)),
        "foreign waiting": make_plan(world.barnehage["foreign"], title="foreign waiting",
                                     status=Status.SUBMITTED),
    }


def test_visible_to_follows_the_roles(world, plans):
    def visible(user):
        return set(Handleplan.objects.visible_to(user).values_list("title", flat=True))

    own = {"own draft", "own waiting", "own late"}
    municipality = own | {"sibling waiting", "sibling evaluation late", "sibling closed late"}
    assert visible(world.users["leader"]) == own
    assert visible(world.users["consultant"]) == municipality
    assert visible(world.users["admin"]) == municipality
    assert visible(world.users["observer"]) == set()
    assert visible(world.users["politician"]) == set()
    assert visible(world.foreign_users["consultant"]) == {"foreign waiting"}


def test_a_leader_lists_her_own_plans(world, client, plans):
    client.force_login(world.users["leader"])
    response = client.get(reverse("handleplaner:list"))
    assert _titles(response) == {"own draft", "own waiting", "own late"}
    assert "New action plan" in response.content.decode()


def test_the_queue_holds_what_waits_and_what_is_late_across_the_municipality(
        world, client, plans):
    client.force_login(world.users["consultant"])
    response = client.get(reverse("handleplaner:queue"))
    assert _titles(response) == {"own waiting", "own late", "sibling waiting",
                                 "sibling evaluation late"}
    assert response.context["counts"] == {"waiting": 2, "overdue": 2}


@pytest.mark.parametrize(("query", "expected"), [
    ("?status=submitted", {"own waiting", "sibling waiting"}),
    ("?overdue=on", {"own late", "sibling evaluation late"}),
    ("?barnehage={sibling}", {"sibling waiting", "sibling evaluation late"}),
    ("?barnehage={sibling}&status=approved", {"sibling evaluation late"}),
])
def test_the_queue_filters_come_from_the_url(world, client, plans, query, expected):
    client.force_login(world.users["consultant"])
    url = reverse("handleplaner:queue") + query.format(sibling=world.barnehage["sibling"].pk)
    assert _titles(client.get(url)) == expected


def test_the_list_filters_by_status_and_overdue(world, client, plans):
    client.force_login(world.users["consultant"])
    url = reverse("handleplaner:list")
    assert _titles(client.get(url + "?status=closed")) == {"sibling closed late"}
    assert _titles(client.get(url + "?overdue=on")) == {"own late", "sibling evaluation late"}
    page = client.get(url + "?overdue=on").content.decode()
    assert 'name="overdue" id="id_overdue" checked' in page  # the form shows the filter


def test_a_foreign_kindergarten_is_no_filter_choice(world, client, plans):
    client.force_login(world.users["consultant"])
    response = client.get(reverse("handleplaner:queue")
                          + f"?barnehage={world.barnehage['foreign'].pk}")
    assert "foreign waiting" not in _titles(response)
    assert "Select a valid choice" not in response.content.decode()  # ignored, not echoed


def test_the_lists_read_a_fixed_number_of_queries(world, client, plans,
                                                  django_assert_max_num_queries):
    for number in range(20):
        make_plan(world.barnehage["sibling"], title=f"extra {number}", complete=False,
                  status=Status.SUBMITTED)
    client.force_login(world.users["consultant"])
    with django_assert_max_num_queries(14):
        client.get(reverse("handleplaner:queue"))
    with django_assert_max_num_queries(14):
        client.get(reverse("handleplaner:list"))


def test_the_plan_page_reads_a_fixed_number_of_queries(world, client,
                                                      django_assert_max_num_queries):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    client.force_login(world.users["leader"])
    with django_assert_max_num_queries(30):
        client.get(reverse("handleplaner:detail", args=[plan.pk]))


def test_the_home_page_shows_a_leaders_plans_and_a_consultants_counts(world, client, plans):
    client.force_login(world.users["leader"])
    page = client.get(reverse("home")).content.decode()
    assert "Your action plans" in page and "own late" in page
    assert "sibling waiting" not in page
    client.force_login(world.users["consultant"])
    page = client.get(reverse("home")).content.decode()
    assert "waiting for approval" in page
    assert reverse("handleplaner:queue") + "?status=submitted" in page
    client.force_login(world.users["politician"])
    page = client.get(reverse("home")).content.decode()
    assert "Your action plans" not in page and "waiting for approval" not in page
