"""The consultant's side of observations: rounds and their plans, amendments, reliability,
import and export; all for consultants and admins of the municipality.

Access comes from `observasjoner.access`; the assignment rules from `assignment`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from barnehager import confirmation, downloads
from barnehager.access import MUNICIPAL_ROLES
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import Kommune, Nettverk
from barnehager.selectors import EXPIRY_WARNING_DAYS
from observasjoner import reliability, scoring
from observasjoner.access import DONE_STATUSES
from observasjoner.models import (
    Endring,
    Instrument,
    Observasjon,
    Observasjonsrunde,
    Skaar,
    Syklus,
)
from observasjoner.rounds import assignment, exporting
from observasjoner.rounds.assignment import AssignmentContext, AssignmentRefused
from observasjoner.rounds.forms import (
    AddObservationForm,
    AmendmentForm,
    AssignmentForm,
    ImportForm,
    RundeForm,
    SecondCodingForm,
)
from observasjoner.rounds.importing import ImportFailed, import_observations, template_header
from observasjoner.rounds.services import AmendmentRefused, amend_score

MAX_IMPORT_BYTES = 5 * 1024 * 1024
SHOWN_PAIRS = 20


def band_label(band: str | None) -> str:
    return {scoring.LOW: _("low"), scoring.MIDDLE: _("middle"),
            scoring.HIGH: _("high")}.get(band, "–")


def score(value: float | None) -> str:
    """A score as the product shows it everywhere: two decimals, or a dash."""
    return "–" if value is None else number_format(value, 2)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)} %"


def _plannable_round(request: AuthenticatedHttpRequest, pk: int) -> Observasjonsrunde:
    return get_object_or_404(
        Observasjonsrunde.objects.plannable_by(request.user).select_related("kommune"), pk=pk)


def _plannable_observation(request: AuthenticatedHttpRequest, pk: int) -> Observasjon:
    return get_object_or_404(
        Observasjon.objects.filter(runde__in=Observasjonsrunde.objects.plannable_by(
            request.user)).select_related("runde__kommune", "avdeling__barnehage", "observer",
                                          "instrument", "double_coding_of"), pk=pk)


# Rounds -----------------------------------------------------------------------------------

@role_required(*MUNICIPAL_ROLES)
def runde_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # Departments, as on the round's page: a second coding is not a department of its own.
    primary = Q(observasjoner__double_coding_of__isnull=True)
    runder = (Observasjonsrunde.objects.plannable_by(request.user).select_related("kommune")
              .annotate(total=Count("observasjoner", filter=primary),
                        done=Count("observasjoner", filter=primary
                                   & Q(observasjoner__status__in=DONE_STATUSES)),
                        overdue=Count("observasjoner", filter=primary & Q(
                            observasjoner__planned_date__lt=today)
                            & ~Q(observasjoner__status__in=DONE_STATUSES))))
    return render(request, "observasjoner/rounds/runde_list.html", {
        "runder": runder, "kommuner": Kommune.objects.managed_by(request.user)})


@role_required(*MUNICIPAL_ROLES)
def runde_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    kommuner = list(Kommune.objects.managed_by(request.user))
    form = RundeForm(request.POST or None, kommuner=Kommune.objects.filter(
        pk__in=[kommune.pk for kommune in kommuner]))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            runde = form.save(commit=False)
            runde.name = form.cleaned_data["name"]
            runde.save()
            form.save_m2m()
            proposal = assignment.propose_plan(runde)
        _report_proposal(request, proposal)
        return redirect("observasjoner:runde-detail", runde.pk)
    return render(request, "observasjoner/rounds/runde_form.html", {"form": form})


def _report_proposal(request: AuthenticatedHttpRequest, proposal: assignment.Proposal) -> None:
    planned, second = len(proposal.planned), len(proposal.second_codings)
    messages.success(request, _("Proposed: %(observations)s and %(second_codings)s. Adjust the "
                                "plan and publish it when it is ready.") % {
        "observations": ngettext("%(count)s observation", "%(count)s observations",
                                 planned) % {"count": planned},
        "second_codings": ngettext("%(count)s second coding", "%(count)s second codings",
                                   second) % {"count": second}})
    missing = proposal.wanted_second_codings - len(proposal.second_codings)
    if missing > 0:
        messages.warning(request, ngettext(
            "%(count)s second coding could not be planned: no second observer is allowed on "
            "those days.",
            "%(count)s second codings could not be planned: no second observer is allowed on "
            "those days.", missing) % {"count": missing})
    for avdeling, reason in proposal.unplanned:
        messages.warning(request, _("%(avdeling)s was not planned: %(reason)s")
                         % {"avdeling": avdeling, "reason": reason})


@role_required(*MUNICIPAL_ROLES)
def runde_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_round(request, _plannable_round(request, pk))


def _render_round(request: AuthenticatedHttpRequest, runde: Observasjonsrunde,
                  add_form: forms.Form | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    context = AssignmentContext(runde)
    observasjoner = list(
        runde.observasjoner.select_related("avdeling__barnehage__nettverk", "observer",
                                           "instrument")
        .order_by("planned_date", "avdeling__barnehage__name", "avdeling__name", "pk"))
    by_pk = {observasjon.pk: observasjon for observasjon in observasjoner}
    codings: dict[int, list[Observasjon]] = {}
    for observasjon in observasjoner:
        if observasjon.double_coding_of_id:
            codings.setdefault(observasjon.double_coding_of_id, []).append(observasjon)
    open_round = runde.status != Observasjonsrunde.Status.CLOSED

    def warnings(observasjon):
        if not open_round or observasjon.status != Observasjon.Status.PLANNED:
            return []
        return context.problems(observasjon.avdeling, observasjon.observer_id,
                                observasjon.planned_date, moving=observasjon,
                                primary=by_pk.get(observasjon.double_coding_of_id))

    rows = [{
        "observasjon": observasjon,
        "overdue": assignment.is_overdue(observasjon, today),
        "warnings": warnings(observasjon),
        "codings": [{"observasjon": coding, "warnings": warnings(coding)}
                    for coding in codings.get(observasjon.pk, [])],
    } for observasjon in observasjoner if observasjon.double_coding_of_id is None]
    unplanned = list(assignment.unplanned_departments(runde)) if open_round else []
    if add_form is None and unplanned:
        add_form = AddObservationForm(
            avdelinger=assignment.unplanned_departments(runde),
            observers=context.observer_choices(), initial={"planned_date": max(
                runde.start_date, min(today, runde.end_date))})
    observers = _observer_rows(context, observasjoner, today)
    return render(request, "observasjoner/rounds/runde_detail.html", {
        "runde": runde,
        "puljer": list(runde.puljer.all()),
        "rows": rows,
        # One count throughout the page: departments planned (each once, its first coding);
        # second codings are counted apart.
        "progress": assignment.progress_of(
            [row["observasjon"] for row in rows], today),
        "second_codings": sum(len(items) for items in codings.values()),
        "second_codings_done": sum(coding.is_locked for items in codings.values()
                                   for coding in items),
        "observers": observers,
        "expiring": [{"user": row["user"], **item} for row in observers
                     for item in row["certifications"] if item["state"] != "valid"],
        "unplanned": unplanned,
        "add_form": add_form,
        "open_round": open_round,
        "today": today,
    }, status=status)


def _observer_rows(context: AssignmentContext, observasjoner, today: date) -> list[dict]:
    """Each observer's load in the round and where her certifications stand."""
    primaries = Counter(o.observer_id for o in observasjoner if not o.double_coding_of_id)
    seconds = Counter(o.observer_id for o in observasjoner if o.double_coding_of_id)
    network_ids = {nid for info in context.observers.values() for nid in info.networks}
    networks = dict(Nettverk.objects.filter(pk__in=network_ids).values_list("pk", "name"))
    warn_until = today + timedelta(days=EXPIRY_WARNING_DAYS)
    rows = []
    for user in context.observer_choices():
        info = context.observers[user.pk]
        latest = {}
        for cert in info.certifications:  # the latest certification per instrument
            if cert.instrument.code not in latest or \
                    cert.valid_until > latest[cert.instrument.code].valid_until:
                latest[cert.instrument.code] = cert
        certifications = []
        for _code, cert in sorted(latest.items()):
            if cert.valid_until < today:
                state = "expired"
            elif cert.valid_until <= warn_until:
                state = "expiring"
            else:
                state = "valid"
            certifications.append({"certification": cert, "state": state})
        rows.append({
            "user": user,
            "workplaces": sorted(info.workplaces.values()),
            "networks": sorted(networks[nid] for nid in info.networks),
            "primaries": primaries[user.pk],
            "seconds": seconds[user.pk],
            "certifications": certifications,
        })
    return rows


