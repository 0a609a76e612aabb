"""Observation instruments as data: Instrument > Domene > Dimensjon.

CLASS® is a registered trademark of Teachstone, Inc. Only the public facts are stored
here (codes, names, the 1-7 scale and its bands); never any text from the manuals.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from barnehager.privacy import NO_CHILD_NAMES
from observasjoner.access import (
    MaanedsplanQuerySet,
    ObservasjonQuerySet,
    ObservasjonsrundeQuerySet,
    PraksisfortellingQuerySet,
    SkaarQuerySet,
    SyklusQuerySet,
)


class TranslatedNameMixin(models.Model):
    """Names in nb, da and en; `name` answers in the active language."""

    name_nb = models.CharField(_("name (bokmål)"), max_length=150)
    name_da = models.CharField(_("name (Danish)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        language = (translation.get_language() or "nb")[:2]
        return getattr(self, f"name_{language}", None) or self.name_nb


class Instrument(TranslatedNameMixin):
    code = models.SlugField(_("code"), unique=True)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=7)
    # A mean below low_below is low, from high_from it is high (docs/domain.md, CLASS scoring).
    low_below = models.DecimalField(_("low below"), max_digits=3, decimal_places=1, default=2.5)
    high_from = models.DecimalField(_("high from"), max_digits=3, decimal_places=1, default=5.5)
    age_description = models.CharField(_("ages"), max_length=60, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name


class Domene(TranslatedNameMixin):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="domener",
                                   verbose_name=_("instrument"))
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"))
    # Research threshold worth showing on dashboards (ES/CO/EBS above 5, IS/ESL above 3).
    threshold = models.DecimalField(_("threshold"), max_digits=3, decimal_places=1,
                                    null=True, blank=True)

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"],
                                               name="unique_domene_code")]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Dimensjon(TranslatedNameMixin):
    domene = models.ForeignKey(Domene, on_delete=models.CASCADE, related_name="dimensjoner",
                               verbose_name=_("domain"))
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"))
    reversed = models.BooleanField(
        _("reversed"), default=False,
        help_text=_("A high score is bad (Negative Climate); enters domain scores as 8 - score."),
    )
    hint_nb = models.CharField(_("hint (bokmål)"), max_length=200, blank=True)
    hint_da = models.CharField(_("hint (Danish)"), max_length=200, blank=True)
    hint_en = models.CharField(_("hint (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["domene__instrument", "domene__order", "order"]
        constraints = [models.UniqueConstraint(fields=["domene", "code"],
                                               name="unique_dimensjon_code")]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def hint(self) -> str:
        language = (translation.get_language() or "nb")[:2]
        return getattr(self, f"hint_{language}", "") or self.hint_nb


class Semester(models.TextChoices):
    SPRING = "spring", _("Spring")
    AUTUMN = "autumn", _("Autumn")


class Observasjonsrunde(models.Model):
    """A round of observations in one municipality and semester, with its validity rules."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    kommune = models.ForeignKey("barnehager.Kommune", on_delete=models.CASCADE,
                                related_name="observasjonsrunder", verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=120)
    semester = models.CharField(_("semester"), max_length=6, choices=Semester.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNING)
    puljer = models.ManyToManyField("barnehager.Pulje", blank=True, related_name="runder",
                                    verbose_name=_("cohorts"),
                                    help_text=_("Leave empty to observe the whole municipality."))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Validity rules of the programme (defaults in docs/domain.md, Validity).
    planned_cycle_minutes = models.PositiveSmallIntegerField(_("planned cycle length (minutes)"),
                                                             default=20)
    min_cycle_minutes = models.PositiveSmallIntegerField(_("shortest valid cycle (minutes)"),
                                                         default=10)
    min_presence_share = models.DecimalField(
        _("share of enrolled children present"), max_digits=3, decimal_places=2, default=0.5)
    planned_cycles = models.PositiveSmallIntegerField(
        _("cycles planned per observation"), default=4,
        help_text=_("Bærum plans 3; the Pre-K norm is 4."))
    min_valid_cycles = models.PositiveSmallIntegerField(_("valid cycles for an observation"),
                                                        default=2)
    double_coding_share = models.PositiveSmallIntegerField(
        _("share double-coded (%)"), default=15)

    objects = ObservasjonsrundeQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-start_date"]
        verbose_name = _("observation round")
        verbose_name_plural = _("observation rounds")

    def __str__(self) -> str:
        return self.name


