from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapporterConfig(AppConfig):
    name = "rapporter"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from barnehager import registry
        from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_POLITICIAN
        from rapporter import selectors
        from rapporter.reports import receivers  # noqa: F401 - connects the signal receivers
        from rapporter.reports import views as report_views

        # The figures' sample standard deviation behaves on SQLite as on PostgreSQL.
        connection_created.connect(selectors.sqlite_sample_sd, dispatch_uid="sample_sd")

        registry.add_menu_entry("rapporter:dashboard", _("Dashboard"),
                                roles=(*MUNICIPAL_ROLES, ROLE_LEADER), order=80)
        registry.add_menu_entry("rapporter:report-list", _("Reports"),
                                roles=(*MUNICIPAL_ROLES, ROLE_POLITICIAN, ROLE_LEADER), order=90)
        registry.add_home_section("rapporter/reports/home_section.html",
                                  report_views.home_section, roles=(ROLE_POLITICIAN,), order=90)
