"""Forms for supervisions and supervision instruments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from barnehager.models import Barnehage, Kommune
from barnehager.privacy import NO_CHILD_NAMES
from barnehager.widgets import DateInput
from observasjoner.tilsyn.models import Tilsyn, TilsynInstrument, Utviklingspunkt

MAX_UPLOAD_BYTES = 1024 * 1024


class TilsynCreateForm(forms.ModelForm):
    class Meta:
        model = Tilsyn
        fields = ["barnehage", "instrument", "date", "announced", "role"]
        widgets = {"date": DateInput(), "announced": forms.RadioSelect,
                   "role": forms.RadioSelect}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kommuner = Kommune.objects.managed_by(user)
        self.fields["barnehage"].queryset = Barnehage.objects.filter(
            kommune__in=kommuner).select_related("kommune")
        self.fields["instrument"].queryset = TilsynInstrument.objects.offered_to(user, kommuner)
        self.fields["instrument"].help_text = _(
            "The municipality's own instruments and the shared ones. Each criterion of the "
            "instrument gets a rating and a note.")
        if not kommuner.filter(country="NO").exists():
            del self.fields["role"]
        self.instance.consultant = user

    def clean(self):
        cleaned = super().clean()
        barnehage, instrument = cleaned.get("barnehage"), cleaned.get("instrument")
        if barnehage and instrument and not TilsynInstrument.objects.available_for(
                barnehage.kommune).filter(pk=instrument.pk).exists():
            self.add_error("instrument", _("This instrument is not available in %(kommune)s.")
                           % {"kommune": barnehage.kommune})
        return cleaned


class TilsynEditForm(forms.ModelForm):
    """The visit itself and the overall findings; the ratings have their own form."""

    class Meta:
        model = Tilsyn
        fields = ["date", "announced", "role", "findings"]
        widgets = {"date": DateInput(), "announced": forms.RadioSelect,
                   "role": forms.RadioSelect, "findings": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.barnehage.kommune.country != "NO":
            del self.fields["role"]


class RatingsForm(forms.Form):
    """A rating (radio buttons named by the scale's levels) and a note per criterion."""

    def __init__(self, *args: Any, vurderinger, levels, require_all=False, **kwargs: Any) -> None:
        """`require_all`: a completed supervision keeps a rating on every criterion."""
        super().__init__(*args, **kwargs)
        self.vurderinger = vurderinger
        choices = [(str(level.pk), level.name) for level in levels]
        if not require_all:
            choices.append(("", _("Not rated yet")))
        self.levels = {str(level.pk): level for level in levels}
        for vurdering in vurderinger:
            self.fields[f"rating_{vurdering.pk}"] = forms.ChoiceField(
                label=vurdering.kriterium.text, choices=choices, required=require_all,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=str(vurdering.niva_id) if vurdering.niva_id else "",
            )
            self.fields[f"note_{vurdering.pk}"] = forms.CharField(
                label=_("Note"), required=False, help_text=NO_CHILD_NAMES,
                initial=vurdering.note,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def grouped(self):
        """(theme, [(criterion, rating field, note field)]) in the instrument's order."""
        groups: list[tuple] = []
        for vurdering in self.vurderinger:
            tema = vurdering.kriterium.tema
            if not groups or groups[-1][0] != tema:
                groups.append((tema, []))
            groups[-1][1].append((vurdering, self[f"rating_{vurdering.pk}"],
                                  self[f"note_{vurdering.pk}"]))
        return groups

    def apply(self) -> list:
        """Copies the cleaned ratings onto the assessments; returns the changed ones."""
        changed = []
        for vurdering in self.vurderinger:
            rating = self.cleaned_data[f"rating_{vurdering.pk}"]
            niva = self.levels[rating] if rating else None
            note = self.cleaned_data[f"note_{vurdering.pk}"].strip()
            if vurdering.niva_id != (niva.pk if niva else None) or vurdering.note != note:
                vurdering.niva, vurdering.note = niva, note
                changed.append(vurdering)
        return changed


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Tilsyn
        fields = ["outcome", "follow_up_date", "correction_order", "correction_deadline"]
        widgets = {"outcome": forms.RadioSelect, "follow_up_date": DateInput(),
                   "correction_deadline": DateInput(),
                   "correction_order": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # RadioSelect on a blank-able field would offer "---------" as an outcome.
        self.fields["outcome"].choices = Tilsyn.outcome_choices(self.instance.country)
        self.fields["outcome"].required = self.instance.status != Tilsyn.Status.DRAFT
        if self.instance.barnehage.kommune.country != "NO":
            del self.fields["correction_order"]
            del self.fields["correction_deadline"]
        else:
            self.fields["follow_up_date"].help_text = _(
                "Required for a concern: when the kindergarten is followed up.")


class UtviklingspunktForm(forms.ModelForm):
    class Meta:
        model = Utviklingspunkt
        fields = ["tema", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, temaer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tema"].queryset = temaer
        self.fields["tema"].required = False


UtviklingspunktFormSet = forms.inlineformset_factory(
    Tilsyn, Utviklingspunkt, form=UtviklingspunktForm, extra=2, can_delete=True,
)


class BoardCommentForm(forms.ModelForm):
    """The board's comment with its date, or the board's choice not to comment."""

    class Meta:
        model = Tilsyn
        fields = ["board_comment_date", "board_comment", "board_comment_declined"]
        widgets = {"board_comment_date": DateInput(),
                   "board_comment": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board_comment_date"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        comment = (cleaned.get("board_comment") or "").strip()
        declined = cleaned.get("board_comment_declined")
        if comment and declined:
            self.add_error("board_comment_declined", _(
                "Either record the comment or mark that the board gave none, not both."))
        elif not comment and not declined:
            self.add_error("board_comment", _(
                "Write the board's comment, or tick that the board gave none."))
        return cleaned


class PublishForm(forms.Form):
    """The confirmation before a supervision report is published."""

    confirm = forms.BooleanField(
        label=_("I have read the preview and publish the report to the readers named above."),
        error_messages={"required": _("Tick the box to confirm that you publish the report.")})
    without_board_comment = forms.BooleanField(
        required=False,
        label=_("Publish without the parent board's comment: the report says the board had "
                "not commented when it was published."))

    def __init__(self, *args: Any, tilsyn: Tilsyn, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not tilsyn.board_comment_missing:
            del self.fields["without_board_comment"]
        else:
            # The comment missing is a warning the consultant must answer: tick or go back.
            field = self.fields["without_board_comment"]
            field.required = True
            field.error_messages["required"] = _(
                "Record the parent board's comment, mark it as not given, or confirm that "
                "you publish without it.")


class InstrumentUploadForm(forms.Form):
    kommune = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Kommune.objects.none(),
        help_text=_("The municipality that holds the licence for this instrument."))
    file = forms.FileField(
        label=_("File (CSV or YAML)"),
        help_text=_("One instrument per file: themes, criteria and a named scale. A file "
                    "with any problem is rejected whole, with the line and reason."))

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = Kommune.objects.managed_by(user)
        if self.fields["kommune"].queryset.count() == 1:
            self.fields["kommune"].initial = self.fields["kommune"].queryset.get()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload


class TilsynFilterForm(forms.Form):
    barnehage = forms.ModelChoiceField(label=_("Kindergarten"), required=False,
                                       queryset=Barnehage.objects.none(), empty_label=_("All"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *Tilsyn.Status.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("All")), *Tilsyn.Outcome.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    intensified = forms.BooleanField(label=_("Only under intensified supervision"),
                                     required=False)

    def __init__(self, *args: Any, user, countries: set[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["barnehage"].queryset = Barnehage.objects.visible_to(user)
        if countries == {"NO"}:
            # Norwegian law has no intensified supervision: the same filter, in its words.
            self.fields["intensified"].label = _("Only under follow-up")
            outcome = self.fields["outcome"]
            assert isinstance(outcome, forms.ChoiceField)
            outcome.choices = [("", _("All")), *Tilsyn.outcome_choices("NO")]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["barnehage"]:
            queryset = queryset.filter(barnehage=data["barnehage"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["outcome"]:
            queryset = queryset.filter(outcome=data["outcome"])
        if data["year"]:
            queryset = queryset.filter(date__year=data["year"])
        if data["intensified"]:
            queryset = queryset.open_concerns()
        return queryset
