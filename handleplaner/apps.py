from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandleplanerConfig(AppConfig):
    name = "handleplaner"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from barnehager import registry
        from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER
        from handleplaner import views

        registry.add_menu_entry("handleplaner:list", _("Action plans"),
                                roles=(*MUNICIPAL_ROLES, ROLE_LEADER), order=60)
        registry.add_home_section("handleplaner/partials/home_section.html", views.home_section,
                                  roles=(*MUNICIPAL_ROLES, ROLE_LEADER), order=80)
