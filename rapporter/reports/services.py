"""Ordering, building and publishing reports.

A report is published whole or not at all (docs/domain.md, Reports):
`build` renders the PDF into a temporary file beside the storage, checksums it, and
`publish` moves it into storage and marks the row published inside one transaction,
checking the stored bytes against the checksum first. Until that transaction commits
the row points at no file; when anything fails the stored file is removed again and the
row keeps no file. A failed attempt is retried by the task; the last failure is written
on the row for the consultant to see.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from barnehager import outbox
from barnehager.access import AnyUser
from barnehager.models import Barnehage, Kommune
from barnehager.pdf import render_pdf
from rapporter.models import Kind, Rapport, Status
from rapporter.reports import selectors as report_content

if TYPE_CHECKING:
    from observasjoner.models import Observasjonsrunde

logger = logging.getLogger(__name__)

ERROR_LENGTH = 1000


class ReportError(Exception):
    """A report that cannot be made as ordered (e.g. the subject is gone)."""


# Ordering ----------------------------------------------------------------------------------

def order(kind: str, kommune: Kommune, *, year: int, semester: str = "",
          barnehage: Barnehage | None = None, subject_id: int | None = None,
          runde: Observasjonsrunde | None = None, user: AnyUser | None = None,
          scheduled: bool = False) -> Rapport:
    """A new queued version of a report; the caller queues its task (see `queue`)."""
    with transaction.atomic():
        # One version number per order, also when two consultants order at once.
        Kommune.objects.select_for_update().filter(pk=kommune.pk).first()
        previous = Rapport.objects.filter(
            kind=kind, kommune=kommune, barnehage=barnehage, year=year, semester=semester,
            subject_id=subject_id,
        ).aggregate(latest=Max("version"))["latest"] or 0
        rapport = Rapport(
            kind=kind, kommune=kommune, barnehage=barnehage, year=year, semester=semester,
            subject_id=subject_id, runde=runde, language=kommune.language,
            version=previous + 1, generated_by=user if user and user.is_authenticated else None,
            scheduled=scheduled, task_id=str(uuid.uuid4()),
        )
        rapport.full_clean(exclude=["file"])
        rapport.save()
    return rapport


def order_again(rapport: Rapport, user: AnyUser | None = None) -> Rapport:
    """A new version of the same report; the old one stays listed."""
    return order(rapport.kind, rapport.kommune, year=rapport.year, semester=rapport.semester,
                 barnehage=rapport.barnehage, subject_id=rapport.subject_id,
                 runde=rapport.runde, user=user)


GENERATE_REPORT = "rapporter.reports.tasks.generate_report"


def queue(rapport: Rapport) -> None:
    """Records the report's task in the outbox: it runs once the surrounding transaction
    commits, or later if the broker is down then. The report's task id is the message's."""
    outbox.enqueue(GENERATE_REPORT, rapport.pk, message_id=rapport.task_id)


def order_kindergarten_reports(kommune: Kommune, *, year: int, semester: str,
                               barnehager: Iterable[Barnehage] | None = None,
                               runde: Observasjonsrunde | None = None,
                               user: AnyUser | None = None,
                               scheduled: bool = False) -> list[Rapport]:
    """One kindergarten report per kindergarten, each its own task so several workers
    share them."""
    barnehager = list(barnehager if barnehager is not None
                      else Barnehage.objects.filter(kommune=kommune).order_by("name"))
    rapporter = [order(Kind.KINDERGARTEN, kommune, year=year, semester=semester,
                       barnehage=barnehage, runde=runde, user=user, scheduled=scheduled)
                 for barnehage in barnehager]
    for rapport in rapporter:
        queue(rapport)
    return rapporter


def order_round_reports(runde: Observasjonsrunde,
                        user: AnyUser | None = None) -> list[Rapport]:
    """The kindergarten reports a closed round calls for: one per observed kindergarten,
    as one group; nothing when the round already has them."""
    with transaction.atomic():
        runde = type(runde).objects.select_for_update().select_related("kommune").get(
            pk=runde.pk)
        if runde.rapporter.filter(kind=Kind.KINDERGARTEN).exists():
            return []
        barnehager = (Barnehage.objects.filter(avdelinger__observasjoner__runde=runde)
                      .distinct().order_by("name"))
        return order_kindergarten_reports(
            runde.kommune, year=runde.year, semester=runde.semester, barnehager=barnehager,
            runde=runde, user=user, scheduled=True)


# Building ----------------------------------------------------------------------------------

def build(rapport_id: int, attempt: int = 1) -> Rapport:
    """Renders the report and publishes it; raises on any failure (the task retries)."""
    rapport = Rapport.objects.select_related("kommune", "barnehage").get(pk=rapport_id)
    if rapport.status == Status.PUBLISHED:
        # A redelivered task (the worker died after publishing): nothing left to do.
        return rapport
    _set_state(rapport, status=Status.RUNNING, progress=10, attempts=attempt)
    with translation.override(rapport.language):
        document = report_content.for_report(rapport)
        _set_state(rapport, progress=40)
        rendered = render_pdf(document)
    temporary = _temporary_path()
    try:
        temporary.write_bytes(rendered.content)
        _set_state(rapport, progress=80)
        checksum = sha256_of(temporary)
        publish(rapport, temporary, checksum, rendered.pages)
    finally:
        temporary.unlink(missing_ok=True)
    return rapport


def publish(rapport: Rapport, path: Path, checksum: str, pages: int) -> None:
    """Moves the finished file into storage and marks the row published, in one step."""
    _check_pdf(path)
    storage = Rapport.file.field.storage
    stored = None
    try:
        with transaction.atomic():
            locked = Rapport.objects.select_for_update().get(pk=rapport.pk)
            if locked.status == Status.PUBLISHED:
                return
            name = Rapport.file.field.generate_filename(
                rapport, f"{rapport.kind}-{rapport.pk}-v{rapport.version}-{checksum[:12]}.pdf")
            with open(path, "rb") as handle:
                stored = storage.save(name, _MovableFile(handle, path))
            with storage.open(stored, "rb") as handle:
                if sha256_of(handle) != checksum:
                    raise ReportError("the stored file differs from the rendered one")
            locked.file.name = stored
            locked.sha256 = checksum
            locked.size = storage.size(stored)
            locked.pages = pages
            locked.status = Status.PUBLISHED
            locked.progress = 100
            locked.generated_at = timezone.now()
            locked.error_message = ""
            locked.save()
    except BaseException:
        if stored:
            storage.delete(stored)
        raise
    rapport.refresh_from_db()


def note_retry(rapport_id: int, error: BaseException, attempt: int) -> None:
    """A failed attempt the task will retry: queued again, with the reason shown."""
    Rapport.objects.filter(pk=rapport_id).exclude(status=Status.PUBLISHED).update(
        status=Status.QUEUED, progress=0,
        error_message=_error_text(error, prefix=f"Attempt {attempt} failed, retrying: "))


def mark_failed(rapport_id: int, error: BaseException) -> None:
    """The last attempt failed: the row says why and has no file."""
    Rapport.objects.filter(pk=rapport_id).exclude(status=Status.PUBLISHED).update(
        status=Status.FAILED, progress=0, file="", sha256="", size=None, pages=None,
        error_message=_error_text(error))


def sha256_of(source: str | os.PathLike[str] | BinaryIO | File) -> str:
    """Checksum of a path or an open binary file."""
    digest = hashlib.sha256()
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return sha256_of(handle)
    for chunk in iter(lambda: source.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest()


def generate_now(rapport: Rapport) -> Rapport:
    """Builds synchronously in this process (the management command); marks failures."""
    try:
        return build(rapport.pk)
    except Exception as error:
        mark_failed(rapport.pk, error)
        raise


# Helpers -----------------------------------------------------------------------------------

class _MovableFile(File):
    """Lets FileSystemStorage rename the file into place instead of copying it."""

    def __init__(self, handle: BinaryIO, path: Path) -> None:
        super().__init__(handle, name=str(path))
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def _temporary_path() -> Path:
    """A fresh temporary file on the storage's own disk, so publishing is a rename."""
    storage = Rapport.file.field.storage
    if isinstance(storage, FileSystemStorage):
        directory = Path(storage.location) / "rapporter" / ".tmp"
        directory.mkdir(parents=True, exist_ok=True)
    else:
        directory = Path(tempfile.gettempdir())
    handle, name = tempfile.mkstemp(prefix="rapport-", suffix=".pdf", dir=directory)
    os.close(handle)
    return Path(name)


def _check_pdf(path: Path) -> None:
    """A whole PDF starts with its header and ends with its end-of-file marker."""
    with open(path, "rb") as handle:
        head = handle.read(5)
        handle.seek(max(0, path.stat().st_size - 1024))
        tail = handle.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise ReportError("the rendered file is not a complete PDF")


def _set_state(rapport: Rapport, **fields: object) -> None:
    Rapport.objects.filter(pk=rapport.pk).update(**fields)
    for name, value in fields.items():
        setattr(rapport, name, value)


def _error_text(error: BaseException, prefix: str = "") -> str:
    text = f"{prefix}{error.__class__.__name__}: {error}"
    return text[:ERROR_LENGTH]
