"""Action plans (handleplaner): templates as data, the plans written from them, their phases,
progress, evaluations and comments, and the one state machine every plan moves through.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from barnehager.privacy import NO_CHILD_NAMES
from handleplaner import validation
from handleplaner.access import HandleplanQuerySet, MalQuerySet, may

TEXT_LANGUAGES = ("nb", "da", "en")


class TranslatedText(models.Model):
    """Template texts come in nb, da and en; `translated()` answers in the active language,
    falling back to whichever language the author wrote (a municipality may write only one)."""

    class Meta:
        abstract = True

    def translated(self, base: str) -> str:
        language = (translation.get_language() or "nb")[:2]
        for code in (language, *TEXT_LANGUAGES):
            value = getattr(self, f"{base}_{code}", "")
            if value:
                return value
        return ""

    def _require_one_language(self, base: str) -> None:
        if not any(getattr(self, f"{base}_{code}") for code in TEXT_LANGUAGES):
            raise ValidationError({f"{base}_nb": _("Write this text in at least one language.")})


class Mal(TranslatedText):
    """A template for action plans: ordered sections of questions.

    A template without a municipality is a preset every municipality may use (SMART, the
    default, and SMTTE); a municipality may add its own.
    """

    kommune = models.ForeignKey(
        "barnehager.Kommune", on_delete=models.CASCADE, null=True, blank=True,
        related_name="handleplan_maler", verbose_name=_("municipality"),
        help_text=_("Leave empty for a preset every municipality may use."),
    )
    code = models.SlugField(_("code"))
    name_nb = models.CharField(_("name (bokmål)"), max_length=150, blank=True)
    name_da = models.CharField(_("name (Danish)"), max_length=150, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description_nb = models.TextField(_("description (bokmål)"), blank=True)
    description_da = models.TextField(_("description (Danish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_default = models.BooleanField(
        _("default"), default=False,
        help_text=_("Offered first when a leader starts a plan; a municipality's own default "
                    "comes before the preset."),
    )
    active = models.BooleanField(_("in use"), default=True)

    objects = MalQuerySet.as_manager()

    class Meta:
        ordering = ["kommune", "-is_default", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "code"], name="unique_mal_per_kommune"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(kommune__isnull=True),
                                    name="unique_global_mal"),
        ]
        verbose_name = _("action plan template")
        verbose_name_plural = _("action plan templates")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.translated("name")

    @property
    def description(self) -> str:
        return self.translated("description")

    def clean(self) -> None:
        self._require_one_language("name")

    @classmethod
    def default_for(cls, kommune_id: int) -> Mal | None:
        """The municipality's own default template, else the global default."""
        return (cls.objects.available_in(kommune_id).filter(is_default=True)
                .order_by(models.F("kommune").asc(nulls_last=True)).first()
                or cls.objects.available_in(kommune_id).first())


