"""Exporting submitted observations with their results, as CSV or XLSX (written by
barnehager.downloads).

One row per observation: where, when, who, which instrument, the number of valid cycles,
each dimension's mean and each domain's score (columns named by their codes, two
decimals) and each domain's band. Every number comes from `scoring`.
"""

from __future__ import annotations

from django.db.models import Prefetch

from barnehager import downloads
from observasjoner import scoring
from observasjoner.access import DONE_STATUSES
from observasjoner.models import Instrument, Observasjon, Skaar, Syklus

FIXED_COLUMNS = ["observation_id", "kommune", "runde", "barnehage", "avdeling", "date",
                 "observer", "observer_email", "instrument", "status", "second_coding_of",
                 "valid_cycles", "counts"]


def instrument_specs() -> dict[int, scoring.InstrumentSpec]:
    return {instrument.pk: scoring.spec_for(instrument)
            for instrument in Instrument.objects.prefetch_related("domener__dimensjoner")
            .order_by("code")}


def score_columns(specs) -> tuple[list[str], list[str]]:
    """Dimension codes (each once, in instrument order) and domain codes."""
    dimensions: list[str] = []
    domains: list[str] = []
    for spec in specs:
        dimensions.extend(code for code in spec.dimension_codes if code not in dimensions)
        domains.extend(domain.code for domain in spec.domains if domain.code not in domains)
    return dimensions, domains


def observations_for_export(kommune, runde=None):
    """Submitted and locked observations of a municipality (or one of its rounds), with
    everything scoring needs preloaded."""
    queryset = Observasjon.objects.filter(runde__kommune=kommune, status__in=DONE_STATUSES)
    if runde is not None:
        queryset = queryset.filter(runde=runde)
    return (queryset.select_related("runde__kommune", "avdeling__barnehage", "observer",
                                    "instrument")
            .prefetch_related(Prefetch("sykluser", queryset=Syklus.objects.order_by("number")
                                       .prefetch_related(Prefetch(
                                           "skaar", queryset=Skaar.objects
                                           .select_related("dimensjon")))))
            .order_by("observed_on", "planned_date", "avdeling__barnehage__name",
                      "avdeling__name", "pk"))


def sheet(observasjoner) -> downloads.Sheet:
    """The observations as a download; scores are written with two decimals."""
    specs = instrument_specs()
    dimensions, domains = score_columns(specs.values())
    header = [*FIXED_COLUMNS, *dimensions, *domains, *(f"{code} band" for code in domains)]
    rows = []
    for observasjon in observasjoner:
        spec = specs[observasjon.instrument_id]
        result = scoring.result_of(observasjon, spec)
        row = [
            observasjon.pk, observasjon.runde.kommune.slug, observasjon.runde.name,
            observasjon.avdeling.barnehage.name, observasjon.avdeling.name,
            (observasjon.observed_on or observasjon.planned_date).isoformat(),
            observasjon.observer.get_full_name() or observasjon.observer.email,
            observasjon.observer.email, spec.code, observasjon.status,
            observasjon.double_coding_of_id or "", result.valid_cycles,
            "yes" if result.counts else "no",
        ]
        row.extend(result.dimension_means.get(code) for code in dimensions)
        row.extend(result.domain_scores.get(code) for code in domains)
        row.extend(scoring.band(result.domain_scores.get(code), spec) for code in domains)
        rows.append(row)
    scored = set(dimensions) | set(domains)
    return downloads.Sheet("Observations", header, rows, decimals={
        index: 2 for index, name in enumerate(header) if name in scored})


def export(kommune, runde=None) -> tuple[downloads.Sheet, str]:
    """The sheet of a municipality's (or one round's) observations and its file name stem."""
    suffix = f"-{runde.pk}" if runde is not None else ""
    return sheet(observations_for_export(kommune, runde)), f"observasjoner-{kommune.slug}{suffix}"
