"""Action plan pages. Each view: role_required, then the plan from
`Handleplan.objects.visible_to(user)` (404 outside it), then the rule for the action (403)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from barnehager import audit, confirmation, downloads
from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, is_consultant, is_leader, scope_of
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import AuditAction, User
from barnehager.pdf import render_pdf
from handleplaner import selectors, services
from handleplaner.forms import (
    ORIGIN_LINKS,
    CommentForm,
    EvaluationForm,
    FaseForm,
    PlanCreateForm,
    PlanEditor,
    PlanFilterForm,
    ProgressForm,
    ReviewForm,
)
from handleplaner.history import history_entries
from handleplaner.models import TRANSITION_LABELS, Fase, Handleplan

PLAN_ROLES = (ROLE_LEADER, *MUNICIPAL_ROLES)
STEP_DONE = {
    "submit": gettext_lazy("The plan is submitted for approval. The consultants have been "
                           "told."),
    "approve": gettext_lazy("The plan is approved. The leader has been told."),
    "return_to_leader": gettext_lazy("The plan is returned to the leader with your comment."),
    "start": gettext_lazy("The work has started. Record the progress of each phase below."),
    "evaluate": gettext_lazy("The plan is marked as evaluated."),
    "reopen": gettext_lazy("The plan is in progress again; its final evaluation now counts as "
                           "an interim one. The leader has been told."),
    "close": gettext_lazy("The plan is closed. The leader has been told."),
}
PAGE_SIZE = 50


def _plan(request: AuthenticatedHttpRequest, pk: int) -> Handleplan:
    return get_object_or_404(
        Handleplan.objects.visible_to(request.user).select_related(
            "barnehage__kommune", "avdeling", "mal", "created_by", "approved_by",
            "utviklingspunkt__tilsyn", "observasjon__avdeling__barnehage", "fokusomrade"),
        pk=pk)


def _require(user, permission: str, plan) -> None:
    if not user.has_perm(permission, plan):
        raise PermissionDenied


@role_required(*PLAN_ROLES)
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A leader's plans, or every plan of a consultant's municipality, filtered by the URL."""
    today = timezone.localdate()
    filters = PlanFilterForm(request.GET or None, user=request.user)
    plans = filters.filter(selectors.plans_for_list(request.user), today)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "handleplaner/plan_list.html", {
        "filters": filters, "page": page, "today": today,
        "can_create": is_leader(request.user), "show_queue": is_consultant(request.user),
        "query": _query_without_page(request),
    })


@role_required(*MUNICIPAL_ROLES)
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A consultant's queue: plans waiting for approval, and plans past a date."""
    today = timezone.localdate()
    filters = PlanFilterForm(request.GET or None, user=request.user)
    plans = filters.filter(
        selectors.plans_for_list(request.user).needing_attention(today), today)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "handleplaner/queue.html", {
        "filters": filters, "page": page, "today": today,
        "counts": selectors.queue_counts(request.user, today),
        "query": _query_without_page(request),
    })


def _query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Links from a supervision, an observation or a focus area prefill the origin:
# /handleplaner/ny/?utviklingspunkt=12
ORIGIN_OF_LINK = {"utviklingspunkt": "tilsyn", "observasjon": "observasjon",
                  "fokusomrade": "fokusomrade"}


@role_required(ROLE_LEADER)
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {name: request.GET[name] for name in ("barnehage", "avdeling", *ORIGIN_LINKS)
               if request.GET.get(name, "").isdigit()}
    for link, origin in ORIGIN_OF_LINK.items():
        if link in initial:
            initial["origin"] = origin
    form = PlanCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.create_plan(
            barnehage=data["barnehage"], user=request.user, mal=data["mal"],
            title=data["title"], **{name: data[name] for name in (
                "avdeling", "origin", *ORIGIN_LINKS, "origin_note")})
        messages.success(request, _("The draft is created. Fill it in; it is saved as you "
                                    "write."))
        return redirect("handleplaner:edit", plan.pk)
    return render(request, "handleplaner/plan_create.html", {"form": form})


