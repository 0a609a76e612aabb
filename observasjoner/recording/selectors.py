"""Reads of the observer's tablet: which observations it keeps for use without a connection."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from barnehager.access import AnyUser
from observasjoner.models import Observasjon, Observasjonsrunde

# "The coming weeks": every observation still to record that is planned up to this many days
# ahead (and any overdue or started one) is kept on her tablet once she has logged in.
OFFLINE_DAYS = 28


def offline_observations(user: AnyUser, today: date | None = None) -> QuerySet[Observasjon]:
    """The observer's observations the tablet keeps ready: planned or in progress in an
    active round (the only ones she can record), planned no later than OFFLINE_DAYS from
    today, soonest first."""
    today = today or timezone.localdate()
    return (
        Observasjon.objects.assigned_to(user)
        .filter(status__in=[Observasjon.Status.PLANNED, Observasjon.Status.IN_PROGRESS],
                runde__status=Observasjonsrunde.Status.ACTIVE,
                planned_date__lte=today + timedelta(days=OFFLINE_DAYS))
        .order_by("planned_date", "pk")
    )
