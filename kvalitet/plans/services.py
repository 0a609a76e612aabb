"""Writes that touch several rows at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from kvalitet.models import BarnehageFokus

if TYPE_CHECKING:
    from barnehager.models import Barnehage, User
    from kvalitet.models import Fokusomrade


@transaction.atomic
def save_focus_choices(barnehage: Barnehage, year: int,
                       choices: Iterable[tuple[Fokusomrade, Mapping[str, Any]]],
                       user: User) -> None:
    """Stores a kindergarten's focus for a year: `choices` pairs each offered focus area with
    its cleaned form data; a chosen area is created or updated, an unchosen one removed."""
    for fokusomrade, data in choices:
        if data.get("chosen"):
            BarnehageFokus.objects.update_or_create(
                barnehage=barnehage, fokusomrade=fokusomrade, year=year,
                defaults={"sub_goal": data["sub_goal"].strip(),
                          "anchored_in": data.get("anchored_in", "").strip(),
                          "chosen_from": data.get("chosen_from", "").strip(),
                          "chosen_by": user},
            )
        else:
            BarnehageFokus.objects.filter(barnehage=barnehage, fokusomrade=fokusomrade,
                                          year=year).delete()
