from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from barnehager.models import User
from barnehager.personal_data import services


class Command(BaseCommand):
    help = "Writes everything Kvalitet holds about a person (by e-mail) as JSON to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["email"])
        except User.DoesNotExist as missing:
            message = f"No account with the e-mail address {options['email']}"
            raise CommandError(message) from missing
        self.stdout.write(services.export_as_json(user).decode())
