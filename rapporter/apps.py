from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapporterConfig(AppConfig):
    name = "rapporter"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from barnehager import registry
        from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_POLITICIAN
        from rapporter.reports import receivers  # noqa: F401 - connects the signal receivers
        from rapporter.reports import views as report_views

        registry.add_menu_entry("rapporter:dashboard", _("Dashboard"),
                                roles=(*MUNICIPAL_ROLES, ROLE_LEADER), order=80)
        registry.add_menu_entry("rapporter:report-list", _("Reports"),
                                roles=(*MUNICIPAL_ROLES, ROLE_POLITICIAN, ROLE_LEADER), order=90)
        registry.add_home_section("rapporter/reports/home_section.html",
                                  report_views.home_section, roles=(ROLE_POLITICIAN,), order=90)
