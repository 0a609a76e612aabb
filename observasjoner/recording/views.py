"""The observer's tablet: her observations, the cycle screen, and an observation's page.

The cycle screen is rendered from the server's state; `static/js/recorder.js` lays the
tablet's outbox over it and sends every change through `observasjoner.recording.api`.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER, Scope, scope_of
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import Barnehage, User
from observasjoner import scoring
from observasjoner.models import Activity, Observasjon
from observasjoner.recording import services
from observasjoner.recording.api import state_json

# Static files the cycle screen needs; the service worker keeps them for offline use.
OFFLINE_STATIC = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "django_htmx/htmx-2.min.js",
    "css/kvalitet.css",
    "css/recorder.css",
    "js/offline.js",
    "js/recorder.js",
]


@role_required(ROLE_OBSERVER)
def my_observations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The observer's own work list, planned, in progress and submitted."""
    observations = list(
        Observasjon.objects.assigned_to(request.user)
        .select_related("avdeling__barnehage", "instrument", "runde")
        .order_by("planned_date", "pk")
    )
    status = Observasjon.Status
    groups = [
        ("planned", _("Planned"), [o for o in observations if o.status == status.PLANNED]),
        ("in-progress", _("In progress"),
         [o for o in observations if o.status == status.IN_PROGRESS]),
        ("submitted", _("Submitted"), [o for o in observations if o.is_locked][::-1]),
    ]
    offline_urls = [reverse("observasjoner:record", args=[o.pk])
                    for o in observations if not o.is_locked]
    return render(request, "observasjoner/recording/my_observations.html", {
        "groups": groups,
        "offline_pages_json": json.dumps([request.path, *offline_urls]),
    })


def _score_buttons(instrument) -> list[dict]:
    """The scale's values with their band, for the large buttons."""
    labels = services.BAND_LABELS
    return [{"value": value, "band": scoring.band(value), "label": labels[scoring.band(value)]}
            for value in range(instrument.scale_min, instrument.scale_max + 1)]


def _strings(runde) -> dict:
    """Texts the script shows, translated here so the cached page carries them offline."""
    return {
        "saved": _("All saved on the server"),
        "waiting_one": ngettext("%(n)s change waiting to be sent",
                                "%(n)s changes waiting to be sent", 1) % {"n": "{n}"},
        "waiting_many": ngettext("%(n)s change waiting to be sent",
                                 "%(n)s changes waiting to be sent", 2) % {"n": "{n}"},
        "conflicts_one": ngettext("%(n)s conflict to resolve", "%(n)s conflicts to resolve",
                                  1) % {"n": "{n}"},
        "conflicts_many": ngettext("%(n)s conflict to resolve", "%(n)s conflicts to resolve",
                                   2) % {"n": "{n}"},
        "offline": _("No connection: changes stay on this tablet and are sent when the "
                     "connection returns."),
        "login": _("You are logged out. Log in again (in a new tab if you like): nothing on "
                   "this tablet is lost."),
        "forbidden": _("The server refused the change (no access). It stays on this tablet."),
        "locked": _("This observation is submitted and locked. Changes still on this tablet "
                    "were not saved; ask a consultant for an amendment."),
        "server_error": _("The server did not accept a change (error {status}). It stays on "
                          "this tablet and is sent again shortly."),
        "refused": _("The server refused a change: {reason}"),
        "dismiss": _("Dismiss"),
        "conflict": _("{dimension} in cycle {cycle}: this tablet has {mine}, another device "
                      "saved {theirs}."),
        "keep_mine": _("Keep mine ({value})"),
        "use_theirs": _("Use the other ({value})"),
        "no_score": _("no score"),
        "renumbered": _("Another device had already recorded cycle {old}; this tablet's "
                        "cycle is now cycle {new}."),
        "cycle": _("Cycle {n}"),
        "start_cycle": _("Start cycle {n}"),
        "times_invalid": _("Enter the times as hours and minutes."),
        "times_order": _("A cycle cannot end before it starts."),
        "times_future": _("A cycle cannot start or end in the future."),
        "times_end_needed": _("A stopped cycle needs its end time."),
        "times_not_started": _("This cycle has not started yet."),
        "times_saved": _("Times corrected: the cycle lasted {minutes} min."),
        "stop_first": _("Stop the timer of this cycle before starting the next."),
        "timer_warn": _("{minutes} min planned: reached"),
        "progress": _("{scored} of {total} dimensions scored"),
        "too_short": _("A cycle lasts at least {minutes} minutes. Keep observing, or mark "
                       "the cycle as interrupted."),
        "running": _("running"),
        "stopped": _("stopped"),
        "not_started": _("not started"),
        "stale": _("From the last contact with the server."),
        "valid_cycles": _("Valid cycles: {valid} (at least {needed} needed)"),
        "submit_wait": _("Wait until every change is saved on the server, then submit."),
        "submit_offline": _("Submitting needs a connection."),
        "submitting": _("Submitting…"),
        "submitted": _("Submitted and locked."),
        "submit_refused": _("Not submitted:"),
        "storage": _("This browser would not keep the change on the tablet: do not close "
                     "the page until everything is saved on the server."),
        "minutes": str(runde.min_cycle_minutes),
        "planned_minutes": str(runde.planned_cycle_minutes),
    }


