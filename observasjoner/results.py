"""Stored observation results: the one writer of `Resultat` and `Resultatverdi`.

An observation's result (dimension means, domain scores, valid cycles, whether it counts,
the spread between cycles) is computed by `observasjoner.scoring` from the raw scores and
stored here, in the transaction that submits, locks, amends or imports the observation
(docs/domain.md, Stored results). Dashboards and reports then aggregate the stored rows in
SQL (`rapporter.selectors`) instead of reading every score on every request.

    store_results(observation_ids)        # (re)compute and store, in bulk
    rebuild(kommune=None)                 # everything of a municipality (or all)
    differences(kommune=None)             # stored != recomputed, as readable lines
    sum_differences(kommune=None)         # semester sums != the stored results summed

`store_results` works in chunks of `CHUNK` observations with about a dozen queries per
chunk whatever the chunk's size (observations, rounds, cycles, scores, the old rows out,
the new rows in with `bulk_create`), so it is what bulk seeding (`seed_scale`) and
`manage.py rebuild_results` call for hundreds of thousands of observations. An
observation that is not submitted or locked has no stored result: storing it removes one.

`manage.py check_results` (or `rebuild_results --check`) runs `differences`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from barnehager.models import Kommune
from observasjoner import scoring
from observasjoner.access import DONE_STATUSES
from observasjoner.models import (
    Instrument,
    Observasjon,
    Observasjonsrunde,
    Resultat,
    Resultatverdi,
    Semester,
    Semestersum,
    Skaar,
    Syklus,
)

CHUNK = 2000
DOMAIN, DIMENSION = Resultatverdi.Kind.DOMAIN.value, Resultatverdi.Kind.DIMENSION.value


def period_of(year: int, semester: str) -> int:
    """A semester as one sortable number: year * 2, plus 1 for autumn."""
    return year * 2 + (0 if semester == Semester.SPRING else 1)


@dataclass(frozen=True)
class Computed:
    """What is stored for one observation: the header row's and its values' fields (by
    attribute name), as plain data; the model rows are built only where they are saved,
    so a bulk load that writes with COPY never pays for model instances."""

    head: dict[str, Any]
    values: list[dict[str, Any]]

    @classmethod
    def of(cls, resultat: Resultat, verdier: Iterable[Resultatverdi]) -> Computed:
        """The plain data of stored rows (to compare them with a recomputation)."""
        return cls({name: getattr(resultat, name) for name in HEAD_FIELDS},
                   [{name: getattr(verdi, name) for name in VALUE_FIELDS}
                    for verdi in verdier])

    def resultat(self) -> Resultat:
        return Resultat(**self.head)

    def verdier(self) -> list[Resultatverdi]:
        return [Resultatverdi(resultat_id=self.head["observasjon_id"], **values)
                for values in self.values]

    @property
    def sum_key(self) -> SumKey:
        return (self.head["kommune_id"], self.head["instrument_id"], self.head["period"])

    def signature(self) -> tuple:
        """Everything stored but the time and the row ids, to compare two results."""
        head = tuple(self.head[name] for name in HEAD_FIELDS if name != "computed_at")
        return (*head, sorted(tuple(values[name] for name in VALUE_FIELDS)
                              for values in self.values))


HEAD_FIELDS = [field.attname for field in Resultat._meta.concrete_fields]
VALUE_FIELDS = [field.attname for field in Resultatverdi._meta.concrete_fields
                if field.attname not in ("id", "resultat_id")]
SumKey = tuple[int, int, int]  # kommune id, instrument id, period


class _Structure:
    """The instruments' specs and dimension codes, read once (three queries)."""

    def __init__(self) -> None:
        instruments = Instrument.objects.prefetch_related("domener__dimensjoner")
        self.specs = {instrument.pk: scoring.spec_for(instrument) for instrument in instruments}
        self.dimension_codes = {dim.pk: dim.code for instrument in instruments
                                for domene in instrument.domener.all()
                                for dim in domene.dimensjoner.all()}


