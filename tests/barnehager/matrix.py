import uuid

from django.urls import reverse

from barnehager.models import Membership, Role
from tests.access_matrix import (
    ALL,
    DENIED,
    HIDDEN,
    MUNICIPALITY,
    OK,
    OWN_KINDERGARTEN,
    REDIRECT,
    Case,
)
from tests.second_factor import confirmed_device
from tests.world import make_user

EVERY_ROLE = ("leader", "observer", "consultant", "politician", "admin")
ADMIN_ONLY = {"admin": ALL, "consultant": DENIED, "leader": DENIED, "observer": DENIED,
              "politician": DENIED}
ADMIN_MUNICIPALITY = {**ADMIN_ONLY, "admin": MUNICIPALITY}


def person(world, target):
    """Someone of the target's kindergarten with two roles there (so one can go)."""
    barnehage = world.barnehage[target]
    user = make_user(f"person-{target}-{uuid.uuid4().hex[:6]}@example.test")
    Membership.objects.create(user=user, role=Role.LEADER, kommune=barnehage.kommune,
                              barnehage=barnehage)
    Membership.objects.create(user=user, role=Role.POLITICIAN, kommune=barnehage.kommune)
    return user


def _second_factor_url(world, target):
    user = person(world, target)
    confirmed_device(user)
    return reverse("person-second-factor-reset", args=[user.pk])


def _role_url(world, target):
    user = person(world, target)
    return reverse("person-role-remove",
                   args=[user.pk, user.memberships.get(role=Role.POLITICIAN).pk])

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
    Case("audit-log", lambda world, target: reverse("audit-log"),
         expect={"admin": ALL, "consultant": DENIED, "leader": DENIED, "observer": DENIED,
                 "politician": DENIED}),
    Case("audit-log-download", lambda world, target: reverse("audit-log-download",
                                                             args=["csv"]),
         expect={"admin": ALL, "consultant": DENIED, "leader": DENIED, "observer": DENIED,
                 "politician": DENIED}),
    Case("profile", lambda world, target: reverse("profile"),
         expect=dict.fromkeys(EVERY_ROLE, ALL)),
    # Each person downloads her own data, whoever she is; nobody another's.
    Case("my-data", lambda world, target: reverse("my-data"), method="post",
         expect=dict.fromkeys(EVERY_ROLE, ALL)),
    Case("people-list", lambda world, target: reverse("people-list"), expect=ADMIN_ONLY),
    Case("person-invite", lambda world, target: reverse("person-invite"), expect=ADMIN_ONLY),
    Case("people-import", lambda world, target: reverse("people-import"), expect=ADMIN_ONLY),
    Case("people-import-template", lambda world, target: reverse("people-import-template"),
         expect=ADMIN_ONLY),
    Case("person-detail", lambda world, target: reverse("person-detail",
                                                        args=[person(world, target).pk]),
         expect=ADMIN_MUNICIPALITY),
    Case("person-role-remove", lambda world, target: _role_url(world, target),
         expect=ADMIN_MUNICIPALITY, method="post", success=REDIRECT),
    Case("person-active", lambda world, target: reverse("person-active",
                                                        args=[person(world, target).pk]),
         expect=ADMIN_MUNICIPALITY, method="post", data=lambda world, target: {"active": "0"},
         success=REDIRECT),
    Case("person-second-factor-reset", _second_factor_url, expect=ADMIN_MUNICIPALITY,
         method="post", data=lambda world, target: {"confirmed": "1"}, success=REDIRECT),
    Case("healthz", lambda world, target: reverse("healthz"),
         expect=dict.fromkeys(EVERY_ROLE, ALL), anonymous=OK),
]
