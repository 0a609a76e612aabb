from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from barnehager.models import Kommune
from observasjoner.tilsyn.importing import InstrumentImportError, import_instrument


class Command(BaseCommand):
    help = ("Imports a supervision instrument (themes, criteria and a named scale) from a CSV "
            "or YAML file, all or nothing. See observasjoner/tilsyn_import.py for the format.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--kommune", metavar="SLUG",
                           help="The municipality that holds the licence for the instrument.")
        owner.add_argument("--shared", action="store_true",
                           help="Share the instrument with every municipality (only for "
                                "instruments free of licence terms).")

    def handle(self, *args: Any, file: Path, kommune: str | None, shared: bool,
               **options: Any) -> None:
        owner = None
        if not shared:
            owner = Kommune.objects.filter(slug=kommune).first()
            if owner is None:
                raise CommandError(f"No municipality with the slug {kommune!r}.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            instrument = import_instrument(content, file.name, owner)
        except InstrumentImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing imported: {len(error.problems)} problem(s) in "
                               f"{file.name}.") from None
        criteria = sum(tema.kriterier.count() for tema in instrument.temaer.all())
        self.stdout.write(self.style.SUCCESS(
            f"Imported {instrument.name!r}: {instrument.temaer.count()} themes, {criteria} "
            f"criteria, scale {instrument.skala.name!r} for {owner or 'every municipality'}."))
