"""Tenancy cases for the supervision pages (joined into tests/observasjoner/matrix.py).

Each target gets its own supervision: "own" in A1 (the leader's kindergarten), "sibling"
in A2, "foreign" in B1 of the other municipality.
"""

from django.urls import reverse

from observasjoner.tilsyn.models import Skala, SkalaNiva, TilsynInstrument, Tilsynsrapport
from tests.access_matrix import (
    ALL,
    DENIED,
    MUNICIPALITY,
    OWN_KINDERGARTEN,
    REDIRECT,
    Case,
)
from tests.observasjoner.tilsyn.helpers import make_tilsyn

# The state each page needs its supervision in.
STATES = {
    "draft": {"rated": False},
    "ready": {"outcome": "none"},
    "completed": {"outcome": "none", "status": "completed"},
    "published": {"outcome": "none", "status": "published", "published_on": "2025-11-01"},
}


def tilsyn_of(world, target: str, state: str):
    key = ("tilsyn", target, state)
    if key not in world.extra:
        people = world.foreign_users if target == "foreign" else world.users
        tilsyn = make_tilsyn(world.barnehage[target], people["consultant"], **STATES[state])
        if state == "published":
            Tilsynsrapport.objects.create(tilsyn=tilsyn, pdf=b"%PDF-1.7 matrix",
                                          generated_at=tilsyn.created_at, checksum="0" * 64)
        world.extra[key] = tilsyn
    return world.extra[key]


def instrument_of(world, target: str):
    """Own: municipality A's instrument; sibling: a shared one; foreign: B's."""
    key = ("tilsyn-instrument", target)
    if key not in world.extra:
        skala = Skala.objects.create(name="To nivåer", good_from=2)
        SkalaNiva.objects.bulk_create([SkalaNiva(skala=skala, value=1, name="svak"),
                                       SkalaNiva(skala=skala, value=2, name="god")])
        kommune = None if target == "sibling" else world.kommune[target]
        world.extra[key] = TilsynInstrument.objects.create(
            kommune=kommune, name=f"Instrument {target}", skala=skala)
    return world.extra[key]


def page(name: str, state: str):
    return lambda world, target: reverse(f"observasjoner:{name}",
                                         args=[tilsyn_of(world, target, state).pk])


MANAGERS_ONLY = {"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "leader": DENIED,
                 "observer": DENIED, "politician": DENIED}
MANAGERS_AND_LEADER = {**MANAGERS_ONLY, "leader": OWN_KINDERGARTEN}
MANAGERS_ANYWHERE = {"consultant": ALL, "admin": ALL, "leader": DENIED, "observer": DENIED,
                     "politician": DENIED}

CASES = [
    Case("observasjoner:tilsyn-list", lambda world, target: reverse("observasjoner:tilsyn-list"),
         expect={**MANAGERS_ANYWHERE, "leader": ALL}),
    Case("observasjoner:tilsyn-create",
         lambda world, target: reverse("observasjoner:tilsyn-create"),
         expect=MANAGERS_ANYWHERE),
    Case("observasjoner:tilsyn-detail", page("tilsyn-detail", "completed"),
         expect=MANAGERS_AND_LEADER),
    Case("observasjoner:tilsyn-edit", page("tilsyn-edit", "draft"), expect=MANAGERS_ONLY),
    Case("observasjoner:tilsyn-outcome", page("tilsyn-outcome", "draft"),
         expect=MANAGERS_ONLY),
    Case("observasjoner:tilsyn-complete", page("tilsyn-complete", "ready"),
         expect=MANAGERS_ONLY, method="post", success=REDIRECT),
    Case("observasjoner:tilsyn-board-comment", page("tilsyn-board-comment", "completed"),
         expect=MANAGERS_ONLY),
    # A draft: the publish and close steps refuse it with a message (no PDF rendered here).
    Case("observasjoner:tilsyn-publish", page("tilsyn-publish", "draft"),
         expect=MANAGERS_ONLY, method="post", success=REDIRECT),
    # The confirmation step before publishing, and the preview it links.
    Case("observasjoner:tilsyn-publish", page("tilsyn-publish", "completed"),
         expect=MANAGERS_ONLY),
    Case("observasjoner:tilsyn-preview", page("tilsyn-preview", "completed"),
         expect=MANAGERS_ONLY),
    Case("observasjoner:tilsyn-close", page("tilsyn-close", "draft"),
         expect=MANAGERS_ONLY, method="post", success=REDIRECT),
    Case("observasjoner:tilsyn-report", page("tilsyn-report", "published"),
         expect=MANAGERS_AND_LEADER),
    Case("observasjoner:tilsyn-instrument-list",
         lambda world, target: reverse("observasjoner:tilsyn-instrument-list"),
         expect=MANAGERS_ANYWHERE),
    Case("observasjoner:tilsyn-instrument-import",
         lambda world, target: reverse("observasjoner:tilsyn-instrument-import"),
         expect=MANAGERS_ANYWHERE),
    Case("observasjoner:tilsyn-instrument-detail",
         lambda world, target: reverse("observasjoner:tilsyn-instrument-detail",
                                       args=[instrument_of(world, target).pk]),
         expect=MANAGERS_ONLY),
]