def _ids(observations: Iterable[int | Observasjon] | QuerySet[Observasjon]) -> list[int]:
    if isinstance(observations, QuerySet):
        return list(observations.order_by("pk").values_list("pk", flat=True))
    return sorted({item.pk if isinstance(item, Observasjon) else item
                   for item in observations})


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def compute(ids: list[int], structure: _Structure | None = None, *,
            lock: bool = False) -> dict[int, Computed]:
    """The results of the given observations that are submitted or locked, computed by
    the scoring module from their raw scores: four queries (five with the structure)."""
    structure = structure or _Structure()
    observations = Observasjon.objects.filter(pk__in=ids, status__in=DONE_STATUSES)
    if lock:
        observations = observations.select_for_update(of=("self",))
    rows = list(observations.order_by("pk").values_list(
        "pk", "double_coding_of_id", "runde_id", "runde__kommune_id", "runde__year",
        "runde__semester", "instrument_id", "avdeling_id", "avdeling__barnehage_id",
        "children_enrolled", "avdeling__enrolled_children"))
    if not rows:
        return {}
    found = [row[0] for row in rows]
    rules = {runde.pk: scoring.rules_for(runde) for runde in
             Observasjonsrunde.objects.filter(pk__in={row[2] for row in rows})}
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for syklus_id, dimensjon_id, value in Skaar.objects.filter(
            syklus__observasjon_id__in=found, value__isnull=False).order_by().values_list(
            "syklus_id", "dimensjon_id", "value"):
        if value is not None:
            scores[syklus_id][structure.dimension_codes[dimensjon_id]] = value
    cycles: dict[int, list[tuple]] = defaultdict(list)
    for cycle in Syklus.objects.filter(observasjon_id__in=found).order_by(
            "observasjon_id", "number").values_list(
            "observasjon_id", "pk", "number", "started_at", "ended_at", "interrupted",
            "children_present"):
        cycles[cycle[0]].append(cycle[1:])
    now = timezone.now()
    computed = {}
    for (pk, primary, runde_id, kommune_id, year, semester, instrument_id, avdeling_id,
         barnehage_id, enrolled_here, enrolled_there) in rows:
        spec = structure.specs[instrument_id]
        # As scoring.cycles_of reads a prefetched observation.
        enrolled = enrolled_here or enrolled_there or None
        data = [
            scoring.CycleData(
                number=number, scores=scores.get(syklus_id, {}),
                minutes=(ended - started).total_seconds() / 60 if started and ended else None,
                interrupted=interrupted, children_present=present, children_enrolled=enrolled)
            for syklus_id, number, started, ended, interrupted, present in cycles[pk]]
        result = scoring.observation_result(data, spec, rules[runde_id])
        counts = primary is None and result.counts
        period = period_of(year, semester)
        common = {"kommune_id": kommune_id, "period": period, "instrument_id": instrument_id,
                  "barnehage_id": barnehage_id, "avdeling_id": avdeling_id, "counts": counts}
        head = {"observasjon_id": pk, "runde_id": runde_id,
                "valid_cycles": result.valid_cycles, "computed_at": now, **common}
        values = [{"kind": DOMAIN, "code": code, "value": score, "low": None, "high": None,
                   **common} for code, score in result.domain_scores.items()]
        for code, mean in result.dimension_means.items():
            low, high = result.spread.get(code) or (None, None)
            values.append({"kind": DIMENSION, "code": code, "value": mean, "low": low,
                           "high": high, **common})
        computed[pk] = Computed(head, values)
    return computed