class Seksjon(TranslatedText):
    mal = models.ForeignKey(Mal, on_delete=models.CASCADE, related_name="seksjoner",
                            verbose_name=_("template"))
    order = models.PositiveSmallIntegerField(_("order"))
    title_nb = models.CharField(_("title (bokmål)"), max_length=150, blank=True)
    title_da = models.CharField(_("title (Danish)"), max_length=150, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    # The plan's structured parts appear in the section that shows them; a template
    # without such a section shows them at the end.
    shows_responsibilities = models.BooleanField(
        _("shows the responsibilities"), default=False,
        help_text=_("The responsibilities of leader, owner and board follow the questions."))
    shows_timeline = models.BooleanField(
        _("shows the timeline"), default=False,
        help_text=_("The period, phases, deadline and dates follow the questions."))

    class Meta:
        ordering = ["mal", "order"]
        constraints = [models.UniqueConstraint(fields=["mal", "order"],
                                               name="unique_seksjon_order")]
        verbose_name = _("template section")
        verbose_name_plural = _("template sections")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.translated("title")

    def clean(self) -> None:
        self._require_one_language("title")


class Sporsmal(TranslatedText):
    """A question of a template, with the help text shown beside it in the form."""

    seksjon = models.ForeignKey(Seksjon, on_delete=models.CASCADE, related_name="sporsmal",
                                verbose_name=_("section"))
    order = models.PositiveSmallIntegerField(_("order"))
    text_nb = models.CharField(_("question (bokmål)"), max_length=300, blank=True)
    text_da = models.CharField(_("question (Danish)"), max_length=300, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_text_nb = models.TextField(_("help text (bokmål)"), blank=True)
    help_text_da = models.TextField(_("help text (Danish)"), blank=True)
    help_text_en = models.TextField(_("help text (English)"), blank=True)
    required = models.BooleanField(_("required"), default=True,
                                   help_text=_("Must be answered before the plan is submitted."))

    class Meta:
        ordering = ["seksjon__mal", "seksjon__order", "order"]
        constraints = [models.UniqueConstraint(fields=["seksjon", "order"],
                                               name="unique_sporsmal_order")]
        verbose_name = _("template question")
        verbose_name_plural = _("template questions")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.translated("text")

    @property
    def help(self) -> str:
        return self.translated("help_text")

    def clean(self) -> None:
        self._require_one_language("text")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    EVALUATED = "evaluated", _("Evaluated")
    CLOSED = "closed", _("Closed")


# A leader edits the content only in these; afterwards it is fixed.
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
# Plans whose dates still matter: reminders go out and an overdue plan shows in the queue.
LIVE_STATUSES = (Status.APPROVED, Status.IN_PROGRESS)
FINISHED_STATUSES = (Status.EVALUATED, Status.CLOSED)


class Origin(models.TextChoices):
    SUPERVISION = "tilsyn", _("A supervision's development point")
    OBSERVATION = "observasjon", _("An observation's feedback")
    FOCUS_AREA = "fokusomrade", _("A focus area of the quality plan")
    OTHER = "annet", _("Other")


def overdue_condition(today: date) -> models.Q:
    """Not yet evaluated, and past the deadline or the evaluation date."""
    return ~models.Q(status__in=FINISHED_STATUSES) & (
        models.Q(deadline__lt=today) | models.Q(evaluation_due__lt=today))


class PlanQuerySet(HandleplanQuerySet):
    def overdue(self, today: date) -> PlanQuerySet:
        return self.filter(overdue_condition(today))

    def needing_attention(self, today: date) -> PlanQuerySet:
        """A consultant's queue: waiting for approval, or overdue."""
        return self.filter(models.Q(status=Status.SUBMITTED) | overdue_condition(today))


def _is_complete(plan: Handleplan) -> bool:
    return not plan.submission_problems()


def _has_evaluation(plan: Handleplan) -> bool:
    return plan.evalueringer.exists()


class Handleplan(FSMModelMixin, models.Model):
    """An action plan of a kindergarten (optionally one department).

    The content is the template's answers plus the fields below; it is edited only while
    the plan is a draft or returned. `version` guards against two people saving over each
    other (see services.save_content); `edit_token` names the form that saved last.
    """

    barnehage = models.ForeignKey("barnehager.Barnehage", on_delete=models.CASCADE,
                                  related_name="handleplaner", verbose_name=_("kindergarten"))
    avdeling = models.ForeignKey(
        "barnehager.Avdeling", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="handleplaner", verbose_name=_("department"),
        help_text=_("Leave empty when the plan concerns the whole kindergarten."),
    )
    mal = models.ForeignKey(Mal, on_delete=models.PROTECT, related_name="handleplaner",
                            verbose_name=_("template"))
    origin = models.CharField(_("comes from"), max_length=12, choices=Origin.choices,
                              default=Origin.OTHER)
    origin_note = models.TextField(
        _("about the origin"), blank=True,
        help_text=_("E.g. which development point or feedback the plan answers. "
                    "Do not write children's names."),
    )
    # Where the plan comes from; `origin` says which of these (if any) applies.
    utviklingspunkt = models.ForeignKey(
        "observasjoner.Utviklingspunkt", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="handleplaner", verbose_name=_("development point"))
    observasjon = models.ForeignKey(
        "observasjoner.Observasjon", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="handleplaner", verbose_name=_("observation"))
    fokusomrade = models.ForeignKey(
        "kvalitet.Fokusomrade", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="handleplaner", verbose_name=_("focus area"))
    dimensjoner = models.ManyToManyField(
        "observasjoner.Dimensjon", blank=True, related_name="handleplaner",
        verbose_name=_("CLASS dimensions targeted"),
    )
    kriterier = models.ManyToManyField(
        "observasjoner.Kriterium", blank=True, related_name="handleplaner",
        verbose_name=_("quality criteria targeted"),
        help_text=_("Criteria of the supervision instrument the plan works on."),
    )
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), blank=True,
                            help_text=_("One or two sentences: what will be different when the "
                                        "plan has worked. Do not write children's names."))
    period_start = models.DateField(_("period starts"), null=True, blank=True)
    period_end = models.DateField(_("period ends"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True,
                                help_text=_("When the goal should be reached."))
    next_supervision = models.DateField(_("next supervision"), null=True, blank=True)
    evaluation_due = models.DateField(_("evaluation due"), null=True, blank=True,
                                      help_text=_("When the plan is to be evaluated."))
    responsibility_leader = models.TextField(
        _("the leader's responsibility"), blank=True,
        help_text=_("What the kindergarten's leader does to reach the goal."))
    responsibility_owner = models.TextField(
        _("the owner's responsibility"), blank=True,
        help_text=_("What the owner or contract holder does: support, follow-up, resources."))
    responsibility_board = models.TextField(
        _("the board's responsibility"), blank=True,
        help_text=_("What the parent board does: be informed, follow the plan, comment."))
    status = FSMField(_("status"), max_length=12, choices=Status.choices,
                      default=Status.DRAFT, protected=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    edit_token = models.CharField(max_length=32, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[dimensjoner, kriterier],
                                excluded_fields=["edit_token", "updated_at"])
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "deadline"]),
                   models.Index(fields=["barnehage", "status"])]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title

    @property
    def kommune_id(self) -> int:
        return self.barnehage.kommune_id

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def is_overdue(self, today: date) -> bool:
        """The same rule as PlanQuerySet.overdue, for a plan already in memory."""
        if self.status in FINISHED_STATUSES:
            return False
        return any(day and day < today for day in (self.deadline, self.evaluation_due))

    # The rules of a complete plan, from the saved content (validation.py holds the rules).

    def submission_problems(self, today: date | None = None) -> list[str]:
        """What stops this plan from going for approval, as messages; empty when complete."""
        today = today or timezone.localdate()
        problems = list(validation.required_fields_problems(
            {name: getattr(self, name) for name in ("title", "goal", "period_start",
                                                    "period_end")}).values())
        problems += validation.period_problems(self.period_start, self.period_end).values()
        problems += validation.deadline_problems(self.deadline, today).values()
        answered = {answer.sporsmal_id for answer in self.svar.all() if answer.text.strip()}
        problems += [validation.missing_answer_message(question.text)
                     for question in Sporsmal.objects.filter(seksjon__mal_id=self.mal_id,
                                                             required=True)
                     if question.pk not in answered]
        phases = list(self.faser.all())
        if not phases:
            problems.append(str(_("Add at least one phase with its start and end dates.")))
        for fase in phases:
            for message in (validation.phase_missing_problems(fase.title, fase.start, fase.end)
                            | validation.phase_problems(fase.start, fase.end,
                                                        self.period_start,
                                                        self.period_end)).values():
                problems.append(f"{fase.label}: {message}")
        return problems

    # The state machine. Each transition is permitted by a rule in access.py; the service
    # `services.apply_transition` runs it, records who and when, and sends the e-mails.

    @transition(field=status, source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED,
                permission=may("handleplaner.submit_plan"), conditions=[_is_complete])
    def submit(self, by, comment: str = "") -> None:
        self.submitted_at = timezone.now()

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED,
                permission=may("handleplaner.review_plan"))
    def approve(self, by, comment: str = "") -> None:
        self.approved_by = by
        self.approved_at = timezone.now()

    @transition(field=status, source=Status.SUBMITTED, target=Status.RETURNED,
                permission=may("handleplaner.review_plan"))
    def return_to_leader(self, by, comment: str = "") -> None:
        if not comment.strip():
            raise ValidationError(_("Say what the leader should change when you return a plan."))

    @transition(field=status, source=Status.APPROVED, target=Status.IN_PROGRESS,
                permission=may("handleplaner.start_plan"))
    def start(self, by, comment: str = "") -> None:
        """Work begins; from now on progress is recorded per phase."""

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.EVALUATED,
                permission=may("handleplaner.evaluate_plan"), conditions=[_has_evaluation])
    def evaluate(self, by, comment: str = "") -> None:
        """Follows a recorded final evaluation (services.record_evaluation)."""

    @transition(field=status, source=Status.EVALUATED, target=Status.IN_PROGRESS,
                permission=may("handleplaner.reopen_plan"))
    def reopen(self, by, comment: str = "") -> None:
        """A consultant takes back an evaluation recorded as final by mistake; the work
        goes on (services.apply_transition makes that evaluation an interim one)."""
        if not comment.strip():
            raise ValidationError(_("Say why the plan is reopened."))

    @transition(field=status, source=Status.EVALUATED, target=Status.CLOSED,
                permission=may("handleplaner.close_plan"))
    def close(self, by, comment: str = "") -> None:
        self.closed_at = timezone.now()


