"""Reads about supervisions for the list page and the home page, each a fixed number of
queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Q
from django.utils import timezone

from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, scope_of
from barnehager.models import Barnehage
from observasjoner.tilsyn.models import Tilsyn

# Dagtilbudsloven: a supervision report is published for each institution at least every
# second year.
REPORT_INTERVAL_YEARS = 2


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def overdue_reports(user, today: date | None = None):
    """Kindergartens of the consultant's municipalities with no report published in the
    last two years, with the date of their latest one."""
    scope = scope_of(user)
    cutoff = _years_before(today or timezone.localdate(), REPORT_INTERVAL_YEARS)
    barnehager = Barnehage.objects.all() if scope.superuser else Barnehage.objects.filter(
        kommune_id__in=scope.kommune_ids(*MUNICIPAL_ROLES))
    return (barnehager.select_related("kommune")
            .annotate(last_published=Max("tilsyn__published_on",
                                         filter=Q(tilsyn__status=Tilsyn.Status.PUBLISHED)))
            .filter(Q(last_published__isnull=True) | Q(last_published__lt=cutoff))
            .order_by("kommune__name", "last_published", "name"))


def home_summary(user) -> dict:
    """Consultants: kindergartens under intensified supervision and reports due.
    Leaders: the latest supervision of each kindergarten they lead."""
    scope = scope_of(user)
    summary: dict = {}
    if scope.has_role(*MUNICIPAL_ROLES):
        summary["open_concerns"] = list(
            Tilsyn.objects.visible_to(user).open_concerns()
            .select_related("barnehage").order_by("follow_up_date"))
        summary["overdue_count"] = overdue_reports(user).count()
    led = scope.barnehage_ids(ROLE_LEADER)
    if led:
        latest = {}
        for tilsyn in (Tilsyn.objects.visible_to(user).filter(barnehage_id__in=led)
                       .select_related("barnehage").order_by("-date")):
            latest.setdefault(tilsyn.barnehage_id, tilsyn)
        summary["led"] = list(latest.values())
    return summary
