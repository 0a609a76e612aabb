"""Confirming a step that cannot be undone with one click: publishing a round, submitting,
approving, a final evaluation.

The step's form posts as usual; the view asks `confirmed(request)` and, until the person
has confirmed, answers with `page(...)`: what will happen, who will be told, and the same
form again with every value she sent plus `confirmed=1`. It needs no JavaScript and keeps
the CSP (no inline script); her text survives the detour because it travels in the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
BACK_FIELD = "back"
NOT_ECHOED = {"csrfmiddlewaretoken", CONFIRM_FIELD, BACK_FIELD}


def confirmed(request: HttpRequest) -> bool:
    """The person has seen the confirmation page and said yes."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def going_back(request: HttpRequest) -> bool:
    """She chose to return to the form with what she wrote (`Confirmation.back_label`)."""
    return request.method == "POST" and BACK_FIELD in request.POST


@dataclass
class Confirmation:
    title: str
    what: Sequence[str]
    told: Sequence[str]
    confirm_label: str
    cancel_url: str
    # Shown as a second button that posts the values back to the form instead of a link.
    back_label: str = ""
    hidden: list[tuple[str, str]] = field(default_factory=list)


def page(request: HttpRequest, confirmation: Confirmation, *, action: str = "",
         status: int = 200) -> HttpResponse:
    """The confirmation page for the POST in `request`, posting to `action` (the same
    address when empty) with the values she sent."""
    confirmation.hidden = [(name, value) for name, values in request.POST.lists()
                           if name not in NOT_ECHOED for value in values]
    return render(request, "confirm.html", {
        "confirmation": confirmation, "action": action or request.get_full_path(),
    }, status=status)
