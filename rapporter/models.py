"""Reports as stored PDFs, the per-municipality report settings and the consultants'
recommendation for a year.

A `Rapport` row is one version of one report. Ordering it again makes a new version;
old versions stay listed until the municipality's retention period removes them
(`Kommune.report_version_months`, `rapporter.reports.services.apply_report_retention`).
A row points at a file only once the whole file is stored and checksummed
(docs/domain.md, Reports). A version goes queued → running → draft, and only
a consultant's approval publishes it; a published version may be withdrawn and stays on
record (rapporter/access.py says who reads which).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from barnehager.access import MUNICIPAL_ROLES, scope_of
from rapporter.access import (  # noqa: F401 - re-exported: the kinds each reader sees
    LEADER_KINDS,
    POLITICIAN_KINDS,
    STORED,
    RapportQuerySet,
)

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Kind(models.TextChoices):
    ANNUAL = "annual", _("Annual quality report")
    KINDERGARTEN = "kindergarten", _("Kindergarten report")
    SUPERVISION = "supervision", _("Supervision report")
    ACTION_PLAN = "action_plan", _("Action plan")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DRAFT = "draft", _("Draft: waiting for approval")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FAILED = "failed", _("Failed")


PENDING = (Status.QUEUED, Status.RUNNING)


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
    generated_at = models.DateTimeField(
        _("made at"), null=True, blank=True,
        help_text=_("When the file was made: the report's figures are the data of that "
                    "moment."))
    warnings = models.JSONField(
        _("what is incomplete"), default=list, blank=True,
        help_text=_("What was missing or incomplete when the file was made "
                    "(rapporter/reports/completeness.py)."))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("withdrawn by"))
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)
    scheduled = models.BooleanField(_("ordered by the schedule"), default=False)
    task_id = models.CharField(_("task id"), max_length=50, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error_message = models.TextField(_("error"), blank=True)

    objects = RapportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "kind", "barnehage__name", "-version"]
        constraints = [
            # A draft, a published and a withdrawn version always have their whole file.
            models.CheckConstraint(
                condition=~models.Q(status__in=STORED) | (~models.Q(file="")
                                                          & ~models.Q(sha256="")),
                name="stored_rapport_has_file"),
            # Published (and later withdrawn) only through an approval, which is dated.
            models.CheckConstraint(
                condition=~models.Q(status__in=("published", "withdrawn"))
                | models.Q(published_at__isnull=False),
                name="published_rapport_was_approved"),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | models.Q(withdrawn_at__isnull=False),
                name="withdrawn_rapport_has_date"),
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
    def has_file(self) -> bool:
        return self.status in STORED

    def versions(self) -> RapportQuerySet:
        """Every version of this report, this one included."""
        return Rapport.objects.filter(
            kind=self.kind, kommune_id=self.kommune_id, year=self.year,
            semester=self.semester, barnehage__isnull=self.barnehage_id is None,
            subject_id__isnull=self.subject_id is None,
            **({"barnehage_id": self.barnehage_id} if self.barnehage_id else {}),
            **({"subject_id": self.subject_id} if self.subject_id else {}))

    @property
    def download_name(self) -> str:
        """"Årlig-kvalitetsrapport-Bærum-2025-v1.pdf": in the report's own language."""
        subject = (self.barnehage or self.kommune).name
        with translation.override(self.language or None):
            parts = [str(self.get_kind_display()), subject, self.period, f"v{self.version}"]
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
