"""The people of a municipal admin's municipality: the list, invitations (one by one or a
CSV file of them), roles, deactivation and resetting a lost second factor, in the product's
own pages (the Django admin is not needed for them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from barnehager import confirmation, downloads
from barnehager.access import ROLE_ADMIN
from barnehager.decorators import AuthenticatedHttpRequest, role_required
from barnehager.models import Membership, User
from barnehager.people import importing, services
from barnehager.people.forms import ImportForm, InviteForm, RoleForm
from barnehager.problems import ProblemList
from barnehager.twofactor import services as second_factor
from barnehager.twofactor.access import has_second_factor


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
    return render(request, "barnehager/people/detail.html", {
        "person": person, "form": form, "has_second_factor": has_second_factor(person)})


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


@role_required(ROLE_ADMIN)
def people_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A CSV file of people, imported whole or not at all (barnehager/people/importing.py)."""
    form = ImportForm(request.POST or None, request.FILES or None, admin=request.user)
    errors = ProblemList.of([])
    if request.method == "POST" and form.is_valid():
        try:
            result = importing.import_people(request.user, form.cleaned_data["kommune"],
                                             form.cleaned_data["file"].read())
        except importing.ImportFailed as failed:
            errors = failed.errors
        else:
            for line in _import_summary(result):
                messages.success(request, line)
            return redirect("people-list")
    return render(request, "barnehager/people/import.html", {
        "form": form, "errors": errors, "columns": importing.COLUMNS,
    }, status=400 if request.method == "POST" else 200)


def _import_summary(result: importing.ImportResult) -> list[str]:
    invited = len(result.invited)
    lines = []
    if invited:
        lines.append(ngettext(
            "%(count)s person was invited: she gets an e-mail to choose her password.",
            "%(count)s people were invited: each gets an e-mail to choose her password.",
            invited) % {"count": invited})
    if result.roles_added:
        lines.append(ngettext(
            "%(count)s role was given to someone who had an account already.",
            "%(count)s roles were given to people who had an account already.",
            result.roles_added) % {"count": result.roles_added})
    if result.unchanged:
        lines.append(ngettext(
            "%(count)s line changed nothing: the person had the role already.",
            "%(count)s lines changed nothing: the people had the role already.",
            result.unchanged) % {"count": result.unchanged})
    return lines


@require_GET
@role_required(ROLE_ADMIN)
def people_import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header of an import file, semicolon-separated so that Excel in Norway and
    Denmark opens it in columns."""
    sheet = downloads.Sheet(name="people", header=importing.COLUMNS, rows=[], delimiter=";")
    return downloads.response(sheet, downloads.CSV, "people-import")


@require_POST
@role_required(ROLE_ADMIN)
def person_second_factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """For someone who lost her phone: her second factor goes, after a confirmation."""
    person = get_object_or_404(_people(request), pk=pk)
    name = person.get_full_name() or person.email
    if not confirmation.confirmed(request):
        return confirmation.page(request, confirmation.Confirmation(
            title=_("Reset the second factor of %(name)s?") % {"name": name},
            what=[_("Her authenticator app and her recovery codes stop working at once."),
                  _("At her next log-in she sets up a second factor again if her roles "
                    "require one; otherwise her password is enough."),
                  _("The reset is written to the audit log.")],
            told=[_("She gets no message from Kvalitet: tell her yourself, after making "
                    "sure it is she who asks.")],
            confirm_label=_("Reset the second factor"),
            cancel_url=reverse("person-detail", args=[person.pk])))
    if second_factor.reset(request.user, person):
        messages.success(request, _("The second factor of %(name)s was reset.")
                         % {"name": name})
    else:
        messages.info(request, _("%(name)s has no second factor to reset.") % {"name": name})
    return redirect("person-detail", pk=person.pk)
