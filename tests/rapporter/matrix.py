"""Tenancy cases of the rapporter app: each part keeps its own list in a module beside this."""

from tests.rapporter.dashboards.matrix import CASES as DASHBOARD_CASES
from tests.rapporter.reports.matrix import CASES as REPORT_CASES

CASES = [
    *DASHBOARD_CASES,
    *REPORT_CASES,
]
