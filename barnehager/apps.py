from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarnehagerConfig(AppConfig):
    name = "barnehager"
    verbose_name = _("Organisation")
