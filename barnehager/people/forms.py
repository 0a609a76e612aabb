from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from barnehager.access import ROLE_ADMIN, scope_of
from barnehager.models import Barnehage, Kommune, Role, User


class RoleForm(forms.Form):
    """A role in one of the admin's municipalities (and, for leaders and observers, a
    kindergarten there)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    kommune = forms.ModelChoiceField(label=_("Municipality"), queryset=Kommune.objects.none())
    barnehage = forms.ModelChoiceField(label=_("Kindergarten"), required=False,
                                       queryset=Barnehage.objects.none(),
                                       help_text=_("For leaders and observers."))

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kommuner = Kommune.objects.managed_by(admin).filter(
            pk__in=_admin_kommuner(admin)).order_by("name")
        self.fields["kommune"].queryset = kommuner  # type: ignore[attr-defined]
        self.fields["barnehage"].queryset = (  # type: ignore[attr-defined]
            Barnehage.objects.filter(kommune__in=kommuner).order_by("name"))
        if kommuner.count() == 1:
            self.fields["kommune"].initial = kommuner.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        barnehage, kommune = data.get("barnehage"), data.get("kommune")
        if barnehage and kommune and barnehage.kommune_id != kommune.pk:
            self.add_error("barnehage", _("Must belong to the same municipality."))
        return data


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    field_order = ["email", "first_name", "last_name", "role", "kommune", "barnehage"]


def _admin_kommuner(admin: User) -> set[int]:
    scope = scope_of(admin)
    if scope.superuser:
        return set(Kommune.objects.values_list("pk", flat=True))
    return scope.kommune_ids(ROLE_ADMIN)


# A file of people is small: 1 MB holds some 10,000 lines.
MAX_IMPORT_BYTES = 1024 * 1024


class ImportForm(forms.Form):
    """A CSV file of people for one of the admin's municipalities."""

    kommune = forms.ModelChoiceField(label=_("Municipality"), queryset=Kommune.objects.none())
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kommuner = Kommune.objects.managed_by(admin).filter(
            pk__in=_admin_kommuner(admin)).order_by("name")
        self.fields["kommune"].queryset = kommuner  # type: ignore[attr-defined]
        if kommuner.count() == 1:
            self.fields["kommune"].initial = kommuner.first()
            self.fields["kommune"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "kommune" in self.errors and isinstance(self.fields["kommune"].widget,
                                                   forms.HiddenInput):
            # The field is not shown, so its message would not be either.
            self.add_error(None, _("You are not an admin of this municipality."))
        return data

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload
