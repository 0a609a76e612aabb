from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from barnehager.models import Kommune
from observasjoner.rounds.importing import ImportFailed, import_observations


class Command(BaseCommand):
    help = ("Imports historical observations from a CSV file (one row per cycle). "
            "All or nothing: a bad row is reported with its line number and nothing is "
            "imported.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kommune", action="append", metavar="SLUG",
                            help="Only accept rows of this municipality (repeatable).")

    def handle(self, *args: Any, file: Path, kommune=None, **options: Any) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        kommuner = None
        if kommune:
            kommuner = list(Kommune.objects.filter(slug__in=kommune))
            unknown = set(kommune) - {k.slug for k in kommuner}
            if unknown:
                raise CommandError(f"Unknown municipality: {', '.join(sorted(unknown))}")
        try:
            result = import_observations(data, kommuner=kommuner)
        except ImportFailed as failed:
            for error in failed.errors.shown:
                self.stderr.write(error)
            if failed.errors.hidden:
                self.stderr.write(f"... and {failed.errors.hidden} more.")
            raise CommandError(f"Nothing imported: {failed.errors.total} problem(s) in "
                               f"{file}.") from failed
        rounds = ", ".join(runde.name for runde in result.rounds)
        self.stdout.write(self.style.SUCCESS(
            f"Imported {result.observations} observations with {result.cycles} cycles "
            f"into {rounds}."))
