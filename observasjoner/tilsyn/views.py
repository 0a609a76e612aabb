"""Supervision (tilsyn) pages: consultants record, complete and publish supervisions; a
leader reads her own kindergarten's completed ones.

Access: `role_required` first (wrong role: 403), then `Tilsyn.objects.visible_to` (outside
it: 404), then the `observasjoner.*_tilsyn` permissions of `tilsyn/access.py` for what the
supervision's state allows.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from barnehager import audit
from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, scope_of
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import AuditAction, User
from barnehager.pdf import render_pdf
from barnehager.problems import ProblemList
from observasjoner.tilsyn import services
from observasjoner.tilsyn.access import report_readers
from observasjoner.tilsyn.forms import (
    BoardCommentForm,
    InstrumentUploadForm,
    OutcomeForm,
    PublishForm,
    RatingsForm,
    TilsynCreateForm,
    TilsynEditForm,
    TilsynFilterForm,
    UtviklingspunktFormSet,
)
from observasjoner.tilsyn.importing import InstrumentImportError, import_instrument
from observasjoner.tilsyn.models import Tilsyn, TilsynInstrument, Tilsynsrapport, TilsynVurdering
from observasjoner.tilsyn.selectors import (
    home_summary,
    managed_countries,
    open_correction_orders,
    overdue_reports,
    report_document,
    theme_ratings,
)


def _tilsyn_for(request: AuthenticatedHttpRequest, pk: int,
                permission: str | None = None) -> Tilsyn:
    """The supervision if the user may see it (else 404) and, with `permission`, manage it
    (else 403). Whether its state allows an action is the caller's to ask."""
    tilsyn = get_object_or_404(
        Tilsyn.objects.visible_to(request.user).select_related(
            "barnehage__kommune", "consultant", "instrument__skala"), pk=pk)
    if permission and not request.user.has_perm(permission, tilsyn):
        raise PermissionDenied
    return tilsyn


def _allowed(permission: str, request: AuthenticatedHttpRequest, tilsyn: Tilsyn) -> bool:
    return request.user.has_perm(permission, tilsyn)


def _refuse(request: AuthenticatedHttpRequest, tilsyn: Tilsyn, message: str):
    messages.error(request, message)
    return redirect("observasjoner:tilsyn-detail", tilsyn.pk)


@role_required(*MUNICIPAL_ROLES, ROLE_LEADER)
def tilsyn_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    manages = scope_of(request.user).has_role(*MUNICIPAL_ROLES)
    queryset = Tilsyn.objects.visible_to(request.user).select_related(
        "barnehage__kommune", "consultant", "instrument").order_by("-date", "barnehage__name")
    countries = managed_countries(request.user) if manages else set()
    filters = TilsynFilterForm(request.GET or None, user=request.user, countries=countries)
    if manages:
        queryset = filters.filter(queryset)
    return render(request, "observasjoner/tilsyn/tilsyn_list.html", {
        "supervisions": queryset,
        "filters": filters,
        "manages": manages,
        "countries": countries,
        "overdue": overdue_reports(request.user) if manages else None,
        "orders": open_correction_orders(request.user) if manages else None,
    })


@role_required(*MUNICIPAL_ROLES)
def tilsyn_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TilsynCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            tilsyn = form.save()
            TilsynVurdering.objects.bulk_create(
                TilsynVurdering(tilsyn=tilsyn, kriterium=kriterium)
                for tema in tilsyn.instrument.temaer.prefetch_related("kriterier")
                for kriterium in tema.kriterier.all()
            )
        messages.success(request, _("Supervision created. Rate each criterion."))
        return redirect("observasjoner:tilsyn-edit", tilsyn.pk)
    return render(request, "observasjoner/tilsyn/tilsyn_create.html", {"form": form})


@role_required(*MUNICIPAL_ROLES, ROLE_LEADER)
def tilsyn_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tilsyn = _tilsyn_for(request, pk)
    return render(request, "observasjoner/tilsyn/tilsyn_detail.html", {
        "tilsyn": tilsyn,
        "themes": theme_ratings(tilsyn),
        "levels": list(tilsyn.instrument.skala.levels.all()),
        "utviklingspunkter": tilsyn.utviklingspunkter.select_related("tema").prefetch_related(
            "handleplaner"),
        "action_plans": tilsyn.action_plans().exists(),
        "rapport": (Tilsynsrapport.objects.filter(tilsyn=tilsyn).defer("pdf").first()
                    if tilsyn.has_report else None),
        "completion_problems": (tilsyn.completion_problems()
                                if tilsyn.status == Tilsyn.Status.DRAFT else []),
        "close_problems": tilsyn.close_problems() if tilsyn.is_open_concern else [],
    })


