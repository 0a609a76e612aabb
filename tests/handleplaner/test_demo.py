"""The demo plans: every state, three municipalities, the two seed plans, run twice."""

import io
from importlib import import_module

import pytest

from handleplaner import demo
from handleplaner.models import Handleplan, Overgang, Status

pytestmark = pytest.mark.django_db
# What the action plans build on, in seed_demo's order.
BEFORE = ("barnehager.demo", "kvalitet.plans.demo", "observasjoner.tilsyn.demo")


def test_the_demo_has_plans_in_every_state_and_is_idempotent():
    out = io.StringIO()
    for module in BEFORE:
        import_module(module).seed(out)
    demo.seed(out)
    demo.seed(out)
    assert out.getvalue().endswith(f"  {len(demo.PLANS)} action plans  0 action plans")
    assert Handleplan.objects.count() == len(demo.PLANS)
    assert set(Handleplan.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Handleplan.objects.values_list("barnehage__kommune__slug", flat=True)) == {
        "frederikshavn", "moss", "baerum"}
    for title in ("Små grupper, så alle børn er med", "Fælles retning i rutinesituationerne"):
        plan = Handleplan.objects.get(title=title, barnehage__name="Børnehuset Bangsbo")
        assert plan.faser.count() == 3
        assert plan.svar.count() == 9
    waiting = Handleplan.objects.get(status=Status.SUBMITTED)
    assert waiting.submission_problems() == []  # a consultant can approve it as it stands
    for plan in Handleplan.objects.exclude(status=Status.DRAFT):
        steps = list(plan.overganger.order_by("at"))
        assert steps and steps[-1].target == plan.status
    assert Overgang.objects.filter(name="return_to_leader").exclude(comment="").exists()
    serious = Handleplan.objects.get(title="Alle børn med i fællesskabet hver dag")
    assert serious.utviklingspunkt is not None  # the supervision's close rule finds it
