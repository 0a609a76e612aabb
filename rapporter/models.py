"""Reports as stored PDFs, the per-municipality report settings and the consultants'
recommendation for a year.

A `Rapport` row is one version of one report. Ordering it again makes a new version;
old versions stay listed. A row points at a file only once the whole file is stored and
checksummed (docs/domain.md, Reports).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_POLITICIAN, scope_of

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Kind(models.TextChoices):
    ANNUAL = "annual", _("Annual quality report")
    KINDERGARTEN = "kindergarten", _("Kindergarten report")
    SUPERVISION = "supervision", _("Supervision report")
    ACTION_PLAN = "action_plan", _("Action plan")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


# Who reads which kind once it is published. Consultants and admins see every report of
# their municipality in every state; politicians get the committee's report (aggregates
# only); a leader gets what concerns her own kindergarten.
POLITICIAN_KINDS = (Kind.ANNUAL,)
LEADER_KINDS = (Kind.KINDERGARTEN, Kind.SUPERVISION, Kind.ACTION_PLAN)
PENDING = (Status.QUEUED, Status.RUNNING)


class RapportQuerySet(models.QuerySet):
    def visible_to(self, user) -> RapportQuerySet:
        scope = scope_of(user)
        if scope.superuser:
            return self
        published = models.Q(status=Status.PUBLISHED)
        return self.filter(
            models.Q(kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))
            | (published & models.Q(kind__in=POLITICIAN_KINDS,
                                    kommune_id__in=scope.kommune_ids(ROLE_POLITICIAN)))
            | (published & models.Q(kind__in=LEADER_KINDS,
                                    barnehage_id__in=scope.barnehage_ids(ROLE_LEADER)))
        )

    def orderable_by(self, user) -> RapportQuerySet:
        """Reports the user may order again: consultants and admins, in their municipality."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))

    def published(self) -> RapportQuerySet:
        return self.filter(status=Status.PUBLISHED)


def report_upload_to(rapport: Rapport, filename: str) -> str:
    return f"rapporter/{rapport.kommune.slug}/{rapport.year}/{filename}"


class Rapport(models.Model):
    """One version of one report. The file is set in the same step that publishes it."""

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    kommune = models.ForeignKey("barnehager.Kommune", on_delete=models.CASCADE,
                                related_name="rapporter", verbose_name=_("municipality"))
    barnehage = models.ForeignKey("barnehager.Barnehage", on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="rapporter",
                                  verbose_name=_("kindergarten"))
    runde = models.ForeignKey(
        "observasjoner.Observasjonsrunde", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="rapporter", verbose_name=_("observation round"),
        help_text=_("The round whose closing called for this kindergarten report."))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    semester = models.CharField(
        _("semester"), max_length=6, blank=True,
        choices=[("spring", _("Spring")), ("autumn", _("Autumn"))],
        help_text=_("Empty for a report on the whole year."))
    # The supervision or action plan a report of those kinds renders.
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=255)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    requested_at = models.DateTimeField(_("ordered at"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("ordered by"),
        help_text=_("Empty when the schedule ordered it."))
    generated_at = models.DateTimeField(_("published at"), null=True, blank=True)
    scheduled = models.BooleanField(_("ordered by the schedule"), default=False)
    task_id = models.CharField(_("task id"), max_length=50, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error_message = models.TextField(_("error"), blank=True)

    objects = RapportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "kind", "barnehage__name", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | (~models.Q(file="")
                                                           & ~models.Q(sha256="")),
                name="published_rapport_has_file"),
        ]
        indexes = [models.Index(fields=["kommune", "kind", "status"])]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def period(self) -> str:
        if self.semester:
            return f"{self.get_semester_display()} {self.year}"
        return str(self.year)

    @property
    def title(self) -> str:
        subject = self.barnehage.name if self.barnehage_id else self.kommune.name
        return f"{self.get_kind_display()}: {subject} {self.period}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def download_name(self) -> str:
        subject = (self.barnehage or self.kommune).name
        parts = [self.kind, subject, self.period, f"v{self.version}"]
        return "-".join(part.replace(" ", "-") for part in parts) + ".pdf"

    def clean(self) -> None:
        if self.barnehage_id and self.barnehage.kommune_id != self.kommune_id:
            raise ValidationError({"barnehage": _("Must belong to the same municipality.")})
        if self.kind == Kind.ANNUAL and self.barnehage_id:
            raise ValidationError({"barnehage": _("The annual report covers the whole "
                                                  "municipality.")})
        if self.kind != Kind.ANNUAL and not self.barnehage_id:
            raise ValidationError({"barnehage": _("This kind of report is about one "
                                                  "kindergarten.")})


class RapportinnstillingQuerySet(models.QuerySet):
    def due_on(self, day: date) -> RapportinnstillingQuerySet:
        return self.filter(annual_month=day.month, annual_day=day.day)


class Rapportinnstilling(models.Model):
    """When a municipality's annual report is made, and which year it covers."""

    kommune = models.OneToOneField("barnehager.Kommune", on_delete=models.CASCADE,
                                   related_name="rapportinnstilling",
                                   verbose_name=_("municipality"))
    annual_month = models.PositiveSmallIntegerField(
        _("month of the annual report"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)])
    annual_day = models.PositiveSmallIntegerField(
        _("day of the annual report"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1-28, so the date exists every year."))
    covers_previous_year = models.BooleanField(
        _("covers the previous year"), default=True,
        help_text=_("Made early in the year, the report covers the year before."))

    objects = RapportinnstillingQuerySet.as_manager()

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self) -> str:
        return f"{self.kommune}: {self.annual_day:02d}.{self.annual_month:02d}"

    def report_year(self, day: date) -> int:
        return day.year - 1 if self.covers_previous_year else day.year


class AnbefalingQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnbefalingQuerySet:
        """Written and read by consultants and admins; politicians read it in the report."""
        scope = scope_of(user)
        if scope.superuser:
            return self
        return self.filter(kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))


class Anbefaling(models.Model):
    """What the consultants recommend, written for the year's annual report."""

    kommune = models.ForeignKey("barnehager.Kommune", on_delete=models.CASCADE,
                                related_name="anbefalinger", verbose_name=_("municipality"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    text = models.TextField(
        _("what the consultants recommend"),
        help_text=_("Shown in the annual report to the committee. Paragraphs are separated by "
                    "a blank line. Never write a child's name."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AnbefalingQuerySet.as_manager()

    class Meta:
        ordering = ["kommune", "-year"]
        constraints = [models.UniqueConstraint(fields=["kommune", "year"],
                                               name="one_anbefaling_per_year")]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return f"{self.kommune} {self.year}"
