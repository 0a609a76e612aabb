"""Seeds realistic data at one of three sizes into the configured PostgreSQL database.

    python manage.py seed_scale --size baerum|oslo|national [--years N] [--seed S]

baerum: 1 municipality, 86 kindergartens, 375 departments; oslo: 700 and 3,000;
national: 450 municipalities, 9,500 kindergartens, 40,000 departments. Ten years of two
rounds a year (five for national), then the round under way. The same arguments give the
same rows; a seed of the same arguments already in the database is left alone.
`--kindergartens`, `--departments`, `--municipalities` and `--observers` change a size
(the tests seed a tiny one). See rapporter/scale.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from rapporter import scale


class Command(BaseCommand):
    help = "Seeds municipalities, kindergartens and years of observations at scale (COPY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(scale.SIZES), required=True)
        parser.add_argument("--years", type=int, help="Years of history (two rounds a year).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--municipalities", type=int)
        parser.add_argument("--kindergartens", type=int)
        parser.add_argument("--departments", type=int)
        parser.add_argument("--observers", type=int,
                            help="Observers of a single municipality (default: one per "
                                 f"{scale.DEPARTMENTS_PER_OBSERVER} departments).")
        parser.add_argument("--today", type=date.fromisoformat,
                            help="The day the seed is made on (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale loads with PostgreSQL's COPY: set DATABASE_URL.")
        spec = spec_from(options)
        existing = scale.find_seed(spec)
        if existing:
            self.stdout.write(f"Already seeded: {existing[0].name} ({len(existing)} "
                              "municipalities); nothing to do.")
            return
        verbose = options["verbosity"] > 1
        report = scale.seed(spec, log=self.stdout.write if verbose else None)
        counts = ", ".join(f"{value:,} {name.replace('_', ' ')}"
                           for name, value in report.counts.items())
        self.stdout.write(f"Seeded {spec.size} ({spec.years} years, seed {spec.seed}) in "
                          f"{report.seconds:.1f} s (stored results "
                          f"{report.results_seconds:.1f} s): {counts}.")


def spec_from(options: dict[str, Any]) -> scale.ScaleSpec:
    return scale.ScaleSpec.of(
        options["size"], years=options.get("years"), seed=options.get("seed") or 1,
        today=options.get("today"),
        municipalities=options.get("municipalities"),
        kindergartens=options.get("kindergartens"),
        departments=options.get("departments"), observers=options.get("observers"))