@role_required(*PLAN_ROLES)
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require(request.user, "handleplaner.read_plan", plan)
    context = selectors.plan_page(plan)
    user = request.user
    context.update({
        "transitions": [
            {"name": transition.name, "label": TRANSITION_LABELS[transition.name]}
            for transition in plan.get_available_user_status_transitions(user)
            # Submitting goes through the form, evaluating through the evaluation form,
            # approving and returning through the review box.
            # reopening through its own box, with the reason.
            if transition.name not in ("submit", "evaluate", "approve", "return_to_leader",
                                       "reopen")],
        "can_edit": user.has_perm("handleplaner.edit_plan", plan),
        "can_review": plan.status == "submitted"
        and user.has_perm("handleplaner.review_plan", plan),
        "can_comment": user.has_perm("handleplaner.comment_plan", plan),
        "can_record_progress": user.has_perm("handleplaner.record_progress", plan),
        "can_evaluate": user.has_perm("handleplaner.evaluate_plan", plan),
        "can_reopen": plan.status == "evaluated"
        and user.has_perm("handleplaner.reopen_plan", plan),
        "review_form": ReviewForm(),
        "comment_form": CommentForm(),
        "progress_form": ProgressForm(),
        "return_comment": services.latest_return_comment(plan),
        "today": timezone.localdate(),
    })
    return render(request, "handleplaner/plan_detail.html", context)


def _editable_plan(request: AuthenticatedHttpRequest, pk: int) -> Handleplan | None:
    """The plan if the user may edit it now; None for its leader once it left draft."""
    plan = _plan(request, pk)
    if request.user.has_perm("handleplaner.edit_plan", plan):
        return plan
    if is_leader(request.user, plan):
        return None
    raise PermissionDenied


def _not_editable_message(plan: Handleplan) -> str:
    return _("This plan is “%(status)s” and can no longer be edited.") % {
        "status": plan.get_status_display()}


def _conflict_message(plan: Handleplan) -> str:
    last = plan.history.select_related("history_user").first()
    who = str(last.history_user) if last and last.history_user else _("someone else")
    when = timezone.localtime(last.history_date) if last else timezone.localtime()
    return _("Not saved: %(who)s saved this plan at %(time)s after you opened it. Your text is "
             "still here and nothing has been overwritten. Copy what you wrote, reload the "
             "page to see their version, and add your changes again.") % {
                 "who": who, "time": date_format(when, "TIME_FORMAT")}


@role_required(ROLE_LEADER)
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    if plan is None:
        plan = _plan(request, pk)
        messages.info(request, _not_editable_message(plan))
        return redirect("handleplaner:detail", pk)
    if request.method != "POST":
        editor = PlanEditor(plan, editor_token=uuid.uuid4().hex)
        return _render_edit(request, plan, editor)

    submitting = request.POST.get("action") == "submit"
    # First save what is right for a draft; then, to submit, check what a submission needs.
    editor = PlanEditor(plan, request.POST)
    valid = editor.is_valid()
    if "version" in editor.form.errors or "editor" in editor.form.errors:
        return HttpResponseBadRequest(_("The form is missing its version; reload the page."))
    try:
        plan, _changed = services.save_content(plan.pk, request.user, version=editor.version,
                                               token=editor.token, content=editor.content())
    except services.StaleVersion as stale:
        return _render_edit(request, plan, editor, conflict=_conflict_message(stale.plan),
                            status=409)
    except services.NotEditable as refused:
        messages.error(request, _not_editable_message(refused.plan))
        return redirect("handleplaner:detail", pk)
    if not valid or submitting:
        checked = _rebound(plan, request, submitting)
        if not (valid and checked.is_valid()):
            return _render_edit(request, plan, checked, not_submitted=submitting)
    if submitting:
        try:
            services.apply_transition(plan.pk, "submit", request.user)
        except services.TransitionRefused as refused:
            for message in refused.messages:
                messages.error(request, message)
            return redirect("handleplaner:edit", pk)
        messages.success(request, STEP_DONE["submit"])
        return redirect("handleplaner:detail", pk)
    messages.success(request, _("Saved at %(time)s.") % {
        "time": date_format(timezone.localtime(), "TIME_FORMAT")})
    return redirect("handleplaner:edit", pk)


def _rebound(plan: Handleplan, request: AuthenticatedHttpRequest, submitting: bool) -> PlanEditor:
    """The form as the user sent it, carrying the version the save just made."""
    data = request.POST.copy()
    data["version"] = str(plan.version)
    editor = PlanEditor(plan, data, submitting=submitting)
    editor.is_valid()
    return editor


def _render_edit(request: AuthenticatedHttpRequest, plan: Handleplan, editor: PlanEditor, *,
                 conflict: str = "", status: int = 200,
                 not_submitted: bool = False) -> HttpResponse:
    return render(request, "handleplaner/plan_form.html", {
        "plan": plan, "editor": editor, "form": editor.form, "conflict": conflict,
        "dimension_groups": editor.form.target_groups("dimensjoner"),
        "criteria_groups": editor.form.target_groups("kriterier"),
        "error_lines": editor.error_messages() if editor.form.is_bound else [],
        "not_submitted": not_submitted, "return_comment": services.latest_return_comment(plan),
    }, status=status)


