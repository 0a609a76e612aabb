"""Tenancy cases for the observer's tablet, its API, results, feedback, practice stories
and monthly plans (joined into tests/observasjoner/matrix.py).

An observation target: "own" observes a department of A1 and "sibling" one of A2, both
assigned to municipality A's observer; "foreign" observes B1, assigned to B's observer.
"""

import uuid
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from barnehager.models import Role
from observasjoner.models import (
    Dimensjon,
    Instrument,
    Observasjon,
    Observasjonsrunde,
    Praksisfortelling,
    Skaar,
    Syklus,
)
from tests.access_matrix import (
    ALL,
    DENIED,
    FORBIDDEN,
    MUNICIPALITY,
    NOT_FOUND,
    OK,
    OWN_KINDERGARTEN,
    Case,
)

UNAUTHORIZED = 401
ASSIGNED = {"own": OK, "sibling": OK, "foreign": NOT_FOUND}
JSON = {"content_type": "application/json"}


def runde_for(kommune, **fields) -> Observasjonsrunde:
    """The municipality's autumn round (created on first use)."""
    defaults = {"semester": "autumn", "year": 2025, "start_date": date(2025, 9, 1),
                "end_date": date(2025, 12, 15), "status": Observasjonsrunde.Status.ACTIVE,
                **fields}
    runde, _ = Observasjonsrunde.objects.get_or_create(kommune=kommune, name="Høst 2025",
                                                       defaults=defaults)
    return runde


def observation_for(world, target: str, **fields) -> Observasjon:
    """An observation of the target's department, assigned to that municipality's observer."""
    users = world.foreign_users if target == "foreign" else world.users
    avdeling = world.avdeling[target]
    return Observasjon.objects.create(
        runde=runde_for(world.kommune[target]), avdeling=avdeling,
        observer=users[Role.OBSERVER],
        instrument=Instrument.objects.get(code=avdeling.instrument_code),
        planned_date=timezone.localdate(), **fields)


def record_cycle(observasjon: Observasjon, number: int, scores: dict[str, int],
                 minutes: int = 20, children: int = 15, interrupted: bool = False) -> Syklus:
    """A finished cycle written straight to the database."""
    start = timezone.now() - timedelta(hours=4 - number)
    syklus = Syklus.objects.create(
        observasjon=observasjon, client_id=uuid.uuid4(), number=number, started_at=start,
        ended_at=start + timedelta(minutes=minutes), children_present=children,
        adults_present=3, activity="play", interrupted=interrupted)
    dimensjoner = {dim.code: dim for dim in
                   Dimensjon.objects.filter(domene__instrument=observasjon.instrument)}
    for code, value in scores.items():
        Skaar.objects.create(syklus=syklus, dimensjon=dimensjoner[code], client_id=uuid.uuid4(),
                             value=value)
    return syklus


def submitted_for(world, target: str) -> Observasjon:
    return observation_for(world, target, status=Observasjon.Status.SUBMITTED,
                           submitted_at=timezone.now(), observed_on=timezone.localdate())


def _url(name: str, make=observation_for):
    def build(world, target):
        return reverse(f"observasjoner:{name}", args=[make(world, target).pk])
    return build


def _with_cycle(world, target):
    observasjon = observation_for(world, target)
    syklus = Syklus.objects.create(observasjon=observasjon, client_id=uuid.uuid4(), number=1)
    world.extra.setdefault("cycles", {})[target] = syklus
    return reverse("observasjoner:api-score", args=[observasjon.pk])


def _score_data(world, target):
    return {"change_id": str(uuid.uuid4()), "cycle": str(world.extra["cycles"][target].client_id),
            "dimension": "PC", "value": 5, "note": "", "base_version": 0}


def _cycle_data(world, target):
    return {"client_id": str(uuid.uuid4()), "number": 1}


def _feedback_data(world, target):
    dimensjon = Dimensjon.objects.get(domene__instrument__code="prek", code="CD")
    return {"feedback_strengths": "Varme og trygge voksne.", "feedback_dimensions": [dimensjon.pk],
            "feedback_development": "Flere hvorfor-spørsmål.", "feedback_meeting_on": "2025-11-03"}


def _story_url(world, target):
    story = Praksisfortelling.objects.create(
        barnehage=world.barnehage[target], dimensjon=Dimensjon.objects.filter(code="LM").first(),
        month=date(2025, 10, 1), title="Samtale ved lunsj", story="De voksne fulgte opp.",
        author=world.users[Role.LEADER])
    return reverse("observasjoner:story-detail", args=[story.pk])


def _plan_url(world, target):
    return reverse("observasjoner:monthly-plan", args=[world.barnehage[target].pk])


def _plan_data(world, target):
    return {"month": "2025-10", "dimensjon": Dimensjon.objects.filter(code="LM").first().pk,
            "note": ""}


