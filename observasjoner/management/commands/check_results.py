from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from observasjoner.management.commands.rebuild_results import check, kommune_or_none


class Command(BaseCommand):
    help = ("Proves that every stored observation result equals its recomputation from the "
            "raw scores; exits 1 and lists the observations where it does not.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kommune", metavar="SLUG", help="Only this municipality.")

    def handle(self, *args: Any, kommune: str | None = None, **options: Any) -> None:
        check(self, kommune_or_none(kommune))
