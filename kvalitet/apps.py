from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KvalitetConfig(AppConfig):
    name = "kvalitet"
    verbose_name = _("Quality framework")

    def ready(self) -> None:
        from barnehager import registry
        from kvalitet.access import PLAN_READERS
        from kvalitet.plans import views

        registry.add_menu_entry("kvalitet:plan-list", _("Quality plan"), roles=PLAN_READERS,
                                order=30)
        registry.add_home_section("kvalitet/home_section.html", views.home_section, roles=None,
                                  order=50)
