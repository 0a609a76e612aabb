"""The published supervision report: a PDF rendered by WeasyPrint from a template.

Every user text reaches the PDF through Django's autoescaping, never |safe. The report is
written in the municipality's language.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_report_pdf(tilsyn, generated_at) -> bytes:
    from weasyprint import HTML  # about a second to import: only where a report is made

    with translation.override(tilsyn.barnehage.kommune.language):
        html = render_to_string("observasjoner/tilsyn/report_pdf.html", {
            "tilsyn": tilsyn,
            "themes": tilsyn.theme_summary(),
            "skala": tilsyn.instrument.skala,
            "levels": list(tilsyn.instrument.skala.levels.all()),
            "utviklingspunkter": list(tilsyn.utviklingspunkter.select_related("tema")),
            "action_plans": list(tilsyn.action_plans()),
            "generated_at": generated_at,
        })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def store_report(tilsyn) -> None:
    """Renders the report for `tilsyn` as it stands and saves it with the supervision's
    fields in one transaction; a failure leaves the previous state untouched."""
    from observasjoner.tilsyn.models import Tilsynsrapport

    generated_at = timezone.now()
    pdf = render_report_pdf(tilsyn, generated_at)
    with transaction.atomic():
        tilsyn.save(update_fields=["status", "published_on", "updated_at"])
        Tilsynsrapport.objects.update_or_create(tilsyn=tilsyn, defaults={
            "pdf": pdf, "generated_at": generated_at,
            "checksum": hashlib.sha256(pdf).hexdigest(),
        })
