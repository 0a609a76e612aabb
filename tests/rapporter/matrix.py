"""Tenancy cases of the rapporter app: each part keeps its own list in a module beside this."""

from .matrix_dashboard import CASES as DASHBOARD_CASES
from .matrix_reports import CASES as REPORT_CASES

CASES = [
    *DASHBOARD_CASES,
    *REPORT_CASES,
]
