import pytest
from django.core.exceptions import ValidationError

from barnehager.access import scope_of
from barnehager.models import Barnehage, Membership, Role, User


def test_a_leader_must_belong_to_a_kindergarten(world):
    membership = Membership(user=world.users["consultant"], role=Role.LEADER,
                            kommune=world.kommune["own"])
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_a_kindergarten_in_another_municipality_is_refused(world):
    membership = Membership(user=world.users["consultant"], role=Role.LEADER,
                            kommune=world.kommune["own"], barnehage=world.barnehage["foreign"])
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_network_must_be_in_the_same_municipality(world):
    barnehage = world.barnehage["own"]
    barnehage.nettverk = world.barnehage["foreign"].nettverk
    with pytest.raises(ValidationError):
        barnehage.full_clean()


def test_visible_to_by_role(world):
    own, sibling, foreign = (world.barnehage[t] for t in ("own", "sibling", "foreign"))
    visible = {role: set(Barnehage.objects.visible_to(user))
               for role, user in world.users.items()}
    assert visible["leader"] == {own}
    assert visible["observer"] == {own}
    assert visible["consultant"] == {own, sibling}
    assert visible["admin"] == {own, sibling}
    assert visible["politician"] == set()
    assert foreign not in set().union(*visible.values())


def test_scope_is_read_once_per_user_object(world, django_assert_num_queries):
    user = User.objects.get(pk=world.users["leader"].pk)
    with django_assert_num_queries(1):
        scope_of(user)
        scope_of(user)


def test_a_user_without_memberships_sees_nothing(db):
    user = User.objects.create_user(username="x@example.test", email="x@example.test",
                                    password="irrelevant-pass")
    assert not Barnehage.objects.visible_to(user).exists()
