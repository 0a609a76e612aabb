"""Builders for supervision tests: the shared instrument the migration ships, and
supervisions in a chosen state."""

from datetime import date, timedelta

from django.utils import translation

from handleplaner.models import Handleplan, Mal
from observasjoner.tilsyn.models import Tilsyn, TilsynInstrument, TilsynVurdering, Utviklingspunkt

VISIT = date(2025, 10, 1)


def shared_instrument(language: str) -> TilsynInstrument:
    return TilsynInstrument.objects.get(kommune__isnull=True, language=language)


def make_tilsyn(barnehage, consultant, *, outcome: str = "", status: str = "draft",
                rated: bool = True, level: int = 3, **fields) -> Tilsyn:
    """A supervision with every criterion rated at `level` (or none, with rated=False).
    A completed or published one is saved in that state directly, for tests of access."""
    instrument = shared_instrument(barnehage.kommune.language)
    intensified = outcome in Tilsyn.INTENSIFIED
    fields.setdefault("follow_up_date", VISIT + timedelta(days=90) if intensified else None)
    tilsyn = Tilsyn.objects.create(barnehage=barnehage, consultant=consultant,
                                   instrument=instrument, date=VISIT, outcome=outcome,
                                   status=status, **fields)
    niva = instrument.skala.levels.get(value=level) if rated else None
    TilsynVurdering.objects.bulk_create(
        TilsynVurdering(tilsyn=tilsyn, kriterium=kriterium, niva=niva)
        for tema in instrument.temaer.all() for kriterium in tema.kriterier.all())
    return tilsyn


def make_action_plan(tilsyn, title: str = "Fællesskab for alle"):
    """An action plan started from a new development point of `tilsyn`."""
    point = Utviklingspunkt.objects.create(tilsyn=tilsyn, text=f"Punkt: {title}")
    return Handleplan.objects.create(barnehage=tilsyn.barnehage, title=title,
                                     mal=Mal.objects.order_by("pk").first(),
                                     origin="tilsyn", utviklingspunkt=point)


def english(settings):
    """Runs a test in English whatever translations exist: the assertions read msgids."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
