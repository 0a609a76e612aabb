from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from barnehager.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, KOMMUNER, PEOPLE, demo_email

# Each app's demo module, in dependency order; each has seed(stdout) and is idempotent.
DEMO_MODULES = [
    "barnehager.demo",
    "kvalitet.plans.demo",
    "observasjoner.demo",
    "observasjoner.tilsyn.demo",
    "handleplaner.demo",
    "rapporter.demo",
]


class Command(BaseCommand):
    help = "Loads the demo municipalities, kindergartens and users. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing to load demo data: demo users have known passwords and this is a "
                "production configuration (KVALITET_ENVIRONMENT=production)."
            )
        with transaction.atomic():
            for module in DEMO_MODULES:
                self.stdout.write(f"Seeding {module}")
                import_module(module).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for spec in KOMMUNER:
            for role, *_name in PEOPLE[spec.slug]:
                self.stdout.write(f"  {spec.name:<14} {role:<11} {demo_email(role, spec.slug)}")
        self.stdout.write(f"All demo addresses end in @{DEMO_EMAIL_DOMAIN}.")
