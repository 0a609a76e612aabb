"""Observation instruments as data: Instrument > Domene > Dimensjon.

CLASS® is a registered trademark of Teachstone, Inc. Only the public facts are stored
here (codes, names, the 1-7 scale and its bands); never any text from the manuals.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


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
    # A mean below low_below is low, from high_from it is high (DESIGN.md section 3).
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