TRANSITION_NAMES = ("submit", "approve", "return_to_leader", "start", "evaluate", "reopen",
                    "close")
TRANSITION_LABELS = {
    "submit": _("Submit for approval"),
    "approve": _("Approve"),
    "return_to_leader": _("Return for changes"),
    "start": _("Start the work"),
    "evaluate": _("Mark as evaluated"),
    "reopen": _("Reopen the plan"),
    "close": _("Close the plan"),
}


class Svar(models.Model):
    """The answer to one of the template's questions."""

    handleplan = models.ForeignKey(Handleplan, on_delete=models.CASCADE, related_name="svar",
                                   verbose_name=_("action plan"))
    sporsmal = models.ForeignKey(Sporsmal, on_delete=models.PROTECT, related_name="svar",
                                 verbose_name=_("question"))
    text = models.TextField(_("answer"), blank=True, help_text=NO_CHILD_NAMES)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["handleplan", "sporsmal"],
                                               name="unique_svar_per_sporsmal")]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text[:80]


class Fase(models.Model):
    """A phase of the plan's timeline. Dates may be empty in a draft, never when submitted."""

    handleplan = models.ForeignKey(Handleplan, on_delete=models.CASCADE, related_name="faser",
                                   verbose_name=_("action plan"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("what happens"), blank=True, help_text=NO_CHILD_NAMES)
    start = models.DateField(_("starts"), null=True, blank=True)
    end = models.DateField(_("ends"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["handleplan", "order", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        number = _("Phase %(number)s") % {"number": self.order + 1}
        return f"{number} ({self.title})" if self.title else str(number)


class Fremdrift(models.Model):
    """A progress note on a phase, written once the plan is under way."""

    fase = models.ForeignKey(Fase, on_delete=models.CASCADE, related_name="fremdrift",
                             verbose_name=_("phase"))
    text = models.TextField(_("progress"), help_text=NO_CHILD_NAMES)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["fase", "created_at"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return self.text[:80]


class GoalReached(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Evaluering(models.Model):
    handleplan = models.ForeignKey(Handleplan, on_delete=models.CASCADE,
                                   related_name="evalueringer", verbose_name=_("action plan"))
    held_on = models.DateField(_("date of the evaluation"))
    observed = models.TextField(_("what we saw"), help_text=NO_CHILD_NAMES)
    goal_reached = models.CharField(_("goal reached"), max_length=6,
                                    choices=GoalReached.choices)
    # Interim unless the leader says otherwise: only a final evaluation ends the work.
    final = models.BooleanField(_("final evaluation"), default=False)
    next_on = models.DateField(
        _("next evaluation"), null=True, blank=True,
        help_text=_("After an interim evaluation: when the next one is held. A reminder "
                    "goes out a week before."))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["handleplan", "held_on", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.held_on}: {self.get_goal_reached_display()}"


class Kommentar(models.Model):
    """A comment in the dialogue between consultant and leader about a plan."""

    handleplan = models.ForeignKey(Handleplan, on_delete=models.CASCADE,
                                   related_name="kommentarer", verbose_name=_("action plan"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    text = models.TextField(_("comment"), help_text=NO_CHILD_NAMES)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["handleplan", "created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:80]


class Overgang(models.Model):
    """One step through the state machine: which, by whom, when, and any comment."""

    handleplan = models.ForeignKey(Handleplan, on_delete=models.CASCADE,
                                   related_name="overganger", verbose_name=_("action plan"))
    name = models.CharField(_("transition"), max_length=20)
    source = models.CharField(_("from"), max_length=12, choices=Status.choices)
    target = models.CharField(_("to"), max_length=12, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["handleplan", "at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.get_source_display()} → {self.get_target_display()}"


class ReminderKind(models.TextChoices):
    PHASE_END = "phase_end", _("A phase ends")
    EVALUATION = "evaluation", _("The evaluation is due")
    INTERIM = "interim", _("An interim evaluation is due")


class Paminnelse(models.Model):
    """A reminder that was sent; at most one per phase end, one per plan evaluation and one
    per interim evaluation date (set by the evaluation before it)."""

    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    handleplan = models.ForeignKey(Handleplan, on_delete=models.CASCADE,
                                   related_name="paminnelser", verbose_name=_("action plan"))
    fase = models.ForeignKey(Fase, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="paminnelser", verbose_name=_("phase"))
    evaluering = models.ForeignKey(
        Evaluering, on_delete=models.CASCADE, null=True, blank=True, related_name="paminnelser",
        verbose_name=_("interim evaluation"),
        help_text=_("The evaluation that set the date of the next one."))
    due = models.DateField(_("due"))
    recipients = models.TextField(_("sent to"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["fase"], condition=models.Q(kind="phase_end"),
                                    name="one_reminder_per_phase"),
            models.UniqueConstraint(fields=["handleplan"],
                                    condition=models.Q(kind="evaluation"),
                                    name="one_evaluation_reminder_per_plan"),
            models.UniqueConstraint(fields=["evaluering"], condition=models.Q(kind="interim"),
                                    name="one_reminder_per_interim_evaluation"),
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due}"