@role_required(*MUNICIPAL_ROLES)
@require_POST
def runde_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    runde = _plannable_round(request, pk)
    if runde.status == Observasjonsrunde.Status.CLOSED:
        messages.error(request, _("The round is closed."))
    else:
        _report_proposal(request, assignment.propose_plan(runde))
    return redirect("observasjoner:runde-detail", runde.pk)


@role_required(*MUNICIPAL_ROLES)
@require_POST
def runde_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    runde = _plannable_round(request, pk)
    if runde.status == Observasjonsrunde.Status.PLANNING and not confirmation.confirmed(request):
        return confirmation.page(request, _publication_confirmation(runde))
    try:
        told = assignment.publish_round(runde)
    except AssignmentRefused as refused:
        messages.error(request, " ".join(refused.reasons))
    else:
        messages.success(request, ngettext(
            "The round is published: %(count)s observer has been sent her observations by "
            "e-mail; leaders see the dates.",
            "The round is published: %(count)s observers have been sent their observations "
            "by e-mail; leaders see the dates.", told) % {"count": told})
    return redirect("observasjoner:runde-detail", runde.pk)


def _publication_confirmation(runde: Observasjonsrunde) -> confirmation.Confirmation:
    summary = assignment.publication_summary(runde)
    told = [ngettext("%(name)s: %(count)s observation", "%(name)s: %(count)s observations",
                     count) % {"name": user, "count": count}
            for user, count in summary.observers]
    return confirmation.Confirmation(
        title=_("Publish “%(round)s”?") % {"round": runde.name},
        what=[
            ngettext("The plan goes live: %(count)s department is to be observed.",
                     "The plan goes live: %(count)s departments are to be observed.",
                     summary.departments) % {"count": summary.departments},
            ngettext("%(count)s second coding is planned beside them.",
                     "%(count)s second codings are planned beside them.",
                     summary.second_codings) % {"count": summary.second_codings},
            _("Observers see their observations at once on their home page and their tablet; "
              "the kindergartens' leaders see the dates of their departments."),
            _("The round cannot go back to planning; observations can still be moved one by "
              "one."),
        ],
        told=[ngettext(
            "%(count)s observer, by e-mail with her dates and a calendar file (.ics):",
            "%(count)s observers, each by e-mail with her dates and a calendar file (.ics):",
            len(told)) % {"count": len(told)}, *told],
        confirm_label=_("Yes, publish the plan"),
        cancel_url=reverse("observasjoner:runde-detail", args=[runde.pk]))


