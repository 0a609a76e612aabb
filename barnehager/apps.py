from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarnehagerConfig(AppConfig):
    name = "barnehager"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from barnehager import receivers, registry, views
        from barnehager.access import (
            MUNICIPAL_ROLES,
            ROLE_ADMIN,
            ROLE_LEADER,
            ROLE_OBSERVER,
            ROLE_POLITICIAN,
        )

        # Menu and home-page orders are shared by every app: tens, in the order shown.
        registry.add_menu_entry("home", _("Home"), roles=None, order=0)
        registry.add_menu_entry("barnehage-list", _("Kindergartens"),
                                roles=(*MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER), order=20)
        registry.add_menu_entry("admin:index", _("Administration"), roles=(ROLE_ADMIN,),
                                order=100)
        registry.add_menu_entry("people-list", _("People"), roles=(ROLE_ADMIN,), order=90)
        registry.add_menu_entry("audit-log", _("Audit log"), roles=(ROLE_ADMIN,), order=95)
        receivers.connect()
        registry.add_home_section("barnehager/home/leader.html", views.leader_section,
                                  roles=(ROLE_LEADER,), order=10)
        registry.add_home_section("barnehager/home/consultant.html", views.municipal_section,
                                  roles=MUNICIPAL_ROLES, order=20)
        # After her next observations (observasjoner, order 5): what she does comes first.
        registry.add_home_section("barnehager/home/observer.html", views.observer_section,
                                  roles=(ROLE_OBSERVER,), order=65)
        registry.add_home_section("barnehager/home/politician.html", views.politician_section,
                                  roles=(ROLE_POLITICIAN,), order=40)
