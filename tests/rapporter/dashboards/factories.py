"""Observation data for the dashboard tests: rounds, observations, cycles and scores built
in bulk, so a test can make dozens of kindergartens quickly."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from itertools import count

from django.utils import timezone

from barnehager.models import AgeGroup, Avdeling, Barnehage, Kommune, Nettverk, Pulje, User
from handleplaner.models import Evaluering, GoalReached, Handleplan, Mal
from kvalitet.models import BarnehageFokus
from observasjoner import results
from observasjoner.models import Instrument, Observasjon, Observasjonsrunde, Skaar, Syklus
from observasjoner.tilsyn.models import Tilsyn, TilsynInstrument, TilsynVurdering
from tests.kvalitet.factories import fokus_for

_numbers = count(1)


def instrument(code: str) -> Instrument:
    return Instrument.objects.prefetch_related("domener__dimensjoner").get(code=code)


def dimension_codes(code: str) -> list[str]:
    inst = instrument(code)
    return [dim.code for domene in inst.domener.all() for dim in domene.dimensjoner.all()]


def make_round(kommune: Kommune, year: int, semester: str, *,
               status: str = Observasjonsrunde.Status.CLOSED) -> Observasjonsrunde:
    start = date(year, 3 if semester == "spring" else 9, 1)
    return Observasjonsrunde.objects.create(
        kommune=kommune, name=f"{semester} {year} #{next(_numbers)}", semester=semester,
        year=year, start_date=start, end_date=start + timedelta(days=60), status=status)


def make_observation(runde: Observasjonsrunde, avdeling: Avdeling, observer: User,
                     cycles: list[dict[str, int]], *, status: str = "submitted",
                     double_coding_of: Observasjon | None = None,
                     minutes: int = 20) -> Observasjon:
    """An observation with one cycle per dict of dimension code -> score."""
    code = avdeling.instrument_code
    observasjon = Observasjon.objects.create(
        runde=runde, avdeling=avdeling, observer=observer, instrument=_instrument_cached(code),
        planned_date=runde.start_date, observed_on=runde.start_date, status=status,
        double_coding_of=double_coding_of)
    add_cycles([(observasjon, cycles)], minutes=minutes)
    return observasjon


_INSTRUMENTS: dict[str, Instrument] = {}
_DIMENSIONS: dict[str, dict[str, int]] = {}


def _instrument_cached(code: str) -> Instrument:
    if code not in _INSTRUMENTS or not Instrument.objects.filter(pk=_INSTRUMENTS[code].pk).exists():
        _INSTRUMENTS[code] = instrument(code)
        _DIMENSIONS[code] = {dim.code: dim.pk for domene in _INSTRUMENTS[code].domener.all()
                             for dim in domene.dimensjoner.all()}
    return _INSTRUMENTS[code]


def add_cycles(items: list[tuple[Observasjon, list[dict[str, int]]]], *, minutes: int = 20,
               first: int = 1):
    """Cycles (numbered from `first`) and scores for many observations in two bulk inserts."""
    start = datetime(2025, 9, 1, 9, 0, tzinfo=timezone.get_current_timezone())
    sykluser, pending = [], []
    for observasjon, cycles in items:
        for number, scores in enumerate(cycles, start=first):
            begin = start + timedelta(minutes=25 * number)
            syklus = Syklus(observasjon=observasjon, client_id=uuid.uuid4(), number=number,
                            started_at=begin, ended_at=begin + timedelta(minutes=minutes),
                            children_present=20)
            sykluser.append(syklus)
            pending.append((syklus, observasjon.instrument.code, scores))
    Syklus.objects.bulk_create(sykluser)
    skaar = []
    for syklus, code, scores in pending:
        _instrument_cached(code)
        dims = _DIMENSIONS[code]
        skaar.extend(Skaar(syklus=syklus, dimensjon_id=dims[dim], client_id=uuid.uuid4(),
                           value=value) for dim, value in scores.items())
    Skaar.objects.bulk_create(skaar)
    # As the services do when an observation is submitted, locked or imported.
    results.store_results([observasjon.pk for observasjon, _cycles in items])


def uniform(code: str, value: int, **overrides: int) -> dict[str, int]:
    """A cycle scoring every dimension of the instrument `value`, with overrides."""
    scores = dict.fromkeys(dimension_codes(code), value)
    scores.update(overrides)
    return scores


def grow_kommune(kommune: Kommune, observer: User, kindergartens: int, *,
                 semesters=((2024, "autumn"), (2025, "spring")), prefix: str = "G") -> list:
    """Adds `kindergartens` kindergartens (each a toddler and a pre-school department, in
    one network and cohort) observed in every semester given: bulk built, for query-count
    tests at two sizes."""
    nettverk, _ = Nettverk.objects.get_or_create(kommune=kommune, name=f"{prefix} nettverk")
    pulje, _ = Pulje.objects.get_or_create(kommune=kommune, name=f"{prefix} pulje",
                                           defaults={"start_date": date(2022, 8, 1)})
    barnehager = Barnehage.objects.bulk_create([
        Barnehage(kommune=kommune, name=f"{prefix}{number} barnehage", nettverk=nettverk,
                  pulje=pulje) for number in range(kindergartens)])
    avdelinger = Avdeling.objects.bulk_create([
        Avdeling(barnehage=barnehage, name=name, age_group=group, enrolled_children=20)
        for barnehage in barnehager
        for name, group in (("Liten", AgeGroup.TODDLER), ("Stor", AgeGroup.PRESCHOOL))])
    for year, semester in semesters:
        runde = make_round(kommune, year, semester)
        observations = Observasjon.objects.bulk_create([
            Observasjon(runde=runde, avdeling=avdeling, observer=observer,
                        instrument=_instrument_cached(avdeling.instrument_code),
                        planned_date=runde.start_date, observed_on=runde.start_date,
                        status="submitted")
            for avdeling in avdelinger])
        add_cycles([
            (observasjon, [uniform(observasjon.instrument.code, 3 + (index + cycle) % 4)
                           for cycle in range(3)])
            for index, observasjon in enumerate(observations)])
    return barnehager


def build_dataset(world):
    """Municipality A: two kindergartens observed in autumn 2024 and spring 2025."""
    kommune = world.kommune["own"]
    observer = world.users["observer"]
    a1 = world.barnehage["own"]
    pre1 = world.avdeling["own"]          # A1 Storeslem (pre-school)
    pre2 = world.avdeling["sibling"]      # A2 Storeslem
    tod1 = Avdeling.objects.get(barnehage=a1, age_group=AgeGroup.TODDLER)
    autumn = make_round(kommune, 2024, "autumn")
    spring = make_round(kommune, 2025, "spring")
    obs = {
        # Autumn: A1 pre-school high ES, A2 pre-school middle.
        "a1_autumn": make_observation(autumn, pre1, observer, [
            uniform("prek", 6, NC=1, CD=3, QF=3, LM=3), uniform("prek", 7, NC=1, CD=4,
                                                                 QF=3, LM=4)]),
        "a2_autumn": make_observation(autumn, pre2, observer, [
            uniform("prek", 4, NC=2), uniform("prek", 5, NC=2)]),
        # Spring: A1 pre-school falls to middle in ES; the toddler department appears.
        "a1_spring": make_observation(spring, pre1, observer, [
            uniform("prek", 4, NC=3), uniform("prek", 5, NC=3), uniform("prek", 4, NC=3)]),
        "tod_spring": make_observation(spring, tod1, observer, [
            uniform("toddler", 5, NC=1), uniform("toddler", 6, NC=1)]),
    }
    # Not counted: a second coding, a planned observation, one with a single valid cycle.
    make_observation(spring, pre1, world.users["consultant"], [uniform("prek", 1)] * 2,
                     double_coding_of=obs["a1_spring"])
    make_observation(spring, pre2, observer, [uniform("prek", 1)] * 2, status="planned")
    make_observation(spring, pre2, observer, [uniform("prek", 2)], status="submitted")
    # Another municipality's observation never enters A's figures.
    make_observation(make_round(world.kommune["foreign"], 2025, "spring"),
                     world.avdeling["foreign"], world.foreign_users["observer"],
                     [uniform("prek", 1)] * 2)
    return kommune, obs


def make_tilsyn(barnehage, consultant, *, outcome: str = "", status: str = "completed",
                level: int = 3):
    """A supervision with the shared instrument, every criterion rated at `level`."""
    instrument = TilsynInstrument.objects.get(kommune__isnull=True,
                                              language=barnehage.kommune.language)
    visit = date(2025, 10, 1)
    tilsyn = Tilsyn.objects.create(
        barnehage=barnehage, consultant=consultant, instrument=instrument, date=visit,
        outcome=outcome, status=status,
        follow_up_date=visit + timedelta(days=90) if outcome in Tilsyn.INTENSIFIED else None)
    niva = instrument.skala.levels.get(value=level)
    TilsynVurdering.objects.bulk_create(
        TilsynVurdering(tilsyn=tilsyn, kriterium=kriterium, niva=niva)
        for tema in instrument.temaer.all() for kriterium in tema.kriterier.all())
    return tilsyn


def make_action_plan(barnehage, title: str, **fields):
    return Handleplan.objects.create(barnehage=barnehage, title=title,
                                     mal=Mal.objects.order_by("pk").first(), **fields)


def build_framework(world):
    """Supervisions, action plans and focus choices in municipality A (and one in B)."""
    consultant = world.users["consultant"]
    a1, a2 = world.barnehage["own"], world.barnehage["sibling"]
    good = make_tilsyn(a1, consultant, outcome="none", status="completed", level=3)
    weak = make_tilsyn(a2, consultant, outcome="concern", status="published", level=2)
    make_tilsyn(a2, consultant, status="draft", level=4)  # a draft never counts
    make_tilsyn(world.barnehage["foreign"], world.foreign_users["consultant"],
                outcome="none", status="completed", level=1)
    late = make_action_plan(a1, "Språk i hverdagen", deadline=date(2020, 1, 1))
    done = make_action_plan(a2, "Lek ute")
    Evaluering.objects.create(handleplan=done, held_on=date(2025, 6, 1), observed="Mer lek",
                              goal_reached=GoalReached.YES)
    Evaluering.objects.create(handleplan=done, held_on=date(2025, 9, 1), observed="Noe",
                              goal_reached=GoalReached.PARTLY)
    make_action_plan(world.barnehage["foreign"], "Fremmed plan")
    fokus = fokus_for(world, "own")
    for barnehage in (a1, a2):
        BarnehageFokus.objects.create(barnehage=barnehage, fokusomrade=fokus, year=2025,
                                      sub_goal="Trygg start")
    return {"good": good, "weak": weak, "late": late, "done": done, "fokus": fokus}