@role_required(*MUNICIPAL_ROLES)
@require_POST
def runde_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    runde = _plannable_round(request, pk)
    try:
        locked = assignment.close_round(runde, request.user)
    except AssignmentRefused as refused:
        messages.error(request, " ".join(refused.reasons))
    else:
        messages.success(request, ngettext(
            "The round is closed; %(count)s submitted observation is locked.",
            "The round is closed; %(count)s submitted observations are locked.",
            locked) % {"count": locked})
    return redirect("observasjoner:runde-detail", runde.pk)


@role_required(*MUNICIPAL_ROLES)
@require_POST
def runde_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    runde = _plannable_round(request, pk)
    context = AssignmentContext(runde)
    form = AddObservationForm(request.POST, avdelinger=assignment.departments_in_scope(runde),
                              observers=context.observer_choices())
    if form.is_valid():
        try:
            observasjon = assignment.assign(runde, form.cleaned_data["avdeling"],
                                            form.cleaned_data["observer"],
                                            form.cleaned_data["planned_date"])
        except AssignmentRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, _("%(avdeling)s is planned.")
                             % {"avdeling": observasjon.avdeling})
            return redirect("observasjoner:runde-detail", runde.pk)
    return _render_round(request, runde, add_form=form)


# One planned observation ------------------------------------------------------------------

@role_required(*MUNICIPAL_ROLES)
def observasjon_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    observasjon = _plannable_observation(request, pk)
    context = AssignmentContext(observasjon.runde)
    observers = context.observer_choices()
    form = AssignmentForm(request.POST or None, observers=observers, initial={
        "observer": observasjon.observer_id, "planned_date": observasjon.planned_date})
    if request.method == "POST" and form.is_valid():
        try:
            assignment.change_assignment(observasjon, form.cleaned_data["observer"],
                                         form.cleaned_data["planned_date"])
        except Observasjon.DoesNotExist as removed:
            # Removed from the plan by someone else since this page was opened.
            raise Http404 from removed
        except AssignmentRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, _("The observation of %(avdeling)s is changed.")
                             % {"avdeling": observasjon.avdeling})
            return redirect("observasjoner:runde-detail", observasjon.runde_id)
    return _render_observation_edit(request, observasjon, context, form=form)


