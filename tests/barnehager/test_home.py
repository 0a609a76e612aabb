"""Each role's home page shows something real for that role, in a fixed number of queries."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from barnehager.models import Avdeling, Barnehage, Sertifisering
from observasjoner.models import Instrument
from tests.observasjoner.recording.matrix import observation_for


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


def test_observer_sees_her_next_observations_before_current_certifications(client, world):
    """Issue 11, item 5: eight certifications, six expired, stood above her next
    observations. Now: next observations first, current certifications, expired folded."""
    observer = world.users["observer"]
    today = timezone.localdate()
    for years in range(1, 7):
        Sertifisering.objects.create(
            user=observer, instrument=Instrument.objects.get(code="toddler"),
            certified_on=today - timedelta(days=365 * years + 30),
            valid_until=today - timedelta(days=365 * (years - 1) + 30))
    observation_for(world, "own")
    page = home(client, observer)
    assert page.index("Your next observations") < page.index("Your certifications")
    first_section = page[page.index("<h2"):]
    assert 'id="next-observations-heading"' in first_section[:first_section.index(">") + 1]
    current, _, expired = page.partition('id="expired-certifications"')
    assert current.count("badge text-bg-success\">Valid") == 2
    assert "Expired" not in current
    assert "6 expired certifications" in expired
    assert current.rstrip().endswith('<details class="mb-3"')  # folded away
