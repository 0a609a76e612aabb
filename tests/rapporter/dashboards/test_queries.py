"""Every dashboard page answers in the same number of queries at two data sizes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from handleplaner.models import Evaluering
from kvalitet.models import BarnehageFokus
from tests.kvalitet.factories import fokus_for
from tests.rapporter.dashboards.factories import (
    build_dataset,
    grow_kommune,
    make_action_plan,
    make_observation,
    make_round,
    make_tilsyn,
    uniform,
)

# Rounds each growth step adds for the department the department page shows.
EXTRA_SEMESTERS = ((2025, "autumn"), (2026, "spring"), (2026, "autumn"))


def grow(world, kindergartens: int, prefix: str, semesters=((2024, "autumn"),
                                                             (2025, "spring"))):
    """More kindergartens with observations, supervisions, plans with evaluations and
    focus choices, and more observations of A1's pre-school department."""
    kommune = world.kommune["own"]
    barnehager = grow_kommune(kommune, world.users["observer"], kindergartens, prefix=prefix,
                              semesters=semesters)
    fokus = fokus_for(world, "own")
    for barnehage in barnehager:
        make_tilsyn(barnehage, world.users["consultant"], outcome="none", status="completed")
        plan = make_action_plan(barnehage, f"Plan {barnehage.name}")
        Evaluering.objects.create(handleplan=plan, held_on=date(2025, 6, 1), observed="Ja",
                                  goal_reached="yes")
        for year in {year for year, _semester in semesters}:
            BarnehageFokus.objects.get_or_create(barnehage=barnehage, fokusomrade=fokus,
                                                 year=year, defaults={"sub_goal": "Trygg start"})
    for year, semester in semesters:
        runde = make_round(kommune, year, semester)
        make_observation(runde, world.avdeling["own"], world.users["observer"],
                         [uniform("prek", 5), uniform("prek", 6), uniform("prek", 4)])


PAGES = {
    "kommune": ("consultant", lambda world: reverse("rapporter:dashboard-kommune",
                                                    args=[world.kommune["own"].slug])),
    "kommune-filtered": ("consultant", lambda world: reverse(
        "rapporter:dashboard-kommune", args=[world.kommune["own"].slug])
        + "?semester=2025-spring&instrument=prek&age_group=storbarn"),
    "kommune-csv": ("consultant", lambda world: reverse(
        "rapporter:dashboard-kommune", args=[world.kommune["own"].slug])
        + "?table=barnehage-prek&format=csv"),
    "kommune-section": ("consultant", lambda world: reverse(
        "rapporter:dashboard-kommune", args=[world.kommune["own"].slug])
        + "?section=action-plans"),
    "kommune-all-groups": ("consultant", lambda world: reverse(
        "rapporter:dashboard-kommune", args=[world.kommune["own"].slug])
        + "?section=instrument-prek&all=barnehage-prek"),
    "barnehage-consultant": ("consultant", lambda world: reverse(
        "rapporter:dashboard-barnehage", args=[world.barnehage["own"].pk])),
    "barnehage-leader": ("leader", lambda world: reverse(
        "rapporter:dashboard-barnehage", args=[world.barnehage["own"].pk])),
    "avdeling": ("leader", lambda world: reverse("rapporter:dashboard-avdeling",
                                                 args=[world.avdeling["own"].pk])),
}


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_kindergartens_or_observations(
        client, world, django_assert_num_queries, page):
    role, url_of = PAGES[page]
    build_dataset(world)
    grow(world, 3, "S")
    client.force_login(world.users[role])
    url = url_of(world)
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    # Four times the kindergartens, and more observations of the department shown.
    grow(world, 9, "L", semesters=EXTRA_SEMESTERS)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(small) <= 35, [query["sql"] for query in small.captured_queries]