def _render_observation_edit(request: AuthenticatedHttpRequest, observasjon: Observasjon,
                             context: AssignmentContext, *, form: forms.Form | None = None,
                             second_form: forms.Form | None = None) -> HttpResponse:
    observers = context.observer_choices()
    day = observasjon.planned_date
    if form is not None and form.is_bound and form.is_valid():
        day = form.cleaned_data["planned_date"]
    primary = observasjon.double_coding_of
    context.unbook(observasjon.observer_id, observasjon.planned_date)
    candidates = [{
        "user": user,
        "reasons": context.problems(observasjon.avdeling, user.pk, day, primary=primary,
                                    moving=observasjon),
        "load": context.load[user.pk],
    } for user in observers]
    can_double = (primary is None and observasjon.status == Observasjon.Status.PLANNED
                  and observasjon.runde.status != Observasjonsrunde.Status.CLOSED)
    if can_double and second_form is None:
        second_form = SecondCodingForm(observers=observers)
    return render(request, "observasjoner/rounds/observasjon_edit.html", {
        "observasjon": observasjon,
        "runde": observasjon.runde,
        "form": form or AssignmentForm(observers=observers, initial={
            "observer": observasjon.observer_id, "planned_date": observasjon.planned_date}),
        "second_form": second_form if can_double else None,
        "codings": list(observasjon.double_codings.select_related("observer")),
        "candidates": candidates,
        "day": day,
        "editable": observasjon.status == Observasjon.Status.PLANNED,
    })


@role_required(*MUNICIPAL_ROLES)
@require_POST
def observasjon_second_coding(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    observasjon = _plannable_observation(request, pk)
    context = AssignmentContext(observasjon.runde)
    form = SecondCodingForm(request.POST, observers=context.observer_choices())
    if form.is_valid():
        try:
            assignment.add_second_coding(observasjon, form.cleaned_data["observer"])
        except AssignmentRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, _("A second coding of %(avdeling)s is planned.")
                             % {"avdeling": observasjon.avdeling})
            return redirect("observasjoner:runde-detail", observasjon.runde_id)
    return _render_observation_edit(request, observasjon, AssignmentContext(observasjon.runde),
                                    second_form=form)


@role_required(*MUNICIPAL_ROLES)
@require_POST
def observasjon_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    observasjon = _plannable_observation(request, pk)
    try:
        assignment.remove_observation(observasjon)
    except AssignmentRefused as refused:
        messages.error(request, " ".join(refused.reasons))
    else:
        messages.success(request, _("The observation of %(avdeling)s is removed from the round.")
                         % {"avdeling": observasjon.avdeling})
    return redirect("observasjoner:runde-detail", observasjon.runde_id)


# Amendments -------------------------------------------------------------------------------

def _observation_with_scores(request: AuthenticatedHttpRequest, pk: int) -> Observasjon:
    return get_object_or_404(
        Observasjon.objects.filter(runde__in=Observasjonsrunde.objects.plannable_by(
            request.user))
        .select_related("runde__kommune", "avdeling__barnehage", "observer", "instrument")
        .prefetch_related(
            Prefetch("sykluser", queryset=Syklus.objects.order_by("number").prefetch_related(
                Prefetch("skaar", queryset=Skaar.objects.select_related("dimensjon")))),
            "instrument__domener__dimensjoner"),
        pk=pk)


