"""The people of a municipal admin's municipality: the list, invitations, roles and
deactivation, in the product's own pages (the Django admin is not needed for them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from barnehager.access import ROLE_ADMIN
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import Membership, User
from barnehager.people import services
from barnehager.people.forms import InviteForm, RoleForm


def _people(request: AuthenticatedHttpRequest) -> QuerySet[User]:
    memberships = Membership.objects.select_related("kommune", "barnehage")
    return User.objects.managed_by(request.user).prefetch_related(
        Prefetch("memberships", queryset=memberships))


def _form_errors(form: RoleForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


@role_required(ROLE_ADMIN)
def people_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "barnehager/people/list.html",
                  {"people": _people(request).order_by("first_name", "last_name", "email")})


@role_required(ROLE_ADMIN)
def person_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.invite(request.user, **data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The invitation is on its way to %(email)s.")
                             % {"email": person.email})
            return redirect("person-detail", pk=person.pk)
    return render(request, "barnehager/people/invite.html", {"form": form})


@role_required(ROLE_ADMIN)
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(_people(request), pk=pk)
    form = RoleForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_role(request.user, person, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("person-detail", pk=person.pk)
    return render(request, "barnehager/people/detail.html", {"person": person, "form": form})


@require_POST
@role_required(ROLE_ADMIN)
def person_role_remove(request: AuthenticatedHttpRequest, pk: int,
                       membership_pk: int) -> HttpResponse:
    person = get_object_or_404(_people(request), pk=pk)
    membership = get_object_or_404(person.memberships.select_related("kommune", "user"),
                                   pk=membership_pk)
    try:
        services.remove_role(request.user, membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("person-detail", pk=person.pk)


@require_POST
@role_required(ROLE_ADMIN)
def person_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(_people(request), pk=pk)
    try:
        services.set_active(request.user, person, request.POST.get("active") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("person-detail", pk=person.pk)
