"""Who reads and who edits the quality framework, decided in kvalitet.access."""


import pytest
from django.utils import timezone

from barnehager.models import Membership, Role
from kvalitet.access import plan_kommune_id
from kvalitet.models import (
    BarnehageFokus,
    Fokusomrade,
    Kvalitetsplan,
    Kvalitetsprinsipp,
    Tegn,
    Tiltak,
)
from tests.kvalitet.factories import fokus_for, plan_for
from tests.world import ROLES, make_user

pytestmark = pytest.mark.django_db
EVERY_ROLE = ROLES[1:]


@pytest.fixture
def plans(world):
    fokus_for(world, "own")
    fokus_for(world, "foreign")
    Kvalitetsprinsipp.objects.create(plan=plan_for(world, "own"), name="#fellesskap")
    Kvalitetsprinsipp.objects.create(plan=plan_for(world, "foreign"), name="#fellesskap")
    return {target: plan_for(world, target) for target in ("own", "foreign")}


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_role_reads_its_own_municipality_plan_and_nothing_else(world, plans, role):
    user = world.users[role]
    for model in (Kvalitetsplan, Kvalitetsprinsipp, Fokusomrade, Tiltak, Tegn):
        visible = model.objects.visible_to(user)
        assert visible.exists(), model
        assert all(plan_kommune_id(obj) == world.kommune["own"].pk for obj in visible), model
    assert user.has_perm("kvalitet.read_plan", plans["own"])
    assert not user.has_perm("kvalitet.read_plan", plans["foreign"])


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_only_consultants_and_admins_edit_the_plan(world, plans, role):
    user = world.users[role]
    may_edit = role in (Role.CONSULTANT, Role.ADMIN)
    assert user.has_perm("kvalitet.edit_plan", plans["own"]) is may_edit
    assert not user.has_perm("kvalitet.edit_plan", plans["foreign"])
    fokus = plans["own"].fokusomrader.get()
    assert user.has_perm("kvalitet.edit_plan", fokus) is may_edit
    assert user.has_perm("kvalitet.edit_plan", fokus.tiltak.first()) is may_edit
    assert Kvalitetsplan.objects.editable_by(user).exists() is may_edit


def test_an_outsider_without_roles_sees_nothing(world, plans):
    outsider = make_user("outsider@example.test")
    assert not Kvalitetsplan.objects.visible_to(outsider).exists()
    assert not outsider.has_perm("kvalitet.read_plan", plans["own"])


def test_a_leader_chooses_focus_for_her_own_kindergarten_only(world, plans):
    leader = world.users[Role.LEADER]
    assert leader.has_perm("kvalitet.choose_focus", world.barnehage["own"])
    assert not leader.has_perm("kvalitet.choose_focus", world.barnehage["sibling"])
    assert not leader.has_perm("kvalitet.choose_focus", world.barnehage["foreign"])
    consultant = world.users[Role.CONSULTANT]
    assert consultant.has_perm("kvalitet.choose_focus", world.barnehage["sibling"])
    assert not consultant.has_perm("kvalitet.choose_focus", world.barnehage["foreign"])
    for role in (Role.OBSERVER, Role.POLITICIAN):
        assert not world.users[role].has_perm("kvalitet.choose_focus", world.barnehage["own"])


def test_every_member_sees_the_choices_but_a_leader_edits_only_her_own(world, plans):
    fokus = plans["own"].fokusomrader.get()
    year = timezone.localdate().year
    own = BarnehageFokus.objects.create(barnehage=world.barnehage["own"], fokusomrade=fokus,
                                        year=year, sub_goal="Lek ute")
    sibling = BarnehageFokus.objects.create(barnehage=world.barnehage["sibling"],
                                            fokusomrade=fokus, year=year, sub_goal="Språk")
    leader = world.users[Role.LEADER]
    assert set(BarnehageFokus.objects.visible_to(leader)) == {own, sibling}
    assert list(BarnehageFokus.objects.editable_by(leader)) == [own]
    assert set(BarnehageFokus.objects.editable_by(world.users[Role.CONSULTANT])) == {own, sibling}
    assert not BarnehageFokus.objects.editable_by(world.users[Role.POLITICIAN]).exists()
    assert not BarnehageFokus.objects.visible_to(world.foreign_users[Role.LEADER]).exists()


def test_a_consultant_in_one_municipality_and_leader_in_another_edits_only_the_first(
        world, plans):
    user = world.users[Role.CONSULTANT]
    Membership.objects.create(user=user, role=Role.LEADER, kommune=world.kommune["foreign"],
                              barnehage=world.barnehage["foreign"])
    user = type(user).objects.get(pk=user.pk)  # a fresh scope
    assert user.has_perm("kvalitet.read_plan", plans["foreign"])
    assert not user.has_perm("kvalitet.edit_plan", plans["foreign"])
    assert user.has_perm("kvalitet.edit_plan", plans["own"])

