"""Forms for editing the quality framework and for a kindergarten's choice of focus."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from barnehager.models import Kommune
from barnehager.privacy import NO_CHILD_NAMES
from barnehager.widgets import DateInput
from kvalitet.models import (
    BarnehageFokus,
    Fokusomrade,
    Kvalitetsplan,
    Kvalitetsprinsipp,
    Tegn,
    Tiltak,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})


class KvalitetsplanForm(forms.ModelForm):
    """A plan's own fields; the municipality is chosen only when the plan is new."""

    class Meta:
        model = Kvalitetsplan
        fields = ["kommune", "kind", "title", "start_year", "end_year", "vision", "main_goal",
                  "foundation", "adopted_by", "adopted_on", "evaluation_due"]
        widgets = {"vision": TEXTAREA, "main_goal": TEXTAREA, "foundation": TEXTAREA,
                   "adopted_on": DateInput(), "evaluation_due": DateInput()}

    def __init__(self, *args: Any, kommuner=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["kommune"]
            return
        kommuner = Kommune.objects.none() if kommuner is None else kommuner
        self.fields["kommune"].queryset = kommuner
        options = list(kommuner[:2])
        if len(options) == 1:
            self.fields["kommune"].initial = options[0].pk

    def clean(self):
        # The municipality is not a field when editing, so Django skips this constraint.
        cleaned = super().clean()
        title, start_year = cleaned.get("title"), cleaned.get("start_year")
        if self.instance.pk and title and start_year and Kvalitetsplan.objects.filter(
                kommune_id=self.instance.kommune_id, title=title, start_year=start_year,
        ).exclude(pk=self.instance.pk).exists():
            self.add_error("title", _("The municipality already has a plan with this title "
                                      "starting that year."))
        return cleaned


class FokusomradeForm(forms.ModelForm):
    class Meta:
        model = Fokusomrade
        fields = ["title", "kind", "quality_kind", "order", "challenge", "goal"]
        widgets = {"challenge": TEXTAREA, "goal": TEXTAREA}

    def clean_title(self):
        title = self.cleaned_data["title"]
        if Fokusomrade.objects.filter(plan_id=self.instance.plan_id, title=title).exclude(
                pk=self.instance.pk).exists():
            raise forms.ValidationError(_("The plan already has a focus area with this title."))
        return title


class TiltakStatusForm(forms.ModelForm):
    class Meta:
        model = Tiltak
        fields = ["status"]


PrinsippFormSet = forms.inlineformset_factory(
    Kvalitetsplan, Kvalitetsprinsipp, fields=["name", "description", "order"],
    widgets={"description": SHORT_TEXTAREA}, extra=1, can_delete=True,
)
TiltakFormSet = forms.inlineformset_factory(
    Fokusomrade, Tiltak, fields=["text", "status", "order"],
    widgets={"text": SHORT_TEXTAREA}, extra=2, can_delete=True,
)
TegnFormSet = forms.inlineformset_factory(
    Fokusomrade, Tegn, fields=["role_level", "text", "order"],
    widgets={"text": SHORT_TEXTAREA}, extra=2, can_delete=True,
)


class FokusChoiceForm(forms.Form):
    """One focus area on a kindergarten's choice page: chosen or not, and the sub-goal."""

    chosen = forms.BooleanField(label=_("We work on this focus area"), required=False)
    sub_goal = forms.CharField(label=_("Our sub-goal"), required=False, widget=TEXTAREA,
                               help_text=NO_CHILD_NAMES)
    anchored_in = forms.CharField(
        label=_("Anchored in"), required=False, max_length=200,
        help_text=BarnehageFokus._meta.get_field("anchored_in").help_text,
    )
    chosen_from = forms.CharField(
        label=_("Chosen from"), required=False, max_length=200,
        help_text=BarnehageFokus._meta.get_field("chosen_from").help_text,
    )

    def __init__(self, *args: Any, fokusomrade: Fokusomrade, **kwargs: Any):
        self.fokusomrade = fokusomrade
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("chosen") and not cleaned.get("sub_goal", "").strip():
            self.add_error("sub_goal", _("Write the sub-goal your kindergarten works towards."))
        return cleaned


class BaseFokusChoiceFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, fokusomrader, **kwargs: Any) -> None:
        self.fokusomrader = list(fokusomrader)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"fokusomrade": self.fokusomrader[index]}

    def total_form_count(self):
        return len(self.fokusomrader)


FokusChoiceFormSet = forms.formset_factory(FokusChoiceForm, formset=BaseFokusChoiceFormSet,
                                           extra=0)
