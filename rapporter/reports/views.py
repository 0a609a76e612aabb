"""Report pages: the list of reports and their history, ordering one now, its progress
(an htmx fragment polled every 2 s while the task runs), the review of a draft (what is
incomplete, a preview, the confirmation that names its readers, the approval), withdrawing a
published version, the download, and the texts and settings the annual report uses.

Access: `role_required` first (a wrong role gets 403), then `Rapport.objects.visible_to`
or `Kommune.objects.managed_by` (outside them: 404). Consultants and admins see and order every
report of their municipality in every state; politicians download the newest published
version of its annual reports; a leader that of the reports about her own kindergarten
(rapporter/access.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from barnehager import audit
from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_POLITICIAN, scope_of
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import AuditAction, Kommune, User
from rapporter import access
from rapporter.models import Anbefaling, Kind, Rapport, Rapportinnstilling
from rapporter.reports import completeness, services
from rapporter.reports.forms import (
    ActionPlanOrderForm,
    AnbefalingForm,
    AnnualOrderForm,
    ApproveForm,
    KindergartenOrderForm,
    RapportinnstillingForm,
    SupervisionOrderForm,
    WithdrawForm,
)

READERS = (*MUNICIPAL_ROLES, ROLE_POLITICIAN, ROLE_LEADER)
PAGE_SIZE = 50


def _reports(user):
    return Rapport.objects.visible_to(user).select_related("kommune", "barnehage",
                                                           "generated_by")


@role_required(*READERS)
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every report the user may see, newest first, with all versions (the history)."""
    reports = _reports(request.user).order_by("-requested_at", "-pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    kommuner = Kommune.objects.managed_by(request.user).select_related("rapportinnstilling")
    context: dict[str, object] = {"page": page, "kommuner": kommuner}
    if kommuner:
        year = timezone.localdate().year
        context.update({
            "annual_form": AnnualOrderForm(kommuner=kommuner, prefix="annual"),
            "kindergarten_form": KindergartenOrderForm(kommuner=kommuner, prefix="kindergarten"),
            "supervision_form": SupervisionOrderForm(kommuner=kommuner, prefix="supervision"),
            "action_plan_form": ActionPlanOrderForm(kommuner=kommuner, prefix="action_plan"),
            "recommendation_years": (year - 1, year),
            "text_rows": _text_rows(kommuner, (year - 1, year)),
        })
    return render(request, "rapporter/reports/list.html", context)


def _text_rows(kommuner, years) -> list[dict]:
    """Per municipality: its recommendation of each year (or None) and its settings."""
    written = {(item.kommune_id, item.year): item
               for item in Anbefaling.objects.filter(kommune__in=kommuner, year__in=years)}
    return [{"kommune": kommune,
             "recommendations": [(year, written.get((kommune.pk, year))) for year in years],
             "setting": getattr(kommune, "rapportinnstilling", None)}
            for kommune in kommuner]


@require_POST
@role_required(*MUNICIPAL_ROLES)
def report_order(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """Orders a report now: one task on commit, or for all kindergartens one group."""
    kommuner = Kommune.objects.managed_by(request.user)
    if kind == Kind.ANNUAL:
        form = AnnualOrderForm(request.POST, kommuner=kommuner, prefix="annual")
    elif kind == Kind.KINDERGARTEN:
        form = KindergartenOrderForm(request.POST, kommuner=kommuner, prefix="kindergarten")
    elif kind == Kind.SUPERVISION:
        form = SupervisionOrderForm(request.POST, kommuner=kommuner, prefix="supervision")
    elif kind == Kind.ACTION_PLAN:
        form = ActionPlanOrderForm(request.POST, kommuner=kommuner, prefix="action_plan")
    else:
        raise Http404
    if not form.is_valid():
        if any(name in form.errors for name in ("kommune", "barnehage", "tilsyn", "handleplan")):
            # A municipality, kindergarten or supervision outside hers: as if it did not exist.
            raise Http404
        messages.error(request, _("The report could not be ordered: %(errors)s")
                       % {"errors": "; ".join(message for errors in form.errors.values()
                                              for message in errors)})
        return redirect("rapporter:report-list")
    data = form.cleaned_data
    with transaction.atomic():
        if kind == Kind.KINDERGARTEN and not data["barnehage"]:
            rapporter = services.order_kindergarten_reports(
                data["kommune"], year=data["year"], semester=data["semester"],
                user=request.user)
            messages.success(request, ngettext(
                "%(count)s kindergarten report ordered. They are made side by side.",
                "%(count)s kindergarten reports ordered. They are made side by side.",
                len(rapporter)) % {"count": len(rapporter)})
            return redirect("rapporter:report-list")
        if kind == Kind.ANNUAL:
            rapport = services.order(Kind.ANNUAL, data["kommune"], year=data["year"],
                                     user=request.user)
        elif kind == Kind.KINDERGARTEN:
            rapport = services.order(Kind.KINDERGARTEN, data["kommune"], year=data["year"],
                                     semester=data["semester"], barnehage=data["barnehage"],
                                     user=request.user)
        elif kind == Kind.SUPERVISION:
            tilsyn = data["tilsyn"]
            rapport = services.order(Kind.SUPERVISION, tilsyn.barnehage.kommune,
                                     year=tilsyn.date.year, barnehage=tilsyn.barnehage,
                                     subject_id=tilsyn.pk, user=request.user)
        else:
            plan = data["handleplan"]
            rapport = services.order(Kind.ACTION_PLAN, plan.barnehage.kommune,
                                     year=plan.created_at.year, barnehage=plan.barnehage,
                                     subject_id=plan.pk, user=request.user)
        services.queue(rapport)
    return redirect("rapporter:report-detail", pk=rapport.pk)


def _gaps(rapport: Rapport) -> list[completeness.Gap]:
    """What was incomplete when the version was made, worded in the reader's language."""
    return [completeness.Gap.from_json(item) for item in rapport.warnings]


def _current(rapport: Rapport) -> Rapport | None:
    """The version the report's readers see now (the newest published one), if any."""
    return (rapport.versions().current_publications().select_related("published_by")
            .order_by("-version").first())


@role_required(*READERS)
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One version: its state and history; for consultants and admins the draft's review
    (what is incomplete, a preview, the way to approval) or the way to withdraw it."""
    rapport = get_object_or_404(_reports(request.user).select_related(
        "published_by", "withdrawn_by"), pk=pk)
    versions = rapport.versions().visible_to(request.user).order_by("-version")
    can_order = request.user.has_perm("rapporter.order_report", rapport)
    return render(request, "rapporter/reports/detail.html", {
        "rapport": rapport, "versions": versions, "can_order": can_order,
        "can_approve": request.user.has_perm("rapporter.approve_report", rapport),
        "can_withdraw": request.user.has_perm("rapporter.withdraw_report", rapport),
        "gaps": _gaps(rapport) if can_order else [],
        "current": _current(rapport) if can_order else None,
    })


@role_required(*MUNICIPAL_ROLES)
def report_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confirmation step, then the approval: names who will read the version, what it
    replaces for them, and what is incomplete in it."""
    rapport = get_object_or_404(Rapport.objects.orderable_by(request.user).select_related(
        "kommune", "barnehage"), pk=pk)
    if not request.user.has_perm("rapporter.approve_report", rapport):
        messages.error(request, _("Only a draft can be approved."))
        return redirect("rapporter:report-detail", pk=rapport.pk)
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve(rapport, request.user)
        except services.ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Version %(version)s is published.")
                             % {"version": rapport.version})
        return redirect("rapporter:report-detail", pk=rapport.pk)
    return render(request, "rapporter/reports/approve.html", {
        "rapport": rapport, "form": form, "gaps": _gaps(rapport),
        "readers": access.readers(rapport), "current": _current(rapport),
    }, status=400 if form.errors else 200)


@role_required(*MUNICIPAL_ROLES)
def report_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Takes a published version back, with a reason; it stays on record."""
    rapport = get_object_or_404(Rapport.objects.orderable_by(request.user).select_related(
        "kommune", "barnehage"), pk=pk)
    if not request.user.has_perm("rapporter.withdraw_report", rapport):
        messages.error(request, _("Only a published version can be withdrawn."))
        return redirect("rapporter:report-detail", pk=rapport.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(rapport, request.user, form.cleaned_data["reason"])
        except services.ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Version %(version)s is withdrawn. It stays on record.")
                             % {"version": rapport.version})
        return redirect("rapporter:report-detail", pk=rapport.pk)
    earlier = (rapport.versions().published().exclude(pk=rapport.pk)
               .order_by("-version").first())
    return render(request, "rapporter/reports/withdraw.html", {
        "rapport": rapport, "form": form, "readers": access.readers(rapport),
        "earlier": earlier,
    }, status=400 if form.errors else 200)


@role_required(*READERS)
def report_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress fragment; it polls itself while the report is queued or running."""
    rapport = get_object_or_404(_reports(request.user), pk=pk)
    return render(request, "rapporter/reports/_status.html", {"rapport": rapport})


@role_required(*READERS)
def report_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The version's file: readers get the version published to them; consultants and
    admins any version with a file, a draft as its preview (``?preview=1`` opens it in the
    browser)."""
    rapport = get_object_or_404(_reports(request.user).stored(), pk=pk)
    preview = request.GET.get("preview") == "1"
    audit.record(AuditAction.REPORT_DOWNLOADED, target=rapport,
                 details={"version": rapport.version, "preview": preview})
    return FileResponse(rapport.file.open("rb"), as_attachment=not preview,
                        filename=rapport.download_name, content_type="application/pdf")


@require_POST
@role_required(*MUNICIPAL_ROLES)
def report_regenerate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new version of the same report; the earlier ones stay listed."""
    rapport = get_object_or_404(Rapport.objects.orderable_by(request.user), pk=pk)
    with transaction.atomic():
        again = services.order_again(rapport, user=request.user)
        services.queue(again)
    return redirect("rapporter:report-detail", pk=again.pk)


@role_required(*MUNICIPAL_ROLES)
def recommendation_edit(request: AuthenticatedHttpRequest, slug: str, year: int) -> HttpResponse:
    """The consultants' recommendation for the year's annual report."""
    kommune = get_object_or_404(Kommune.objects.managed_by(request.user), slug=slug)
    anbefaling = Anbefaling.objects.filter(kommune=kommune, year=year).first()
    form = AnbefalingForm(request.POST or None, instance=anbefaling)
    if request.method == "POST" and form.is_valid():
        anbefaling = form.save(commit=False)
        anbefaling.kommune, anbefaling.year = kommune, year
        anbefaling.updated_by = request.user
        anbefaling.save()
        messages.success(request, _("The recommendation is saved. It appears in the next "
                                    "annual report you order."))
        return redirect("rapporter:report-list")
    return render(request, "rapporter/reports/recommendation_form.html",
                  {"form": form, "kommune": kommune, "year": year})


@role_required(*MUNICIPAL_ROLES)
def report_settings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """When the municipality's annual report is made, and which year it covers."""
    kommune = get_object_or_404(Kommune.objects.managed_by(request.user), slug=slug)
    setting = Rapportinnstilling.objects.filter(kommune=kommune).first() or Rapportinnstilling(
        kommune=kommune)
    form = RapportinnstillingForm(request.POST or None, instance=setting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The report settings are saved."))
        return redirect("rapporter:report-list")
    return render(request, "rapporter/reports/settings_form.html",
                  {"form": form, "kommune": kommune})


HOME_REPORTS = 5


def home_section(user: User) -> dict[str, object] | None:
    """A politician's newest published version of each annual report she may download,
    newest year first (one query; older versions are on the reports page). Registered in
    rapporter/apps.py; shown only to a politician by membership, not to a superuser."""
    if ROLE_POLITICIAN not in scope_of(user).roles:
        return None
    latest: dict[tuple[int, int], Rapport] = {}
    reports = (Rapport.objects.visible_to(user).current_publications()
               .filter(kind=Kind.ANNUAL).select_related("kommune")
               .order_by("-year", "kommune__name", "-version")[:50])
    for rapport in reports:
        latest.setdefault((rapport.kommune_id, rapport.year), rapport)
    return {"reports": list(latest.values())[:HOME_REPORTS]}
