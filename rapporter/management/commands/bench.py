"""Measures Kvalitet at a realistic size and prints one `name: value unit` line per figure.

    python manage.py bench --size baerum|oslo|national [--years N] [--repeat 30]
        [--reports 24]

Seeds with `seed_scale` first unless a seed of the same arguments is in the database.
Progress goes to stderr; stdout carries the figures only. See rapporter/bench.py.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import translation

from rapporter import bench, scale
from rapporter.management.commands.seed_scale import spec_from


class Command(BaseCommand):
    help = "Seeds if needed, then times pages, score saves, reports and Celery workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(scale.SIZES), required=True)
        parser.add_argument("--years", type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--municipalities", type=int)
        parser.add_argument("--kindergartens", type=int)
        parser.add_argument("--departments", type=int)
        parser.add_argument("--observers", type=int)
        parser.add_argument("--repeat", type=int, default=30,
                            help="Requests per figure after the warm-up (at least 30).")
        parser.add_argument("--reports", type=int, default=24,
                            help="Kindergarten reports per Celery run (0: skip Celery).")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench needs PostgreSQL: set DATABASE_URL.")
        spec = spec_from({**options, "today": None})

        def emit(figure: bench.Figure) -> None:
            self.stdout.write(figure.line())
            self.stdout.flush()

        def log(message: str) -> None:
            self.stderr.write(message)

        with translation.override("nb"):
            bench.Bench(spec, repeat=options["repeat"], reports=options["reports"],
                        emit=emit, log=log).run()
