"""The demo quality framework: what the seeds give, and that a second run changes nothing."""

import io

import pytest
from django.utils import timezone

from barnehager import demo as barnehager_demo
from barnehager.models import User
from kvalitet.models import (
    BarnehageFokus,
    Fokusomrade,
    Kvalitetsplan,
    Kvalitetsprinsipp,
    Tegn,
    Tiltak,
)
from kvalitet.plans import demo

pytestmark = pytest.mark.django_db
MODELS = (Kvalitetsplan, Kvalitetsprinsipp, Fokusomrade, Tiltak, Tegn, BarnehageFokus)


@pytest.fixture
def seeded():
    barnehager_demo.seed(io.StringIO())
    demo.seed(io.StringIO())


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seeding_twice_changes_no_row_counts(seeded):
    before = counts()
    demo.seed(io.StringIO())
    assert counts() == before
    assert all(before.values()), before


def test_moss_plan_has_six_principles_three_focus_areas_and_early_intervention(seeded):
    plan = Kvalitetsplan.objects.get(kommune__slug="moss")
    assert plan.title == "Små føtter skaper fremtidens spor"
    assert (plan.start_year, plan.end_year) == (2020, 2024)
    assert plan.adopted_by == "Hovedutvalget Oppvekst og utdanning"
    assert plan.adopted_on.isoformat() == "2020-05-25"
    assert list(plan.prinsipper.values_list("name", flat=True)) == [
        "#for barnets beste", "#fellesskap", "#gode naturopplevelser", "#utforskende",
        "#profesjonell kjærlighet", "#lekende"]
    assert plan.foundation
    areas = {fokus.title: fokus for fokus in plan.fokusomrader.all()}
    assert [title for title, fokus in areas.items() if fokus.kind == "focus_area"] == [
        "Livsmestring", "Inkluderende barnehagemiljø", "Utvikling"]
    early = [fokus for fokus in areas.values() if fokus.kind == "early_intervention"]
    assert len(early) == 1 and early[0].goal and early[0].tiltak.count() >= 4
    assert all(fokus.goal and fokus.tiltak.exists() for fokus in areas.values())


def test_frederikshavn_strategy_has_signs_for_every_role_level(seeded):
    plan = Kvalitetsplan.objects.get(kommune__slug="frederikshavn")
    assert (plan.kind, plan.start_year, plan.end_year) == ("strategy", 2022, None)
    areas = list(plan.fokusomrader.all())
    assert [fokus.title for fokus in areas] == [
        "Kvalitet", "Børnesyn", "Systematik", "En professionel organisation"]
    for fokus in areas:
        assert fokus.kind == "area_of_effort" and fokus.challenge
        assert set(fokus.tegn.values_list("role_level", flat=True)) == {
            "staff", "pedagogical_leaders", "area_leaders", "consultants", "centre_manager"}


def test_baerum_tett_pa_is_a_programme(seeded):
    plan = Kvalitetsplan.objects.get(kommune__slug="baerum")
    assert plan.kind == "programme" and plan.title.startswith("TETT PÅ")
    assert (plan.start_year, plan.end_year) == (2020, 2024)


def test_demo_leaders_kindergartens_have_chosen_a_focus(seeded):
    for slug in ("moss", "frederikshavn"):
        leader = User.objects.get(
            email=barnehager_demo.demo_email("leader", slug))
        barnehage = leader.memberships.get().barnehage
        choice = BarnehageFokus.objects.get(barnehage=barnehage)
        assert choice.sub_goal and choice.fokusomrade.plan.covers(choice.year)


def test_the_current_year_has_choices(seeded):
    assert BarnehageFokus.objects.filter(year=timezone.localdate().year).count() >= 3
