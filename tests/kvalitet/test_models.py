"""The quality framework's own rules: periods, dates, uniqueness and tenancy of a choice."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from barnehager.privacy import NO_CHILD_NAMES
from kvalitet.models import BarnehageFokus, Fokusomrade, Kvalitetsplan, Kvalitetsprinsipp
from tests.kvalitet.factories import fokus_for, plan_for

pytestmark = pytest.mark.django_db


def test_a_plan_cannot_end_before_it_starts(world):
    plan = Kvalitetsplan(kommune=world.kommune["own"], title="Baklengs", start_year=2024,
                         end_year=2020)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "end_year" in error.value.message_dict


def test_the_evaluation_comes_after_the_adoption(world):
    plan = Kvalitetsplan(kommune=world.kommune["own"], title="Plan", start_year=2020,
                         adopted_on=date(2020, 5, 25), evaluation_due=date(2020, 1, 1))
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "evaluation_due" in error.value.message_dict


def test_an_open_ended_plan_covers_every_later_year(world):
    plan = Kvalitetsplan(kommune=world.kommune["own"], title="Strategi", start_year=2022)
    assert plan.covers(2022) and plan.covers(2040) and not plan.covers(2021)
    assert "2022" in plan.period and "–" not in plan.period
    closed = Kvalitetsplan(kommune=world.kommune["own"], title="Plan", start_year=2020,
                           end_year=2024)
    assert closed.period == "2020–2024"
    assert closed.covers(2024) and not closed.covers(2025)


def test_titles_are_unique_within_their_parent(world):
    plan = plan_for(world, "own")
    Kvalitetsprinsipp.objects.create(plan=plan, name="#lekende")
    with pytest.raises(IntegrityError):
        Kvalitetsprinsipp.objects.create(plan=plan, name="#lekende")


def test_fokusomrade_titles_are_unique_per_plan(world):
    fokus = fokus_for(world, "own")
    duplicate = Fokusomrade(plan=fokus.plan, title=fokus.title)
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_a_kindergarten_chooses_a_focus_area_only_from_its_own_municipality(world):
    foreign_fokus = fokus_for(world, "foreign")
    choice = BarnehageFokus(barnehage=world.barnehage["own"], fokusomrade=foreign_fokus,
                            year=timezone.localdate().year, sub_goal="Mer lek ute")
    with pytest.raises(ValidationError) as error:
        choice.full_clean()
    assert "fokusomrade" in error.value.message_dict


def test_a_choice_lies_inside_the_plan_period(world):
    fokus = fokus_for(world, "own")
    choice = BarnehageFokus(barnehage=world.barnehage["own"], fokusomrade=fokus,
                            year=fokus.plan.end_year + 1, sub_goal="Mer lek ute")
    with pytest.raises(ValidationError) as error:
        choice.full_clean()
    assert "year" in error.value.message_dict


def test_one_choice_per_kindergarten_focus_area_and_year(world):
    fokus = fokus_for(world, "own")
    year = timezone.localdate().year
    BarnehageFokus.objects.create(barnehage=world.barnehage["own"], fokusomrade=fokus,
                                  year=year, sub_goal="Første")
    with pytest.raises(IntegrityError):
        BarnehageFokus.objects.create(barnehage=world.barnehage["own"], fokusomrade=fokus,
                                      year=year, sub_goal="Andre")


def test_the_sub_goal_warns_against_childrens_names():
    help_text = BarnehageFokus._meta.get_field("sub_goal").help_text
    assert help_text == NO_CHILD_NAMES
    assert "child's name" in str(help_text)
