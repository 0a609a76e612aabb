"""`seed_scale`: the same arguments give the same rows, the world has the shape and
proportions of the sizes, and the scores follow the Nordic CLASS figures."""

import hashlib
import io
import re
from collections import Counter, defaultdict
from datetime import date
from statistics import fmean, pstdev

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Avg, Count, F

from barnehager.models import Avdeling, Barnehage, Kommune, Membership, Role, Sertifisering
from handleplaner.models import Handleplan
from kvalitet.celery import app
from observasjoner.models import (
    Observasjon,
    Observasjonsrunde,
    Resultat,
    Resultatverdi,
    Skaar,
    Syklus,
)
from observasjoner.results import differences, sum_differences
from observasjoner.tilsyn.models import Tilsyn
from rapporter import scale
from rapporter.models import Rapport

TODAY = date(2026, 10, 15)


def tiny(**overrides) -> scale.ScaleSpec:
    arguments = {"years": 1, "today": TODAY, "kindergartens": 6, "departments": 20}
    return scale.ScaleSpec.of("baerum", **{**arguments, **overrides})


class Rollback(Exception):
    pass


def fingerprint() -> str:
    """Every seeded row by its natural keys (never by id)."""
    digest = hashlib.sha256()
    for row in Avdeling.objects.order_by("barnehage__kommune__slug", "barnehage__name",
                                         "name").values_list(
            "barnehage__kommune__slug", "barnehage__name", "barnehage__owner_type",
            "barnehage__nettverk__name", "name", "age_group", "enrolled_children"):
        digest.update(repr(row).encode())
    for row in Skaar.objects.order_by(
            "syklus__observasjon__runde__year", "syklus__observasjon__runde__semester",
            "syklus__observasjon__avdeling__barnehage__name",
            "syklus__observasjon__avdeling__name", "syklus__observasjon__observer__email",
            "syklus__number", "dimensjon__domene__order", "dimensjon__order").values_list(
            "syklus__observasjon__runde__name", "syklus__observasjon__avdeling__name",
            "syklus__observasjon__observer__email", "syklus__observasjon__planned_date",
            "syklus__observasjon__status", "syklus__number", "syklus__started_at",
            "syklus__interrupted", "syklus__children_present", "dimensjon__code", "value",
            "client_id"):
        digest.update(repr(row).encode())
    for row in Tilsyn.objects.order_by("barnehage__name", "date").values_list(
            "barnehage__name", "date", "outcome", "vurderinger__niva__value"):
        digest.update(repr(row).encode())
    for row in Handleplan.objects.order_by("barnehage__name", "title").values_list(
            "barnehage__name", "title", "status", "deadline"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_the_same_arguments_give_the_same_rows(db):
    spec = tiny()
    prints = []
    for _ in range(2):
        try:
            with transaction.atomic():
                scale.seed(spec)
                prints.append(fingerprint())
                raise Rollback
        except Rollback:
            pass
    assert prints[0] == prints[1]
    with transaction.atomic():
        scale.seed(tiny(seed=2))
        assert fingerprint() != prints[0]


def test_a_tiny_seed_has_the_shape_and_proportions_of_the_sizes(db):
    spec = tiny(municipalities=2, kindergartens=10, departments=40, years=2)
    report = scale.seed(spec)
    kommuner = scale.find_seed(spec)
    assert len(kommuner) == 2
    assert Barnehage.objects.filter(kommune__in=kommuner).count() == 10
    assert Avdeling.objects.filter(barnehage__kommune__in=kommuner).count() == 40
    # Two closed rounds a year and the round under way, in each municipality.
    for kommune in kommuner:
        rounds = Observasjonsrunde.objects.filter(kommune=kommune)
        assert rounds.filter(status="closed").count() == 4
        assert rounds.filter(status="active").count() == 1
        departments = Avdeling.objects.filter(barnehage__kommune=kommune).count()
        for runde in rounds:
            primaries = runde.observasjoner.filter(double_coding_of__isnull=True)
            assert primaries.count() == departments
            assert primaries.values("avdeling").distinct().count() == departments
            expected = "planned" if runde.status == "active" else "locked"
            assert set(runde.observasjoner.values_list("status", flat=True)) == {expected}
    # A leader per kindergarten; observers never observe where they work.
    assert Membership.objects.filter(role=Role.LEADER, kommune__in=kommuner).count() == 10
    workplace = dict(Membership.objects.filter(role=Role.OBSERVER, kommune__in=kommuner)
                     .values_list("user_id", "barnehage_id"))
    observations = Observasjon.objects.filter(runde__kommune__in=kommuner)
    assert all(workplace[observer] != barnehage for observer, barnehage in
               observations.values_list("observer_id", "avdeling__barnehage_id"))
    assert Sertifisering.objects.filter(user_id__in=workplace).count() == \
        len(workplace) * 2 * (spec.years + 2)
    # Three or four cycles per observation, every dimension scored in each.
    locked = observations.filter(status="locked")
    per_observation = Counter(Syklus.objects.filter(observasjon__in=locked)
                              .values_list("observasjon_id", flat=True))
    assert set(per_observation.values()) <= {3, 4}
    assert len(per_observation) == locked.count()
    dims = {"toddler": 8, "prek": 10}
    for code, expected in dims.items():
        counts = set(Syklus.objects.filter(observasjon__in=locked,
                                           observasjon__instrument__code=code)
                     .annotate(n=Count("skaar")).values_list("n", flat=True))
        assert counts <= {expected}
    assert not observations.filter(status="planned", sykluser__isnull=False).exists()
    # Second codings of about one in twenty, by someone else.
    seconds = locked.filter(double_coding_of__isnull=False)
    assert seconds.count() <= 0.2 * locked.count()
    assert not seconds.filter(observer=F("double_coding_of__observer")).exists()
    # Supervisions every second year, action plans about one a year, in proportion.
    assert 8 <= Tilsyn.objects.filter(barnehage__kommune__in=kommuner).count() <= 12
    assert 8 <= Handleplan.objects.filter(barnehage__kommune__in=kommuner).count() <= 20
    # Every locked observation has its stored result, equal to a recomputation.
    assert Resultat.objects.filter(kommune__in=kommuner).count() == locked.count()
    assert not list(differences(kommuner[0]))
    assert not list(sum_differences(kommuner[0]))
    assert report.counts["observations"] == observations.count()
    assert report.counts["scores"] == Skaar.objects.filter(
        syklus__observasjon__in=observations).count()


def test_scores_follow_the_nordic_class_figures(db):
    spec = tiny(kindergartens=30, departments=120, years=4)
    scale.seed(spec)
    kommune = scale.find_seed(spec)[0]
    values = Resultatverdi.objects.filter(kommune=kommune, kind="domain", counts=True)
    means = dict(values.values("code").annotate(mean=Avg("value")).values_list("code", "mean"))
    for instrument, targets in scale.TARGETS.items():
        for code, target in targets.items():
            assert means[code] == pytest.approx(target, abs=0.2), (instrument, code)
    # Negative Climate is mostly 1.
    nc = Skaar.objects.filter(syklus__observasjon__runde__kommune=kommune, dimensjon__code="NC")
    assert nc.filter(value=1).count() > 0.7 * nc.count()
    # Kindergartens differ for real, and lastingly.
    by_kindergarten: dict[int, list[float]] = defaultdict(list)
    for barnehage, value in values.filter(code="ES").values_list("barnehage_id", "value"):
        by_kindergarten[barnehage].append(value)
    assert pstdev([fmean(found) for found in by_kindergarten.values()]) > 0.2
    # A small improvement over the years.
    years = sorted({period // 2 for period in values.values_list("period", flat=True)})
    first, last = (fmean(values.filter(code="ES", period__in=(year * 2, year * 2 + 1))
                         .values_list("value", flat=True)) for year in (years[0], years[-1]))
    assert 0 < last - first < 0.5


def test_the_command_seeds_once_and_then_recognises_its_seed(db):
    out = io.StringIO()
    arguments = {"size": "baerum", "years": 1, "kindergartens": 3, "departments": 8}
    call_command("seed_scale", **arguments, stdout=out)
    assert "Seeded baerum (1 years, seed 1)" in out.getvalue()
    assert "8 departments" in out.getvalue()
    again = io.StringIO()
    call_command("seed_scale", **arguments, stdout=again)
    assert "Already seeded" in again.getvalue()
    assert Kommune.objects.filter(slug__startswith="scale-").count() == 1


def test_apportion_splits_exactly_and_fairly():
    assert scale.apportion(10, [1, 1, 1]) == [4, 3, 3]
    parts = scale.apportion(9500, [1.0, 2.0, 7.0], minimum=1)
    assert sum(parts) == 9500 and parts[2] > parts[1] > parts[0]
    with pytest.raises(ValueError):
        scale.apportion(2, [1, 1, 1])


LINE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+: -?[0-9]+(\.[0-9]+)? [a-z_]+$")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_bench_prints_only_figure_lines_and_leaves_the_seed_as_it_was():
    """A tiny bench end to end, the Celery figures on real worker processes: stdout holds
    `name: value unit` lines only, with every figure the issue names."""
    if app.conf.broker_url.startswith("memory://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis")
    out = io.StringIO()
    call_command("bench", size="baerum", years=1, kindergartens=3, departments=8,
                 repeat=3, reports=2, stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    names = {line.split(":")[0] for line in lines}
    assert {
        "seed.seconds", "page.trivial.median_ms", "page.kommune_dashboard.median_ms",
        "page.kommune_dashboard.p95_ms", "page.kommune_dashboard.queries",
        "page.barnehage_dashboard.median_ms", "page.avdeling_dashboard.median_ms",
        "page.table_csv.median_ms", "api.score_save.median_ms", "api.score_save.p95_ms",
        "report.annual.seconds", "report.annual.pages", "report.annual.weasyprint_share",
        "celery.kindergarten_reports.one_worker_s",
        "celery.kindergarten_reports.two_workers_s"} <= names
    figures = {line.split(":")[0]: float(line.split()[1]) for line in lines}
    assert figures["report.annual.pages"] >= 1
    assert figures["machine.reference_ms"] > 0
    assert 0 < figures["report.annual.weasyprint_share"] < 1
    # What the bench wrote is gone again: no report, no cycle in the round under way.
    assert not Rapport.objects.exists()
    assert not Syklus.objects.filter(observasjon__status="planned").exists()
    assert not Observasjon.objects.filter(runde__status="active").exclude(
        status="planned").exists()