@role_required(*MUNICIPAL_ROLES)
def tilsyn_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tilsyn = _tilsyn_for(request, pk, "observasjoner.manage_tilsyn")
    if not _allowed("observasjoner.edit_tilsyn", request, tilsyn):
        return _refuse(request, tilsyn, _("A published supervision cannot be changed."))
    vurderinger = list(tilsyn.vurderinger.select_related("kriterium__tema"))
    levels = list(tilsyn.instrument.skala.levels.all())
    data = request.POST if request.method == "POST" else None
    form = TilsynEditForm(data, instance=tilsyn, prefix="tilsyn")
    ratings = RatingsForm(data, vurderinger=vurderinger, levels=levels, prefix="rating",
                          require_all=tilsyn.status != Tilsyn.Status.DRAFT)
    if request.method == "POST" and form.is_valid() and ratings.is_valid():
        with transaction.atomic():
            form.save()
            TilsynVurdering.objects.bulk_update(ratings.apply(), ["niva", "note"])
        messages.success(request, _("Supervision saved."))
        if "next" in request.POST:
            return redirect("observasjoner:tilsyn-outcome", tilsyn.pk)
        return redirect("observasjoner:tilsyn-detail", tilsyn.pk)
    return render(request, "observasjoner/tilsyn/tilsyn_edit.html", {
        "tilsyn": tilsyn, "form": form, "ratings": ratings, "skala": tilsyn.instrument.skala,
        "levels": levels,
    })


@role_required(*MUNICIPAL_ROLES)
def tilsyn_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tilsyn = _tilsyn_for(request, pk, "observasjoner.manage_tilsyn")
    if not _allowed("observasjoner.edit_tilsyn", request, tilsyn):
        return _refuse(request, tilsyn, _("A published supervision cannot be changed."))
    data = request.POST if request.method == "POST" else None
    form = OutcomeForm(data, instance=tilsyn, prefix="outcome")
    points = UtviklingspunktFormSet(
        data, instance=tilsyn, prefix="points",
        form_kwargs={"temaer": tilsyn.instrument.temaer.all()})
    if request.method == "POST" and form.is_valid() and points.is_valid():
        with transaction.atomic():
            form.save()
            for order, point in enumerate(points.save(commit=False), start=1):
                point.order = point.order or order
                point.save()
            for point in points.deleted_objects:
                point.delete()
        messages.success(request, _("Outcome saved."))
        return redirect("observasjoner:tilsyn-detail", tilsyn.pk)
    return render(request, "observasjoner/tilsyn/tilsyn_outcome.html", {
        "tilsyn": tilsyn, "form": form, "points": points,
    })


@require_POST
@role_required(*MUNICIPAL_ROLES)
def tilsyn_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tilsyn = _tilsyn_for(request, pk, "observasjoner.manage_tilsyn")
    try:
        tilsyn.complete()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Supervision completed: the kindergarten's leader can now "
                                    "read the assessment."))
    return redirect("observasjoner:tilsyn-detail", tilsyn.pk)


@role_required(*MUNICIPAL_ROLES)
def tilsyn_board_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tilsyn = _tilsyn_for(request, pk, "observasjoner.manage_tilsyn")
    if not _allowed("observasjoner.comment_tilsyn", request, tilsyn):
        return _refuse(request, tilsyn, _("Complete the supervision before recording the "
                                          "parent board's comment."))
    form = BoardCommentForm(request.POST or None, instance=tilsyn)
    if request.method == "POST" and form.is_valid():
        form.save()
        if tilsyn.status == Tilsyn.Status.PUBLISHED:
            messages.info(request, _("The published report does not include the comment "
                                     "until you publish it again."))
        messages.success(request, _("The parent board's comment is recorded."))
        return redirect("observasjoner:tilsyn-detail", tilsyn.pk)
    return render(request, "observasjoner/tilsyn/tilsyn_board_comment.html",
                  {"tilsyn": tilsyn, "form": form})


