from django.urls import reverse

from tests.access_matrix import ALL, DENIED, HIDDEN, MUNICIPALITY, OK, OWN_KINDERGARTEN, Case

EVERY_ROLE = ("leader", "observer", "consultant", "politician", "admin")

CASES = [
    Case("home", lambda world, target: reverse("home"),
         expect=dict.fromkeys(EVERY_ROLE, ALL)),
    Case("barnehage-list", lambda world, target: reverse("barnehage-list"),
         expect={"leader": ALL, "observer": ALL, "consultant": ALL, "admin": ALL,
                 "politician": DENIED}),
    Case("barnehage-detail",
         lambda world, target: reverse("barnehage-detail", args=[world.barnehage[target].pk]),
         expect={"leader": OWN_KINDERGARTEN, "observer": OWN_KINDERGARTEN,
                 "consultant": MUNICIPALITY, "admin": MUNICIPALITY, "politician": HIDDEN}),
    Case("healthz", lambda world, target: reverse("healthz"),
         expect=dict.fromkeys(EVERY_ROLE, ALL), anonymous=OK),
]
