"""Pages of the municipal quality framework: read by everyone in the municipality,
edited by consultants and admins; leaders choose their kindergarten's focus."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from barnehager.access import ROLE_LEADER, scope_of
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import Barnehage, Kommune, User
from kvalitet.access import FOCUS_CHOOSERS, PLAN_EDITORS, PLAN_READERS
from kvalitet.models import BarnehageFokus, Fokusomrade, Kvalitetsplan, Tiltak, TiltakStatus
from kvalitet.plans import selectors, services
from kvalitet.plans.forms import (
    FokusChoiceFormSet,
    FokusomradeForm,
    KvalitetsplanForm,
    PrinsippFormSet,
    TegnFormSet,
    TiltakFormSet,
    TiltakStatusForm,
)


def _year_param(request: AuthenticatedHttpRequest, default: int) -> int:
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


def _editable_plan(request: AuthenticatedHttpRequest, pk: int) -> Kvalitetsplan:
    """A plan of the user's municipality (404 otherwise) that she may edit (403 otherwise)."""
    plan = get_object_or_404(Kvalitetsplan.objects.visible_to(request.user)
                             .select_related("kommune"), pk=pk)
    if not request.user.has_perm("kvalitet.edit_plan", plan):
        raise PermissionDenied
    return plan


@role_required(*PLAN_READERS)
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    plans = selectors.plans_for_list(request.user)
    return render(request, "kvalitet/plan_list.html", {
        "plans": plans,
        "can_create": scope_of(request.user).has_role(*PLAN_EDITORS),
    })


@role_required(*PLAN_READERS)
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = get_object_or_404(Kvalitetsplan.objects.visible_to(user).select_related("kommune"),
                             pk=pk)
    today = timezone.localdate()
    year = selectors.year_in_plan(plan, _year_param(request, today.year))
    selectors.prefetch_plan_page([plan], year)
    fokusomrader = [selectors.focus_area_page(fokus) for fokus in plan.fokusomrader.all()]
    scope = scope_of(user)
    led = [] if not scope.has_role(ROLE_LEADER) else list(
        Barnehage.objects.filter(pk__in=scope.barnehage_ids(ROLE_LEADER),
                                 kommune_id=plan.kommune_id))
    return render(request, "kvalitet/plan_detail.html", {
        "plan": plan,
        "fokusomrader": fokusomrader,
        "year": year,
        "years": selectors.plan_years(plan, today),
        "can_edit": user.has_perm("kvalitet.edit_plan", plan),
        "led_barnehager": led,
        "statuses": TiltakStatus.choices,
    })


@require_POST
@role_required(*PLAN_EDITORS)
def tiltak_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Records how far a measure has come; htmx gets the focus area's measures back."""
    tiltak = get_object_or_404(Tiltak.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("kvalitet.edit_plan", tiltak):
        raise PermissionDenied
    form = TiltakStatusForm(request.POST, instance=tiltak)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose one of the listed statuses."))
    form.save()
    fokusomrade = Fokusomrade.objects.prefetch_related("tiltak").get(pk=tiltak.fokusomrade_id)
    if request.htmx:
        return render(request, "kvalitet/plan_detail.html#fokus-measures", {
            "fokus": fokusomrade, "area": selectors.focus_area_page(fokusomrade),
            "can_edit": True,
            "statuses": TiltakStatus.choices,
        })
    messages.success(request, _("The measure's status was saved."))
    return HttpResponseRedirect(
        f"{reverse('kvalitet:plan-detail', args=[fokusomrade.plan_id])}#fokus-{fokusomrade.pk}")


@role_required(*PLAN_EDITORS)
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = KvalitetsplanForm(request.POST or None,
                             kommuner=Kommune.objects.managed_by(request.user))
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, _("The plan was created. Add its principles below."))
        return redirect("kvalitet:plan-edit", plan.pk)
    return render(request, "kvalitet/plan_form.html", {"form": form, "plan": None})


@role_required(*PLAN_EDITORS)
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = KvalitetsplanForm(request.POST or None, instance=plan)
    principles = PrinsippFormSet(request.POST or None, instance=plan, prefix="prinsipper")
    if request.method == "POST" and form.is_valid() and principles.is_valid():
        with transaction.atomic():
            form.save()
            principles.save()
        messages.success(request, _("The plan was saved."))
        return redirect("kvalitet:plan-detail", plan.pk)
    return render(request, "kvalitet/plan_form.html",
                  {"form": form, "principles": principles, "plan": plan})


