"""Forms for planning rounds, adjusting assignments, amending scores and importing files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from barnehager.models import Avdeling, Kommune, Pulje, User
from barnehager.widgets import DateInput
from observasjoner.models import Observasjonsrunde, Semester, Skaar

SEMESTER_DATES = {Semester.SPRING: ((1, 6), (6, 20)), Semester.AUTUMN: ((8, 20), (12, 15))}


class ObserverChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email


class PercentField(forms.DecimalField):
    """A share stored as a fraction (0.5) and entered and shown in whole per cent (50), with
    the reader's decimal separator; "50 %" is accepted too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        # Checked in per cent, not in the model's fraction digits.
        kwargs.update(max_digits=5, decimal_places=2)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 100)
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "invalid": _("Enter the share in per cent as a whole number, e.g. 50 for half."),
            "min_value": _("Enter the share in per cent, at least %(limit_value)s %% "
                           "(50 means half)."),
            "max_value": _("A share is at most %(limit_value)s %%."),
        }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
            return number_format(round(Decimal(str(value)) * 100), 0)
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace("%", "").strip()
        percent = super().to_python(value)
        if percent is not None and percent != percent.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return percent

    def clean(self, value: Any) -> Decimal | None:
        percent = super().clean(value)
        return None if percent is None else percent / 100


class RundeForm(forms.ModelForm):
    """A new round: its semester and dates, optional cohorts, double-coding share and the
    programme's validity rules."""

    kommune = forms.ModelChoiceField(label=_("Municipality"), queryset=Kommune.objects.none())

    class Meta:
        model = Observasjonsrunde
        fields = ["kommune", "name", "semester", "year", "start_date", "end_date", "puljer",
                  "double_coding_share", "planned_cycle_minutes", "min_cycle_minutes",
                  "min_presence_share", "planned_cycles", "min_valid_cycles"]
        field_classes = {"min_presence_share": PercentField}
        labels = {"min_presence_share": _("Share of enrolled children present (%)")}
        widgets = {"start_date": DateInput(), "end_date": DateInput(),
                   "puljer": forms.CheckboxSelectMultiple}
        help_texts = {"name": _("Left empty, the round is named after its semester.")}

    def __init__(self, *args: Any, kommuner, today: date | None = None, **kwargs: Any):
        today = today or timezone.localdate()
        semester = Semester.SPRING if today.month < 7 else Semester.AUTUMN
        (start_month, start_day), (end_month, end_day) = SEMESTER_DATES[semester]
        kwargs.setdefault("initial", {}).update({
            "semester": semester, "year": today.year,
            "start_date": max(today, date(today.year, start_month, start_day)),
            "end_date": date(today.year, end_month, end_day),
        })
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["kommune"].queryset = kommuner
        if len(kommuner) == 1:
            self.fields["kommune"].initial = kommuner[0]
            self.fields["kommune"].widget = forms.HiddenInput()
        self.fields["puljer"].queryset = Pulje.objects.filter(kommune__in=kommuner)
        self.fields["double_coding_share"].widget.attrs.update({"min": 0, "max": 100})
        for name, low in (("planned_cycle_minutes", 1), ("min_cycle_minutes", 1),
                          ("planned_cycles", 1), ("min_valid_cycles", 1)):
            self.fields[name].widget.attrs["min"] = low
            self.fields[name].validators.append(MinValueValidator(low, message=_(
                "Enter at least %(limit_value)s.")))
        self.fields["min_presence_share"].help_text = _(
            "In per cent: 50 means at least half of the department's enrolled children.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day comes after the first."))
        share = cleaned.get("double_coding_share")
        if share is not None and share > 100:
            self.add_error("double_coding_share", _("A share is at most 100 %."))
        for name, message in rule_problems(cleaned or {}).items():
            if name not in self.errors:
                self.add_error(name, message)
        kommune = cleaned.get("kommune")
        for pulje in cleaned.get("puljer") or ():
            if kommune and pulje.kommune_id != kommune.pk:
                self.add_error("puljer", _("Choose cohorts of the round's municipality."))
                break
        if not cleaned.get("name") and cleaned.get("semester") and cleaned.get("year"):
            cleaned["name"] = f"{Semester(cleaned['semester']).label} {cleaned['year']}"
        return cleaned


