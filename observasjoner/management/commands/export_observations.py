from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from barnehager.models import Kommune
from observasjoner.models import Observasjonsrunde
from observasjoner.rounds.exporting import FORMATS, export


class Command(BaseCommand):
    help = ("Exports a municipality's submitted observations with dimension means, domain "
            "scores and bands (one row per observation) as CSV or XLSX.")

    def add_arguments(self, parser):
        parser.add_argument("--kommune", required=True, metavar="SLUG")
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument("--runde", type=int, metavar="ID", help="Only this round.")
        parser.add_argument("--out", type=Path, metavar="FILE",
                            help="Write here instead of to standard output.")

    def handle(self, *args, kommune: str, format: str, runde=None, out=None, **options):
        try:
            kommune_obj = Kommune.objects.get(slug=kommune)
        except Kommune.DoesNotExist as error:
            raise CommandError(f"Unknown municipality: {kommune}") from error
        runde_obj = None
        if runde is not None:
            runde_obj = Observasjonsrunde.objects.filter(kommune=kommune_obj, pk=runde).first()
            if runde_obj is None:
                raise CommandError(f"{kommune_obj} has no round {runde}.")
        content, _content_type, _name = export(kommune_obj, format, runde_obj)
        if out is not None:
            out.write_bytes(content)
            self.stderr.write(f"Wrote {out}")
        elif format == "xlsx":
            raise CommandError("XLSX is binary: give --out FILE.")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
