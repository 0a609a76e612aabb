"""The outcome rules of a supervision: each stated once, in observasjoner/tilsyn.py."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from barnehager.models import OwnerType
from observasjoner.tilsyn.models import Tilsyn
from tests.observasjoner.tilsyn.helpers import VISIT, make_action_plan, make_tilsyn
from tests.observasjoner.tilsyn.helpers import english as _english

pytestmark = pytest.mark.django_db
english = pytest.fixture(autouse=True)(_english)


@pytest.fixture
def own(world):
    return world.barnehage["own"]


@pytest.fixture
def consultant(world):
    return world.users["consultant"]


@pytest.mark.parametrize("outcome", [Tilsyn.Outcome.CONCERN, Tilsyn.Outcome.SERIOUS])
def test_a_concern_requires_a_follow_up_date(own, consultant, outcome):
    tilsyn = make_tilsyn(own, consultant, outcome=outcome, follow_up_date=None)
    with pytest.raises(ValidationError) as error:
        tilsyn.full_clean()
    assert "follow_up_date" in error.value.message_dict
    with pytest.raises(ValidationError):
        tilsyn.complete()
    tilsyn.refresh_from_db()
    assert tilsyn.status == Tilsyn.Status.DRAFT


def test_a_concern_with_a_follow_up_date_completes_and_is_intensified(own, consultant):
    tilsyn = make_tilsyn(own, consultant, outcome=Tilsyn.Outcome.CONCERN,
                         follow_up_date=VISIT + timedelta(days=60))
    tilsyn.complete()
    tilsyn.refresh_from_db()
    assert tilsyn.status == Tilsyn.Status.COMPLETED and tilsyn.completed_at
    assert tilsyn.is_open_concern
    assert list(Tilsyn.objects.open_concerns()) == [tilsyn]


def test_the_follow_up_comes_after_the_visit(own, consultant):
    tilsyn = make_tilsyn(own, consultant, outcome=Tilsyn.Outcome.CONCERN, follow_up_date=VISIT)
    with pytest.raises(ValidationError) as error:
        tilsyn.full_clean()
    assert "follow_up_date" in error.value.message_dict


def test_no_concern_needs_no_follow_up(own, consultant):
    tilsyn = make_tilsyn(own, consultant, outcome=Tilsyn.Outcome.NO_CONCERN)
    tilsyn.complete()
    assert not tilsyn.is_intensified


def test_completion_needs_every_criterion_rated_and_an_outcome(own, consultant):
    tilsyn = make_tilsyn(own, consultant, rated=False)
    problems = [str(problem) for problem in tilsyn.completion_problems()]
    assert "18 criteria have no rating." in problems
    assert "Choose the outcome." in problems
    with pytest.raises(ValidationError):
        tilsyn.complete()


def test_serious_concern_cannot_be_closed_without_an_action_plan(own, consultant):
    tilsyn = make_tilsyn(own, consultant, outcome=Tilsyn.Outcome.SERIOUS)
    tilsyn.complete()
    assert "A serious concern cannot be closed without an action plan." in [
        str(problem) for problem in tilsyn.close_problems()]
    with pytest.raises(ValidationError):
        tilsyn.close(date(2026, 1, 10))
    tilsyn.refresh_from_db()
    assert tilsyn.closed_on is None and tilsyn.is_open_concern

    make_action_plan(tilsyn)
    tilsyn.close(date(2026, 1, 10))
    tilsyn.refresh_from_db()
    assert tilsyn.closed_on == date(2026, 1, 10)
    assert not tilsyn.is_open_concern
    assert not Tilsyn.objects.open_concerns().exists()


def test_a_concern_closes_without_an_action_plan(own, consultant):
    tilsyn = make_tilsyn(own, consultant, outcome=Tilsyn.Outcome.CONCERN)
    tilsyn.complete()
    tilsyn.close(date(2026, 1, 10))
    assert tilsyn.closed_on == date(2026, 1, 10)


def test_a_draft_or_no_concern_cannot_be_closed(own, consultant):
    draft = make_tilsyn(own, consultant, outcome=Tilsyn.Outcome.CONCERN)
    with pytest.raises(ValidationError):
        draft.close(date(2026, 1, 10))
    fine = make_tilsyn(own, consultant, outcome=Tilsyn.Outcome.NO_CONCERN, status="completed")
    with pytest.raises(ValidationError):
        fine.close(date(2026, 1, 10))


def test_the_close_view_refuses_a_serious_concern_without_a_plan(client, world, own, consultant):
    tilsyn = make_tilsyn(own, consultant, outcome=Tilsyn.Outcome.SERIOUS, status="published")
    client.force_login(consultant)
    response = client.post(f"/observasjoner/tilsyn/{tilsyn.pk}/avslutt/", follow=True)
    assert "A serious concern cannot be closed without an action plan." in response.content.decode()
    tilsyn.refresh_from_db()
    assert tilsyn.closed_on is None


def test_owner_role_only_for_municipal_kindergartens_in_norway(world, consultant):
    own = world.barnehage["own"]
    tilsyn = make_tilsyn(own, consultant, outcome="none", role=Tilsyn.Role.OWNER)
    tilsyn.full_clean()  # a Norwegian municipal kindergarten: the municipality is its owner

    own.owner_type = OwnerType.PRIVATE
    own.save()
    tilsyn.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        tilsyn.full_clean()
    assert "role" in error.value.message_dict

    danish = make_tilsyn(world.barnehage["foreign"], world.foreign_users["consultant"],
                         outcome="none", role=Tilsyn.Role.OWNER)
    with pytest.raises(ValidationError) as error:
        danish.full_clean()
    assert "role" in error.value.message_dict


def test_only_the_authority_orders_correction_and_with_a_deadline(own, consultant):
    tilsyn = make_tilsyn(own, consultant, outcome="concern",
                         correction_order="Rett opp bemanningen i kjernetiden.")
    with pytest.raises(ValidationError) as error:
        tilsyn.full_clean()
    assert "correction_deadline" in error.value.message_dict
    tilsyn.correction_deadline = VISIT + timedelta(days=30)
    tilsyn.full_clean()
    tilsyn.role = Tilsyn.Role.OWNER
    with pytest.raises(ValidationError) as error:
        tilsyn.full_clean()
    assert "correction_order" in error.value.message_dict