@role_required(*MUNICIPAL_ROLES)
def observasjon_amend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A consultant corrects a score of a submitted observation, with a reason; every
    amendment is kept and shown with the observation."""
    observasjon = _observation_with_scores(request, pk)
    can_amend = request.user.has_perm("observasjoner.amend", observasjon)
    form = None
    if can_amend:
        form = AmendmentForm(request.POST or None, observasjon=observasjon)
    if request.method == "POST":
        if not can_amend:
            raise PermissionDenied
        if form.is_valid():
            try:
                endring = amend_score(form.cleaned_data["skaar"],
                                      form.cleaned_data["new_value"],
                                      form.cleaned_data["reason"], request.user)
            except AmendmentRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("%(code)s in cycle %(number)s is amended from "
                                            "%(old)s to %(new)s.") % {
                    "code": endring.skaar.dimensjon.code,
                    "number": endring.skaar.syklus.number,
                    "old": "–" if endring.old_value is None else endring.old_value,
                    "new": endring.new_value})
                return redirect("observasjoner:observasjon-amend", observasjon.pk)
    spec = scoring.spec_for(observasjon.instrument)
    result = scoring.result_of(observasjon, spec)
    codes = spec.dimension_codes
    cycles = []
    for syklus in observasjon.sykluser.all():
        values = {skaar.dimensjon.code: skaar.value for skaar in syklus.skaar.all()}
        cycles.append({"syklus": syklus, "values": [values.get(code) for code in codes]})
    domains = [{"code": domain.code, "score": score(result.domain_scores.get(domain.code)),
                "band_label": band_label(scoring.band(result.domain_scores.get(domain.code),
                                                      spec))}
               for domain in spec.domains]
    return render(request, "observasjoner/rounds/observasjon_amend.html", {
        "observasjon": observasjon, "form": form, "codes": codes, "cycles": cycles,
        "domains": domains, "valid_cycles": result.valid_cycles,
        "endringer": Endring.objects.filter(skaar__syklus__observasjon=observasjon)
        .select_related("amended_by", "skaar__dimensjon", "skaar__syklus"),
    })


# Reliability, import, export --------------------------------------------------------------

@role_required(*MUNICIPAL_ROLES)
def reliability_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    kommune_ids = list(Kommune.objects.managed_by(request.user).values_list("pk", flat=True))
    pairs = reliability.double_coded_pairs(kommune_ids)
    observers = reliability.observer_agreement(pairs)
    shown = pairs[:SHOWN_PAIRS]
    pair_rows = [{
        "pair": pair,
        "dimensions": [{"code": code, "exact": percent(agreement.exact),
                        "within_one": percent(agreement.within_one),
                        "below": agreement.meets_target is False,
                        "icc": score(agreement.icc), "n": agreement.n}
                       for code, agreement in pair.dimensions.items()],
        "overall": percent(pair.overall.within_one),
        "overall_below": pair.overall.meets_target is False,
    } for pair in shown]
    observer_rows = [{"row": row, "within_one": percent(row.agreement.within_one),
                      "exact": percent(row.agreement.exact), "icc": score(row.agreement.icc)}
                     for row in observers]
    return render(request, "observasjoner/rounds/reliability.html", {
        "pairs": pair_rows, "observers": observer_rows, "pair_count": len(pairs),
        "target": percent(scoring.WITHIN_ONE_TARGET),
        "recent": reliability.RECENT_CODINGS,
    })


@role_required(*MUNICIPAL_ROLES)
def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    kommuner = Kommune.objects.managed_by(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, kommuner=kommuner)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                result = import_observations(upload.read(),
                                             kommuner=[form.cleaned_data["kommune"]])
            except ImportFailed as failed:
                errors = failed.errors
            else:
                messages.success(request, _(
                    "Imported %(observations)s with %(cycles)s into %(rounds)s.") % {
                    "observations": ngettext(
                        "%(count)s observation", "%(count)s observations",
                        result.observations) % {"count": result.observations},
                    "cycles": ngettext("%(count)s cycle", "%(count)s cycles",
                                       result.cycles) % {"count": result.cycles},
                    "rounds": ", ".join(r.name for r in result.rounds)})
                return redirect("observasjoner:runde-list")
    return render(request, "observasjoner/rounds/import.html", {
        "form": form, "errors": errors, "instruments": Instrument.objects.order_by("code")},
        status=400 if errors else 200)


@require_GET
@role_required(*MUNICIPAL_ROLES)
def import_template(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """An empty import file for one instrument (its header row), semicolon-separated so
    that Excel in Norway and Denmark opens it in columns."""
    instrument = get_object_or_404(
        Instrument.objects.prefetch_related("domener__dimensjoner"), code=code)
    sheet = downloads.Sheet(name=f"import-{instrument.code}",
                            header=template_header(instrument), rows=[], delimiter=";")
    return downloads.response(sheet, downloads.CSV, f"observation-import-{instrument.code}")


@role_required(*MUNICIPAL_ROLES)
def export_view(request: AuthenticatedHttpRequest, kommune: str) -> HttpResponse:
    kommune_obj = get_object_or_404(Kommune.objects.managed_by(request.user), slug=kommune)
    fmt = request.GET.get("format", downloads.CSV)
    if fmt not in downloads.FORMATS:
        fmt = downloads.CSV
    runde = None
    if request.GET.get("runde"):
        if not request.GET["runde"].isdigit():
            raise Http404
        runde = get_object_or_404(Observasjonsrunde.objects.filter(kommune=kommune_obj),
                                  pk=request.GET["runde"])
    sheet, stem = exporting.export(kommune_obj, runde)
    return downloads.response(sheet, fmt, stem)
