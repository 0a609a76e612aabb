"""Forms for action plans. The plan form follows its template: one text field per question,
shown with the question's help text beside it. Rules come from validation.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barnehager.access import ROLE_LEADER, scope_of
from barnehager.models import Avdeling, Barnehage
from barnehager.privacy import NO_CHILD_NAMES
from barnehager.widgets import DateInput
from handleplaner import validation
from handleplaner.models import GoalReached, Handleplan, Mal, Sporsmal, Status
from handleplaner.selectors import section_layout
from handleplaner.services import Content
from kvalitet.models import Fokusomrade
from observasjoner.models import (
    Dimensjon,
    Kriterium,
    Observasjon,
    Tilsyn,
    TilsynInstrument,
    Utviklingspunkt,
)


def _textarea(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class DimensjonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Dimensjon) -> str:
        return f"{obj.domene.instrument.name}: {obj.code} {obj.name}"


class KriteriumChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Kriterium) -> str:
        return f"{obj.tema.name}: {obj.text}"


class UtviklingspunktChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Utviklingspunkt) -> str:
        text = obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"
        return f"{date_format(obj.tilsyn.date, 'SHORT_DATE_FORMAT')}: {text}"


def origin_querysets(barnehage_ids, kommune_ids) -> dict:
    """What a plan of these kindergartens may come from: the development points of their
    completed supervisions, their departments' submitted observations, and the focus areas
    of their municipalities' quality plans."""
    return {
        "utviklingspunkt": Utviklingspunkt.objects.filter(
            tilsyn__barnehage_id__in=barnehage_ids, tilsyn__status__in=Tilsyn.LEADER_VISIBLE,
        ).select_related("tilsyn").order_by("-tilsyn__date", "order"),
        "observasjon": Observasjon.objects.filter(
            avdeling__barnehage_id__in=barnehage_ids,
            status__in=(Observasjon.Status.SUBMITTED, Observasjon.Status.LOCKED),
        ).select_related("avdeling__barnehage").order_by("-planned_date"),
        "fokusomrade": Fokusomrade.objects.filter(
            plan__kommune_id__in=kommune_ids).select_related("plan"),
    }


def _origin_barnehage_id(name: str, obj) -> int | None:
    if name == "utviklingspunkt":
        return obj.tilsyn.barnehage_id
    if name == "observasjon":
        return obj.avdeling.barnehage_id
    return None


ORIGIN_LINKS = ("utviklingspunkt", "observasjon", "fokusomrade")


class PlanCreateForm(forms.ModelForm):
    """The first step: where the plan belongs, its template, title and origin."""

    class Meta:
        model = Handleplan
        fields = ["barnehage", "avdeling", "mal", "title", "origin", *ORIGIN_LINKS,
                  "origin_note"]
        widgets = {"mal": forms.RadioSelect, "origin_note": _textarea(2)}
        field_classes = {"utviklingspunkt": UtviklingspunktChoiceField}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        barnehager = Barnehage.objects.filter(
            pk__in=scope_of(user).barnehage_ids(ROLE_LEADER)).select_related("kommune")
        self.fields["barnehage"].queryset = barnehager
        self.fields["barnehage"].empty_label = None
        self.fields["avdeling"].queryset = Avdeling.objects.filter(
            barnehage__in=barnehager).select_related("barnehage")
        kommune_ids = {barnehage.kommune_id for barnehage in barnehager}
        self.fields["mal"].queryset = Mal.objects.available_in(*kommune_ids)
        self.fields["mal"].empty_label = None
        for name, queryset in origin_querysets([b.pk for b in barnehager], kommune_ids).items():
            self.fields[name].queryset = queryset
        self.fields["mal"].label_from_instance = (
            lambda mal: f"{mal.name}: {mal.description}" if mal.description else mal.name)
        if kommune_ids and not self.is_bound:
            default = Mal.default_for(min(kommune_ids))
            self.initial.setdefault("mal", default.pk if default else None)

    def clean(self):
        cleaned = super().clean()
        barnehage, avdeling, mal = (cleaned.get(name) for name in ("barnehage", "avdeling", "mal"))
        if barnehage and avdeling and avdeling.barnehage_id != barnehage.pk:
            self.add_error("avdeling", _("Choose a department of %(name)s, or none.")
                           % {"name": barnehage.name})
        if barnehage and mal and mal.kommune_id not in (None, barnehage.kommune_id):
            self.add_error("mal", _("This template belongs to another municipality."))
        for name in ORIGIN_LINKS:
            linked = cleaned.get(name)
            if barnehage and linked and _origin_barnehage_id(name, linked) not in (
                    None, barnehage.pk):
                self.add_error(name, _("This belongs to another kindergarten."))
        return cleaned


PLAN_FIELDS = ["title", "avdeling", "origin", *ORIGIN_LINKS, "origin_note", "dimensjoner",
               "kriterier", "goal",
               "period_start", "period_end", "deadline", "next_supervision", "evaluation_due",
               "responsibility_leader", "responsibility_owner", "responsibility_board"]
PLAN_M2M = ("dimensjoner", "kriterier")
TIMELINE_FIELDS = ["period_start", "period_end", "deadline", "next_supervision",
                   "evaluation_due"]
