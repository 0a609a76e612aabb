"""Who sees which observation, its results and the other coding of a double-coding."""

from datetime import date

import pytest

from barnehager.models import Membership, Role
from observasjoner.models import Instrument, Observasjon, Observasjonsrunde, Skaar, Syklus
from tests.world import make_user

pytestmark = pytest.mark.django_db


def _round(kommune):
    return Observasjonsrunde.objects.create(
        kommune=kommune, name="Høst", semester="autumn", year=2025,
        start_date=date(2025, 9, 1), end_date=date(2025, 11, 30),
        status=Observasjonsrunde.Status.ACTIVE)


def _observation(runde, avdeling, observer, **fields):
    return Observasjon.objects.create(
        runde=runde, avdeling=avdeling, observer=observer,
        instrument=Instrument.objects.get(code=avdeling.instrument_code),
        planned_date=date(2025, 10, 1), **fields)


@pytest.fixture
def setup(world):
    runde = _round(world.kommune["own"])
    second = make_user("second@example.test")
    Membership.objects.create(user=second, role=Role.OBSERVER, kommune=world.kommune["own"],
                              barnehage=world.barnehage["sibling"])
    observer = world.users[Role.OBSERVER]
    primary = _observation(runde, world.avdeling["own"], observer)
    coding = _observation(runde, world.avdeling["own"], second, double_coding_of=primary)
    sibling = _observation(runde, world.avdeling["sibling"], second)
    return runde, observer, second, primary, coding, sibling


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_consultant_sees_the_municipality_and_nothing_foreign(world, setup):
    runde, _, _, primary, coding, sibling = setup
    foreign = _observation(_round(world.kommune["foreign"]), world.avdeling["foreign"],
                           world.foreign_users[Role.OBSERVER])
    consultant = world.users[Role.CONSULTANT]
    assert ids(Observasjon.objects.visible_to(consultant)) == {primary.pk, coding.pk, sibling.pk}
    assert ids(Observasjon.objects.results_visible_to(consultant)) == {
        primary.pk, coding.pk, sibling.pk}
    assert foreign.pk not in ids(Observasjon.objects.visible_to(world.users[Role.ADMIN]))
    assert ids(Observasjonsrunde.objects.visible_to(consultant)) == {runde.pk}


def test_observer_sees_only_her_assignments(world, setup):
    _, observer, second, primary, coding, sibling = setup
    assert ids(Observasjon.objects.visible_to(observer)) == {primary.pk}
    assert ids(Observasjon.objects.assigned_to(second)) == {coding.pk, sibling.pk}


def test_double_coding_partner_hidden_until_both_submitted(world, setup):
    _, observer, second, primary, coding, _ = setup
    syklus = Syklus.objects.create(observasjon=coding, number=1,
                                   client_id="00000000-0000-0000-0000-0000000000c1")
    Skaar.objects.create(syklus=syklus, dimensjon=primary.instrument.domener.first()
                         .dimensjoner.first(), client_id="00000000-0000-0000-0000-0000000000c2",
                         value=5)
    primary.status = Observasjon.Status.SUBMITTED
    primary.save()
    assert coding.pk not in ids(Observasjon.objects.results_visible_to(observer))
    assert not Skaar.objects.visible_to(observer).exists()
    assert not observer.has_perm("observasjoner.see_results", coding)
    coding.status = Observasjon.Status.SUBMITTED
    coding.save()
    assert coding.pk in ids(Observasjon.objects.results_visible_to(observer))
    assert primary.pk in ids(Observasjon.objects.results_visible_to(second))
    assert Skaar.objects.visible_to(observer).count() == 1
    assert observer.has_perm("observasjoner.see_results", coding)


def test_leader_sees_results_of_own_primary_observations_once_submitted(world, setup):
    runde, _, _, primary, _coding, _sibling = setup
    leader = world.users[Role.LEADER]
    assert ids(Observasjon.objects.visible_to(leader)) == {primary.pk}
    assert ids(Observasjonsrunde.objects.visible_to(leader)) == {runde.pk}
    assert not Observasjon.objects.results_visible_to(leader).exists()
    assert not leader.has_perm("observasjoner.see_results", primary)
    Observasjon.objects.update(status=Observasjon.Status.SUBMITTED)
    assert ids(Observasjon.objects.results_visible_to(leader)) == {primary.pk}
    assert leader.has_perm("observasjoner.see_results", primary)
    assert not leader.has_perm("observasjoner.amend", primary)
    assert world.users[Role.CONSULTANT].has_perm("observasjoner.amend",
                                                 Observasjon.objects.get(pk=primary.pk))


def test_politician_sees_no_observation(world, setup):
    politician = world.users[Role.POLITICIAN]
    assert not Observasjon.objects.visible_to(politician).exists()
    assert not Observasjonsrunde.objects.visible_to(politician).exists()


def test_a_round_in_planning_is_the_consultants_draft(world, setup):
    runde, observer, _, primary, _, _ = setup
    runde.status = Observasjonsrunde.Status.PLANNING
    runde.save()
    assert not Observasjon.objects.visible_to(observer).exists()
    assert not Observasjon.objects.visible_to(world.users[Role.LEADER]).exists()
    assert not Observasjonsrunde.objects.visible_to(observer).exists()
    assert not observer.has_perm("observasjoner.record", Observasjon.objects.get(pk=primary.pk))
    assert Observasjon.objects.visible_to(world.users[Role.CONSULTANT]).count() == 3
