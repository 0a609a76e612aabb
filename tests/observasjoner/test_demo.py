"""The observation demo: realistic, deterministic and safe to seed twice."""

import io
from datetime import date, timedelta

import pytest

from barnehager import demo as organisation
from barnehager.models import Sertifisering, User
from observasjoner import demo, scoring
from observasjoner.models import (
    Maanedsplan,
    Observasjon,
    Observasjonsrunde,
    Praksisfortelling,
    Skaar,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def _counts():
    return (Observasjonsrunde.objects.count(), Observasjon.objects.count(),
            Skaar.objects.count(), Praksisfortelling.objects.count(),
            Maanedsplan.objects.count(), Sertifisering.objects.count())


def test_the_demo_seeds_once_and_gives_the_tablet_work():
    organisation.seed(io.StringIO())
    demo.seed(io.StringIO(), today=TODAY)
    first = _counts()
    client_ids = set(Skaar.objects.values_list("client_id", flat=True))
    demo.seed(io.StringIO(), today=TODAY)
    assert _counts() == first
    assert set(Skaar.objects.values_list("client_id", flat=True)) == client_ids

    baerum = Observasjonsrunde.objects.filter(kommune__slug="baerum")
    assert baerum.filter(status="closed").count() == 4
    current = baerum.get(status="active")
    observer = User.objects.get(email="observer.baerum@demo.kvalitet.no")
    upcoming = current.observasjoner.filter(observer=observer, status="planned",
                                            planned_date__gte=TODAY)
    assert upcoming.count() >= 3
    # Every planned observation keeps the rules.
    for observasjon in current.observasjoner.select_related("avdeling"):
        assert not observer.memberships.filter(barnehage=observasjon.avdeling.barnehage_id,
                                               user=observasjon.observer).exists()
        assert Sertifisering.objects.filter(
            user=observasjon.observer, instrument=observasjon.instrument,
            certified_on__lte=observasjon.planned_date,
            valid_until__gte=observasjon.planned_date).exists()
    assert Sertifisering.objects.filter(
        valid_until__gte=TODAY, valid_until__lte=TODAY + timedelta(days=60)).exists()
    closed = Observasjon.objects.filter(runde__in=baerum.filter(status="closed"))
    assert closed.exclude(status="locked").count() == 0
    share = closed.filter(double_coding_of__isnull=False).count() / closed.filter(
        double_coding_of__isnull=True).count()
    assert 0.1 <= share <= 0.2
    assert Observasjonsrunde.objects.filter(kommune__slug="moss").exists()
    assert Observasjonsrunde.objects.filter(kommune__slug="frederikshavn").exists()


def test_demo_scores_look_like_nordic_studies():
    organisation.seed(io.StringIO())
    demo.seed(io.StringIO(), today=TODAY)
    observations = (Observasjon.objects.filter(runde__kommune__slug="baerum",
                                               double_coding_of=None,
                                               status__in=("submitted", "locked"))
                    .select_related("instrument", "runde", "avdeling")
                    .prefetch_related("sykluser__skaar__dimensjon",
                                      "instrument__domener__dimensjoner"))
    domains: dict[str, list[float]] = {}
    for observasjon in observations:
        result = scoring.result_of(observasjon)
        assert result.counts and 2 <= result.valid_cycles <= 3
        assert observasjon.feedback_strengths and observasjon.feedback_meeting_on
        for code, value in result.domain_scores.items():
            domains.setdefault(code, []).append(value)
    means = {code: scoring.aggregate(values).mean for code, values in domains.items()}
    assert means["EBS"] == pytest.approx(5.6, abs=0.3)
    assert means["ESL"] == pytest.approx(3.3, abs=0.3)
    assert means["ES"] == pytest.approx(5.7, abs=0.3)
    assert means["CO"] == pytest.approx(5.2, abs=0.3)
    assert means["IS"] == pytest.approx(2.7, abs=0.3)
