"""After the observation: written feedback, results for the kindergarten, practice stories
and the monthly dimension plan."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import Barnehage
from observasjoner.feedback.forms import FeedbackForm, MonthlyPlanForm, StoryForm
from observasjoner.models import Maanedsplan, Observasjon, Praksisfortelling
from observasjoner.recording import services

STAFF_ROLES = (ROLE_LEADER, ROLE_OBSERVER, *MUNICIPAL_ROLES)


@role_required(ROLE_OBSERVER)
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The observer writes the department's feedback once she has submitted."""
    observasjon = get_object_or_404(
        Observasjon.objects.assigned_to(request.user).select_related(
            "avdeling__barnehage", "instrument", "runde"), pk=pk)
    if not request.user.has_perm("observasjoner.write_feedback", observasjon):
        raise PermissionDenied
    if observasjon.status != Observasjon.Status.SUBMITTED:
        messages.info(request, _("Submit the observation before writing the feedback."))
        return redirect("observasjoner:record", pk=pk)
    form = FeedbackForm(request.POST or None, instance=observasjon)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The feedback is saved. The kindergarten's leader can "
                                    "read it now."))
        return redirect("observasjoner:observation-detail", pk=pk)
    return render(request, "observasjoner/feedback/feedback_form.html",
                  {"observasjon": observasjon, "form": form})


@role_required(ROLE_LEADER, *MUNICIPAL_ROLES)
def result_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Submitted observations with their domain scores: a leader's own departments, a
    consultant's municipality."""
    observations = services.with_everything(
        Observasjon.objects.results_visible_to(request.user).done()
        .filter(double_coding_of__isnull=True)
    ).order_by("-observed_on", "-planned_date", "pk")
    rows = [(observasjon, services.present(observasjon)) for observasjon in observations]
    return render(request, "observasjoner/feedback/result_list.html", {"rows": rows})


def _story_barnehager(user):
    """Kindergartens the user may write stories for (access decides)."""
    return [barnehage for barnehage in Barnehage.objects.visible_to(user).select_related(
        "kommune") if user.has_perm("observasjoner.write_story", barnehage)]


@role_required(*STAFF_ROLES)
def story_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    stories = (Praksisfortelling.objects.visible_to(request.user)
               .select_related("barnehage", "avdeling", "dimensjon__domene__instrument",
                               "author"))
    barnehager = Barnehage.objects.visible_to(request.user).filter(
        pk__in=Praksisfortelling.objects.visible_to(request.user).values("barnehage_id")
    ).order_by("name")
    chosen = request.GET.get("barnehage", "")
    if chosen.isdigit():
        stories = stories.filter(barnehage_id=int(chosen))
    own = Barnehage.objects.visible_to(request.user).filter(
        pk__in=request.user.memberships.values("barnehage_id")).order_by("name")
    today = timezone.localdate().replace(day=1)
    focus = {plan.barnehage_id: plan for plan in Maanedsplan.objects.visible_to(request.user)
             .filter(barnehage__in=own, month=today).select_related("dimensjon")}
    return render(request, "observasjoner/stories/story_list.html", {
        "stories": stories[:200],
        "barnehager": barnehager,
        "chosen": chosen,
        "own": [(barnehage, focus.get(barnehage.pk)) for barnehage in own],
        "can_write": bool(_story_barnehager(request.user)),
    })


@role_required(*STAFF_ROLES)
def story_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    barnehager = _story_barnehager(request.user)
    if not barnehager:
        raise PermissionDenied
    queryset = Barnehage.objects.filter(pk__in=[barnehage.pk for barnehage in barnehager])
    initial = {}
    if len(barnehager) == 1:
        plan = Maanedsplan.objects.filter(barnehage=barnehager[0],
                                          month=timezone.localdate().replace(day=1)).first()
        if plan:
            initial["dimensjon"] = plan.dimensjon_id
    form = StoryForm(request.POST or None, barnehager=queryset, initial=initial)
    if request.method == "POST" and form.is_valid():
        story = form.save(commit=False)
        story.author = request.user
        story.save()
        messages.success(request, _("Thank you: the story is saved."))
        return redirect("observasjoner:story-detail", pk=story.pk)
    return render(request, "observasjoner/stories/story_form.html", {"form": form})


@role_required(*STAFF_ROLES)
def story_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(
        Praksisfortelling.objects.visible_to(request.user).select_related(
            "barnehage", "avdeling", "dimensjon__domene__instrument", "author"), pk=pk)
    return render(request, "observasjoner/stories/story_detail.html", {"story": story})


@role_required(*STAFF_ROLES)
def monthly_plan(request: AuthenticatedHttpRequest, barnehage_pk: int) -> HttpResponse:
    """Which dimension each month of a year focuses on; her own kindergarten's leader edits
    it (access decides), the others read it."""
    barnehage = get_object_or_404(Barnehage.objects.visible_to(request.user), pk=barnehage_pk)
    can_edit = request.user.has_perm("observasjoner.plan_month", barnehage)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else (
        timezone.localdate().year)
    form = None
    if can_edit:
        form = MonthlyPlanForm(request.POST or None,
                               initial={"month": timezone.localdate().replace(day=1)})
        if request.method == "POST" and form.is_valid():
            plan = form.save(barnehage)
            messages.success(request, _("The plan for %(month)s is saved.")
                             % {"month": plan.month.strftime("%m.%Y")})
            return redirect(f"{request.path}?year={plan.month.year}")
    elif request.method == "POST":
        raise PermissionDenied
    plans = {plan.month.month: plan for plan in Maanedsplan.objects.visible_to(request.user)
             .filter(barnehage=barnehage, month__year=year)
             .select_related("dimensjon__domene__instrument")}
    story_counts = {
        row["month"].month: row["n"]
        for row in Praksisfortelling.objects.visible_to(request.user)
        .filter(barnehage=barnehage, month__year=year)
        .values("month").annotate(n=Count("pk")).order_by()
    }
    months = [{"month": date(year, number, 1), "plan": plans.get(number),
               "stories": story_counts.get(number, 0)} for number in range(1, 13)]
    return render(request, "observasjoner/stories/monthly_plan.html", {
        "barnehage": barnehage, "months": months, "year": year, "form": form,
        "can_edit": can_edit, "this_month": timezone.localdate().replace(day=1),
    })
