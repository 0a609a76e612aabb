"""`manage.py benchmark` runs end to end at a small size and leaves no data behind."""

import io

from django.core.management import call_command

from barnehager.models import Kommune
from observasjoner.models import Observasjon


def test_benchmark_reports_pages_and_charts_and_rolls_back(db):
    out = io.StringIO()
    call_command("benchmark", kindergartens=3, departments=7, years=1, cycles=2, repeat=1,
                 stdout=out)
    text = out.getvalue()
    assert "3 kindergartens, 7 departments, 2 rounds, 14 observations" in text
    for page in ("municipality overview", "kindergarten (leader)", "department (leader)",
                 "municipality, XLSX table"):
        assert page in text
    assert "ms per chart" in text and "Rolled back" in text
    assert not Kommune.objects.filter(slug__startswith="bench-").exists()
    assert not Observasjon.objects.exists()
