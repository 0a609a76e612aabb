from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from barnehager import downloads
from barnehager.models import Kommune
from observasjoner.models import Observasjonsrunde
from observasjoner.rounds.exporting import export


class Command(BaseCommand):
    help = ("Exports a municipality's submitted observations with dimension means, domain "
            "scores and bands (one row per observation) as CSV or XLSX.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kommune", required=True, metavar="SLUG")
        parser.add_argument("--format", choices=sorted(downloads.FORMATS), default=downloads.CSV)
        parser.add_argument("--runde", type=int, metavar="ID", help="Only this round.")
        parser.add_argument("--out", type=Path, metavar="FILE",
                            help="Write here instead of to standard output.")

    def handle(self, *args: Any, kommune: str, format: str, runde: int | None = None,
               out: Path | None = None, **options: Any) -> None:
        try:
            kommune_obj = Kommune.objects.get(slug=kommune)
        except Kommune.DoesNotExist as error:
            raise CommandError(f"Unknown municipality: {kommune}") from error
        runde_obj = None
        if runde is not None:
            runde_obj = Observasjonsrunde.objects.filter(kommune=kommune_obj, pk=runde).first()
            if runde_obj is None:
                raise CommandError(f"{kommune_obj} has no round {runde}.")
        sheet, _stem = export(kommune_obj, runde_obj)
        content = downloads.content(sheet, format)
        if out is not None:
            out.write_bytes(content)
            self.stderr.write(f"Wrote {out}")
        elif format == downloads.XLSX:
            raise CommandError("XLSX is binary: give --out FILE.")
        else:
            # The byte-order mark is for Excel opening a file, not for a pipe.
            self.stdout.write(content.decode("utf-8-sig"), ending="")
