"""Tenancy cases for the dashboards (joined into tests/rapporter/matrix.py)."""

from django.urls import reverse

from tests.access_matrix import DENIED, MUNICIPALITY, OWN_KINDERGARTEN, REDIRECT, Case
from tests.rapporter.dashboards.factories import make_observation, make_round, uniform


def observed(world, target: str) -> bool:
    """A round with one submitted observation of the target's department, so the round
    table exists to download."""
    runde = make_round(world.kommune[target], 2025, "spring")
    avdeling = world.avdeling[target]
    users = world.users if target != "foreign" else world.foreign_users
    make_observation(runde, avdeling, users["observer"],
                     [uniform(avdeling.instrument_code, 4)] * 2)
    return True


CASES = [
    # One dashboard each in the world: the index sends consultants, admins and leaders on.
    Case("rapporter:dashboard", lambda world, target: reverse("rapporter:dashboard"),
         expect={"leader": dict.fromkeys(("own", "sibling", "foreign"), REDIRECT),
                 "consultant": dict.fromkeys(("own", "sibling", "foreign"), REDIRECT),
                 "admin": dict.fromkeys(("own", "sibling", "foreign"), REDIRECT),
                 "observer": DENIED, "politician": DENIED}),
    Case("rapporter:dashboard-kommune",
         lambda world, target: reverse("rapporter:dashboard-kommune",
                                       args=[world.kommune[target].slug]),
         expect={"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "leader": DENIED,
                 "observer": DENIED, "politician": DENIED}),
    Case("rapporter:dashboard-barnehage",
         lambda world, target: reverse("rapporter:dashboard-barnehage",
                                       args=[world.barnehage[target].pk]),
         expect={"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "leader": OWN_KINDERGARTEN,
                 "observer": DENIED, "politician": DENIED}),
    Case("rapporter:dashboard-avdeling",
         lambda world, target: reverse("rapporter:dashboard-avdeling",
                                       args=[world.avdeling[target].pk]),
         expect={"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "leader": OWN_KINDERGARTEN,
                 "observer": DENIED, "politician": DENIED}),
    # The downloads are the same views with ?table=&format=: the same access.
    Case("rapporter:dashboard-kommune",
         lambda world, target: observed(world, target) and reverse(
             "rapporter:dashboard-kommune", args=[world.kommune[target].slug])
         + "?table=rounds&format=csv",
         expect={"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "leader": DENIED,
                 "observer": DENIED, "politician": DENIED}),
    Case("rapporter:dashboard-barnehage",
         lambda world, target: observed(world, target) and reverse(
             "rapporter:dashboard-barnehage", args=[world.barnehage[target].pk])
         + "?table=rounds&format=xlsx",
         expect={"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "leader": OWN_KINDERGARTEN,
                 "observer": DENIED, "politician": DENIED}),
]
