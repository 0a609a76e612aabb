"""Makes a report synchronously, in this process, and prints the file's path. The report
is a draft: a consultant approves it on its page before anyone else reads it.

    python manage.py generate_report annual --kommune baerum --year 2025 [--out FILE]
    python manage.py generate_report kindergarten --kommune baerum --barnehage "Jar barnehage"
        --year 2025 --semester autumn
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from barnehager.models import Barnehage, Kommune
from observasjoner.models import Semester
from rapporter.models import Kind
from rapporter.reports import services


class Command(BaseCommand):
    help = ("Generates a report now (without Celery) as a draft for a consultant to approve, "
            "and prints its path.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=[Kind.ANNUAL, Kind.KINDERGARTEN])
        parser.add_argument("--kommune", required=True, help="The municipality's slug.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--barnehage", help="The kindergarten's name (kindergarten report).")
        parser.add_argument("--semester", choices=Semester.values,
                            help="The semester (kindergarten report).")
        parser.add_argument("--out", help="Also copy the PDF to this file.")

    def handle(self, *args: Any, kind, kommune, year, barnehage, semester, out,
               **options: Any) -> None:
        try:
            kommune = Kommune.objects.get(slug=kommune)
        except Kommune.DoesNotExist:
            raise CommandError(f"No municipality with the slug {kommune!r}.") from None
        if kind == Kind.KINDERGARTEN:
            if not (barnehage and semester):
                raise CommandError("A kindergarten report needs --barnehage and --semester.")
            try:
                barnehage = Barnehage.objects.get(kommune=kommune, name=barnehage)
            except Barnehage.DoesNotExist:
                raise CommandError(f"No kindergarten {barnehage!r} in {kommune}.") from None
        else:
            barnehage, semester = None, ""
        rapport = services.order(kind, kommune, year=year, semester=semester,
                                 barnehage=barnehage)
        try:
            rapport = services.generate_now(rapport)
        except Exception as error:
            raise CommandError(f"The report could not be made: {error}") from error
        if out:
            target = Path(out)
            with rapport.file.open("rb") as source, open(target, "wb") as destination:
                shutil.copyfileobj(source, destination)
            path = target.resolve()
        else:
            try:
                path = rapport.file.path
            except NotImplementedError:
                path = rapport.file.name
        self.stdout.write(str(path))
