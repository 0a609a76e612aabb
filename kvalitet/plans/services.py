"""Writes that touch several rows at once."""

from django.db import transaction

from kvalitet.models import BarnehageFokus


@transaction.atomic
def save_focus_choices(barnehage, year: int, choices, user) -> None:
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
