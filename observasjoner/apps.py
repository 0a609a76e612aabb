from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservasjonerConfig(AppConfig):
    name = "observasjoner"
    verbose_name = _("Observations")
