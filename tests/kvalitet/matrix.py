
from django.urls import reverse
from django.utils import timezone

from tests.access_matrix import ALL, DENIED, MUNICIPALITY, OWN_KINDERGARTEN, REDIRECT, Case
from tests.kvalitet.factories import fokus_for, plan_for

EVERY_ROLE = ("leader", "observer", "consultant", "politician", "admin")
# Consultants and admins edit the plan of their municipality; nobody else edits at all.
EDITORS = {"consultant": MUNICIPALITY, "admin": MUNICIPALITY,
           "leader": DENIED, "observer": DENIED, "politician": DENIED}
CHOOSERS = {"leader": OWN_KINDERGARTEN, "consultant": MUNICIPALITY, "admin": MUNICIPALITY,
            "observer": DENIED, "politician": DENIED}


def plan_data(world, target):
    plan = plan_for(world, target)
    return {"kind": "quality_plan", "title": plan.title, "start_year": plan.start_year,
            "end_year": plan.end_year, "vision": "Ny visjon",
            "prinsipper-TOTAL_FORMS": 0, "prinsipper-INITIAL_FORMS": 0}


def choice_data(world, target):
    fokus = fokus_for(world, target)
    assert fokus.plan.covers(timezone.localdate().year)
    return {"fokus-TOTAL_FORMS": 1, "fokus-INITIAL_FORMS": 0,
            "fokus-0-chosen": "on", "fokus-0-sub_goal": "Flere barn i lek ute"}


CASES = [
    Case("kvalitet:plan-list", lambda world, target: reverse("kvalitet:plan-list"),
         expect=dict.fromkeys(EVERY_ROLE, ALL)),
    Case("kvalitet:plan-detail",
         lambda world, target: reverse("kvalitet:plan-detail",
                                       args=[fokus_for(world, target).plan_id]),
         expect=dict.fromkeys(EVERY_ROLE, MUNICIPALITY)),
    Case("kvalitet:plan-create", lambda world, target: reverse("kvalitet:plan-create"),
         expect={**EDITORS, "consultant": ALL, "admin": ALL}),
    Case("kvalitet:plan-edit",
         lambda world, target: reverse("kvalitet:plan-edit", args=[plan_for(world, target).pk]),
         expect=EDITORS),
    Case("kvalitet:plan-edit",
         lambda world, target: reverse("kvalitet:plan-edit", args=[plan_for(world, target).pk]),
         expect=EDITORS, method="post", data=plan_data, success=REDIRECT),
    Case("kvalitet:fokusomrade-create",
         lambda world, target: reverse("kvalitet:fokusomrade-create",
                                       args=[plan_for(world, target).pk]),
         expect=EDITORS),
    Case("kvalitet:fokusomrade-edit",
         lambda world, target: reverse("kvalitet:fokusomrade-edit",
                                       args=[fokus_for(world, target).pk]),
         expect=EDITORS),
    Case("kvalitet:fokusomrade-delete",
         lambda world, target: reverse("kvalitet:fokusomrade-delete",
                                       args=[fokus_for(world, target).pk]),
         expect=EDITORS),
    Case("kvalitet:fokusomrade-delete",
         lambda world, target: reverse("kvalitet:fokusomrade-delete",
                                       args=[fokus_for(world, target).pk]),
         expect=EDITORS, method="post", success=REDIRECT),
    Case("kvalitet:tiltak-status",
         lambda world, target: reverse("kvalitet:tiltak-status",
                                       args=[fokus_for(world, target).tiltak.first().pk]),
         expect=EDITORS, method="post", data=lambda world, target: {"status": "done"},
         success=REDIRECT),
    Case("kvalitet:barnehage-fokus",
         lambda world, target: reverse("kvalitet:barnehage-fokus",
                                       args=[world.barnehage[target].pk]),
         expect=CHOOSERS),
    Case("kvalitet:barnehage-fokus",
         lambda world, target: reverse("kvalitet:barnehage-fokus",
                                       args=[world.barnehage[target].pk]),
         expect=CHOOSERS, method="post", data=choice_data, success=REDIRECT),
]

