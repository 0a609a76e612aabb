"""Forms for ordering reports and for the texts and settings the reports use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barnehager.models import Barnehage
from handleplaner.models import Handleplan
from handleplaner.models import Status as PlanStatus
from observasjoner.models import Semester
from observasjoner.tilsyn.models import Tilsyn
from rapporter.models import YEAR_VALIDATORS, Anbefaling, Rapportinnstilling

ALL_KINDERGARTENS = ""


class AnnualOrderForm(forms.Form):
    """The annual report; the year offered is the last complete one."""

    kommune = forms.ModelChoiceField(queryset=None, label=_("Municipality"))
    year = forms.IntegerField(label=_("Year"), validators=YEAR_VALIDATORS)

    def __init__(self, *args: Any, kommuner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = kommuner
        if kommuner.count() == 1:
            self.fields["kommune"].initial = kommuner.first()
        self.fields["year"].initial = timezone.localdate().year - 1


class KindergartenOrderForm(forms.Form):
    """One kindergarten's report, or every kindergarten of the municipality at once."""

    kommune = forms.ModelChoiceField(queryset=None, label=_("Municipality"))
    barnehage = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Kindergarten"),
        empty_label=_("All kindergartens of the municipality"))
    year = forms.IntegerField(label=_("Year"), validators=YEAR_VALIDATORS)
    semester = forms.ChoiceField(label=_("Semester"), choices=Semester.choices)

    def __init__(self, *args: Any, kommuner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = kommuner
        if kommuner.count() == 1:
            self.fields["kommune"].initial = kommuner.first()
        self.fields["barnehage"].queryset = Barnehage.objects.filter(
            kommune__in=kommuner).select_related("kommune").order_by("kommune__name", "name")
        # The last complete semester: a report on a running one lists itself as incomplete.
        today = timezone.localdate()
        if today.month < 8:
            self.fields["year"].initial, self.fields["semester"].initial = (
                today.year - 1, Semester.AUTUMN)
        else:
            self.fields["year"].initial, self.fields["semester"].initial = (
                today.year, Semester.SPRING)

    def clean(self):
        cleaned = super().clean()
        kommune, barnehage = cleaned.get("kommune"), cleaned.get("barnehage")
        if kommune and barnehage and barnehage.kommune_id != kommune.pk:
            self.add_error("barnehage", _("Choose a kindergarten of the municipality."))
        return cleaned


class SupervisionOrderForm(forms.Form):
    """The report of one completed supervision, made by the supervision app's renderer."""

    tilsyn = forms.ModelChoiceField(queryset=None, label=_("Supervision"))

    def __init__(self, *args: Any, kommuner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tilsyn"].queryset = Tilsyn.objects.filter(
            barnehage__kommune__in=kommuner, status__in=Tilsyn.LEADER_VISIBLE,
        ).select_related("barnehage").order_by("-date")


class ActionPlanOrderForm(forms.Form):
    """One action plan as PDF, made by the action-plan app's renderer."""

    handleplan = forms.ModelChoiceField(queryset=None, label=_("Action plan"))

    def __init__(self, *args: Any, kommuner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handleplan"].queryset = Handleplan.objects.filter(
            barnehage__kommune__in=kommuner).exclude(status=PlanStatus.DRAFT).select_related(
            "barnehage").order_by("barnehage__name", "title")


class AnbefalingForm(forms.ModelForm):
    class Meta:
        model = Anbefaling
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}


class RapportinnstillingForm(forms.ModelForm):
    class Meta:
        model = Rapportinnstilling
        fields = ["annual_day", "annual_month", "covers_previous_year"]


class ApproveForm(forms.Form):
    """The confirmation before a draft is published: the consultant has read it, its
    warnings and who will see it."""

    confirm = forms.BooleanField(
        label=_("I have read the draft and the list of what is incomplete, and I publish it "
                "to the readers named above."),
        error_messages={"required": _("Tick the box to confirm that you publish the report.")})


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the report withdrawn?"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the version, for the record. Never write a child's name."))
