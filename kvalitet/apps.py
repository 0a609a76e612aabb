from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KvalitetConfig(AppConfig):
    name = "kvalitet"
    verbose_name = _("Quality framework")
