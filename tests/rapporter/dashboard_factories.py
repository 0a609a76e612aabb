"""Observation data for the dashboard tests: rounds, observations, cycles and scores built
in bulk, so a test can make dozens of kindergartens quickly."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from itertools import count

from django.utils import timezone

from barnehager.models import AgeGroup, Avdeling, Barnehage, Kommune, Nettverk, Pulje, User
from observasjoner.models import Instrument, Observasjon, Observasjonsrunde, Skaar, Syklus

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


def add_cycles(items: list[tuple[Observasjon, list[dict[str, int]]]], *, minutes: int = 20):
    """Cycles and scores for many observations in two bulk inserts."""
    start = timezone.make_aware(datetime(2025, 9, 1, 9, 0))
    sykluser, pending = [], []
    for observasjon, cycles in items:
        for number, scores in enumerate(cycles, start=1):
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
