"""Every assignment rule, for the proposed plan and for a consultant's changes."""

from collections import Counter
from datetime import date

import pytest
from django.utils import translation

from barnehager.models import AgeGroup, Pulje
from observasjoner.models import Observasjon, Observasjonsrunde
from observasjoner.rounds import assignment
from observasjoner.rounds.assignment import AssignmentContext, AssignmentRefused
from tests.observasjoner import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (their msgids), whatever the default language."""
    with translation.override("en"):
        yield
BEFORE = date(2030, 8, 1)  # "today" when the plan is proposed
DAY = date(2030, 9, 10)


@pytest.fixture
def kom():
    return f.kommune()


@pytest.fixture
def net(kom):
    return f.nettverk(kom, "Nord"), f.nettverk(kom, "Sør")


def test_observer_must_be_certified_for_the_departments_instrument(kom, net):
    home = f.barnehage(kom, "Hjem", net[0])
    target = f.avdeling(f.barnehage(kom, "Mål", net[0]))
    toddler_only = f.observer(kom, home, "smaa@example.test", instruments=("toddler",))
    runde = f.runde(kom)
    problems = AssignmentContext(runde).problems(target, toddler_only.pk, DAY)
    assert problems == ["Smaa is not certified for CLASS Pre-K."]
    toddlers = f.avdeling(target.barnehage, "Småtroll", AgeGroup.TODDLER, 10)
    assert AssignmentContext(runde).problems(toddlers, toddler_only.pk, DAY) == []


def test_certification_must_be_valid_on_the_planned_date(kom, net):
    home = f.barnehage(kom, "Hjem", net[0])
    target = f.avdeling(f.barnehage(kom, "Mål", net[0]))
    expiring = f.observer(kom, home, "utloper@example.test", certified_on=date(2029, 10, 1),
                          valid_until=date(2030, 9, 30))
    late = f.observer(kom, home, "sen@example.test", certified_on=date(2030, 10, 15),
                      valid_until=date(2031, 10, 14))
    context = AssignmentContext(f.runde(kom))
    assert context.problems(target, expiring.pk, date(2030, 9, 30)) == []
    assert context.problems(target, expiring.pk, date(2030, 10, 1)) == [
        "Utloper's certification for CLASS Pre-K expired on 09/30/2030."]
    assert context.problems(target, late.pk, date(2030, 10, 14)) == [
        "Sen's certification for CLASS Pre-K is valid from 10/15/2030."]
    assert context.problems(target, late.pk, date(2030, 10, 15)) == []


def test_an_expired_observer_cannot_be_assigned_nor_proposed(kom, net):
    home = f.barnehage(kom, "Hjem", net[0])
    target = f.avdeling(f.barnehage(kom, "Mål", net[0]))
    expired = f.observer(kom, home, "gammel@example.test", certified_on=date(2029, 1, 1),
                         valid_until=date(2029, 12, 31))
    runde = f.runde(kom)
    with pytest.raises(AssignmentRefused) as refused:
        assignment.assign(runde, target, expired, DAY)
    assert refused.value.reasons == [
        "Gammel's certification for CLASS Pre-K expired on 12/31/2029."]
    proposal = assignment.propose_plan(runde, today=BEFORE)
    assert proposal.planned == []
    assert proposal.unplanned[0][0] == target
    assert "expired" in proposal.unplanned[0][1]
    assert not Observasjon.objects.exists()


def test_an_observer_never_observes_the_kindergarten_where_she_works(kom, net):
    home = f.barnehage(kom, "Hjem", net[0])
    own_department = f.avdeling(home)
    other = f.avdeling(f.barnehage(kom, "Annen", net[1]))
    worker = f.observer(kom, home, "ansatt@example.test")
    runde = f.runde(kom)
    with pytest.raises(AssignmentRefused) as refused:
        assignment.assign(runde, own_department, worker, DAY)
    assert refused.value.reasons == ["Ansatt works in Hjem and cannot observe it."]
    proposal = assignment.propose_plan(runde, today=BEFORE)
    assert [(o.avdeling, o.observer) for o in proposal.planned] == [(other, worker)]
    assert proposal.unplanned[0][0] == own_department
    assert "works in Hjem" in proposal.unplanned[0][1]


def test_the_proposed_plan_spreads_the_load_evenly(kom, net):
    office = f.barnehage(kom, "Kontoret", net[0])
    observers = [f.observer(kom, office, f"obs{i}@example.test") for i in range(3)]
    for number in range(5):
        kindergarten = f.barnehage(kom, f"Barnehage {number}", net[0])
        f.avdeling(kindergarten, "Store")
        f.avdeling(kindergarten, "Små", AgeGroup.TODDLER, 10)
    runde = f.runde(kom, share=0)
    proposal = assignment.propose_plan(runde, today=BEFORE)
    assert len(proposal.planned) == 10 and not proposal.unplanned
    load = Counter(o.observer_id for o in Observasjon.objects.filter(runde=runde))
    assert set(load) == {o.pk for o in observers}
    assert max(load.values()) - min(load.values()) <= 1
    # One observation of every department, on working days inside the round.
    assert Observasjon.objects.values("avdeling").distinct().count() == 10
    for observasjon in Observasjon.objects.all():
        assert runde.start_date <= observasjon.planned_date <= runde.end_date
        assert observasjon.planned_date.weekday() < 5
        assert observasjon.instrument.code == observasjon.avdeling.instrument_code


def test_the_proposed_plan_keeps_travel_inside_the_observers_network(kom, net):
    north, south = net
    north_observer = f.observer(kom, f.barnehage(kom, "Nordkontor", north), "nord@example.test")
    south_observer = f.observer(kom, f.barnehage(kom, "Sørkontor", south), "sor@example.test")
    for number in range(2):
        f.avdeling(f.barnehage(kom, f"Nord {number}", north))
        f.avdeling(f.barnehage(kom, f"Sør {number}", south))
    proposal = assignment.propose_plan(f.runde(kom, share=0), today=BEFORE)
    assert len(proposal.planned) == 4
    for observasjon in Observasjon.objects.select_related("avdeling__barnehage"):
        expected = north_observer if observasjon.avdeling.barnehage.nettverk == north \
            else south_observer
        assert observasjon.observer == expected


def test_network_gives_way_when_only_an_outsider_is_allowed(kom, net):
    north, south = net
    f.observer(kom, f.barnehage(kom, "Nordkontor", north), "nord@example.test",
               instruments=("toddler",))
    south_observer = f.observer(kom, f.barnehage(kom, "Sørkontor", south), "sor@example.test")
    f.avdeling(f.barnehage(kom, "Nord 1", north))
    proposal = assignment.propose_plan(f.runde(kom, share=0), today=BEFORE)
    assert [o.observer for o in proposal.planned] == [south_observer]


def test_a_share_of_the_plan_is_double_coded_by_a_second_allowed_observer(kom, net):
    office = f.barnehage(kom, "Kontoret", net[0])
    for i in range(4):
        f.observer(kom, office, f"obs{i}@example.test")
    for number in range(10):
        f.avdeling(f.barnehage(kom, f"Barnehage {number}", net[0]))
    runde = f.runde(kom, share=20)
    proposal = assignment.propose_plan(runde, today=BEFORE)
    assert len(proposal.planned) == 10
    assert len(proposal.second_codings) == 2
    for coding in Observasjon.objects.filter(double_coding_of__isnull=False):
        primary = coding.double_coding_of
        assert coding.avdeling == primary.avdeling
        assert coding.planned_date == primary.planned_date
        assert coding.observer != primary.observer
    # Proposing again plans nothing twice.
    again = assignment.propose_plan(runde, today=BEFORE)
    assert again.planned == [] and again.second_codings == []
    assert Observasjon.objects.count() == 12


def test_default_share_is_fifteen_percent(kom, net):
    assert Observasjonsrunde._meta.get_field("double_coding_share").default == 15
    assert assignment._share(20, 15) == 3
    assert assignment._share(10, 15) == 2
    assert assignment._share(3, 15) == 0


def test_a_round_for_chosen_cohorts_plans_only_their_departments(kom, net):
    cohort = Pulje.objects.create(kommune=kom, name="Pulje 1", start_date=date(2030, 1, 1))
    f.observer(kom, f.barnehage(kom, "Kontoret", net[0]), "obs@example.test")
    inside = f.avdeling(f.barnehage(kom, "Med", net[0], pulje=cohort))
    outside = f.avdeling(f.barnehage(kom, "Uten", net[0]))
    runde = f.runde(kom, share=0)
    runde.puljer.add(cohort)
    proposal = assignment.propose_plan(runde, today=BEFORE)
    assert [o.avdeling for o in proposal.planned] == [inside]
    with pytest.raises(AssignmentRefused) as refused:
        assignment.assign(runde, outside, proposal.planned[0].observer, DAY)
    assert refused.value.reasons == ["Uten is not in the cohorts of this round."]


@pytest.fixture
def planned(kom, net):
    """A department planned with observer `first`; `second` and `worker` also observe."""
    target_kindergarten = f.barnehage(kom, "Mål", net[0])
    target = f.avdeling(target_kindergarten)
    office = f.barnehage(kom, "Kontoret", net[0])
    first = f.observer(kom, office, "forste@example.test")
    second = f.observer(kom, office, "andre@example.test", certified_on=date(2030, 1, 1),
                        valid_until=date(2030, 10, 31))
    worker = f.observer(kom, target_kindergarten, "ansatt@example.test")
    runde = f.runde(kom)
    observasjon = assignment.assign(runde, target, first, DAY)
    return runde, target, observasjon, first, second, worker


def test_every_manual_change_is_checked_with_the_reason_shown(planned):
    runde, target, observasjon, first, second, worker = planned
    with pytest.raises(AssignmentRefused) as refused:
        assignment.change_assignment(observasjon, worker, DAY)
    assert refused.value.reasons == ["Ansatt works in Mål and cannot observe it."]
    with pytest.raises(AssignmentRefused) as refused:
        assignment.change_assignment(observasjon, first, date(2030, 12, 15))
    assert refused.value.reasons == [
        "12/15/2030 is outside the round (09/02/2030 to 11/29/2030)."]
    with pytest.raises(AssignmentRefused) as refused:
        assignment.assign(runde, target, second, DAY)
    assert refused.value.reasons == ["Mål: Storeslem is already planned in this round."]
    changed = assignment.change_assignment(observasjon, second, date(2030, 9, 12))
    assert (changed.observer, changed.planned_date) == (second, date(2030, 9, 12))
    observasjon.refresh_from_db()
    assert observasjon.observer == second


def test_a_second_coding_follows_the_same_rules(planned):
    _runde, _target, observasjon, first, second, worker = planned
    with pytest.raises(AssignmentRefused) as refused:
        assignment.add_second_coding(observasjon, first)
    assert refused.value.reasons == ["Forste is already the first observer of this department."]
    with pytest.raises(AssignmentRefused) as refused:
        assignment.add_second_coding(observasjon, worker)
    assert refused.value.reasons == ["Ansatt works in Mål and cannot observe it."]
    coding = assignment.add_second_coding(observasjon, second)
    assert coding.double_coding_of == observasjon
    assert coding.planned_date == observasjon.planned_date
    # A second coding keeps the observation's day ...
    with pytest.raises(AssignmentRefused) as refused:
        assignment.change_assignment(coding, second, date(2030, 9, 11))
    assert "day of the observation" in refused.value.reasons[0]
    # ... and moving the observation moves it along, if its observer is still allowed.
    with pytest.raises(AssignmentRefused) as refused:
        assignment.change_assignment(observasjon, first, date(2030, 11, 4))
    assert refused.value.reasons == [
        "Second observer: Andre's certification for CLASS Pre-K expired on 10/31/2030."]
    assignment.change_assignment(observasjon, first, date(2030, 10, 7))
    coding.refresh_from_db()
    assert coding.planned_date == date(2030, 10, 7)


def test_only_planned_observations_change(planned):
    _runde, _target, observasjon, _first, second, _worker = planned
    Observasjon.objects.filter(pk=observasjon.pk).update(status=Observasjon.Status.IN_PROGRESS)
    observasjon.refresh_from_db()
    with pytest.raises(AssignmentRefused) as refused:
        assignment.change_assignment(observasjon, second, DAY)
    assert refused.value.reasons == [
        "Only a planned observation can be changed; this one is in progress."]
    with pytest.raises(AssignmentRefused):
        assignment.remove_observation(observasjon)


def test_removing_an_observation_frees_the_department(planned):
    runde, target, observasjon, _first, second, _worker = planned
    assignment.add_second_coding(observasjon, second)
    assignment.remove_observation(observasjon)
    assert not Observasjon.objects.exists()
    assert assignment.assign(runde, target, second, DAY).observer == second


def test_closing_a_round_locks_its_submitted_observations(kom, net, planned,
                                                          django_capture_on_commit_callbacks):
    runde, target, observasjon, _first, second, _worker = planned
    consultant = f.consultant(kom)
    with pytest.raises(AssignmentRefused):
        assignment.close_round(runde, consultant)
    assignment.publish_round(runde)
    Observasjon.objects.filter(pk=observasjon.pk).update(status=Observasjon.Status.SUBMITTED)
    unfinished = assignment.assign(runde, f.avdeling(target.barnehage, "Annen"), second, DAY)
    received = []

    def receiver(sender, runde, by, **kwargs):
        received.append((runde.pk, by))

    assignment.round_closed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert assignment.close_round(runde, consultant) == 1
    finally:
        assignment.round_closed.disconnect(receiver)
    assert received == [(runde.pk, consultant)]
    runde.refresh_from_db()
    assert runde.status == Observasjonsrunde.Status.CLOSED and runde.closed_at
    assert Observasjon.objects.get(pk=observasjon.pk).status == Observasjon.Status.LOCKED
    assert Observasjon.objects.get(pk=unfinished.pk).status == Observasjon.Status.PLANNED
    with pytest.raises(AssignmentRefused) as refused:
        assignment.assign(runde, f.avdeling(target.barnehage, "Tredje"), second, DAY)
    assert "The round is closed." in refused.value.reasons


def test_progress_counts_planned_done_and_overdue(planned):
    runde, target, observasjon, _first, second, _worker = planned
    other = assignment.assign(runde, f.avdeling(target.barnehage, "Annen"), second,
                              date(2030, 10, 1))
    third = assignment.assign(runde, f.avdeling(target.barnehage, "Tredje"), second,
                              date(2030, 10, 20))
    Observasjon.objects.filter(pk=observasjon.pk).update(status=Observasjon.Status.SUBMITTED)
    Observasjon.objects.filter(pk=third.pk).update(status=Observasjon.Status.IN_PROGRESS)
    progress = assignment.progress_of(Observasjon.objects.all(), today=date(2030, 10, 15))
    assert (progress.total, progress.done, progress.overdue, progress.in_progress,
            progress.planned) == (3, 1, 1, 1, 0)
    assert progress.done_percent == 33
    assert other.planned_date < date(2030, 10, 15)
