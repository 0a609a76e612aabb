"""The demo supervisions: each outcome in Frederikshavn, a published report, Moss as
kindergarten authority and as owner; a second run changes nothing."""

import io

import pytest

from barnehager import demo as barnehager_demo
from observasjoner.tilsyn import demo as tilsyn_demo
from observasjoner.tilsyn.models import Tilsyn, Tilsynsrapport

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_each_outcome_once(django_assert_max_num_queries):
    out = io.StringIO()
    barnehager_demo.seed(out)
    tilsyn_demo.seed(out)
    frederikshavn = Tilsyn.objects.filter(barnehage__kommune__slug="frederikshavn")
    assert set(frederikshavn.values_list("outcome", flat=True)) == {
        "", "none", "concern", "serious"}
    assert set(frederikshavn.values_list("status", flat=True)) == {
        "draft", "completed", "published"}
    published = frederikshavn.filter(status="published")
    assert Tilsynsrapport.objects.filter(tilsyn__in=published).count() == published.count()
    moss = Tilsyn.objects.filter(barnehage__kommune__slug="moss")
    assert set(moss.values_list("role", flat=True)) == {"authority", "owner"}
    for tilsyn in Tilsyn.objects.exclude(status="draft"):
        assert not tilsyn.completion_problems(), tilsyn

    before = Tilsyn.objects.count(), Tilsynsrapport.objects.count()
    with django_assert_max_num_queries(30):
        tilsyn_demo.seed(out)
    assert (Tilsyn.objects.count(), Tilsynsrapport.objects.count()) == before