def _fokusomrade_form(request: AuthenticatedHttpRequest, plan: Kvalitetsplan,
                      fokusomrade: Fokusomrade):
    data = request.POST or None
    form = FokusomradeForm(data, instance=fokusomrade)
    measures = TiltakFormSet(data, instance=fokusomrade, prefix="tiltak")
    signs = TegnFormSet(data, instance=fokusomrade, prefix="tegn",
                        queryset=selectors.signs_in_level_order(fokusomrade))
    if request.method == "POST" and all(
            [form.is_valid(), measures.is_valid(), signs.is_valid()]):
        with transaction.atomic():
            saved = form.save()
            for formset in (measures, signs):
                formset.instance = saved
                formset.save()
        messages.success(request, _("The focus area was saved."))
        return HttpResponseRedirect(
            f"{reverse('kvalitet:plan-detail', args=[plan.pk])}#fokus-{saved.pk}")
    return render(request, "kvalitet/fokusomrade_form.html", {
        "form": form, "measures": measures, "signs": signs, "plan": plan,
        "fokusomrade": fokusomrade if fokusomrade.pk else None,
    })


@role_required(*PLAN_EDITORS)
def fokusomrade_create(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    plan = _editable_plan(request, plan_pk)
    next_order = max((fokus.order for fokus in plan.fokusomrader.all()), default=0) + 1
    return _fokusomrade_form(request, plan, Fokusomrade(plan=plan, order=next_order))


@role_required(*PLAN_EDITORS)
def fokusomrade_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fokusomrade = get_object_or_404(
        Fokusomrade.objects.visible_to(request.user).select_related("plan__kommune"), pk=pk)
    plan = _editable_plan(request, fokusomrade.plan_id)
    return _fokusomrade_form(request, plan, fokusomrade)


@role_required(*PLAN_EDITORS)
def fokusomrade_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fokusomrade = get_object_or_404(
        Fokusomrade.objects.visible_to(request.user).select_related("plan__kommune"), pk=pk)
    plan = _editable_plan(request, fokusomrade.plan_id)
    if request.method == "POST":
        fokusomrade.delete()
        messages.success(request, _("The focus area was deleted."))
        return redirect("kvalitet:plan-detail", plan.pk)
    prefetch_related_objects([fokusomrade], "tiltak", "tegn", "valgt_av")
    return render(request, "kvalitet/fokusomrade_confirm_delete.html",
                  {"fokusomrade": fokusomrade, "plan": plan})


@role_required(*FOCUS_CHOOSERS)
def barnehage_fokus(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A kindergarten's choice of focus areas for a year, each with its own sub-goal."""
    user = request.user
    barnehage = get_object_or_404(Barnehage.objects.visible_to(user).select_related("kommune"),
                                  pk=pk)
    if not user.has_perm("kvalitet.choose_focus", barnehage):
        raise PermissionDenied
    today = timezone.localdate()
    plans = list(Kvalitetsplan.objects.filter(kommune_id=barnehage.kommune_id))
    years = sorted({year for plan in plans for year in selectors.plan_years(plan, today)})
    default_year = selectors.focus_year(plans, today)
    year = _year_param(request, default_year or today.year)
    if year not in years:
        year = default_year or today.year
    fokusomrader = list(selectors.fokusomrader_for_choice(barnehage.kommune_id, year))
    existing = {choice.fokusomrade_id: choice for choice in
                BarnehageFokus.objects.filter(barnehage=barnehage, year=year)}
    initial = [
        {"chosen": fokus.pk in existing,
         "sub_goal": getattr(existing.get(fokus.pk), "sub_goal", ""),
         "anchored_in": getattr(existing.get(fokus.pk), "anchored_in", ""),
         "chosen_from": getattr(existing.get(fokus.pk), "chosen_from", "")}
        for fokus in fokusomrader
    ]
    formset = FokusChoiceFormSet(request.POST or None, initial=initial,
                                 fokusomrader=fokusomrader, prefix="fokus")
    if request.method == "POST" and formset.is_valid():
        services.save_focus_choices(
            barnehage, year, [(form.fokusomrade, form.cleaned_data) for form in formset], user)
        messages.success(request, _("Your kindergarten's focus for %(year)s was saved.")
                         % {"year": year})
        return HttpResponseRedirect(
            f"{reverse('kvalitet:barnehage-fokus', args=[barnehage.pk])}?year={year}")
    return render(request, "kvalitet/barnehage_fokus.html", {
        "barnehage": barnehage, "year": year, "years": years, "formset": formset,
        "current_year": today.year,
    })


def home_section(user: User) -> dict[str, object]:
    """The home page's quality-plan section (registered in kvalitet/apps.py)."""
    return {"summary": selectors.home_summary(user)}
