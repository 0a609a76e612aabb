"""Supervision permissions are `observasjoner.*_tilsyn` permissions asked with has_perm, as
in every app: the municipality's consultants and admins, as far as the state allows."""

from datetime import date

import pytest

from observasjoner.tilsyn.models import Tilsyn
from tests.observasjoner.tilsyn.helpers import make_tilsyn

pytestmark = pytest.mark.django_db

ACTIONS = ("manage", "edit", "complete", "comment", "publish", "close")
# What a consultant may do with a supervision with a concern, by its state.
ALLOWED = {
    "draft": {"manage", "edit", "complete"},
    "completed": {"manage", "edit", "comment", "publish", "close"},
    "published": {"manage", "comment", "publish", "close"},
}


def allowed(user, tilsyn):
    return {action for action in ACTIONS
            if user.has_perm(f"observasjoner.{action}_tilsyn", tilsyn)}


@pytest.mark.parametrize("status", list(ALLOWED))
def test_the_state_decides_what_the_consultant_may_do(world, status):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                         outcome=Tilsyn.Outcome.CONCERN, status=status)
    for role in ("consultant", "admin"):
        assert allowed(world.users[role], tilsyn) == ALLOWED[status]


def test_a_closed_concern_cannot_be_closed_again(world):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                         outcome=Tilsyn.Outcome.CONCERN, status="completed",
                         closed_on=date(2026, 1, 10))
    assert "close" not in allowed(world.users["consultant"], tilsyn)


def test_nobody_else_may_do_anything(world):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                         outcome=Tilsyn.Outcome.CONCERN, status="completed")
    for user in [*(world.users[role] for role in ("leader", "observer", "politician")),
                 world.foreign_users["consultant"]]:
        assert allowed(user, tilsyn) == set()