@role_required(ROLE_OBSERVER)
@never_cache
def record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The cycle screen for touch: timer, every dimension's 1-7 buttons, notes, summary."""
    observasjon = get_object_or_404(
        services.with_everything(Observasjon.objects.assigned_to(request.user)), pk=pk)
    if not request.user.has_perm("observasjoner.record", observasjon):
        if not observasjon.is_locked:
            messages.info(request, _("The observation round is not active: it takes no scores "
                                     "now."))
        return redirect("observasjoner:observation-detail", pk=pk)
    api = {
        "state": reverse("observasjoner:api-state", args=[pk]),
        "cycle": reverse("observasjoner:api-cycle", args=[pk]),
        "score": reverse("observasjoner:api-score", args=[pk]),
        "observation": reverse("observasjoner:api-observation", args=[pk]),
        "submit": reverse("observasjoner:api-submit", args=[pk]),
        "done": reverse("observasjoner:observation-detail", args=[pk]),
    }
    return render(request, "observasjoner/recording/record.html", {
        "observasjon": observasjon,
        "runde": observasjon.runde,
        "domener": observasjon.instrument.domener.all(),
        "buttons": _score_buttons(observasjon.instrument),
        "activities": Activity.choices,
        "state": state_json(observasjon),
        "strings": _strings(observasjon.runde),
        "api": api,
        "enrolled_default": observasjon.avdeling.enrolled_children,
        "offline_pages_json": json.dumps([request.path]),
    })


