"""Writes of a supervision: publishing it with its report.

The published supervision report is a PDF made by the one renderer (barnehager.pdf) from
`selectors.report_document`, in the municipality's language.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from barnehager.pdf import render_pdf
from observasjoner.tilsyn.models import Tilsyn, Tilsynsrapport
from observasjoner.tilsyn.selectors import report_document


def publish_problems(tilsyn: Tilsyn, *, without_board_comment: bool = False) -> list[str]:
    """Why the report cannot be published as asked (empty when it can). The parent board's
    comment must be recorded, marked as not given, or its absence confirmed by the
    consultant (the report then says the board had not commented when it was published)."""
    problems = []
    if tilsyn.status not in Tilsyn.LEADER_VISIBLE:
        problems.append(_("Complete the supervision before publishing it."))
    if tilsyn.board_comment_missing and not without_board_comment:
        problems.append(_("Record the parent board's comment, mark it as not given, or "
                          "confirm that you publish without it."))
    return problems


def publish(tilsyn: Tilsyn, today: date | None = None, *,
            without_board_comment: bool = False) -> None:
    """Completed → published, after the confirmation page (views.tilsyn_publish): renders
    the supervision report and stores it with its checksum and the supervision's fields in
    one transaction, so it is stored whole or not at all. Publishing again (after the
    board's comment, say) renders a new report; the date of first publication stays."""
    problems = publish_problems(tilsyn, without_board_comment=without_board_comment)
    if problems:
        raise ValidationError(problems)
    tilsyn.published_on = tilsyn.published_on or today or timezone.localdate()
    tilsyn.status = Tilsyn.Status.PUBLISHED
    generated_at = timezone.now()
    with translation.override(tilsyn.barnehage.kommune.language):
        pdf = render_pdf(report_document(tilsyn, generated_at)).content
    with transaction.atomic():
        tilsyn.save(update_fields=["status", "published_on", "updated_at"])
        Tilsynsrapport.objects.update_or_create(tilsyn=tilsyn, defaults={
            "pdf": pdf, "generated_at": generated_at,
            "checksum": hashlib.sha256(pdf).hexdigest(),
        })
