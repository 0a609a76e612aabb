"""Forms for written feedback, practice stories and the monthly dimension plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barnehager.models import Avdeling, Barnehage
from barnehager.privacy import NO_CHILD_NAMES
from barnehager.widgets import DateInput
from observasjoner.models import Dimensjon, Maanedsplan, Observasjon, Praksisfortelling


class MonthField(forms.DateField):
    """A month (`<input type="month">`), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class DimensionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.domene.instrument.name}: {obj.code} {obj.name}"


def dimension_choices():
    return Dimensjon.objects.filter(domene__instrument__active=True).select_related(
        "domene__instrument").order_by("domene__instrument__code", "domene__order", "order")


class FeedbackForm(forms.ModelForm):
    """The observer's written feedback to the department, after submitting."""

    class Meta:
        model = Observasjon
        fields = ["feedback_strengths", "feedback_dimensions", "feedback_development",
                  "feedback_meeting_on"]
        widgets = {
            "feedback_strengths": forms.Textarea(attrs={"rows": 4}),
            "feedback_development": forms.Textarea(attrs={"rows": 4}),
            "feedback_dimensions": forms.CheckboxSelectMultiple,
            "feedback_meeting_on": DateInput(),
        }
        labels = {
            "feedback_strengths": _("Strengths"),
            "feedback_dimensions": _("Dimensions to work on"),
            "feedback_development": _("How to work on them"),
            "feedback_meeting_on": _("Feedback meeting"),
        }
        help_texts = {
            "feedback_strengths": _("What the department does well. Never write a child's "
                                    "name."),
            "feedback_dimensions": _("One or two dimensions to work on."),
            "feedback_development": _("How to work on them. Never write a child's name."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["feedback_dimensions"]
        field.queryset = Dimensjon.objects.filter(
            domene__instrument=self.instance.instrument).order_by("domene__order", "order")
        field.label_from_instance = lambda dim: f"{dim.code} {dim.name}"
        self.fields["feedback_strengths"].required = True

    def clean_feedback_dimensions(self):
        chosen = self.cleaned_data["feedback_dimensions"]
        if not 1 <= len(chosen) <= 2:
            raise forms.ValidationError(_("Choose one or two dimensions to work on."))
        return chosen


class StoryForm(forms.ModelForm):
    month = MonthField(label=_("Month"), initial=lambda: timezone.localdate().replace(day=1))
    dimensjon = DimensionChoiceField(queryset=Dimensjon.objects.none(), label=_("Dimension"))

    class Meta:
        model = Praksisfortelling
        fields = ["barnehage", "avdeling", "dimensjon", "month", "title", "story"]
        widgets = {"story": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "title": NO_CHILD_NAMES,
            "story": _("A short situation that shows the month's dimension in practice. "
                       "Never write a child's name."),
        }

    def __init__(self, *args: Any, barnehager, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["barnehage"].queryset = barnehager
        if len(barnehager) == 1:
            self.fields["barnehage"].initial = barnehager[0].pk
        self.fields["avdeling"].queryset = Avdeling.objects.filter(
            barnehage__in=barnehager).select_related("barnehage")
        self.fields["dimensjon"].queryset = dimension_choices()

    def clean(self):
        cleaned = super().clean()
        barnehage: Barnehage | None = cleaned.get("barnehage")
        avdeling: Avdeling | None = cleaned.get("avdeling")
        if barnehage and avdeling and avdeling.barnehage_id != barnehage.pk:
            self.add_error("avdeling", _("Choose a department of this kindergarten."))
        return cleaned


class MonthlyPlanForm(forms.Form):
    """Sets (or changes) the dimension a kindergarten works on in one month."""

    month = MonthField(label=_("Month"))
    dimensjon = DimensionChoiceField(queryset=Dimensjon.objects.none(), label=_("Dimension"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=NO_CHILD_NAMES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimensjon"].queryset = dimension_choices()

    def save(self, barnehage: Barnehage) -> Maanedsplan:
        plan, _created = Maanedsplan.objects.update_or_create(
            barnehage=barnehage, month=self.cleaned_data["month"],
            defaults={"dimensjon": self.cleaned_data["dimensjon"],
                      "note": self.cleaned_data["note"]})
        return plan