RESPONSIBILITY_FIELDS = ["responsibility_leader", "responsibility_owner",
                         "responsibility_board"]


class PlanForm(forms.ModelForm):
    """The plan's content: its own fields plus one field `q<id>` per template question.

    With `submitting`, it also checks what a submission needs (every required question
    answered, the deadline ahead); without, it checks only what is wrong in itself.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    editor = forms.CharField(widget=forms.HiddenInput, max_length=32)
    dimensjoner = DimensjonChoiceField(
        queryset=Dimensjon.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, label=gettext_lazy("CLASS dimensions targeted"))
    kriterier = KriteriumChoiceField(
        queryset=Kriterium.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Quality criteria targeted"),
        help_text=gettext_lazy("Criteria of the supervision instrument the plan works on."))

    class Meta:
        model = Handleplan
        fields = PLAN_FIELDS
        widgets = {
            "origin_note": _textarea(2), "goal": _textarea(2),
            **{name: DateInput() for name in TIMELINE_FIELDS},
            **{name: _textarea(3) for name in RESPONSIBILITY_FIELDS},
        }
        field_classes = {"utviklingspunkt": UtviklingspunktChoiceField}

    def __init__(self, *args: Any, plan: Handleplan, questions: list[Sporsmal],
                 submitting: bool = False, **kwargs: Any):
        kwargs.setdefault("instance", plan)
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.questions = questions
        self.fields["avdeling"].queryset = Avdeling.objects.filter(barnehage_id=plan.barnehage_id)
        self.fields["dimensjoner"].queryset = (
            Dimensjon.objects.filter(domene__instrument__active=True)
            .select_related("domene__instrument"))
        kommune = plan.barnehage.kommune
        self.fields["kriterier"].queryset = Kriterium.objects.filter(
            tema__instrument__in=TilsynInstrument.objects.available_for(kommune),
        ).select_related("tema")
        for name, queryset in origin_querysets([plan.barnehage_id], [kommune.pk]).items():
            self.fields[name].queryset = queryset
        answers = {answer.sporsmal_id: answer.text for answer in plan.svar.all()}
        for question in questions:
            help_id = f"help-q{question.pk}"
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=question.text, required=False, strip=False,
                widget=_textarea(4, **{"aria-describedby": help_id}),
                initial=answers.get(question.pk, ""),
            )

    def question_fields(self, seksjon_id: int):
        """(question, bound field) pairs of one section, in order."""
        return [(question, self[f"q{question.pk}"]) for question in self.questions
                if question.seksjon_id == seksjon_id]

    def clean(self):
        cleaned = super().clean()
        for name, message in validation.period_problems(
                cleaned.get("period_start"), cleaned.get("period_end")).items():
            self.add_error(name, message)
        if self.submitting:
            for name, message in validation.required_fields_problems(cleaned).items():
                if name not in self.errors:
                    self.add_error(name, message)
            for name, message in validation.deadline_problems(
                    cleaned.get("deadline"), timezone.localdate()).items():
                if name not in self.errors:
                    self.add_error(name, message)
            for question in self.questions:
                key = f"q{question.pk}"
                if question.required and not (cleaned.get(key) or "").strip():
                    self.add_error(key, validation.missing_answer_message(question.text))
        return cleaned

    def content(self) -> Content:
        """What validated; an autosave stores this even when other fields have errors."""
        cleaned = self.cleaned_data
        return Content(
            fields={name: cleaned[name] for name in PLAN_FIELDS
                    if name in cleaned and name not in PLAN_M2M},
            m2m={name: list(cleaned[name]) for name in PLAN_M2M if name in cleaned},
            answers={question.pk: cleaned[f"q{question.pk}"] for question in self.questions
                     if f"q{question.pk}" in cleaned},
        )


class FaseForm(forms.Form):
    """One phase, prefixed by its id so that rows added and removed by htmx need no
    management form."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("What happens"), required=False, strip=False,
        widget=_textarea(2), help_text=NO_CHILD_NAMES)
    start = forms.DateField(label=gettext_lazy("Starts"), required=False, widget=DateInput())
    end = forms.DateField(label=gettext_lazy("Ends"), required=False, widget=DateInput())

    def __init__(self, *args: Any, fase, period: tuple[date | None, date | None] = (None, None),
                 submitting: bool = False, **kwargs: Any):
        kwargs.setdefault("prefix", f"fase-{fase.pk}")
        kwargs.setdefault("initial", {"title": fase.title, "description": fase.description,
                                      "start": fase.start, "end": fase.end})
        super().__init__(*args, **kwargs)
        self.fase = fase
        self.period = period
        self.submitting = submitting

    def clean(self):
        cleaned = super().clean()
        problems = validation.phase_problems(cleaned.get("start"), cleaned.get("end"),
                                             *self.period)
        if self.submitting:
            problems = validation.phase_missing_problems(
                cleaned.get("title", ""), cleaned.get("start"), cleaned.get("end")) | problems
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned


PERIOD_PAIR = {"period_start", "period_end"}
PHASE_PAIR = {"start", "end"}