def _autosave_status(request: AuthenticatedHttpRequest, plan: Handleplan, *, saved: bool = False,
                     problems: Iterable[str] = (), conflict: str = "",
                     not_editable: str = "") -> HttpResponse:
    response = render(request, "handleplaner/partials/autosave_status.html", {
        "plan": plan, "saved": saved, "problems": problems, "conflict": conflict,
        "not_editable": not_editable, "time": timezone.localtime(),
    })
    if saved:
        response["HX-Trigger"] = "handleplan-saved"
    return response


@require_POST
@role_required(ROLE_LEADER)
def plan_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Saves what validates from the form (htmx, a second after typing stops) and answers
    with a small status line; the version input is swapped out of band."""
    plan = _editable_plan(request, pk)
    if plan is None:
        plan = _plan(request, pk)
        return _autosave_status(request, plan, not_editable=_not_editable_message(plan))
    editor = PlanEditor(plan, request.POST)
    editor.is_valid()
    if "version" in editor.form.errors or "editor" in editor.form.errors:
        return HttpResponseBadRequest(_("The form is missing its version; reload the page."))
    try:
        plan, _changed = services.save_content(plan.pk, request.user, version=editor.version,
                                               token=editor.token, content=editor.content())
    except services.StaleVersion as stale:
        return _autosave_status(request, plan, conflict=_conflict_message(stale.plan))
    except services.NotEditable as refused:
        return _autosave_status(request, plan,
                                not_editable=_not_editable_message(refused.plan))
    return _autosave_status(request, plan, saved=True, problems=editor.error_messages())


def _phase_change(request: AuthenticatedHttpRequest, pk: int, change):
    """Add or remove a phase: first save what the form holds, then change the phases."""
    plan = _editable_plan(request, pk)
    if plan is None:
        plan = _plan(request, pk)
        return _retarget_status(_autosave_status(
            request, plan, not_editable=_not_editable_message(plan)))
    editor = PlanEditor(plan, request.POST)
    editor.is_valid()
    if "version" in editor.form.errors or "editor" in editor.form.errors:
        return HttpResponseBadRequest(_("The form is missing its version; reload the page."))
    try:
        plan, _changed = services.save_content(plan.pk, request.user, version=editor.version,
                                               token=editor.token, content=editor.content())
        return change(plan, editor)
    except services.StaleVersion as stale:
        return _retarget_status(
            _autosave_status(request, plan, conflict=_conflict_message(stale.plan)))
    except services.NotEditable as refused:
        return _retarget_status(_autosave_status(
            request, plan, not_editable=_not_editable_message(refused.plan)))


def _retarget_status(response: HttpResponse) -> HttpResponse:
    return reswap(retarget(response, "#autosave-status"), "innerHTML")


@require_POST
@role_required(ROLE_LEADER)
def phase_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def change(plan, editor):
        plan, fase = services.add_phase(plan.pk, request.user, version=plan.version,
                                        token=editor.token)
        if not request.htmx:
            return redirect(reverse("handleplaner:edit", args=[pk]) + f"#fase-{fase.pk}")
        return render(request, "handleplaner/partials/phase_added.html", {
            "plan": plan, "phase_form": FaseForm(fase=fase)})

    return _phase_change(request, pk, change)


@require_POST
@role_required(ROLE_LEADER)
def phase_delete(request: AuthenticatedHttpRequest, pk: int, fase_pk: int) -> HttpResponse:
    def change(plan, editor):
        plan = services.delete_phase(plan.pk, fase_pk, request.user, version=plan.version,
                                     token=editor.token)
        if not request.htmx:
            return redirect(reverse("handleplaner:edit", args=[pk]) + "#phases")
        phases = list(plan.faser.all())
        forms = [FaseForm(request.POST, fase=fase) for fase in phases]
        return render(request, "handleplaner/partials/phases.html", {
            "plan": plan, "phase_forms": forms, "oob_version": True})

    return _phase_change(request, pk, change)


@require_POST
@role_required(*PLAN_ROLES)
def plan_transition(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    plan = _plan(request, pk)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if name == "approve" and plan.status == "submitted" and not confirmation.confirmed(request):
        _require(request.user, "handleplaner.review_plan", plan)
        return confirmation.page(request, _approval_confirmation(plan))
    try:
        services.apply_transition(plan.pk, name, request.user, comment=comment)
    except services.TransitionRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("handleplaner:edit" if name == "submit" and plan.is_editable
                        else "handleplaner:detail", pk)
    except ValidationError as invalid:
        for message in invalid.messages:
            messages.error(request, message)
        return redirect("handleplaner:detail", pk)
    messages.success(request, STEP_DONE[name])
    return redirect("handleplaner:detail", pk)


def _approval_confirmation(plan: Handleplan) -> confirmation.Confirmation:
    return confirmation.Confirmation(
        title=_("Approve “%(title)s”?") % {"title": plan.title},
        what=[_("The plan is approved as it stands: its content can no longer be edited."),
              _("The leader can then start the work and record progress on each phase.")],
        told=[_("The kindergarten's leaders, by e-mail, with your comment if you wrote one.")],
        confirm_label=_("Yes, approve the plan"),
        cancel_url=reverse("handleplaner:detail", args=[plan.pk]))


@require_POST
@role_required(*PLAN_ROLES)
def comment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require(request.user, "handleplaner.comment_plan", plan)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(plan, request.user, form.cleaned_data["text"])
        messages.success(request, _("Your comment is added."))
    else:
        messages.error(request, _("Write a comment before you send it."))
    return redirect(reverse("handleplaner:detail", args=[pk]) + "#dialogue")


@require_POST
@role_required(ROLE_LEADER)
def progress_add(request: AuthenticatedHttpRequest, pk: int, fase_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require(request.user, "handleplaner.record_progress", plan)
    fase = get_object_or_404(Fase, pk=fase_pk, handleplan=plan)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.add_progress(fase, request.user, form.cleaned_data["text"],
                                  completed=form.cleaned_data["completed"])
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Progress recorded for %(phase)s.")
                             % {"phase": fase.label})
    else:
        messages.error(request, _("Write what happened before you record progress."))
    return redirect(reverse("handleplaner:detail", args=[pk]) + f"#fase-{fase.pk}")


@role_required(ROLE_LEADER)
def evaluation_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require(request.user, "handleplaner.evaluate_plan", plan)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not confirmation.going_back(request):
        data = form.cleaned_data
        if data["final"] and not confirmation.confirmed(request):
            return confirmation.page(request, _final_evaluation_confirmation(plan))
        services.record_evaluation(plan, request.user, held_on=data["held_on"],
                                   observed=data["observed"],
                                   goal_reached=data["goal_reached"], final=data["final"],
                                   next_on=data["next_on"])
        if data["final"]:
            messages.success(request, _("The final evaluation is recorded and the plan is "
                                        "marked as evaluated. The consultants have been told."))
        else:
            messages.success(request, _("The interim evaluation is recorded. The plan stays in "
                                        "progress."))
        return redirect(reverse("handleplaner:detail", args=[pk]) + "#evaluations")
    return render(request, "handleplaner/evaluation_form.html", {"plan": plan, "form": form})


def _final_evaluation_confirmation(plan: Handleplan) -> confirmation.Confirmation:
    return confirmation.Confirmation(
        title=_("Record the final evaluation of “%(title)s”?") % {"title": plan.title},
        what=[_("The evaluation is recorded and the plan is marked as evaluated."),
              _("The work on the plan ends: no more progress can be recorded on its phases, "
                "and no further evaluation."),
              _("Only a consultant can reopen the plan if this was a mistake.")],
        told=[_("The municipality's consultants, by e-mail.")],
        confirm_label=_("Yes, record the final evaluation"),
        back_label=_("Back to the form"),
        cancel_url=reverse("handleplaner:detail", args=[plan.pk]))


@role_required(*PLAN_ROLES)
def plan_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require(request.user, "handleplaner.read_plan", plan)
    return render(request, "handleplaner/plan_history.html", {
        "plan": plan, "entries": history_entries(plan)})


@role_required(*PLAN_ROLES)
def plan_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require(request.user, "handleplaner.read_plan", plan)
    with translation.override(plan.barnehage.kommune.language):
        pdf = render_pdf(selectors.plan_document(plan, timezone.localtime()))
    audit.record(AuditAction.REPORT_DOWNLOADED, target=plan, details={"kind": "action plan"})
    response = HttpResponse(pdf.content, content_type="application/pdf")
    # A download, not a page: opened inline, the PDF replaced the app in the tab.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pdf_filename(plan))
    return response


def pdf_filename(plan: Handleplan) -> str:
    """E.g. handleplan-solsikken-barnehage-small-groups-2026-12-02.pdf: kindergarten, title, day."""
    word = _("action-plan")  # outside the f-string, where makemessages finds it
    stem = f"{word} {plan.barnehage.name} {plan.title}"[:90]
    return downloads.filename(f"{stem} {timezone.localdate().isoformat()}", "pdf")



def home_section(user: User) -> dict[str, object] | None:
    """A leader's plans and what falls due; a consultant's queue counts (registered in
    handleplaner/apps.py)."""
    scope = scope_of(user)
    today = timezone.localdate()
    leader = selectors.leader_home(user, today) if scope.has_role(ROLE_LEADER) else None
    counts = selectors.queue_counts(user, today) if scope.has_role(*MUNICIPAL_ROLES) else None
    return {"leader": leader, "counts": counts, "today": today}