def store_results(observations: Iterable[int | Observasjon] | QuerySet[Observasjon], *,
                  chunk_size: int = CHUNK) -> int:
    """(Re)computes and stores the results of the given observations; returns how many
    results were stored.

    `observations` is a queryset, observations or their ids. Works in chunks of
    `chunk_size`, each in its own transaction (a savepoint inside the caller's): the
    observations of a chunk are locked, their old results deleted and the new ones
    inserted with `bulk_create`, about a dozen queries per chunk. Observations that are
    not submitted or locked lose their stored result. This is the only function that
    writes results.
    """
    structure = _Structure()
    stored = 0
    for chunk in _chunks(_ids(observations), chunk_size):
        with transaction.atomic():
            computed = compute(chunk, structure, lock=True)
            touched = _sum_keys(Resultat.objects.filter(observasjon_id__in=chunk))
            Resultatverdi.objects.filter(resultat_id__in=chunk).delete()
            Resultat.objects.filter(observasjon_id__in=chunk).delete()
            Resultat.objects.bulk_create([item.resultat() for item in computed.values()],
                                         batch_size=chunk_size)
            Resultatverdi.objects.bulk_create(
                [verdi for item in computed.values() for verdi in item.verdier()],
                batch_size=5000)
            touched |= {item.sum_key for item in computed.values()}
            refresh_sums(touched)
        stored += len(computed)
    return stored


def _sum_keys(results: QuerySet[Resultat]) -> set[SumKey]:
    return set(results.order_by().values_list("kommune_id", "instrument_id", "period")
               .distinct())


def refresh_sums(keys: Iterable[SumKey]) -> None:
    """Recomputes the `Semestersum` rows of these (municipality, instrument, semester)
    from the stored results, inside the caller's transaction. On PostgreSQL a
    transaction-level advisory lock per municipality makes two writers of one
    municipality take turns, so the second sums what the first committed."""
    groups = _by_kommune_and_instrument(keys)
    if not groups:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for kommune_id in sorted({kommune_id for kommune_id, _ in groups}):
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                                   [SUM_LOCK, kommune_id])
        for (kommune_id, instrument_id), periods in groups.items():
            Semestersum.objects.filter(kommune_id=kommune_id, instrument_id=instrument_id,
                                       period__in=periods).delete()
        Semestersum.objects.bulk_create(_summed(groups), batch_size=2000)


def _by_kommune_and_instrument(keys: Iterable[SumKey]) -> dict[tuple[int, int], set[int]]:
    groups: dict[tuple[int, int], set[int]] = defaultdict(set)
    for kommune_id, instrument_id, period in keys:
        groups[(kommune_id, instrument_id)].add(period)
    return dict(sorted(groups.items()))


def _summed(groups: dict[tuple[int, int], set[int]]) -> list[Semestersum]:
    """The sums of the stored results of these semesters, as unsaved rows: two grouped
    queries per instrument, however many municipalities (a seed sums them all at once)."""
    wanted = {(kommune_id, instrument_id, period)
              for (kommune_id, instrument_id), periods in groups.items() for period in periods}
    limits = {pk: (float(low), float(high)) for pk, low, high in Instrument.objects.filter(
        pk__in={instrument_id for _, instrument_id in groups}).values_list(
        "pk", "low_below", "high_from")}
    rows = []
    for instrument_id, (low_below, high_from) in sorted(limits.items()):
        kommune_ids = {kommune_id for kommune_id, found in groups if found == instrument_id}
        periods = {period for (_kommune, found), chosen in groups.items()
                   if found == instrument_id for period in chosen}
        scope = {"kommune_id__in": kommune_ids, "instrument_id": instrument_id,
                 "period__in": periods, "counts": True}
        observations = {(kommune_id, period): n for kommune_id, period, n in (
            Resultat.objects.filter(**scope).order_by().values_list("kommune_id", "period")
            .annotate(n=Count("pk")).values_list("kommune_id", "period", "n"))}
        for row in (Resultatverdi.objects.filter(kind=DOMAIN, **scope).order_by()
                    .values("kommune_id", "period", "code").annotate(
                        n=Count("value"), rows=Count("pk"), total=Sum("value"),
                        squares=Sum(F("value") * F("value")), low=Min("value"),
                        high=Max("value"),
                        band_low=Count("pk", filter=Q(value__lt=low_below)),
                        band_middle=Count("pk", filter=Q(value__gte=low_below,
                                                         value__lt=high_from)),
                        band_high=Count("pk", filter=Q(value__gte=high_from)))):
            key = (row["kommune_id"], row["period"])
            if (key[0], instrument_id, key[1]) not in wanted:
                continue  # the scope's cross product holds semesters nobody asked for
            rows.append(Semestersum(
                instrument_id=instrument_id, observations=observations.get(key, 0),
                low_below=low_below, high_from=high_from, **row))
    return rows


