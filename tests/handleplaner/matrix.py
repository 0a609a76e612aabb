"""Tenancy cases for every action plan view (see tests/access_matrix.py)."""

from django.urls import reverse

from handleplaner.models import Status
from tests.access_matrix import (
    ALL,
    DENIED,
    FORBIDDEN,
    MUNICIPALITY,
    NOT_FOUND,
    OWN_KINDERGARTEN,
    REDIRECT,
    Case,
)
from tests.handleplaner.factories import make_plan

HTMX = {"HTTP_HX_REQUEST": "true"}
# A leader's page others may not open even in their own municipality.
LEADER_ONLY = {"leader": OWN_KINDERGARTEN, "consultant": DENIED, "admin": DENIED,
               "observer": DENIED, "politician": DENIED}
# Both the kindergarten's leader and the municipality's consultants and admins.
READERS = {"leader": OWN_KINDERGARTEN, "consultant": MUNICIPALITY, "admin": MUNICIPALITY,
           "observer": DENIED, "politician": DENIED}
# Consultants and admins of the municipality; the leader may see the plan but not do this.
REVIEWERS = {"leader": {"own": FORBIDDEN, "sibling": NOT_FOUND, "foreign": NOT_FOUND},
             "consultant": MUNICIPALITY, "admin": MUNICIPALITY,
             "observer": DENIED, "politician": DENIED}


def plan_url(name: str, status: str = Status.DRAFT, *extra):
    def build(world, target):
        plan = make_plan(world.barnehage[target], status=status)
        return reverse(f"handleplaner:{name}", args=[plan.pk, *extra])
    return build


def phase_url(name: str, status: str = Status.DRAFT):
    def build(world, target):
        plan = make_plan(world.barnehage[target], status=status)
        return reverse(f"handleplaner:{name}", args=[plan.pk, plan.faser.first().pk])
    return build


def draft_data(world, target):
    return {"version": 1, "editor": "matrix", "title": "Renamed"}


CASES = [
    Case("handleplaner:list", lambda world, target: reverse("handleplaner:list"),
         expect={"leader": ALL, "consultant": ALL, "admin": ALL, "observer": DENIED,
                 "politician": DENIED}),
    Case("handleplaner:queue", lambda world, target: reverse("handleplaner:queue"),
         expect={"leader": DENIED, "consultant": ALL, "admin": ALL, "observer": DENIED,
                 "politician": DENIED}),
    Case("handleplaner:create", lambda world, target: reverse("handleplaner:create"),
         expect={"leader": ALL, "consultant": DENIED, "admin": DENIED, "observer": DENIED,
                 "politician": DENIED}),
    Case("handleplaner:detail", plan_url("detail", Status.SUBMITTED), expect=READERS),
    Case("handleplaner:edit", plan_url("edit"), expect=LEADER_ONLY),
    Case("handleplaner:autosave", plan_url("autosave"), expect=LEADER_ONLY, method="post",
         data=draft_data, extra_headers=HTMX),
    Case("handleplaner:phase-add", plan_url("phase-add"), expect=LEADER_ONLY, method="post",
         data=draft_data, extra_headers=HTMX),
    Case("handleplaner:phase-delete", phase_url("phase-delete"), expect=LEADER_ONLY,
         method="post", data=draft_data, extra_headers=HTMX),
    Case("handleplaner:progress-add", phase_url("progress-add", Status.IN_PROGRESS),
         expect=LEADER_ONLY, method="post",
         data=lambda world, target: {"text": "Done with the first groups."},
         success=REDIRECT),
    # Confirmed, as the confirmation page posts it (barnehager/confirmation.py).
    Case("handleplaner:transition", plan_url("transition", Status.SUBMITTED, "approve"),
         expect=REVIEWERS, method="post", data=lambda world, target: {"confirmed": "1"},
         success=REDIRECT),
    Case("handleplaner:transition", plan_url("transition", Status.APPROVED, "start"),
         expect={"leader": OWN_KINDERGARTEN,
                 "consultant": {"own": FORBIDDEN, "sibling": FORBIDDEN,
                                "foreign": NOT_FOUND},
                 "admin": {"own": FORBIDDEN, "sibling": FORBIDDEN, "foreign": NOT_FOUND},
                 "observer": DENIED, "politician": DENIED},
         method="post", success=REDIRECT),
    Case("handleplaner:comment-add", plan_url("comment-add", Status.SUBMITTED),
         expect=READERS, method="post",
         data=lambda world, target: {"text": "Looks good."}, success=REDIRECT),
    Case("handleplaner:evaluation-add", plan_url("evaluation-add", Status.IN_PROGRESS),
         expect=LEADER_ONLY),
    Case("handleplaner:history", plan_url("history"), expect=READERS),
    Case("handleplaner:pdf", plan_url("pdf", Status.APPROVED), expect=READERS),
]
