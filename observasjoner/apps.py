from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservasjonerConfig(AppConfig):
    name = "observasjoner"
    verbose_name = _("Observations")

    def ready(self) -> None:
        from barnehager import registry
        from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER
        from observasjoner import receivers  # noqa: F401 - keeps stored results true
        from observasjoner.recording import views as recording_views
        from observasjoner.tilsyn import views as tilsyn_views

        registry.add_menu_entry("observasjoner:my-observations", _("My observations"),
                                roles=(ROLE_OBSERVER,), order=10)
        registry.add_menu_entry("observasjoner:runde-list", _("Observation rounds"),
                                roles=MUNICIPAL_ROLES, order=40)
        registry.add_menu_entry("observasjoner:tilsyn-list", _("Supervision"),
                                roles=(*MUNICIPAL_ROLES, ROLE_LEADER), order=50)
        registry.add_menu_entry("observasjoner:story-list", _("Practice stories"),
                                roles=(ROLE_LEADER,), order=70)
        # Whichever page the observer opens after logging in, her tablet keeps the
        # observations of the coming weeks for use without a connection.
        registry.add_page_script(
            "js/offline.js",
            data={"sw": "service-worker", "offline-list": "observasjoner:api-offline-pages"},
            roles=(ROLE_OBSERVER,))
        # What an observer does comes first on her home page (before the quality plan).
        registry.add_home_section("observasjoner/recording/home_upcoming.html",
                                  recording_views.upcoming_section,
                                  roles=(ROLE_OBSERVER,), order=5)
        registry.add_home_section("observasjoner/recording/home_section.html",
                                  recording_views.home_section,
                                  roles=(ROLE_LEADER,), order=60)
        registry.add_home_section("observasjoner/tilsyn/home_section.html",
                                  tilsyn_views.home_section,
                                  roles=(*MUNICIPAL_ROLES, ROLE_LEADER), order=70)