class Observasjon(models.Model):
    """One observer's observation of one department. A double-coding is a second
    Observasjon of the same department that points at the first one."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        LOCKED = "locked", _("Locked")

    runde = models.ForeignKey(Observasjonsrunde, on_delete=models.CASCADE,
                              related_name="observasjoner", verbose_name=_("round"))
    avdeling = models.ForeignKey("barnehager.Avdeling", on_delete=models.CASCADE,
                                 related_name="observasjoner", verbose_name=_("department"))
    observer = models.ForeignKey("barnehager.User", on_delete=models.PROTECT,
                                 related_name="observasjoner", verbose_name=_("observer"))
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT,
                                   related_name="observasjoner", verbose_name=_("instrument"))
    planned_date = models.DateField(_("planned date"))
    observed_on = models.DateField(_("observed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PLANNED)
    double_coding_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="double_codings",
        verbose_name=_("second coding of"))
    children_enrolled = models.PositiveSmallIntegerField(_("children enrolled"), null=True,
                                                         blank=True)
    adults_present = models.PositiveSmallIntegerField(_("adults present"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Written feedback to the department.
    feedback_strengths = models.TextField(
        _("strengths"), blank=True, help_text=NO_CHILD_NAMES)
    feedback_development = models.TextField(
        _("to work on"), blank=True, help_text=NO_CHILD_NAMES)
    feedback_dimensions = models.ManyToManyField(
        Dimensjon, blank=True, related_name="+", verbose_name=_("dimensions to work on"))
    feedback_meeting_on = models.DateField(_("feedback meeting"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObservasjonQuerySet.as_manager()

    class Meta:
        ordering = ["planned_date", "avdeling"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.avdeling} {self.planned_date:%d.%m.%Y}"

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.LOCKED)


class Activity(models.TextChoices):
    MEAL = "meal", _("Meal")
    PLAY = "play", _("Free play")
    CIRCLE = "circle", _("Circle time")
    OUTDOORS = "outdoors", _("Outdoors")
    TRANSITION = "transition", _("Transition")
    ROUTINE = "routine", _("Care routine")
    ACTIVITY = "activity", _("Adult-led activity")


class Syklus(models.Model):
    """A 15-20 minute cycle; `client_id` comes from the tablet so a replay creates nothing."""

    observasjon = models.ForeignKey(Observasjon, on_delete=models.CASCADE,
                                    related_name="sykluser", verbose_name=_("observation"))
    client_id = models.UUIDField(unique=True)
    number = models.PositiveSmallIntegerField(_("cycle"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    interrupted = models.BooleanField(_("interrupted"), default=False)
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices,
                                blank=True)
    children_present = models.PositiveSmallIntegerField(_("children present"), null=True,
                                                        blank=True)
    adults_present = models.PositiveSmallIntegerField(_("adults present"), null=True,
                                                      blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SyklusQuerySet.as_manager()

    class Meta:
        ordering = ["observasjon", "number"]
        constraints = [models.UniqueConstraint(fields=["observasjon", "number"],
                                               name="unique_cycle_number")]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self) -> str:
        return f"{self.observasjon} #{self.number}"

    @property
    def minutes(self) -> float | None:
        if self.started_at and self.ended_at:
            return (self.ended_at - self.started_at).total_seconds() / 60
        return None


class Skaar(models.Model):
    """A 1-7 score and a note for one dimension in one cycle.

    `version` grows with every change; a device that saves on top of a version it has not
    seen gets a conflict instead of overwriting.
    """

    syklus = models.ForeignKey(Syklus, on_delete=models.CASCADE, related_name="skaar",
                               verbose_name=_("cycle"))
    dimensjon = models.ForeignKey(Dimensjon, on_delete=models.PROTECT, related_name="skaar",
                                  verbose_name=_("dimension"))
    client_id = models.UUIDField(unique=True)
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=NO_CHILD_NAMES)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SkaarQuerySet.as_manager()

    class Meta:
        ordering = ["syklus", "dimensjon"]
        constraints = [
            models.UniqueConstraint(fields=["syklus", "dimensjon"], name="one_score_per_cycle"),
            models.CheckConstraint(condition=models.Q(value__isnull=True)
                                   | models.Q(value__gte=1, value__lte=7),
                                   name="score_on_scale"),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.syklus} {self.dimensjon.code}={self.value}"


class Endring(models.Model):
    """An audited amendment to a submitted observation: never a silent edit."""

    skaar = models.ForeignKey(Skaar, on_delete=models.CASCADE, related_name="endringer",
                              verbose_name=_("score"))
    old_value = models.PositiveSmallIntegerField(_("old score"), null=True)
    new_value = models.PositiveSmallIntegerField(_("new score"))
    reason = models.TextField(_("reason"))
    amended_by = models.ForeignKey("barnehager.User", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("amended by"))
    amended_at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        ordering = ["-amended_at"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return f"{self.skaar}: {self.old_value} -> {self.new_value}"


class Praksisfortelling(models.Model):
    """A short practice story tied to a dimension and a month."""

    barnehage = models.ForeignKey("barnehager.Barnehage", on_delete=models.CASCADE,
                                  related_name="praksisfortellinger",
                                  verbose_name=_("kindergarten"))
    avdeling = models.ForeignKey("barnehager.Avdeling", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("department"))
    dimensjon = models.ForeignKey(Dimensjon, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("dimension"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    title = models.CharField(_("title"), max_length=150)
    story = models.TextField(_("story"), help_text=NO_CHILD_NAMES)
    author = models.ForeignKey("barnehager.User", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PraksisfortellingQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-created_at"]
        verbose_name = _("practice story")
        verbose_name_plural = _("practice stories")

    def __str__(self) -> str:
        return self.title


class Maanedsplan(models.Model):
    """Which dimension a kindergarten works on in a month."""

    barnehage = models.ForeignKey("barnehager.Barnehage", on_delete=models.CASCADE,
                                  related_name="maanedsplaner", verbose_name=_("kindergarten"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    dimensjon = models.ForeignKey(Dimensjon, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("dimension"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = MaanedsplanQuerySet.as_manager()

    class Meta:
        ordering = ["barnehage", "month"]
        constraints = [models.UniqueConstraint(fields=["barnehage", "month"],
                                               name="one_dimension_per_month")]
        verbose_name = _("monthly plan")
        verbose_name_plural = _("monthly plans")

    def __str__(self) -> str:
        return f"{self.barnehage} {self.month:%m.%Y}: {self.dimensjon.code}"


class Resultat(models.Model):
    """An observation's result, stored so dashboards and reports aggregate it in SQL.

    Written only by `observasjoner.results` (`store_results`), from the raw scores through
    `observasjoner.scoring`, in the transaction that submits, locks, amends or imports the
    observation. An observation has a result while it is submitted or locked.
    `manage.py check_results` proves every stored result equals its recomputation.
    The kommune, round, semester (`period`), kindergarten and department are copies kept
    with it by the same writer, so the dashboards' filters use an index.
    """

    observasjon = models.OneToOneField(Observasjon, on_delete=models.CASCADE, primary_key=True,
                                       related_name="resultat", verbose_name=_("observation"))
    kommune = models.ForeignKey("barnehager.Kommune", on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("municipality"))
    runde = models.ForeignKey(Observasjonsrunde, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("round"))
    # year * 2, plus 1 for autumn: semesters sort and compare as numbers.
    period = models.PositiveIntegerField(_("semester"))
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("instrument"))
    barnehage = models.ForeignKey("barnehager.Barnehage", on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("kindergarten"))
    avdeling = models.ForeignKey("barnehager.Avdeling", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("department"))
    valid_cycles = models.PositiveSmallIntegerField(_("valid cycles"))
    # Enters aggregates: not a second coding and enough valid cycles (docs/domain.md).
    counts = models.BooleanField(_("counts"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        indexes = [
            models.Index(fields=["kommune", "period"], condition=models.Q(counts=True),
                         name="resultat_counting"),
            models.Index(fields=["barnehage", "period"], name="resultat_barnehage"),
            models.Index(fields=["avdeling", "instrument", "period"], name="resultat_avdeling"),
        ]
        verbose_name = _("observation result")
        verbose_name_plural = _("observation results")

    def __str__(self) -> str:
        return f"{self.observasjon_id}: {self.valid_cycles}"


class Resultatverdi(models.Model):
    """One domain score or dimension mean of a stored result (`Resultat`).

    A dimension row also holds the lowest and highest valid cycle score (the spread).
    The filter columns of the result are repeated so a group's mean, n and standard
    deviation come from one index without a join.
    """

    class Kind(models.TextChoices):
        DOMAIN = "domain", _("domain")
        DIMENSION = "dimension", _("dimension")

    resultat = models.ForeignKey(Resultat, on_delete=models.CASCADE, related_name="verdier",
                                 verbose_name=_("observation result"))
    kind = models.CharField(_("kind"), max_length=9, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=10)
    value = models.FloatField(_("score"), null=True)
    low = models.PositiveSmallIntegerField(_("lowest cycle"), null=True)
    high = models.PositiveSmallIntegerField(_("highest cycle"), null=True)
    kommune = models.ForeignKey("barnehager.Kommune", on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("municipality"))
    period = models.PositiveIntegerField(_("semester"))
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("instrument"))
    barnehage = models.ForeignKey("barnehager.Barnehage", on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("kindergarten"))
    avdeling = models.ForeignKey("barnehager.Avdeling", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("department"))
    counts = models.BooleanField(_("counts"))

    class Meta:
        ordering = ["resultat", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["resultat", "kind", "code"],
                                               name="one_value_per_code")]
        indexes = [
            # Covers the per-semester figures: an index-only scan, no table read.
            models.Index(fields=["kommune", "instrument", "kind", "period"],
                         include=["code", "value"], condition=models.Q(counts=True),
                         name="resultatverdi_counting"),
            models.Index(fields=["barnehage", "period"], condition=models.Q(counts=True),
                         name="resultatverdi_barnehage"),
        ]
        verbose_name = _("result value")
        verbose_name_plural = _("result values")

    def __str__(self) -> str:
        return f"{self.resultat_id} {self.code}={self.value}"


class Semestersum(models.Model):
    """Sums of the counting domain scores of one municipality, instrument, semester and
    domain, so the dashboards' trend and a semester's totals read a few rows however many
    years of results there are. Derived from `Resultatverdi` by `observasjoner.results`
    in the transaction that writes the results it sums (`refresh_sums`). The band
    limits it counted with are kept: a reader uses the row only while they are the
    instrument's, and while its observation count is that of the stored results.
    """

    kommune = models.ForeignKey("barnehager.Kommune", on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("municipality"))
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("instrument"))
    period = models.PositiveIntegerField(_("semester"))
    code = models.CharField(_("code"), max_length=10)
    observations = models.PositiveIntegerField(_("observations"))
    n = models.PositiveIntegerField(_("scores"))
    rows = models.PositiveIntegerField(_("rows"))
    total = models.FloatField(_("sum"), null=True)
    squares = models.FloatField(_("sum of squares"), null=True)
    low = models.FloatField(_("lowest"), null=True)
    high = models.FloatField(_("highest"), null=True)
    band_low = models.PositiveIntegerField(_("low band"))
    band_middle = models.PositiveIntegerField(_("middle band"))
    band_high = models.PositiveIntegerField(_("high band"))
    low_below = models.FloatField(_("low below"))
    high_from = models.FloatField(_("high from"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kommune", "instrument", "period", "code"],
                                               name="one_sum_per_semester_and_code")]
        verbose_name = _("semester sum")
        verbose_name_plural = _("semester sums")

    def __str__(self) -> str:
        return f"{self.kommune_id} {self.instrument_id} {self.period} {self.code}"


# Supervision's models live in their feature package; importing them here registers them
# with the app when Django loads observasjoner.models.
from observasjoner.tilsyn.models import (  # noqa: E402
    Kriterium,
    Skala,
    SkalaNiva,
    Tema,
    Tilsyn,
    TilsynInstrument,
    Tilsynsrapport,
    TilsynVurdering,
    Utviklingspunkt,
)

__all__ = [
    "Activity",
    "Dimensjon",
    "Domene",
    "Endring",
    "Instrument",
    "Kriterium",
    "Maanedsplan",
    "Observasjon",
    "Observasjonsrunde",
    "Praksisfortelling",
    "Resultat",
    "Resultatverdi",
    "Semester",
    "Skaar",
    "Skala",
    "SkalaNiva",
    "Syklus",
    "Tema",
    "Tilsyn",
    "TilsynInstrument",
    "TilsynVurdering",
    "Tilsynsrapport",
    "Utviklingspunkt",
]