OBSERVER_ONLY = {"leader": DENIED, "consultant": DENIED, "admin": DENIED, "politician": DENIED}
API_OBSERVER_ONLY = {role: dict.fromkeys(ASSIGNED, FORBIDDEN) for role in OBSERVER_ONLY}
API_OBSERVER_ONLY_ALL = dict.fromkeys(OBSERVER_ONLY, {"own": FORBIDDEN, "sibling": FORBIDDEN,
                                                   "foreign": FORBIDDEN})
STAFF = {"leader": ALL, "observer": ALL, "consultant": ALL, "admin": ALL, "politician": DENIED}

CASES = [
    Case("observasjoner:my-observations",
         lambda world, target: reverse("observasjoner:my-observations"),
         expect={"observer": ALL, **OBSERVER_ONLY}),
    Case("observasjoner:record", _url("record"), expect={"observer": ASSIGNED, **OBSERVER_ONLY}),
    Case("observasjoner:observation-detail", _url("observation-detail"),
         expect={"observer": ASSIGNED, "leader": OWN_KINDERGARTEN, "consultant": MUNICIPALITY,
                 "admin": MUNICIPALITY, "politician": DENIED}),
    Case("observasjoner:observation-detail", _url("observation-detail", submitted_for),
         expect={"observer": ASSIGNED, "leader": OWN_KINDERGARTEN, "consultant": MUNICIPALITY,
                 "admin": MUNICIPALITY, "politician": DENIED}),
    Case("observasjoner:feedback", _url("feedback", submitted_for),
         expect={"observer": ASSIGNED, **OBSERVER_ONLY}),
    Case("observasjoner:feedback", _url("feedback", submitted_for), method="post",
         data=_feedback_data, success=302, expect={"observer": ASSIGNED, **OBSERVER_ONLY}),
    Case("observasjoner:result-list", lambda world, target: reverse("observasjoner:result-list"),
         expect={"leader": ALL, "consultant": ALL, "admin": ALL, "observer": DENIED,
                 "politician": DENIED}),
    # The API answers JSON: 401 for a visitor, 403 for a role that does not record, 404
    # for an observation not assigned to her.
    Case("observasjoner:api-state", _url("api-state"),
         expect={"observer": ASSIGNED, **API_OBSERVER_ONLY}, anonymous=UNAUTHORIZED),
    Case("observasjoner:api-cycle", _url("api-cycle"), method="post", data=_cycle_data,
         extra_headers=JSON, success=201, expect={"observer": ASSIGNED, **API_OBSERVER_ONLY},
         anonymous=UNAUTHORIZED),
    Case("observasjoner:api-score", _with_cycle, method="post", data=_score_data,
         extra_headers=JSON, success=201, expect={"observer": ASSIGNED, **API_OBSERVER_ONLY},
         anonymous=UNAUTHORIZED),
    Case("observasjoner:api-observation", _url("api-observation"), method="post",
         data=lambda world, target: {"children_enrolled": 18}, extra_headers=JSON,
         expect={"observer": ASSIGNED, **API_OBSERVER_ONLY}, anonymous=UNAUTHORIZED),
    Case("observasjoner:api-submit", _url("api-submit", submitted_for), method="post",
         data=lambda world, target: {}, extra_headers=JSON,
         expect={"observer": ASSIGNED, **API_OBSERVER_ONLY}, anonymous=UNAUTHORIZED),
    Case("observasjoner:story-list", lambda world, target: reverse("observasjoner:story-list"),
         expect=STAFF),
    Case("observasjoner:story-create",
         lambda world, target: reverse("observasjoner:story-create"), expect=STAFF),
    Case("observasjoner:story-detail", _story_url,
         expect={"leader": OWN_KINDERGARTEN, "observer": OWN_KINDERGARTEN,
                 "consultant": MUNICIPALITY, "admin": MUNICIPALITY, "politician": DENIED}),
    Case("observasjoner:monthly-plan", _plan_url,
         expect={"leader": OWN_KINDERGARTEN, "observer": OWN_KINDERGARTEN,
                 "consultant": MUNICIPALITY, "admin": MUNICIPALITY, "politician": DENIED}),
    # Editing the plan: her own kindergarten's leader (and, as access has it, consultants);
    # staff read it only.
    Case("observasjoner:monthly-plan", _plan_url, method="post", data=_plan_data, success=302,
         expect={"leader": OWN_KINDERGARTEN,
                 "observer": {"own": FORBIDDEN, "sibling": NOT_FOUND, "foreign": NOT_FOUND},
                 "consultant": MUNICIPALITY, "admin": MUNICIPALITY, "politician": DENIED}),
    Case("observasjoner:api-offline-pages",
         lambda world, target: reverse("observasjoner:api-offline-pages"),
         expect={"observer": ALL, **API_OBSERVER_ONLY_ALL}, anonymous=UNAUTHORIZED),
    Case("service-worker", lambda world, target: reverse("service-worker"),
         expect=dict.fromkeys(("leader", "observer", "consultant", "politician", "admin"), ALL),
         anonymous=OK),
]
