"""Small builders for round, assignment, import and export tests."""

import uuid
from datetime import date, datetime, timedelta

from django.utils import timezone

from barnehager.models import (
    AgeGroup,
    Avdeling,
    Barnehage,
    Kommune,
    Membership,
    Nettverk,
    Role,
    Sertifisering,
)
from observasjoner import results
from observasjoner.models import (
    Dimensjon,
    Instrument,
    Observasjon,
    Observasjonsrunde,
    Skaar,
    Syklus,
)
from tests.world import make_user

ROUND_START, ROUND_END = date(2030, 9, 2), date(2030, 11, 29)


def kommune(slug="kom") -> Kommune:
    return Kommune.objects.create(name=slug.title(), slug=slug, country="NO", language="nb",
                                  committee_name="Utvalget")


def nettverk(kommune_, name) -> Nettverk:
    return Nettverk.objects.create(kommune=kommune_, name=name)


def barnehage(kommune_, name, nettverk_=None, **fields) -> Barnehage:
    return Barnehage.objects.create(kommune=kommune_, name=name, nettverk=nettverk_, **fields)


def avdeling(barnehage_, name="Storeslem", age_group=AgeGroup.PRESCHOOL, enrolled=18):
    return Avdeling.objects.create(barnehage=barnehage_, name=name, age_group=age_group,
                                   enrolled_children=enrolled)


def observer(kommune_, workplace, email, *, instruments=("prek", "toddler"),
             certified_on=date(2030, 1, 1), valid_until=date(2030, 12, 31)):
    user = make_user(email)
    Membership.objects.create(user=user, role=Role.OBSERVER, kommune=kommune_,
                              barnehage=workplace)
    for code in instruments:
        Sertifisering.objects.create(user=user, instrument=Instrument.objects.get(code=code),
                                     certified_on=certified_on, valid_until=valid_until)
    return user


def consultant(kommune_, email="konsulent@example.test"):
    user = make_user(email)
    Membership.objects.create(user=user, role=Role.CONSULTANT, kommune=kommune_)
    return user


def runde(kommune_, *, start=ROUND_START, end=ROUND_END, share=15,
          status=Observasjonsrunde.Status.PLANNING, semester="autumn", year=None):
    return Observasjonsrunde.objects.create(
        kommune=kommune_, name=f"Runde {start:%Y-%m}", semester=semester,
        year=year or start.year, start_date=start, end_date=end, status=status,
        double_coding_share=share)


def observation(runde_, avdeling_, observer_, *, day=None, status=Observasjon.Status.PLANNED,
                scores=None, double_coding_of=None, minutes=20):
    """An observation; `scores` is a list of cycles, each a dict of dimension code -> 1-7."""
    instrument = Instrument.objects.get(code=avdeling_.instrument_code)
    day = day or runde_.start_date
    observasjon = Observasjon.objects.create(
        runde=runde_, avdeling=avdeling_, observer=observer_, instrument=instrument,
        planned_date=day, observed_on=day if scores else None, status=status,
        double_coding_of=double_coding_of,
        submitted_at=timezone.now() if status in ("submitted", "locked") else None)
    dimensjoner = {dim.code: dim for dim in
                   Dimensjon.objects.filter(domene__instrument=instrument)}
    for number, cycle in enumerate(scores or [], start=1):
        start = timezone.make_aware(datetime.combine(day, datetime.min.time())
                                    + timedelta(hours=8, minutes=30 * number))
        syklus = Syklus.objects.create(
            observasjon=observasjon, client_id=uuid.uuid4(), number=number, started_at=start,
            ended_at=start + timedelta(minutes=minutes), children_present=avdeling_
            .enrolled_children)
        Skaar.objects.bulk_create(
            Skaar(syklus=syklus, dimensjon=dimensjoner[code], client_id=uuid.uuid4(),
                  value=value)
            for code, value in cycle.items())
    # As the services do when an observation is submitted or locked.
    results.store_results([observasjon.pk])
    return observasjon


PREK_CYCLE = {"PC": 6, "NC": 1, "TS": 6, "RSP": 5, "BM": 5, "PD": 6, "ILF": 5,
              "CD": 3, "QF": 2, "LM": 3}
TODDLER_CYCLE = {"PC": 6, "NC": 1, "TS": 6, "RCP": 5, "BG": 5, "FLD": 4, "QF": 3, "LM": 3}
