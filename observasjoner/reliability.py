"""Inter-rater reliability for consultants: agreement of each double-coded pair, and
observers whose recent double-codings fall under the within-one target.

Every figure comes from `scoring` (double_coding_agreement, overall_within_one).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from barnehager.models import User
from observasjoner import scoring
from observasjoner.access import DONE_STATUSES
from observasjoner.models import Instrument, Observasjon, Skaar, Syklus

RECENT_CODINGS = 5


@dataclass
class Pair:
    primary: Observasjon
    second: Observasjon
    spec: scoring.InstrumentSpec
    dimensions: dict[str, scoring.Agreement]
    overall: scoring.Agreement
    pairs: list[tuple[int, int]]

    @property
    def day(self):
        return self.primary.observed_on or self.primary.planned_date


@dataclass
class ObserverAgreement:
    observer: User
    codings: int
    agreement: scoring.Agreement

    @property
    def flagged(self) -> bool:
        return self.agreement.meets_target is False


def _with_scores(prefix: str = "") -> list[Prefetch]:
    return [Prefetch(f"{prefix}sykluser", queryset=Syklus.objects.order_by("number")
                     .prefetch_related(Prefetch("skaar", queryset=Skaar.objects
                                                .select_related("dimensjon"))))]


def double_coded_pairs(kommune_ids) -> list[Pair]:
    """Every pair where both codings are submitted, newest first."""
    specs = {instrument.pk: scoring.spec_for(instrument)
             for instrument in Instrument.objects.prefetch_related("domener__dimensjoner")}
    seconds = (Observasjon.objects
               .filter(runde__kommune_id__in=kommune_ids, status__in=DONE_STATUSES,
                       double_coding_of__status__in=DONE_STATUSES)
               .select_related("observer", "avdeling__barnehage", "double_coding_of__observer",
                               "double_coding_of__avdeling", "double_coding_of__runde",
                               "runde")
               .prefetch_related(*_with_scores(), *_with_scores("double_coding_of__"))
               .order_by("-planned_date", "-pk"))
    pairs = []
    for second in seconds:
        primary = second.double_coding_of
        spec = specs[primary.instrument_id]
        first_cycles, second_cycles = scoring.cycles_of(primary), scoring.cycles_of(second)
        paired = [pair for code in spec.dimension_codes
                  for pair in scoring.paired_scores(first_cycles, second_cycles, code)]
        pairs.append(Pair(
            primary=primary, second=second, spec=spec,
            dimensions=scoring.double_coding_agreement(first_cycles, second_cycles, spec),
            overall=scoring.overall_within_one([paired]),
            pairs=paired,
        ))
    return pairs


def observer_agreement(pairs: list[Pair], recent: int = RECENT_CODINGS) -> list[ObserverAgreement]:
    """Each observer's agreement over her `recent` latest double-codings (as first or
    second observer); flagged under the 80 % within-one target."""
    by_observer: dict[int, list[Pair]] = {}
    observers: dict[int, User] = {}
    for pair in pairs:  # newest first
        for observer in (pair.primary.observer, pair.second.observer):
            observers[observer.pk] = observer
            by_observer.setdefault(observer.pk, [])
            if len(by_observer[observer.pk]) < recent:
                by_observer[observer.pk].append(pair)
    rows = [ObserverAgreement(observers[observer_id], len(latest),
                              scoring.overall_within_one([pair.pairs for pair in latest]))
            for observer_id, latest in by_observer.items()]
    return sorted(rows, key=lambda row: (not row.flagged,
                                         row.agreement.within_one or 0,
                                         str(row.observer)))