def rule_problems(values: dict[str, Any]) -> dict[str, str]:
    """Validity rules that can never be met together, as {field: message}."""
    problems = {}
    planned, minimum = values.get("planned_cycle_minutes"), values.get("min_cycle_minutes")
    if planned and minimum and minimum > planned:
        problems["min_cycle_minutes"] = ngettext(
            "A cycle cannot need more than the %(count)s minute planned: lower the shortest "
            "valid cycle or plan longer cycles.",
            "A cycle cannot need more than the %(count)s minutes planned: lower the shortest "
            "valid cycle or plan longer cycles.", planned) % {"count": planned}
    cycles, needed = values.get("planned_cycles"), values.get("min_valid_cycles")
    if cycles and needed and needed > cycles:
        problems["min_valid_cycles"] = ngettext(
            "No observation can have more valid cycles than the %(count)s cycle planned: "
            "require at most %(count)s, or plan more cycles.",
            "No observation can have more valid cycles than the %(count)s cycles planned: "
            "require at most %(count)s, or plan more cycles.", cycles) % {"count": cycles}
    return problems


class AssignmentForm(forms.Form):
    """Who observes and when; the rules themselves are checked by the assignment service."""

    observer = ObserverChoiceField(label=_("Observer"), queryset=User.objects.none())
    planned_date = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args: Any, observers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observer"].queryset = User.objects.filter(pk__in=[o.pk for o in observers])


class AddObservationForm(AssignmentForm):
    avdeling = forms.ModelChoiceField(label=_("Department"), queryset=Avdeling.objects.none())

    field_order = ["avdeling", "observer", "planned_date"]

    def __init__(self, *args: Any, avdelinger, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["avdeling"].queryset = avdelinger


class SecondCodingForm(forms.Form):
    observer = ObserverChoiceField(label=_("Second observer"), queryset=User.objects.none())

    def __init__(self, *args: Any, observers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observer"].queryset = User.objects.filter(pk__in=[o.pk for o in observers])


class ScoreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, skaar):
        return _("Cycle %(number)s, %(code)s (now %(value)s)") % {
            "number": skaar.syklus.number, "code": skaar.dimensjon.code,
            "value": "–" if skaar.value is None else skaar.value}


class AmendmentForm(forms.Form):
    skaar = ScoreChoiceField(label=_("Score"), queryset=Skaar.objects.none())
    new_value = forms.IntegerField(label=_("New score"))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the score is corrected. Never write a child's name."))

    def __init__(self, *args: Any, observasjon, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skaar"].queryset = (
            Skaar.objects.filter(syklus__observasjon=observasjon)
            .select_related("syklus", "dimensjon")
            .order_by("syklus__number", "dimensjon__domene__order", "dimensjon__order"))
        self.instrument = observasjon.instrument

    def clean(self):
        cleaned = super().clean()
        skaar, value = cleaned.get("skaar"), cleaned.get("new_value")
        if value is not None and not (self.instrument.scale_min <= value
                                      <= self.instrument.scale_max):
            self.add_error("new_value", _("A score is a whole number from %(low)s to %(high)s.")
                           % {"low": self.instrument.scale_min,
                              "high": self.instrument.scale_max})
        elif skaar and value is not None and skaar.value == value:
            self.add_error("new_value", _("That is already the score."))
        return cleaned


class ImportForm(forms.Form):
    kommune = forms.ModelChoiceField(label=_("Municipality"), queryset=Kommune.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One row per cycle: kommune, barnehage, avdeling, date, observer_email, "
                    "instrument, cycle and one column per dimension code."))

    def __init__(self, *args: Any, kommuner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = kommuner
        if len(kommuner) == 1:
            self.fields["kommune"].initial = kommuner[0]
            self.fields["kommune"].widget = forms.HiddenInput()
