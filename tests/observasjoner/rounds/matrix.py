"""Tenancy cases of the consultant's round, amendment, reliability, import and export pages."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from barnehager.models import Role
from observasjoner.models import Instrument, Observasjon, Observasjonsrunde
from tests.access_matrix import ALL, DENIED, MUNICIPALITY, REDIRECT, Case

CONSULTANTS_ONLY = {"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "leader": DENIED,
                    "observer": DENIED, "politician": DENIED}
CONSULTANT_PAGES = {"consultant": ALL, "admin": ALL, "leader": DENIED, "observer": DENIED,
                    "politician": DENIED}


def _round(world, target, status=Observasjonsrunde.Status.PLANNING):
    today = timezone.localdate()
    return Observasjonsrunde.objects.create(
        kommune=world.kommune[target], name=f"Runde {target}", semester="autumn",
        year=today.year, start_date=today, end_date=today + timedelta(days=60), status=status)


def _observation(world, target, status=Observasjon.Status.PLANNED,
                 round_status=Observasjonsrunde.Status.PLANNING):
    avdeling = world.avdeling[target]
    observers = world.foreign_users if target == "foreign" else world.users
    runde = _round(world, target, round_status)
    return Observasjon.objects.create(
        runde=runde, avdeling=avdeling, observer=observers[Role.OBSERVER],
        instrument=Instrument.objects.get(code=avdeling.instrument_code),
        planned_date=runde.start_date, status=status)


def _round_url(name, status=Observasjonsrunde.Status.PLANNING):
    return lambda world, target: reverse(f"observasjoner:{name}",
                                         args=[_round(world, target, status).pk])


def _observation_url(name, **kwargs):
    return lambda world, target: reverse(f"observasjoner:{name}",
                                         args=[_observation(world, target, **kwargs).pk])


CASES = [
    Case("observasjoner:runde-list", lambda world, target: reverse("observasjoner:runde-list"),
         expect=CONSULTANT_PAGES),
    Case("observasjoner:runde-create",
         lambda world, target: reverse("observasjoner:runde-create"), expect=CONSULTANT_PAGES),
    Case("observasjoner:runde-detail", _round_url("runde-detail"), expect=CONSULTANTS_ONLY),
    Case("observasjoner:runde-propose", _round_url("runde-propose"), method="post",
         expect=CONSULTANTS_ONLY, success=REDIRECT),
    Case("observasjoner:runde-publish", _round_url("runde-publish"), method="post",
         expect=CONSULTANTS_ONLY, data=lambda world, target: {"confirmed": "1"},
         success=REDIRECT),
    Case("observasjoner:runde-close", _round_url("runde-close", "active"), method="post",
         expect=CONSULTANTS_ONLY, success=REDIRECT),
    # An empty form is shown again with its errors (200) to those who may plan.
    Case("observasjoner:runde-add", _round_url("runde-add"), method="post",
         expect=CONSULTANTS_ONLY, data=lambda world, target: {}),
    Case("observasjoner:runde-observasjon-edit", _observation_url("runde-observasjon-edit"),
         expect=CONSULTANTS_ONLY),
    Case("observasjoner:runde-observasjon-second",
         _observation_url("runde-observasjon-second"), method="post",
         expect=CONSULTANTS_ONLY, data=lambda world, target: {}),
    Case("observasjoner:runde-observasjon-remove",
         _observation_url("runde-observasjon-remove"), method="post",
         expect=CONSULTANTS_ONLY, success=REDIRECT),
    Case("observasjoner:observasjon-amend",
         _observation_url("observasjon-amend", status=Observasjon.Status.SUBMITTED,
                          round_status=Observasjonsrunde.Status.ACTIVE),
         expect=CONSULTANTS_ONLY),
    Case("observasjoner:reliability",
         lambda world, target: reverse("observasjoner:reliability"), expect=CONSULTANT_PAGES),
    Case("observasjoner:import", lambda world, target: reverse("observasjoner:import"),
         expect=CONSULTANT_PAGES),
    Case("observasjoner:import-template",
         lambda world, target: reverse("observasjoner:import-template", args=["prek"]),
         expect=CONSULTANT_PAGES),
    Case("observasjoner:export",
         lambda world, target: reverse("observasjoner:export",
                                       args=[world.kommune[target].slug]),
         expect=CONSULTANTS_ONLY),
]
