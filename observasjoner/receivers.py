"""Keeps stored results true when what they were computed from changes outside the
observation (docs/domain.md, Stored results).

A result depends on the round (its municipality, semester and validity rules) and on the
department (its kindergarten, and its enrolled children when the observation has no count
of its own). When either is saved with those fields, its observations' results are
recomputed through `observasjoner.results.store_results`, in the same transaction.
A change to an instrument's domains or dimensions needs `manage.py rebuild_results`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from barnehager.models import Avdeling
from observasjoner import results
from observasjoner.access import DONE_STATUSES
from observasjoner.models import Observasjon, Observasjonsrunde

ROUND_FIELDS = {"kommune", "kommune_id", "year", "semester", "min_cycle_minutes",
                "min_presence_share", "min_valid_cycles"}
DEPARTMENT_FIELDS = {"barnehage", "barnehage_id", "enrolled_children"}


def _touches(update_fields: Iterable[str] | None, fields: set[str]) -> bool:
    return update_fields is None or bool(set(update_fields) & fields)


@receiver(post_save, sender=Observasjonsrunde, dispatch_uid="results_follow_round")
def round_saved(sender: type, instance: Observasjonsrunde, created: bool,
                update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
    if created or kwargs.get("raw") or not _touches(update_fields, ROUND_FIELDS):
        return
    results.store_results(Observasjon.objects.filter(runde=instance,
                                                     status__in=DONE_STATUSES))


@receiver(post_save, sender=Avdeling, dispatch_uid="results_follow_department")
def department_saved(sender: type, instance: Avdeling, created: bool,
                     update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
    if created or kwargs.get("raw") or not _touches(update_fields, DEPARTMENT_FIELDS):
        return
    results.store_results(Observasjon.objects.filter(avdeling=instance,
                                                     status__in=DONE_STATUSES))
