"""What the audit log page and its download read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from barnehager.downloads import Sheet
from barnehager.models import AuditEntry

if TYPE_CHECKING:
    from barnehager.access import AnyUser

# The download holds at most this many entries (the newest); narrow the filters for older.
DOWNLOAD_LIMIT = 50_000


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    who: str = ""
    date_from: date | None = None
    date_to: date | None = None


def entries(user: AnyUser, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The entries she may read (her municipalities'), newest first, filtered."""
    found = AuditEntry.objects.visible_to(user).select_related("kommune")
    if filters.action:
        found = found.filter(action=filters.action)
    if filters.who:
        found = found.filter(actor_label__icontains=filters.who.strip())
    if filters.date_from:
        found = found.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        found = found.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return found.order_by("-at", "-pk")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def download_sheet(found: QuerySet[AuditEntry]) -> Sheet:
    rows = (
        (timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"), entry.get_action_display(),
         entry.actor_label, entry.ip_address or "",
         entry.kommune.name if entry.kommune_id and entry.kommune else "",
         entry.target_type, entry.target_id, entry.target_label)
        for entry in found[:DOWNLOAD_LIMIT]
    )
    return Sheet(name=_("Audit log"),
                 header=[_("When"), _("What"), _("Who"), _("Address"), _("Municipality"),
                         _("Object type"), _("Object id"), _("Object")],
                 rows=rows)