class PlanEditor:
    """The plan form and its phase forms, bound together from one POST."""

    def __init__(self, plan: Handleplan, data=None, *, submitting: bool = False,
                 editor_token: str = ""):
        self.plan = plan
        self.submitting = submitting
        self.questions = list(Sporsmal.objects.filter(seksjon__mal_id=plan.mal_id)
                              .select_related("seksjon"))
        self.sections = list(plan.mal.seksjoner.all())
        initial = {"version": plan.version, "editor": editor_token}
        self.form = PlanForm(data, plan=plan, questions=self.questions, submitting=submitting,
                             initial=initial)
        self.phases = list(plan.faser.all())
        self.phase_forms = [FaseForm(data, fase=fase, submitting=submitting)
                            for fase in self.phases]
        self._valid: bool | None = None

    def is_valid(self) -> bool:
        if self._valid is None:
            self._valid = self._validate()
        return self._valid

    def _validate(self) -> bool:
        plan_valid = self.form.is_valid()
        cleaned, errors = self.form.cleaned_data, self.form.errors
        # Phases are checked against the period as sent, unless the period itself is wrong.
        period = tuple(None if name in errors else cleaned.get(name)
                       for name in ("period_start", "period_end"))
        for phase_form in self.phase_forms:
            phase_form.period = period
        results = [phase_form.is_valid() for phase_form in self.phase_forms]  # every form
        phases_valid = all(results)
        if self.submitting and not self.phase_forms:
            self.form.add_error(None, _("Add at least one phase with its start and end dates."))
            plan_valid = False
        return plan_valid and phases_valid

    @property
    def version(self) -> int:
        return self.form.cleaned_data.get("version") or 0

    @property
    def token(self) -> str:
        return self.form.cleaned_data.get("editor") or ""

    def content(self) -> Content:
        """What validated. Dates checked against each other travel together: when one of a
        pair is wrong, neither is saved, so the saved plan never holds half a fix."""
        content = self.form.content()
        if PERIOD_PAIR & self.form.errors.keys():
            for name in PERIOD_PAIR:
                content.fields.pop(name, None)
        for phase_form in self.phase_forms:
            skip = set(phase_form.errors)
            if PHASE_PAIR & skip:
                skip |= PHASE_PAIR
            content.phases[phase_form.fase.pk] = {
                name: value for name, value in phase_form.cleaned_data.items()
                if name not in skip}
        return content

    def error_messages(self) -> list[str]:
        """Every problem as one line naming the field, for the summary above the form."""
        lines = []
        for name, errors in self.form.errors.items():
            if name in ("version", "editor"):
                continue
            label = self.form.fields[name].label if name != "__all__" else ""
            lines += [f"{label}: {error}" if label else error for error in errors]
        for phase_form in self.phase_forms:
            for name, errors in phase_form.errors.items():
                field = phase_form.fields.get(name)
                prefix = phase_form.fase.label + (f", {field.label}" if field else "")
                lines += [f"{prefix}: {error}" for error in errors]
        return lines

    def layout(self):
        """The template's sections with their question fields, in order."""
        return [{**block, "questions": self.form.question_fields(block["seksjon"].pk)
                 if block["seksjon"] else []}
                for block in section_layout(self.sections)]


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment to the leader"), required=False, widget=_textarea(3),
        help_text=gettext_lazy("Required when you return the plan: say what to change. "
                               "Do not write children's names."))


class CommentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Comment"), widget=_textarea(3),
                           help_text=NO_CHILD_NAMES)


class ProgressForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Progress"), widget=_textarea(2),
                           help_text=gettext_lazy("What was done, what you saw. Do not write "
                                                  "children's names."))
    completed = forms.BooleanField(label=gettext_lazy("This phase is completed"),
                                   required=False)


class EvaluationForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Date of the evaluation"), widget=DateInput())
    observed = forms.CharField(label=gettext_lazy("What we saw"), widget=_textarea(5),
                               help_text=NO_CHILD_NAMES)
    goal_reached = forms.ChoiceField(label=gettext_lazy("Was the goal reached?"),
                                     choices=GoalReached.choices, widget=forms.RadioSelect)
    final = forms.BooleanField(
        label=gettext_lazy("This is the final evaluation: mark the plan as evaluated"),
        required=False, initial=True)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("An evaluation is recorded after it took place: "
                                          "choose today or an earlier date."))
        return held_on


class PlanFilterForm(forms.Form):
    """The list's filters, read from the URL so a filtered list can be bookmarked."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All statuses")), *Status.choices])
    barnehage = forms.ModelChoiceField(label=gettext_lazy("Kindergarten"), required=False,
                                       queryset=Barnehage.objects.none(),
                                       empty_label=gettext_lazy("All kindergartens"))
    overdue = forms.BooleanField(label=gettext_lazy("Only overdue plans"), required=False)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["barnehage"].queryset = Barnehage.objects.visible_to(user).order_by("name")

    def filter(self, queryset, today: date):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["barnehage"]:
            queryset = queryset.filter(barnehage=data["barnehage"])
        if data["overdue"]:
            queryset = queryset.overdue(today)
        return queryset