@role_required(ROLE_LEADER, ROLE_OBSERVER, *MUNICIPAL_ROLES)
def observation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An observation: results, the spread between cycles, feedback, and agreement with the
    other coding once both are submitted. What shows is for access to say."""
    observasjon = get_object_or_404(
        services.with_everything(Observasjon.objects.visible_to(request.user)), pk=pk)
    user = request.user
    context = {"observasjon": observasjon,
               "can_see_results": user.has_perm("observasjoner.see_results", observasjon),
               "can_record": user.has_perm("observasjoner.record", observasjon),
               "can_write_feedback": (observasjon.status == Observasjon.Status.SUBMITTED
                                      and user.has_perm("observasjoner.write_feedback",
                                                        observasjon))}
    if context["can_see_results"]:
        context["result"] = result = services.present(observasjon)
        context["cycles"] = _cycle_rows(observasjon, result.problems)
        partner = services.partner_of(observasjon, user)
        if partner is not None:
            context["partner"] = partner
            context["agreement"] = services.agreement_rows(observasjon, partner)
    return render(request, "observasjoner/recording/observation_detail.html", context)


def _cycle_rows(observasjon: Observasjon, problems: dict[int, list[str]]) -> list[dict]:
    """Each cycle's scores in the instrument's order, and why it does not count (if so)."""
    codes = [dim.code for domene in observasjon.instrument.domener.all()
             for dim in domene.dimensjoner.all()]
    rows = []
    for syklus in observasjon.sykluser.all():
        by_code = {skaar.dimensjon.code: skaar for skaar in syklus.skaar.all()}
        rows.append({"syklus": syklus, "scores": [by_code.get(code) for code in codes],
                     "problems": problems.get(syklus.number, [])})
    return rows


def _offline_version(paths: list[str]) -> str:
    """Changes whenever a cached static file changes, so the worker refreshes its copy."""
    digest = hashlib.sha256()
    for path in paths:
        found = finders.find(path)
        digest.update(path.encode())
        if found:
            stat = Path(found).stat()
            digest.update(f"{stat.st_mtime_ns}:{stat.st_size}".encode())
    digest.update(render_to_string("observasjoner/recording/sw.js", {}).encode())
    return digest.hexdigest()[:16]


def _page_pattern() -> str:
    """The observer's pages the worker may keep: her list and the cycle screens."""
    sentinel = 987654321
    record = re.escape(reverse("observasjoner:record", args=[sentinel])).replace(
        str(sentinel), r"\d+")
    mine = re.escape(reverse("observasjoner:my-observations"))
    return f"^(?:{mine}|{record})$"


@require_GET
def service_worker(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The service worker at the root scope: keeps the observer's pages and their static
    files so the cycle screen loads without a connection. Never caches the API."""
    config = {
        "version": _offline_version(OFFLINE_STATIC),
        "staticUrls": [static(path) for path in OFFLINE_STATIC],
        "staticPrefix": static(""),
        "apiPrefix": reverse("observasjoner:api-state", args=[1]).rsplit("/", 2)[0] + "/",
        "pagePattern": _page_pattern(),
        "logoutPath": reverse("logout"),
    }
    body = render_to_string("observasjoner/recording/sw.js", {"config": json.dumps(config)})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


# The home page's section (registered in observasjoner/apps.py) ----------------------------

HOME_ROWS = 5


def upcoming_section(user: User) -> dict[str, object] | None:
    """An observer's next observations: the first thing her home page shows."""
    if not scope_of(user).has_role(ROLE_OBSERVER):
        return None
    return {"upcoming": _upcoming_observations(user)}


def home_section(user: User) -> dict[str, object] | None:
    """A leader's latest results; None for others."""
    scope = scope_of(user)
    if not scope.has_role(ROLE_LEADER):
        return None
    return {"led": _led_kindergartens_results(user, scope)}


def _upcoming_observations(user: User) -> list[Observasjon]:
    """The observer's observations still to record, soonest first."""
    return list(
        Observasjon.objects.assigned_to(user)
        .filter(status__in=[Observasjon.Status.PLANNED, Observasjon.Status.IN_PROGRESS])
        .select_related("avdeling__barnehage", "instrument")
        .order_by("planned_date", "pk")[:HOME_ROWS]
    )


def _led_kindergartens_results(user: User, scope: Scope) -> dict[str, object]:
    """A leader's kindergartens and their latest submitted observations."""
    led_ids = scope.barnehage_ids(ROLE_LEADER)
    return {
        "barnehager": list(Barnehage.objects.filter(pk__in=led_ids).order_by("name")),
        "observations": list(
            Observasjon.objects.results_visible_to(user).done()
            .filter(double_coding_of__isnull=True, avdeling__barnehage_id__in=led_ids)
            .select_related("avdeling__barnehage", "instrument")
            .order_by("-submitted_at", "-pk")[:HOME_ROWS]
        ),
    }
