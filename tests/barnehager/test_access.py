"""The one helper for "the municipalities I manage"."""

import pytest

from barnehager.models import Kommune, User

pytestmark = pytest.mark.django_db


def test_consultants_and_admins_manage_their_municipality_only(world):
    for role in ("consultant", "admin"):
        assert list(Kommune.objects.managed_by(world.users[role])) == [world.kommune["own"]]
    assert list(Kommune.objects.managed_by(world.foreign_users["consultant"])) == [
        world.kommune["foreign"]]


def test_other_roles_manage_none_and_a_superuser_every_one(world):
    for role in ("leader", "observer", "politician"):
        assert not Kommune.objects.managed_by(world.users[role]).exists()
    root = User.objects.create_superuser(username="root", email="root@example.test")
    assert set(Kommune.objects.managed_by(root)) == set(Kommune.objects.all())
