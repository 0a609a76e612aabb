from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from barnehager.models import User
from barnehager.personal_data import services


class Command(BaseCommand):
    help = ("De-identifies a person's account (by e-mail): her figures and history stay, "
            "with 'former user' instead of her name.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["email"])
        except User.DoesNotExist as missing:
            message = f"No account with the e-mail address {options['email']}"
            raise CommandError(message) from missing
        if not options["yes"]:
            answer = input(f"Erase {user} <{user.email}>? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in {"y", "yes", "j", "ja"}:
                raise CommandError("Nothing erased.")
        services.erase_person(user)
        self.stdout.write(f"Erased: the account is now {user.username}.")
