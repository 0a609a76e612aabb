"""Tenancy cases for the dashboards (joined into tests/rapporter/matrix.py)."""

from django.urls import reverse

from tests.access_matrix import DENIED, MUNICIPALITY, OWN_KINDERGARTEN, REDIRECT, Case

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
]
