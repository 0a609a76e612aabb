"""The municipal quality framework: plans, their principles and focus areas, the measures
and signs of success of each focus area, and each kindergarten's choice of focus for a year.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from barnehager.privacy import NO_CHILD_NAMES
from kvalitet.access import (
    BarnehageFokusQuerySet,
    FokusomradeQuerySet,
    KvalitetsplanQuerySet,
    KvalitetsprinsippQuerySet,
    TegnQuerySet,
    TiltakQuerySet,
)

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class PlanKind(models.TextChoices):
    QUALITY_PLAN = "quality_plan", _("Quality plan")
    STRATEGY = "strategy", _("Strategy")
    PROGRAMME = "programme", _("Programme")


class QualityKind(models.TextChoices):
    STRUCTURE = "struktur", _("Structural quality")
    CONTENT = "innhold", _("Content quality")
    PROCESS = "prosess", _("Process quality")
    RESULT = "resultat", _("Result quality")


class Kvalitetsplan(models.Model):
    """A municipality's quality plan, strategy or programme for a period.

    A programme (Bærum's TETT PÅ) is a plan of kind "programme": it has the same parts.
    """

    kommune = models.ForeignKey("barnehager.Kommune", on_delete=models.CASCADE,
                                related_name="kvalitetsplaner", verbose_name=_("municipality"))
    kind = models.CharField(_("kind"), max_length=12, choices=PlanKind.choices,
                            default=PlanKind.QUALITY_PLAN)
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, validators=YEAR_VALIDATORS,
        help_text=_("Leave empty for a plan that runs until further notice."),
    )
    vision = models.TextField(_("vision"), blank=True)
    main_goal = models.TextField(_("main goal"), blank=True)
    foundation = models.TextField(
        _("foundation"), blank=True,
        help_text=_("What the principles rest on, e.g. relations between children and adults."),
    )
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    evaluation_due = models.DateField(_("evaluation due"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = KvalitetsplanQuerySet.as_manager()

    class Meta:
        ordering = ["kommune", "-start_year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "title", "start_year"],
                                    name="unique_kvalitetsplan_per_kommune"),
        ]
        verbose_name = _("quality plan")
        verbose_name_plural = _("quality plans")

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    @property
    def period(self) -> str:
        if self.end_year is None:
            return gettext("from %(year)s") % {"year": self.start_year}
        return f"{self.start_year}–{self.end_year}"

    def covers(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)

    def clean(self) -> None:
        if self.end_year is not None and self.start_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year cannot be before the first.")})
        if self.adopted_on and self.evaluation_due and self.evaluation_due <= self.adopted_on:
            raise ValidationError(
                {"evaluation_due": _("The evaluation must come after the adoption.")})


class Kvalitetsprinsipp(models.Model):
    """One of a plan's principles (Moss: "#for barnets beste" and five more)."""

    plan = models.ForeignKey(Kvalitetsplan, on_delete=models.CASCADE, related_name="prinsipper",
                             verbose_name=_("plan"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = KvalitetsprinsippQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"],
                                               name="unique_prinsipp_per_plan")]
        verbose_name = _("principle")
        verbose_name_plural = _("principles")

    def __str__(self) -> str:
        return self.name


class FokusKind(models.TextChoices):
    FOCUS_AREA = "focus_area", _("Focus area")
    AREA_OF_EFFORT = "area_of_effort", _("Area of effort")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention")


class Fokusomrade(models.Model):
    """A focus area (or area of effort) of a plan, with its goal, measures and signs."""

    plan = models.ForeignKey(Kvalitetsplan, on_delete=models.CASCADE,
                             related_name="fokusomrader", verbose_name=_("plan"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FokusKind.choices,
                            default=FokusKind.FOCUS_AREA)
    challenge = models.TextField(_("challenge"), blank=True,
                                 help_text=_("Why this area needs work now."))
    goal = models.TextField(_("goal"), blank=True)
    quality_kind = models.CharField(_("quality kind"), max_length=10, blank=True,
                                    choices=QualityKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = FokusomradeQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "title"],
                                               name="unique_fokusomrade_per_plan")]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.title


class TiltakStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")


class Tiltak(models.Model):
    """A measure of a focus area, with how far it has come."""

    fokusomrade = models.ForeignKey(Fokusomrade, on_delete=models.CASCADE,
                                    related_name="tiltak", verbose_name=_("focus area"))
    text = models.TextField(_("measure"))
    status = models.CharField(_("status"), max_length=12, choices=TiltakStatus.choices,
                              default=TiltakStatus.NOT_STARTED)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TiltakQuerySet.as_manager()

    class Meta:
        ordering = ["fokusomrade", "order", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.text[:80]


class RoleLevel(models.TextChoices):
    """Frederikshavn's levels of the organisation, each with its own signs of success."""

    STAFF = "staff", _("Staff")
    PEDAGOGICAL_LEADERS = "pedagogical_leaders", _("Pedagogical leaders")
    AREA_LEADERS = "area_leaders", _("Area leaders")
    CONSULTANTS = "consultants", _("Consultants")
    CENTRE_MANAGER = "centre_manager", _("Centre manager")


class Tegn(models.Model):
    """A sign of success of a focus area, seen at one level of the organisation."""

    fokusomrade = models.ForeignKey(Fokusomrade, on_delete=models.CASCADE,
                                    related_name="tegn", verbose_name=_("focus area"))
    role_level = models.CharField(_("role level"), max_length=20, choices=RoleLevel.choices)
    text = models.TextField(_("sign of success"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TegnQuerySet.as_manager()

    class Meta:
        ordering = ["fokusomrade", "order", "pk"]
        verbose_name = _("sign of success")
        verbose_name_plural = _("signs of success")

    def __str__(self) -> str:
        return f"{self.get_role_level_display()}: {self.text[:60]}"


class BarnehageFokus(models.Model):
    """A kindergarten's choice of a focus area for one year, with its own sub-goal."""

    barnehage = models.ForeignKey("barnehager.Barnehage", on_delete=models.CASCADE,
                                  related_name="fokus", verbose_name=_("kindergarten"))
    fokusomrade = models.ForeignKey(Fokusomrade, on_delete=models.CASCADE,
                                    related_name="valgt_av", verbose_name=_("focus area"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    sub_goal = models.TextField(_("sub-goal"), help_text=NO_CHILD_NAMES)
    anchored_in = models.CharField(
        _("anchored in"), max_length=200, blank=True,
        help_text=_("Where the work is anchored, e.g. the annual plan (årsplan)."),
    )
    chosen_from = models.CharField(
        _("chosen from"), max_length=200, blank=True,
        help_text=_("What the choice builds on, e.g. the kindergarten's SIMM analysis."),
    )
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("chosen by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BarnehageFokusQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "barnehage", "fokusomrade"]
        constraints = [
            models.UniqueConstraint(fields=["barnehage", "fokusomrade", "year"],
                                    name="unique_barnehagefokus_per_year"),
        ]
        verbose_name = _("kindergarten focus")
        verbose_name_plural = _("kindergarten focuses")

    def __str__(self) -> str:
        return f"{self.barnehage} {self.year}: {self.fokusomrade}"

    def clean(self) -> None:
        if not (self.barnehage_id and self.fokusomrade_id):
            return
        plan = self.fokusomrade.plan
        if plan.kommune_id != self.barnehage.kommune_id:
            raise ValidationError(
                {"fokusomrade": _("The focus area must belong to the kindergarten's "
                                  "municipality.")})
        if self.year and not plan.covers(self.year):
            raise ValidationError({"year": _("The year must lie inside the plan's period.")})
