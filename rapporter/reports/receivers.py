"""Reports that follow from events in other apps."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from observasjoner.rounds.assignment import round_closed
from rapporter.reports import services


@receiver(round_closed, dispatch_uid="rapporter.kindergarten_reports_on_round_closed")
def order_kindergarten_reports_on_close(sender, runde, by=None, **kwargs: Any) -> None:
    """A closed round orders its kindergarten reports at once (the beat task is the net)."""
    services.order_round_reports(runde, user=by)
