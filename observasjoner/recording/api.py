"""JSON endpoints the tablet's outbox sends to.

Every answer is JSON, errors included, with a stable `error` code and a readable `reason`:
the tablet keeps a change queued unless it gets a 200/201 JSON answer, so a login page, a
403 or a server error never clears a score. Create answers 201, a replay 200 with no new
row; a conflict 409 with the server's value; a submitted observation 423.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from barnehager.access import ROLE_OBSERVER, scope_of
from barnehager.decorators import AuthenticatedHttpRequest
from observasjoner.models import Observasjon
from observasjoner.recording import selectors, services


def error(status: int, code: str, reason: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": code, "reason": reason, **extra}, status=status)


class ObserverRequest(AuthenticatedHttpRequest):
    """What `observer_endpoint` hands its view: the parsed JSON body as well."""

    payload: dict[str, Any]


def observer_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The assigned observer only: 401, 403 and 404 answered as JSON, and the services'
    refusals turned into their status."""

    @wraps(view)
    @never_cache
    def wrapper(request: ObserverRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return error(401, "login_required", _("Your session has ended: log in again. "
                                                  "Nothing you recorded is lost."))
        if not scope_of(user).has_role(ROLE_OBSERVER):
            return error(403, "forbidden", _("Only observers record observations."))
        observasjon = Observasjon.objects.assigned_to(user).select_related(
            "runde", "instrument", "avdeling").filter(pk=pk).first()
        if observasjon is None:
            return error(404, "not_found", _("No such observation is assigned to you."))
        if request.method == "POST":
            try:
                payload = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError):
                return error(400, "invalid", _("The request was not valid JSON."))
            if not isinstance(payload, dict):
                return error(400, "invalid", _("The request was not a JSON object."))
            request.payload = payload
        try:
            return view(request, observasjon, *args, **kwargs)
        except services.RecordingRefused as refused:
            return JsonResponse(refused.as_json(), status=refused.status)

    return wrapper


def server_time() -> str:
    """The server's clock, in one fixed format so the tablet can compare two of them."""
    return timezone.now().isoformat(timespec="microseconds")


def state_json(observasjon: Observasjon) -> dict:
    """Everything the tablet needs to show the observation as the server holds it; pass an
    observation loaded with `services.with_everything`."""
    cycles = list(observasjon.sykluser.all())
    return {
        "generated_at": server_time(),
        "observation": observation_json(observasjon),
        "cycles": [services.cycle_json(syklus) for syklus in cycles],
        "scores": [services.score_json(skaar, syklus, skaar.dimensjon)
                   for syklus in cycles for skaar in syklus.skaar.all()],
        "summary": services.present(observasjon).as_json(),
    }


def observation_json(observasjon: Observasjon) -> dict:
    return {
        "id": observasjon.pk,
        "status": observasjon.status,
        "locked": observasjon.is_locked,
        "children_enrolled": observasjon.children_enrolled,
    }


def _summary(observasjon: Observasjon) -> dict:
    """The running summary after a cycle or a score changed (the observation's own fields
    did not)."""
    return services.present(services.with_cycles(observasjon)).as_json()


def _saved(saved: services.Saved, body: dict) -> JsonResponse:
    """`generated_at` tells the tablet how recent its copy of the server's state is."""
    return JsonResponse({"status": saved.outcome, "generated_at": server_time(), **body},
                        status=201 if saved.created else 200)


@require_GET
@observer_endpoint
def observation_state(request: ObserverRequest, observasjon: Observasjon) -> HttpResponse:
    return JsonResponse(state_json(services.reload(observasjon)))


@require_POST
@observer_endpoint
def save_cycle(request: ObserverRequest, observasjon: Observasjon) -> HttpResponse:
    saved = services.save_cycle(observasjon, services.CycleInput.parse(request.payload))
    return _saved(saved, {"cycle": services.cycle_json(saved.obj),
                          "summary": _summary(observasjon)})


@require_POST
@observer_endpoint
def save_score(request: ObserverRequest, observasjon: Observasjon) -> HttpResponse:
    saved = services.save_score(observasjon, services.ScoreInput.parse(request.payload))
    skaar = saved.obj
    return _saved(saved, {"score": services.score_json(skaar, skaar.syklus, skaar.dimensjon),
                          "summary": _summary(observasjon)})


@require_POST
@observer_endpoint
def save_observation(request: ObserverRequest, observasjon: Observasjon) -> HttpResponse:
    saved = services.save_observation_details(observasjon, request.payload)
    # The children enrolled just changed: the summary reads the observation afresh.
    summary = services.present(services.reload(observasjon)).as_json()
    return _saved(saved, {"observation": observation_json(saved.obj), "summary": summary})


@require_POST
@observer_endpoint
def submit(request: ObserverRequest, observasjon: Observasjon) -> HttpResponse:
    submitted = services.submit(observasjon)
    return JsonResponse({
        "status": "already_submitted" if submitted.already else "submitted",
        "observation": observation_json(submitted.observasjon),
    })


@require_GET
@never_cache
def offline_pages(request: HttpRequest) -> HttpResponse:
    """The pages the observer's tablet keeps for use without a connection: her list and the
    cycle screen of every observation she has to record in the coming weeks. Every page she
    opens after logging in asks for it (`static/js/offline.js`, registered for observers in
    observasjoner/apps.py), so the tablet is ready whichever page she used."""
    user = request.user
    if not user.is_authenticated:
        return error(401, "login_required", _("Your session has ended: log in again. "
                                              "Nothing you recorded is lost."))
    if not scope_of(user).has_role(ROLE_OBSERVER):
        return error(403, "forbidden", _("Only observers record observations."))
    pages = [reverse("observasjoner:my-observations")]
    pages += [reverse("observasjoner:record", args=[pk])
              for pk in selectors.offline_observations(user).values_list("pk", flat=True)]
    return JsonResponse({"pages": pages})
