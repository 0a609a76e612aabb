"""Tenancy cases for the report pages (joined into tests/rapporter/matrix.py).

Consultants and admins see, order, approve and withdraw every report of their
municipality; a politician downloads the newest published version of her municipality's
annual reports; a leader that of the reports about her own kindergarten; observers have
no report pages.
Outside that: 404, and a draft, a withdrawn or a replaced version is 404 to its readers.

The order and regenerate POSTs run inside the test's transaction, so their tasks (queued
on commit) never run here: the matrix checks access, not rendering.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from rapporter.models import STORED, Kind, Rapport, Status
from tests.access_matrix import (
    ALL,
    DENIED,
    HIDDEN,
    MUNICIPALITY,
    OWN_KINDERGARTEN,
    REDIRECT,
    Case,
)

# A tiny PDF every download case shares, written once under MEDIA_ROOT.
MATRIX_FILE = "rapporter/tests/matrix.pdf"
MATRIX_BYTES = b"%PDF-1.7\n% matrix\n%%EOF\n"


def _rapport(world, target: str, *, kind: str = Kind.ANNUAL,
             status: str = Status.PUBLISHED, version: int = 1) -> Rapport:
    barnehage = None if kind == Kind.ANNUAL else world.barnehage[target]
    fields: dict = {}
    if status in STORED:
        if not default_storage.exists(MATRIX_FILE):
            default_storage.save(MATRIX_FILE, ContentFile(MATRIX_BYTES))
        fields = {"file": MATRIX_FILE, "sha256": hashlib.sha256(MATRIX_BYTES).hexdigest(),
                  "size": len(MATRIX_BYTES), "progress": 100}
    if status in (Status.PUBLISHED, Status.WITHDRAWN):
        fields["published_at"] = timezone.now()
    if status == Status.WITHDRAWN:
        fields.update(withdrawn_at=timezone.now(), withdrawal_reason="Feil tall")
    return Rapport.objects.create(kind=kind, kommune=world.kommune[target], barnehage=barnehage,
                                  year=2025, language="nb", status=status, version=version,
                                  **fields)


def _page(name: str, **options):
    def url(world, target):
        return reverse(f"rapporter:{name}", args=[_rapport(world, target, **options).pk])
    return url


def _replaced(name: str):
    """Version 1 of a published annual report whose version 2 is published too."""
    def url(world, target):
        first = _rapport(world, target)
        _rapport(world, target, version=2)
        return reverse(f"rapporter:{name}", args=[first.pk])
    return url


def _kommune_page(name: str, *extra):
    def url(world, target):
        return reverse(f"rapporter:{name}", args=[world.kommune[target].slug, *extra])
    return url


MANAGERS_ONLY = {"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "leader": DENIED,
                 "observer": DENIED, "politician": DENIED}
ORDERING = {"consultant": {"own": REDIRECT, "sibling": REDIRECT, "foreign": 404},
            "admin": {"own": REDIRECT, "sibling": REDIRECT, "foreign": 404},
            "leader": DENIED, "observer": DENIED, "politician": DENIED}
# A published annual report: the committee's, so politicians read it too.
ANNUAL = {"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "politician": MUNICIPALITY,
          "leader": HIDDEN, "observer": DENIED}
# A published kindergarten report: for the kindergarten's leader, not for politicians.
KINDERGARTEN = {"consultant": MUNICIPALITY, "admin": MUNICIPALITY,
                "leader": OWN_KINDERGARTEN, "politician": HIDDEN, "observer": DENIED}
# Not yet published (queued, running, a draft), withdrawn, or replaced by a newer
# publication: consultants and admins follow it; nobody else sees it.
PENDING = {"consultant": MUNICIPALITY, "admin": MUNICIPALITY, "politician": HIDDEN,
           "leader": HIDDEN, "observer": DENIED}
REVIEWED = {role: {target: REDIRECT if status == 200 else status
                   for target, status in targets.items()}
            for role, targets in MANAGERS_ONLY.items()}

CASES = [
    Case("rapporter:report-list", lambda world, target: reverse("rapporter:report-list"),
         expect={"consultant": ALL, "admin": ALL, "politician": ALL, "leader": ALL,
                 "observer": DENIED}),
    Case("rapporter:report-detail", _page("report-detail"), expect=ANNUAL),
    Case("rapporter:report-detail", _page("report-detail", kind=Kind.KINDERGARTEN),
         expect=KINDERGARTEN),
    Case("rapporter:report-detail", _page("report-detail", status=Status.RUNNING),
         expect=PENDING),
    Case("rapporter:report-status", _page("report-status"), expect=ANNUAL),
    Case("rapporter:report-status", _page("report-status", status=Status.QUEUED),
         expect=PENDING),
    Case("rapporter:report-download", _page("report-download"), expect=ANNUAL),
    Case("rapporter:report-download", _page("report-download", kind=Kind.KINDERGARTEN),
         expect=KINDERGARTEN),
    # Only a published report has a file: a failed one is 404 for everyone.
    Case("rapporter:report-download", _page("report-download", status=Status.FAILED),
         expect={"consultant": HIDDEN, "admin": HIDDEN, "politician": HIDDEN,
                 "leader": HIDDEN, "observer": DENIED}),
    # The review: a draft is read (and previewed) by consultants and admins only, and a
    # version withdrawn or replaced by a newer publication is no longer the readers'.
    Case("rapporter:report-detail", _page("report-detail", status=Status.DRAFT),
         expect=PENDING),
    Case("rapporter:report-download", _page("report-download", status=Status.DRAFT),
         expect=PENDING),
    Case("rapporter:report-download",
         _page("report-download", kind=Kind.KINDERGARTEN, status=Status.DRAFT),
         expect=PENDING),
    Case("rapporter:report-download", _page("report-download", status=Status.WITHDRAWN),
         expect=PENDING),
    Case("rapporter:report-detail", _page("report-detail", status=Status.WITHDRAWN),
         expect=PENDING),
    Case("rapporter:report-download", _replaced("report-download"), expect=PENDING),
    Case("rapporter:report-approve", _page("report-approve", status=Status.DRAFT),
         expect=MANAGERS_ONLY),
    Case("rapporter:report-approve", _page("report-approve", status=Status.DRAFT),
         method="post", data=lambda world, target: {"confirm": "on"}, expect=REVIEWED),
    Case("rapporter:report-withdraw", _page("report-withdraw"), expect=MANAGERS_ONLY),
    Case("rapporter:report-withdraw", _page("report-withdraw"), method="post",
         data=lambda world, target: {"reason": "Feil tall i kapittel 3."}, expect=REVIEWED),
    Case("rapporter:report-regenerate", _page("report-regenerate"), method="post",
         expect=ORDERING),
    Case("rapporter:report-order",
         lambda world, target: reverse("rapporter:report-order", args=[Kind.ANNUAL]),
         method="post",
         data=lambda world, target: {"annual-kommune": world.kommune[target].pk,
                                     "annual-year": 2025},
         expect=ORDERING),
    Case("rapporter:report-order",
         lambda world, target: reverse("rapporter:report-order", args=[Kind.KINDERGARTEN]),
         method="post",
         data=lambda world, target: {"kindergarten-kommune": world.kommune[target].pk,
                                     "kindergarten-barnehage": world.barnehage[target].pk,
                                     "kindergarten-year": 2025,
                                     "kindergarten-semester": "autumn"},
         expect=ORDERING),
    Case("rapporter:recommendation-edit", _kommune_page("recommendation-edit", 2025),
         expect=MANAGERS_ONLY),
    Case("rapporter:recommendation-edit", _kommune_page("recommendation-edit", 2025),
         method="post", data=lambda world, target: {"text": "Mer tid til samtaler."},
         expect={role: {target: REDIRECT if status == 200 else status
                        for target, status in targets.items()}
                 for role, targets in MANAGERS_ONLY.items()}),
    Case("rapporter:report-settings", _kommune_page("report-settings"),
         expect=MANAGERS_ONLY),
    Case("rapporter:report-settings", _kommune_page("report-settings"), method="post",
         data=lambda world, target: {"annual_day": 1, "annual_month": 3,
                                     "covers_previous_year": "on"},
         expect={role: {target: REDIRECT if status == 200 else status
                        for target, status in targets.items()}
                 for role, targets in MANAGERS_ONLY.items()}),
]