@role_required(*MUNICIPAL_ROLES)
def tilsyn_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confirmation step, then publishing: names who will read the report, links the
    preview, and warns when the parent board's comment is missing (publishing then needs
    its own tick)."""
    tilsyn = _tilsyn_for(request, pk, "observasjoner.manage_tilsyn")
    if not _allowed("observasjoner.publish_tilsyn", request, tilsyn):
        return _refuse(request, tilsyn, _("Complete the supervision before publishing it."))
    form = PublishForm(request.POST if request.method == "POST" else None, tilsyn=tilsyn)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish(tilsyn, without_board_comment=form.cleaned_data.get(
                "without_board_comment", False))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("observasjoner:tilsyn-publish", tilsyn.pk)
        messages.success(request, _("The supervision report is published."))
        return redirect("observasjoner:tilsyn-detail", tilsyn.pk)
    return render(request, "observasjoner/tilsyn/tilsyn_publish.html", {
        "tilsyn": tilsyn, "form": form, "readers": report_readers(tilsyn),
        "problems": services.publish_problems(tilsyn, without_board_comment=True),
    }, status=400 if form.errors else 200)


@role_required(*MUNICIPAL_ROLES)
def tilsyn_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The report as it would be published now, marked as a preview; for the consultants
    and admins who may publish it, never stored."""
    tilsyn = _tilsyn_for(request, pk, "observasjoner.manage_tilsyn")
    if not _allowed("observasjoner.preview_tilsyn", request, tilsyn):
        raise Http404(_("Complete the supervision before previewing its report."))
    with translation.override(tilsyn.barnehage.kommune.language):
        pdf = render_pdf(report_document(tilsyn, timezone.now(), preview=True)).content
    filename = slugify(f"tilsyn {tilsyn.barnehage.name} {tilsyn.date:%Y-%m-%d} preview") + ".pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(*MUNICIPAL_ROLES)
def tilsyn_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tilsyn = _tilsyn_for(request, pk, "observasjoner.manage_tilsyn")
    try:
        tilsyn.close(timezone.localdate())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The intensified supervision has ended."))
    return redirect("observasjoner:tilsyn-detail", tilsyn.pk)


@role_required(*MUNICIPAL_ROLES, ROLE_LEADER)
def tilsyn_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tilsyn = _tilsyn_for(request, pk)
    rapport = Tilsynsrapport.objects.filter(tilsyn=tilsyn).first()
    if not tilsyn.has_report or rapport is None:
        raise Http404(_("This supervision has no published report."))
    filename = slugify(f"tilsyn {tilsyn.barnehage.name} {tilsyn.date:%Y-%m-%d}") + ".pdf"
    audit.record(AuditAction.REPORT_DOWNLOADED, target=tilsyn, label=filename)
    response = HttpResponse(bytes(rapport.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = f'"{rapport.checksum}"'
    return response


@role_required(*MUNICIPAL_ROLES)
def instrument_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    instruments = (TilsynInstrument.objects.visible_to(request.user)
                   .select_related("kommune", "skala")
                   .annotate(themes=Count("temaer", distinct=True),
                             criteria=Count("temaer__kriterier", distinct=True))
                   .order_by("kommune__name", "name"))
    return render(request, "observasjoner/tilsyn/instrument_list.html",
                  {"instruments": instruments})


@role_required(*MUNICIPAL_ROLES)
def instrument_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(
        TilsynInstrument.objects.visible_to(request.user).select_related("kommune", "skala")
        .prefetch_related("skala__levels", Prefetch("temaer__kriterier")), pk=pk)
    return render(request, "observasjoner/tilsyn/instrument_detail.html",
                  {"instrument": instrument})


@role_required(*MUNICIPAL_ROLES)
def instrument_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InstrumentUploadForm(request.POST or None, request.FILES or None, user=request.user)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            instrument = import_instrument(upload.read(), upload.name,
                                           form.cleaned_data["kommune"])
        except InstrumentImportError as error:
            problems = ProblemList.of(error.problems)
        else:
            messages.success(request, _("Imported “%(name)s”.") % {"name": instrument.name})
            return redirect("observasjoner:tilsyn-instrument-detail", instrument.pk)
    return render(request, "observasjoner/tilsyn/instrument_import.html",
                  {"form": form, "problems": problems}, status=400 if problems else 200)


def home_section(user: User) -> dict[str, object]:
    """The home page's supervision section (registered in observasjoner/apps.py)."""
    return {"summary": home_summary(user)}
