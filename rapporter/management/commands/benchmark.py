"""Measures the dashboards at a realistic size: queries and milliseconds per page and per chart.

    python manage.py benchmark --kindergartens 86 --departments 375 --years 2 --cycles 3

Seeds one municipality (networks, cohorts, kindergartens, departments, rounds of
observations with cycles and scores, supervisions, action plans, focus choices) inside a
transaction that is rolled back at the end, so the configured database is left as it was.
When that database cannot be used (it does not exist, or is not migrated) the command
works in a throwaway test database instead and drops it afterwards.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from barnehager.models import (
    AgeGroup,
    Avdeling,
    Barnehage,
    Kommune,
    Membership,
    Nettverk,
    Pulje,
    Role,
    User,
)
from handleplaner.models import Evaluering, GoalReached, Handleplan, Mal
from kvalitet.models import BarnehageFokus, Fokusomrade, Kvalitetsplan, Tiltak
from observasjoner.models import Instrument, Observasjon, Observasjonsrunde, Skaar, Syklus
from observasjoner.tilsyn.models import Tilsyn, TilsynInstrument, TilsynVurdering
from rapporter import charts, selectors


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


class Command(BaseCommand):
    help = "Seeds realistic data in a rolled-back transaction and times every dashboard page."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kindergartens", type=int, default=86)
        parser.add_argument("--departments", type=int, default=375)
        parser.add_argument("--years", type=int, default=2,
                            help="Years of rounds (two rounds a year).")
        parser.add_argument("--cycles", type=int, default=3, help="Cycles per observation.")
        parser.add_argument("--repeat", type=int, default=3, help="Requests per page.")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, **options: Any) -> None:
        self.options = options
        self.rng = random.Random(options["seed"])
        test_db = None
        if not self._database_ready():
            self.stdout.write("The configured database is missing or not migrated: "
                              "using a throwaway test database.")
            test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True,
                                                         keepdb=False)
        try:
            with translation.override("nb"):
                try:
                    with transaction.atomic():
                        self._run()
                        raise Rollback
                except Rollback:
                    self.stdout.write("Rolled back: the database is as it was.")
        finally:
            if test_db is not None:
                connection.creation.destroy_test_db(test_db, verbosity=0)

    def _database_ready(self) -> bool:
        try:
            connections[DEFAULT_DB_ALIAS].ensure_connection()
            executor = MigrationExecutor(connection)
            return not executor.migration_plan(executor.loader.graph.leaf_nodes())
        except OperationalError:
            return False

    # Seeding -------------------------------------------------------------------------------

    def _run(self) -> None:
        started = time.perf_counter()
        world = self._seed()
        seeded = time.perf_counter() - started
        self.stdout.write(
            f"Seeded in {seeded:.1f} s: {world['kindergartens']} kindergartens, "
            f"{world['departments']} departments, {world['rounds']} rounds, "
            f"{world['observations']} observations, {world['cycles']} cycles, "
            f"{world['scores']} scores.")
        self._time_pages(world)
        self._time_charts(world)

    def _seed(self) -> dict:
        opts, rng = self.options, self.rng
        suffix = uuid.uuid4().hex[:6]
        kommune = Kommune.objects.create(name=f"Benchmark {suffix}", slug=f"bench-{suffix}",
                                         country="NO", language="nb",
                                         committee_name="Hovedutvalget")
        nettverk = [Nettverk.objects.create(kommune=kommune, name=f"Nettverk {i}")
                    for i in range(1, 5)]
        puljer = [Pulje.objects.create(kommune=kommune, name=f"Pulje {i}",
                                       start_date=date(2020 + i // 2, 1 + 7 * (i % 2), 1))
                  for i in range(1, 5)]
        barnehager = Barnehage.objects.bulk_create([
            Barnehage(kommune=kommune, name=f"Barnehage {i:03d}", nettverk=nettverk[i % 4],
                      pulje=puljer[i % 4]) for i in range(opts["kindergartens"])])
        avdelinger = Avdeling.objects.bulk_create([
            Avdeling(barnehage=barnehager[i % len(barnehager)], name=f"Avdeling {i:04d}",
                     age_group=AgeGroup.TODDLER if i % 5 < 2 else AgeGroup.PRESCHOOL,
                     enrolled_children=18) for i in range(opts["departments"])])
        users = {}
        for role in (Role.CONSULTANT, Role.LEADER, Role.OBSERVER):
            user = User.objects.create_user(username=f"{role}-{suffix}@bench.test",
                                            email=f"{role}-{suffix}@bench.test")
            Membership.objects.create(user=user, role=role, kommune=kommune,
                                      barnehage=barnehager[0] if role != Role.CONSULTANT
                                      else None)
            users[role] = user
        instruments = {instrument.code: instrument for instrument in
                       Instrument.objects.prefetch_related("domener__dimensjoner")}
        dimensions = {code: [dim for domene in instrument.domener.all()
                             for dim in domene.dimensjoner.all()]
                      for code, instrument in instruments.items()}
        # Each department has its own level, so kindergartens and bands differ.
        level = {avdeling.pk: rng.uniform(3.0, 6.2) for avdeling in avdelinger}
        this_year = timezone.localdate().year
        rounds = observations = cycles = scores = 0
        for year in range(this_year - opts["years"], this_year):
            for semester in ("spring", "autumn"):
                start = date(year, 2 if semester == "spring" else 9, 1)
                runde = Observasjonsrunde.objects.create(
                    kommune=kommune, name=f"{semester} {year}", semester=semester, year=year,
                    start_date=start, end_date=start + timedelta(days=90), status="closed",
                    min_valid_cycles=min(2, opts["cycles"]))
                rounds += 1
                made = Observasjon.objects.bulk_create([
                    Observasjon(runde=runde, avdeling=avdeling, observer=users[Role.OBSERVER],
                                instrument=instruments[avdeling.instrument_code],
                                planned_date=start, observed_on=start, status="locked")
                    for avdeling in avdelinger])
                observations += len(made)
                sykluser, pending = [], []
                begin = datetime(year, start.month, 1, 9, tzinfo=timezone.get_current_timezone())
                for observasjon in made:
                    for number in range(1, opts["cycles"] + 1):
                        at = begin + timedelta(minutes=25 * number)
                        syklus = Syklus(observasjon=observasjon, client_id=uuid.uuid4(),
                                        number=number, started_at=at,
                                        ended_at=at + timedelta(minutes=20),
                                        children_present=15)
                        sykluser.append(syklus)
                        pending.append((syklus, observasjon))
                Syklus.objects.bulk_create(sykluser, batch_size=2000)
                cycles += len(sykluser)
                skaar = []
                for syklus, observasjon in pending:
                    base = level[observasjon.avdeling_id] + rng.uniform(-0.6, 0.6)
                    for dim in dimensions[observasjon.instrument.code]:
                        value = 8 - base if dim.reversed else base
                        if dim.code in ("CD", "QF", "LM", "FLD"):
                            value -= 2
                        skaar.append(Skaar(syklus=syklus, dimensjon=dim, client_id=uuid.uuid4(),
                                           value=max(1, min(7, round(value + rng.gauss(0, 0.7))))))
                Skaar.objects.bulk_create(skaar, batch_size=5000)
                scores += len(skaar)
        self._seed_framework(kommune, barnehager, users)
        if connection.vendor == "postgresql":
            # Fresh rows have no planner statistics yet; a live database would have them.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return {"kommune": kommune, "barnehage": barnehager[0],
                "avdeling": next(a for a in avdelinger if a.barnehage_id == barnehager[0].pk),
                "users": users, "kindergartens": len(barnehager), "departments": len(avdelinger),
                "rounds": rounds, "observations": observations, "cycles": cycles,
                "scores": scores}

    def _seed_framework(self, kommune, barnehager, users) -> None:
        """One supervision per kindergarten, two action plans each, focus choices."""
        rng = self.rng
        instrument = TilsynInstrument.objects.filter(kommune__isnull=True).select_related(
            "skala").first()
        if instrument is not None:
            levels = list(instrument.skala.levels.all())
            kriterier = [k for tema in instrument.temaer.all() for k in tema.kriterier.all()]
            tilsyn = Tilsyn.objects.bulk_create([
                Tilsyn(barnehage=barnehage, consultant=users[Role.CONSULTANT],
                       instrument=instrument, date=date(2025, 10, 1), outcome="none",
                       status="completed") for barnehage in barnehager])
            TilsynVurdering.objects.bulk_create([
                TilsynVurdering(tilsyn=item, kriterium=kriterium, niva=rng.choice(levels))
                for item in tilsyn for kriterium in kriterier], batch_size=5000)
        mal = Mal.objects.order_by("pk").first()
        if mal is not None:
            plans = Handleplan.objects.bulk_create([
                Handleplan(barnehage=barnehage, mal=mal, title=f"Plan {i}",
                           status=rng.choice(["draft", "approved", "in_progress", "evaluated"]),
                           deadline=date(2025, 1, 1) + timedelta(days=rng.randint(0, 700)))
                for barnehage in barnehager for i in range(2)])
            Evaluering.objects.bulk_create([
                Evaluering(handleplan=plan, held_on=date(2025, 6, 1), observed="-",
                           goal_reached=rng.choice(GoalReached.values))
                for plan in plans if plan.status == "evaluated"])
        year = timezone.localdate().year
        plan = Kvalitetsplan.objects.create(kommune=kommune, title="Kvalitetsplan",
                                            start_year=year - 3, end_year=year + 1)
        areas = [Fokusomrade.objects.create(plan=plan, title=f"Fokusområde {i}", order=i)
                 for i in range(1, 4)]
        Tiltak.objects.bulk_create([Tiltak(fokusomrade=area, text=f"Tiltak {i}",
                                           status=rng.choice(["not_started", "under_way",
                                                              "done"]))
                                    for area in areas for i in range(4)])
        BarnehageFokus.objects.bulk_create([
            BarnehageFokus(barnehage=barnehage, fokusomrade=rng.choice(areas), year=y,
                           sub_goal="-")
            for barnehage in barnehager for y in range(year - 3, year)])

    # Measuring ---------------------------------------------------------------------------

    def _time_pages(self, world) -> None:
        kommune, barnehage, avdeling = world["kommune"], world["barnehage"], world["avdeling"]
        consultant, leader = world["users"][Role.CONSULTANT], world["users"][Role.LEADER]
        base = reverse("rapporter:dashboard-kommune", args=[kommune.slug])
        pages = [
            ("municipality overview", consultant, base),
            ("municipality, filtered", consultant, base + "?instrument=prek&age_group=storbarn"),
            ("municipality, CSV table", consultant, base + "?table=barnehage-prek&format=csv"),
            ("municipality, XLSX table", consultant,
             base + "?table=barnehage-prek&format=xlsx"),
            ("kindergarten (consultant)", consultant,
             reverse("rapporter:dashboard-barnehage", args=[barnehage.pk])),
            ("kindergarten (leader)", leader,
             reverse("rapporter:dashboard-barnehage", args=[barnehage.pk])),
            ("department (leader)", leader,
             reverse("rapporter:dashboard-avdeling", args=[avdeling.pk])),
        ]
        self.stdout.write("\nPage                            queries   ms (min / median)   bytes")
        for name, user, url in pages:
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            timings, counts, size = [], set(), 0
            for _ in range(self.options["repeat"]):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                counts.add(len(queries))
                size = len(response.content)
            self.stdout.write(f"{name:<32}{'/'.join(map(str, sorted(counts))):>7}   "
                              f"{min(timings):8.1f} / {statistics.median(timings):8.1f}"
                              f"   {size:>8}")
        started = time.perf_counter()
        data = selectors.load_observations(kommune)
        self.stdout.write(f"\nload_observations (whole municipality): "
                          f"{(time.perf_counter() - started) * 1000:.1f} ms for "
                          f"{len(data.rows)} counting observations")

    def _time_charts(self, world) -> None:
        data = selectors.load_observations(world["kommune"])
        semester = data.selected_semester
        trend = selectors.domain_trend(data, "prek")
        by_kindergarten = selectors.domain_by(data, "prek", "barnehage", semester=semester)
        bands = selectors.band_distribution(data, "prek", semester=semester)
        domains = [domain.code for domain in data.domains("prek")]

        def series(groups):
            return [charts.Series(code, [g.figures[code].mean for g in groups],
                                  ns=[g.figures[code].n for g in groups]) for code in domains]

        makers = {
            f"line: trend, {len(trend)} semesters x {len(domains)} domains":
                lambda: charts.line_chart("Trend", "d", [g.label for g in trend],
                                          series(trend),
                                          thresholds=[charts.Threshold(5, "ES > 5")]),
            f"bar: {len(by_kindergarten)} kindergartens x {len(domains)} domains":
                lambda: charts.bar_chart("By kindergarten", "d",
                                         [g.label for g in by_kindergarten],
                                         series(by_kindergarten)),
            "bar: 3 domains with thresholds":
                lambda: charts.bar_chart("Domains", "d", domains, [charts.Series(
                    "x", [5.1, 5.3, 2.9], ns=[300, 300, 300])],
                    category_thresholds=[charts.Threshold(5, "ES > 5")] * 3),
            "band: 3 domains":
                lambda: charts.band_chart("Bands", "d", [row.domain for row in bands],
                                          [row.counts for row in bands],
                                          band_labels={"low": "lav", "middle": "middels",
                                                       "high": "høy"}),
        }
        self.stdout.write("\nChart                                         ms per chart   bytes")
        for name, make in makers.items():
            runs = 200
            started = time.perf_counter()
            for _ in range(runs):
                chart = make()
            elapsed = (time.perf_counter() - started) * 1000 / runs
            self.stdout.write(f"{name:<46}{elapsed:10.2f}   {len(str(chart)):>7}")
