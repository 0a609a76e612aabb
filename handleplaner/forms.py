"""Forms for action plans. The plan form follows its template: one text field per question,
shown with the question's help text beside it. Rules come from validation.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q
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
    """Shown grouped by instrument and domain (the group's legend names them)."""

    def label_from_instance(self, obj: Dimensjon) -> str:
        return f"{obj.code} {obj.name}"


class KriteriumChoiceField(forms.ModelMultipleChoiceField):
    """Shown grouped by theme (the group's legend names it)."""

    def label_from_instance(self, obj: Kriterium) -> str:
        return obj.text


def plan_instrument_codes(plan: Handleplan) -> set[str]:
    """The CLASS instruments a plan can target: its department's, or for a plan of the
    whole kindergarten those of its departments."""
    if plan.avdeling is not None:
        return {plan.avdeling.instrument_code}
    return {avdeling.instrument_code
            for avdeling in Avdeling.objects.filter(barnehage_id=plan.barnehage_id)}


def plan_supervision_instrument_id(plan: Handleplan) -> int | None:
    """The supervision instrument a plan starts from: its development point's, else that of
    the kindergarten's latest supervision it may read; None when it has had none."""
    if plan.utviklingspunkt_id:
        return Tilsyn.objects.filter(utviklingspunkter=plan.utviklingspunkt_id).values_list(
            "instrument_id", flat=True).first()
    return (Tilsyn.objects.filter(barnehage_id=plan.barnehage_id,
                                  status__in=Tilsyn.LEADER_VISIBLE)
            .order_by("-date", "-pk").values_list("instrument_id", flat=True).first())


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
        # A double coding is the same observation seen by a second observer: offer the
        # original only.
        "observasjon": Observasjon.objects.filter(
            avdeling__barnehage_id__in=barnehage_ids, double_coding_of__isnull=True,
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
TITLE_LENGTH = 120


def short_title(text: str) -> str:
    """A plan title from a longer text: its first sentence, cut at a word if still long."""
    first = " ".join(text.split())
    for end in (". ", "? ", "! "):
        if end in first:
            first = first[:first.index(end) + 1]
    first = first.rstrip(".")
    if len(first) <= TITLE_LENGTH:
        return first
    return first[:TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"


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
        points = getattr(self.fields["utviklingspunkt"], "queryset", None)
        initial = self.initial or {}
        if not self.is_bound and initial.get("utviklingspunkt") and points is not None:
            self._prefill_from(points.filter(pk=initial["utviklingspunkt"]).first())

    def _prefill_from(self, point: Utviklingspunkt | None) -> None:
        """A plan started from a development point takes its title and background from it."""
        if point is None:
            return
        self.initial.setdefault("title", short_title(point.text))
        self.initial.setdefault("origin_note", _(
            "Development point from the supervision on %(date)s: %(text)s") % {
                "date": date_format(point.tilsyn.date, "SHORT_DATE_FORMAT"),
                "text": point.text})
        self.initial.setdefault("barnehage", point.tilsyn.barnehage_id)

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
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label=gettext_lazy("CLASS dimensions targeted"))
    kriterier = KriteriumChoiceField(
        queryset=Kriterium.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label=gettext_lazy("Quality criteria targeted"),
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
        # Only what this plan can work on (and whatever it already targets): the
        # department's CLASS instrument and the supervision instrument it starts from.
        chosen_dimensions = list(plan.dimensjoner.values_list("pk", flat=True)) if plan.pk else []
        self.fields["dimensjoner"].queryset = (
            Dimensjon.objects.filter(
                Q(domene__instrument__active=True,
                  domene__instrument__code__in=plan_instrument_codes(plan))
                | Q(pk__in=chosen_dimensions))
            .select_related("domene__instrument")
            .order_by("domene__instrument__code", "domene__order", "order"))
        kommune = plan.barnehage.kommune
        instrument_id = plan_supervision_instrument_id(plan)
        chosen_criteria = list(plan.kriterier.values_list("pk", flat=True)) if plan.pk else []
        self.fields["kriterier"].queryset = Kriterium.objects.filter(
            Q(tema__instrument__in=TilsynInstrument.objects.available_for(kommune).filter(
                pk=instrument_id)) | Q(pk__in=chosen_criteria),
        ).select_related("tema").order_by("tema__instrument_id", "tema__order", "order")
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

    def target_groups(self, name: str) -> list[dict]:
        """The checkboxes of `dimensjoner` (by instrument and domain) or `kriterier` (by
        theme), each group a fieldset of its own."""
        groups: dict[object, dict] = {}
        for choice in self[name]:
            obj = choice.data["value"].instance
            if name == "dimensjoner":
                key = obj.domene_id
                legend = f"{obj.domene.instrument.name}: {obj.domene.name}"
            else:
                key = obj.tema_id
                legend = obj.tema.name
            groups.setdefault(key, {"legend": legend, "choices": []})["choices"].append(choice)
        return list(groups.values())

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
                    self.add_error(key, validation.missing_answer_field_message())
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
    next_on = forms.DateField(
        label=gettext_lazy("Next evaluation on"), required=False, widget=DateInput(),
        help_text=gettext_lazy("For an interim evaluation: when you evaluate next. You get a "
                               "reminder a week before."))
    # Interim unless she says so: a final evaluation ends the work on the plan.
    final = forms.BooleanField(
        label=gettext_lazy("This is the final evaluation: mark the plan as evaluated"),
        required=False, initial=False,
        help_text=gettext_lazy("Leave it unticked for an interim evaluation: the plan stays in "
                               "progress and the phases go on."))

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("An evaluation is recorded after it took place: "
                                          "choose today or an earlier date."))
        return held_on

    def clean(self):
        cleaned = super().clean() or {}
        next_on, final = cleaned.get("next_on"), cleaned.get("final")
        if next_on and final:
            self.add_error("next_on", _("A final evaluation has no next one: leave the date "
                                        "empty, or untick the final evaluation."))
        elif next_on and next_on <= timezone.localdate():
            self.add_error("next_on", _("The next evaluation is ahead: choose a date after "
                                        "today."))
        return cleaned


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
