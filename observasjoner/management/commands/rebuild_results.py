from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from barnehager.models import Kommune
from observasjoner import results


def kommune_or_none(slug: str | None) -> Kommune | None:
    if slug is None:
        return None
    try:
        return Kommune.objects.get(slug=slug)
    except Kommune.DoesNotExist as error:
        raise CommandError(f"Unknown municipality: {slug}") from error


def check(command: BaseCommand, kommune: Kommune | None) -> None:
    """Prints every observation whose stored result differs from its recomputation, and
    every semester sum that differs from the stored results summed again, and fails (exit
    status 1) when there is one."""
    found = 0
    for line in results.differences(kommune):
        found += 1
        command.stdout.write(line)
    sums = 0
    for line in results.sum_differences(kommune):
        sums += 1
        command.stdout.write(line)
    if found or sums:
        raise CommandError(f"{found} observation(s) with a stored result that differs from "
                           f"the recomputation and {sums} semester sum(s) that differ from "
                           "the stored results: run manage.py rebuild_results.")
    command.stdout.write("Every stored result equals its recomputation from the raw scores, "
                         "and every semester sum the stored results summed.")


class Command(BaseCommand):
    help = ("Recomputes and stores every observation's result from its raw scores "
            "(observasjoner.results.rebuild); with --check, only compares.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kommune", metavar="SLUG", help="Only this municipality.")
        parser.add_argument("--check", action="store_true",
                            help="Compare stored with recomputed results; exit 1 on a "
                                 "difference. Writes nothing.")
        parser.add_argument("--chunk-size", type=int, default=results.CHUNK)

    def handle(self, *args: Any, kommune: str | None = None,
               chunk_size: int = results.CHUNK, **options: Any) -> None:
        scope = kommune_or_none(kommune)
        if options.get("check"):
            check(self, scope)
            return
        started = time.perf_counter()
        stored = results.rebuild(scope, chunk_size=chunk_size)
        self.stdout.write(f"Stored {stored} results in {time.perf_counter() - started:.1f} s.")
