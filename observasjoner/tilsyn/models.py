"""Supervision (tilsyn): supervision instruments as data, and a consultant's supervision of a
kindergarten's learning environment.

KVALid (UCN) is a licensed instrument: its statements are never shipped. A municipality
imports the instrument it holds a licence for (see `tilsyn_import`); the product ships an
instrument of its own, written in its own words (migration 0004's data).

The workflow follows Dagtilbudsloven § 5 and § 5 b: an assessment (announced or not), an
outcome (no concern; concern, which means intensified supervision with a follow-up date;
serious concern, which also needs an action plan), the parent board's comment, and a report
published for the institution at least every second year. In Norway the municipality acts
either as kindergarten authority (barnehagemyndighet) or as owner of its own kindergartens;
a supervision records which, and only the authority may order correction (pålegg om retting).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from barnehager.privacy import NO_CHILD_NAMES
from observasjoner.tilsyn.access import TilsynInstrumentQuerySet, TilsynQuerySet


class Language(models.TextChoices):
    BOKMAL = "nb", "Norsk bokmål"
    DANISH = "da", "Dansk"
    ENGLISH = "en", "English"


class Skala(models.Model):
    """A named rating scale: ordered levels and the level from which quality is good."""

    name = models.CharField(_("name"), max_length=150)
    good_from = models.PositiveSmallIntegerField(
        _("good quality from level"),
        help_text=_("The number of the first level that counts as good quality."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")

    def __str__(self) -> str:
        return self.name


class SkalaNiva(models.Model):
    """One level of a scale; `value` orders the levels, 1 being the lowest."""

    skala = models.ForeignKey(Skala, on_delete=models.CASCADE, related_name="levels",
                              verbose_name=_("rating scale"))
    value = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["skala", "value"]
        constraints = [
            models.UniqueConstraint(fields=["skala", "value"], name="unique_skalaniva_value"),
            models.UniqueConstraint(fields=["skala", "name"], name="unique_skalaniva_name"),
        ]
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")

    def __str__(self) -> str:
        return f"{self.value} {self.name}"


class TilsynInstrument(models.Model):
    """A supervision instrument: themes > criteria, rated on one named scale."""

    kommune = models.ForeignKey(
        "barnehager.Kommune", on_delete=models.CASCADE, null=True, blank=True,
        related_name="tilsyn_instrumenter", verbose_name=_("municipality"),
        help_text=_("Empty: shared by every municipality."),
    )
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                blank=True)
    licence_note = models.TextField(
        _("licence"), blank=True,
        help_text=_("Who holds the licence for this instrument, and on what terms."),
    )
    skala = models.ForeignKey(Skala, on_delete=models.PROTECT, related_name="instrumenter",
                              verbose_name=_("rating scale"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TilsynInstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "name"],
                                    name="unique_tilsyninstrument_per_kommune"),
            models.UniqueConstraint(fields=["name"], condition=models.Q(kommune__isnull=True),
                                    name="unique_shared_tilsyninstrument"),
        ]
        verbose_name = _("supervision instrument")
        verbose_name_plural = _("supervision instruments")

    def __str__(self) -> str:
        return self.name


class Tema(models.Model):
    instrument = models.ForeignKey(TilsynInstrument, on_delete=models.CASCADE,
                                   related_name="temaer", verbose_name=_("instrument"))
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "order"],
                                               name="unique_tema_order")]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Kriterium(models.Model):
    tema = models.ForeignKey(Tema, on_delete=models.CASCADE, related_name="kriterier",
                             verbose_name=_("theme"))
    text = models.TextField(_("criterion"))
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["tema__instrument", "tema__order", "order"]
        constraints = [models.UniqueConstraint(fields=["tema", "order"],
                                               name="unique_kriterium_order")]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.text


class Tilsyn(models.Model):
    """A consultant's supervision of one kindergarten's learning environment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")
        PUBLISHED = "published", _("Published")

    class Outcome(models.TextChoices):
        NO_CONCERN = "none", _("No concern")
        CONCERN = "concern", _("Concern: intensified supervision")
        SERIOUS = "serious", _("Serious concern: intensified supervision and action plan")

    class Role(models.TextChoices):
        AUTHORITY = "authority", _("Kindergarten authority (barnehagemyndighet)")
        OWNER = "owner", _("Owner of the kindergarten")

    # The outcomes' names are Danish law's (Dagtilbudsloven § 5 b: "skærpet tilsyn"). A
    # Norwegian municipality supervises as barnehagemyndighet, which has no intensified
    # supervision: there a concern is followed up with a new visit and, where the law is
    # broken, an order to correct (pålegg om retting). Same outcomes, its own words.
    NORWEGIAN_OUTCOMES = {
        "none": _("No concern"),
        "concern": _("Concern: followed up with a new supervision"),
        "serious": _("Serious concern: followed up, with an action plan at once"),
    }

    # Outcomes that put the kindergarten under intensified supervision (in Norway: an open
    # follow-up).
    INTENSIFIED = (Outcome.CONCERN, Outcome.SERIOUS)
    LEADER_VISIBLE = (Status.COMPLETED, Status.PUBLISHED)

    barnehage = models.ForeignKey("barnehager.Barnehage", on_delete=models.PROTECT,
                                  related_name="tilsyn", verbose_name=_("kindergarten"))
    consultant = models.ForeignKey("barnehager.User", on_delete=models.PROTECT,
                                   related_name="tilsyn", verbose_name=_("consultant"))
    instrument = models.ForeignKey(TilsynInstrument, on_delete=models.PROTECT,
                                   related_name="tilsyn", verbose_name=_("instrument"))
    date = models.DateField(_("date of the visit"))
    announced = models.BooleanField(
        _("announced visit"), default=True,
        choices=[(True, _("Announced")), (False, _("Unannounced"))],
    )
    role = models.CharField(
        _("the municipality acts as"), max_length=10, choices=Role.choices,
        default=Role.AUTHORITY,
        help_text=_("Norway: the municipality supervises every kindergarten as kindergarten "
                    "authority, and follows up its own kindergartens as their owner. Keep "
                    "the two apart."),
    )
    findings = models.TextField(_("overall findings"), blank=True, help_text=NO_CHILD_NAMES)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    follow_up_date = models.DateField(
        _("follow-up date"), null=True, blank=True,
        help_text=_("Required for a concern: when the intensified supervision is followed up."),
    )
    correction_order = models.TextField(
        _("order to correct (pålegg om retting)"), blank=True,
        help_text=format_lazy("{}{}", _("Only the kindergarten authority may order "
                                         "correction, with a deadline. "), NO_CHILD_NAMES),
    )
    correction_deadline = models.DateField(_("deadline for correction"), null=True, blank=True)
    board_comment = models.TextField(_("the parent board's comment"), blank=True,
                                     help_text=NO_CHILD_NAMES)
    board_comment_date = models.DateField(_("date of the parent board's comment"), null=True,
                                          blank=True)
    board_comment_declined = models.BooleanField(
        _("the parent board gave no comment"), default=False,
        help_text=_("Tick when the board was informed and chose not to comment, so the "
                    "report says so instead of “not recorded”."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    closed_on = models.DateField(
        _("intensified supervision ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = TilsynQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "barnehage"]
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")

    def __str__(self) -> str:
        return f"{self.barnehage} {self.date:%d.%m.%Y}"

    @classmethod
    def outcome_choices(cls, country: str) -> list[tuple[str, str]]:
        """The outcomes in the words of the municipality's country (translated now)."""
        if country == "NO":
            return [(value, str(cls.NORWEGIAN_OUTCOMES[value]))
                    for value in cls.Outcome.values]
        return [(value, str(label)) for value, label in cls.Outcome.choices]

    @property
    def country(self) -> str:
        return self.barnehage.kommune.country

    @property
    def outcome_display(self) -> str:
        """The outcome as the municipality's country names it ("" with none yet)."""
        return dict(self.outcome_choices(self.country)).get(self.outcome, "")

    @property
    def is_intensified(self) -> bool:
        return self.outcome in self.INTENSIFIED

    @property
    def is_open_concern(self) -> bool:
        return self.is_intensified and self.closed_on is None

    def clean(self) -> None:
        errors = {}
        if self.is_intensified and self.follow_up_date is None:
            errors["follow_up_date"] = _("A concern means intensified supervision: give the "
                                         "date it is followed up.")
        if self.follow_up_date and self.date and self.follow_up_date <= self.date:
            errors["follow_up_date"] = _("Must be after the visit.")
        barnehage = self.barnehage if self.barnehage_id else None
        if self.role == self.Role.OWNER and barnehage is not None:
            if barnehage.kommune.country != "NO":
                errors["role"] = _("Only Norwegian municipalities supervise as owner.")
            elif barnehage.owner_type != "kommunal":
                errors["role"] = _("The municipality owns only its municipal kindergartens.")
        if self.correction_order and self.role != self.Role.AUTHORITY:
            errors["correction_order"] = _("Only the kindergarten authority may order "
                                           "correction.")
        if self.correction_order and self.correction_deadline is None:
            errors["correction_deadline"] = _("An order to correct needs a deadline.")
        if self.correction_deadline and not self.correction_order:
            errors["correction_deadline"] = _("A deadline belongs to an order to correct.")
        if errors:
            raise ValidationError(errors)

    # The workflow. Each step states its own rule here and nowhere else.

    def completion_problems(self) -> list[str]:
        """Why this draft cannot be completed yet (empty when it can)."""
        problems = []
        unrated = self.vurderinger.filter(niva__isnull=True).count()
        if unrated:
            problems.append(_("%(count)d criteria have no rating.") % {"count": unrated})
        if not self.outcome:
            problems.append(_("Choose the outcome."))
        try:
            self.clean()
        except ValidationError as error:
            problems.extend(message for messages in error.message_dict.values()
                            for message in messages)
        return problems

    def complete(self) -> None:
        """Draft → completed: the leader now sees the assessment."""
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("Only a draft can be completed."))
        problems = self.completion_problems()
        if problems:
            raise ValidationError(problems)
        self.status = self.Status.COMPLETED
        self.completed_at = timezone.now()
        self.save(update_fields=["status", "completed_at", "updated_at"])

    @property
    def board_comment_missing(self) -> bool:
        """Neither a comment recorded nor marked as not given: a warning before publishing."""
        return not self.board_comment.strip() and not self.board_comment_declined

    @property
    def has_report(self) -> bool:
        """Publishing (services.publish) stores the report in the same transaction, so a
        published supervision always has one."""
        return self.status == self.Status.PUBLISHED

    def action_plans(self) -> models.QuerySet:
        """The action plans started from this supervision's development points. The action
        plan owns the relation (`Handleplan.utviklingspunkt`, related name "handleplaner"):
        supervision follows it backwards and never imports the action-plan app."""
        plan_model = Utviklingspunkt._meta.get_field("handleplaner").related_model
        return plan_model._default_manager.filter(utviklingspunkt__tilsyn=self)

    def close_problems(self) -> list[str]:
        """Why the intensified supervision cannot end yet (empty when it can). The one
        place the rule "serious concern cannot be closed without an action plan" lives."""
        problems = []
        if not self.is_open_concern:
            problems.append(_("Only an open concern can be closed."))
        if self.status == self.Status.DRAFT:
            problems.append(_("Complete the supervision first."))
        if self.outcome == self.Outcome.SERIOUS and not self.action_plans().exists():
            problems.append(_("A serious concern cannot be closed without an action plan."))
        return problems

    def close(self, day: date) -> None:
        problems = self.close_problems()
        if problems:
            raise ValidationError(problems)
        self.closed_on = day
        self.save(update_fields=["closed_on", "updated_at"])


class TilsynVurdering(models.Model):
    """The rating and note for one criterion in one supervision."""

    tilsyn = models.ForeignKey(Tilsyn, on_delete=models.CASCADE, related_name="vurderinger",
                               verbose_name=_("supervision"))
    kriterium = models.ForeignKey(Kriterium, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("criterion"))
    niva = models.ForeignKey(SkalaNiva, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("rating"))
    note = models.TextField(_("note"), blank=True, help_text=NO_CHILD_NAMES)

    class Meta:
        ordering = ["tilsyn", "kriterium__tema__order", "kriterium__order"]
        constraints = [models.UniqueConstraint(fields=["tilsyn", "kriterium"],
                                               name="unique_vurdering_per_kriterium")]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.kriterium}: {self.niva or '–'}"


class Utviklingspunkt(models.Model):
    """A development point from a supervision; an action plan can start from it."""

    tilsyn = models.ForeignKey(Tilsyn, on_delete=models.CASCADE,
                               related_name="utviklingspunkter", verbose_name=_("supervision"))
    tema = models.ForeignKey(Tema, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("theme"))
    text = models.TextField(_("development point"), help_text=NO_CHILD_NAMES)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["tilsyn", "order", "pk"]
        verbose_name = _("development point")
        verbose_name_plural = _("development points")

    def __str__(self) -> str:
        return self.text


class Tilsynsrapport(models.Model):
    """A supervision's published report. The PDF lives in the database beside its fields,
    so a report is stored whole or not at all and any web process can serve it."""

    tilsyn = models.OneToOneField(Tilsyn, on_delete=models.CASCADE, related_name="rapport",
                                  verbose_name=_("supervision"))
    pdf = models.BinaryField(_("PDF"))
    generated_at = models.DateTimeField(_("generated at"))
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("supervision report")
        verbose_name_plural = _("supervision reports")

    def __str__(self) -> str:
        return str(self.tilsyn)
