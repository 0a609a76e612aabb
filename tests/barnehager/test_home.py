"""Each role's home page shows something real for that role, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from barnehager.models import Avdeling, Barnehage


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_leader_sees_her_kindergarten_departments_and_colleagues(client, world):
    page = home(client, world.users["leader"])
    assert "A1 barnehage" in page and "Storeslem" in page and "Småtroll" in page
    assert world.users["observer"].first_name in page  # a colleague at A1
    assert "A2 barnehage" not in page and "B1 barnehage" not in page


def test_consultant_sees_every_kindergarten_of_her_municipality_only(client, world):
    page = home(client, world.users["consultant"])
    assert "A1 barnehage" in page and "A2 barnehage" in page
    assert "B1 barnehage" not in page


def test_observer_sees_her_certifications(client, world):
    page = home(client, world.users["observer"])
    assert "CLASS Toddler" in page and "CLASS Pre-K" in page


def test_politician_sees_aggregates_and_no_names(client, world):
    page = home(client, world.users["politician"])
    assert "Oppvekstutvalget" in page
    assert world.users["leader"].first_name not in page
    assert "A1 barnehage" not in page


def test_consultant_home_query_count_does_not_grow_with_kindergartens(
        client, world, django_assert_max_num_queries):
    user = world.users["consultant"]
    client.force_login(user)
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    kommune = world.kommune["own"]
    for number in range(10):
        barnehage = Barnehage.objects.create(kommune=kommune, name=f"Extra {number}")
        Avdeling.objects.create(barnehage=barnehage, name="Avd", age_group="mixed")
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("home"))
    assert "Extra 9" in response.content.decode()