def sum_differences(kommune: Kommune | None = None) -> Iterator[str]:
    """Where the stored semester sums differ from summing the stored results again."""
    results = Resultat.objects.filter(counts=True)
    stored = Semestersum.objects.all()
    if kommune is not None:
        results, stored = results.filter(kommune=kommune), stored.filter(kommune=kommune)
    fields = [f.attname for f in Semestersum._meta.concrete_fields if f.attname != "id"]

    def key(row: Semestersum) -> tuple:
        return (row.kommune_id, row.instrument_id, row.period, row.code)

    def signature(row: Semestersum) -> tuple:
        return tuple(round(value, 9) if isinstance(value, float) else value
                     for value in (getattr(row, name) for name in fields))

    expected = {key(row): row for row in _summed(_by_kommune_and_instrument(
        _sum_keys(results)))}
    have = {key(row): row for row in stored}
    for found in sorted(expected.keys() | have.keys()):
        want, got = expected.get(found), have.get(found)
        if want is None or got is None or signature(want) != signature(got):
            yield (f"semester sum {found}: stored "
                   f"{signature(got) if got else None} != summed "
                   f"{signature(want) if want else None}")


# Any number, the same in every process: the advisory lock's class for `refresh_sums`.
SUM_LOCK = 7301


def observations_of(kommune: Kommune | None = None) -> QuerySet[Observasjon]:
    queryset = Observasjon.objects.all()
    return queryset.filter(runde__kommune=kommune) if kommune is not None else queryset


def rebuild(kommune: Kommune | None = None, *, chunk_size: int = CHUNK) -> int:
    """Recomputes every stored result of a municipality (or of all); returns how many."""
    with transaction.atomic():
        stale = Resultat.objects.exclude(observasjon__status__in=DONE_STATUSES)
        if kommune is not None:
            stale = stale.filter(observasjon__runde__kommune=kommune)
        Resultatverdi.objects.filter(resultat__in=stale).delete()
        stale.delete()
        # Every sum is written again with the results below; until then readers sum the
        # stored results themselves.
        sums = Semestersum.objects.all()
        (sums.filter(kommune=kommune) if kommune is not None else sums).delete()
    return store_results(observations_of(kommune).filter(status__in=DONE_STATUSES),
                         chunk_size=chunk_size)


def differences(kommune: Kommune | None = None, *, chunk_size: int = CHUNK) -> Iterator[str]:
    """Where the stored results differ from a recomputation from the raw scores: one line
    per observation (a missing result, one too many, or different figures)."""
    structure = _Structure()
    ids = list(observations_of(kommune).order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(ids, chunk_size):
        expected = compute(chunk, structure)
        stored: dict[int, Computed] = {}
        verdier: dict[int, list[Resultatverdi]] = defaultdict(list)
        for verdi in Resultatverdi.objects.filter(resultat_id__in=chunk).order_by():
            verdier[verdi.resultat_id].append(verdi)
        for head in Resultat.objects.filter(observasjon_id__in=chunk).order_by():
            stored[head.observasjon_id] = Computed.of(head,
                                                      verdier.get(head.observasjon_id, []))
        for pk in chunk:
            want, have = expected.get(pk), stored.get(pk)
            if want is None and have is None:
                continue
            if have is None:
                yield f"observation {pk}: no stored result"
            elif want is None:
                yield f"observation {pk}: a stored result, but it is not submitted or locked"
            elif want.signature() != have.signature():
                yield (f"observation {pk}: stored {have.signature()} "
                       f"!= recomputed {want.signature()}")
