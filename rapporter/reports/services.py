"""Ordering, building, approving and withdrawing reports.

A report leaves the building only after review (docs/domain.md, Reports). `build` renders
the PDF into a temporary file beside the storage, checksums it, and `store` moves it into
storage and marks the row a *draft* inside one transaction, checking the stored bytes
against the checksum first, with the list of what was incomplete at that moment
(`completeness.gaps`). Until that transaction commits the row points at no file; when
anything fails the stored file is removed again and the row keeps no file. A failed
attempt is retried by the task; the last failure is written on the row.

A draft is read by the municipality's consultants and admins only. `approve` publishes it
(after the confirmation page that names its readers); `withdraw` takes a published version
back, and it stays on record. Who reads which version is `rapporter/access.py`'s to say.
A draft the schedule ordered is announced to the municipality's consultants by e-mail,
through the outbox.

`apply_report_retention` removes the old versions a municipality no longer keeps
(`Kommune.report_version_months`, docs/domain.md, Reports): the nightly beat task's work.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from barnehager import audit, outbox
from barnehager.access import AnyUser
from barnehager.models import AuditAction, Barnehage, Kommune, User
from barnehager.pdf import PdfDocument, render_pdf
from observasjoner.models import Observasjonsrunde
from rapporter.models import PENDING, STORED, Kind, Rapport, Status
from rapporter.reports import completeness
from rapporter.reports import selectors as report_content

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
    """Renders the report and stores it as a draft; raises on any failure (the task
    retries)."""
    rapport = Rapport.objects.select_related("kommune", "barnehage").get(pk=rapport_id)
    if rapport.has_file:
        # A redelivered task (the worker died after storing it): nothing left to do.
        return rapport
    _remove_leftovers(rapport)
    _set_state(rapport, status=Status.RUNNING, progress=10, attempts=attempt)
    with translation.override(rapport.language):
        covered = (completeness.coverage(rapport)
                   if rapport.kind in (Kind.ANNUAL, Kind.KINDERGARTEN) else None)
        gaps = completeness.gaps(rapport, covered)
        document = report_content.for_report(rapport)
        document = PdfDocument(document.template, {
            **document.context, "gaps": gaps, "coverage": covered,
            "incomplete": bool(covered and covered.incomplete)})
        _set_state(rapport, progress=40)
        rendered = render_pdf(document)
    temporary = _temporary_path(rapport)
    try:
        temporary.write_bytes(rendered.content)
        _set_state(rapport, progress=80)
        checksum = sha256_of(temporary)
        store(rapport, temporary, checksum, rendered.pages, gaps=gaps)
    finally:
        temporary.unlink(missing_ok=True)
    return rapport


NOTIFY_DRAFT = "rapporter.reports.tasks.notify_draft"


def store(rapport: Rapport, path: Path, checksum: str, pages: int,
          gaps: list[completeness.Gap] | None = None) -> None:
    """Moves the finished file into storage and marks the row a draft, in one step; a
    scheduled report's draft is announced to the consultants in the same transaction."""
    _check_pdf(path)
    storage = Rapport.file.field.storage
    stored = None
    try:
        with transaction.atomic():
            locked = Rapport.objects.select_for_update().get(pk=rapport.pk)
            if locked.has_file:
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
            locked.status = Status.DRAFT
            locked.progress = 100
            locked.generated_at = timezone.now()
            locked.warnings = [gap.as_json() for gap in gaps or []]
            locked.error_message = ""
            locked.save()
            if locked.scheduled and _last_of_its_group(locked):
                outbox.enqueue(NOTIFY_DRAFT, locked.pk)
    except BaseException:
        if stored:
            storage.delete(stored)
        raise
    rapport.refresh_from_db()


def _last_of_its_group(rapport: Rapport) -> bool:
    """A round's kindergarten reports are announced once, by the last one made (the round's
    row is locked so two finishing at once agree on which that is); any other report by
    itself."""
    if rapport.kind != Kind.KINDERGARTEN or rapport.runde_id is None:
        return True
    Observasjonsrunde.objects.select_for_update().filter(pk=rapport.runde_id).first()
    return not Rapport.objects.filter(runde_id=rapport.runde_id, kind=Kind.KINDERGARTEN,
                                      status__in=PENDING).exclude(pk=rapport.pk).exists()


def note_retry(rapport_id: int, error: BaseException, attempt: int) -> None:
    """A failed attempt the task will retry: queued again, with the reason shown."""
    Rapport.objects.filter(pk=rapport_id).exclude(status__in=STORED).update(
        status=Status.QUEUED, progress=0,
        error_message=_error_text(error, prefix=f"Attempt {attempt} failed, retrying: "))


def mark_failed(rapport_id: int, error: BaseException) -> None:
    """The last attempt failed: the row says why and has no file."""
    Rapport.objects.filter(pk=rapport_id).exclude(status__in=STORED).update(
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


# Review ------------------------------------------------------------------------------------

class ReviewError(Exception):
    """A step the version's state does not allow (approved already, withdrawn, ...)."""


def approve(rapport: Rapport, user: AnyUser | None) -> Rapport:
    """Draft → published: the version its readers now see. An older version stays
    published on record but is no longer shown to them (rapporter/access.py). Refused for
    anything but a draft, and for a draft older than a version published already."""
    with transaction.atomic():
        locked = Rapport.objects.select_for_update().get(pk=rapport.pk)
        if locked.status != Status.DRAFT:
            raise ReviewError(_("Only a draft can be approved."))
        if locked.versions().published().filter(version__gt=locked.version).exists():
            raise ReviewError(_("A newer version is published already. Approve the newest "
                                "draft instead, or make a new version."))
        locked.status = Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = user if user is not None and user.is_authenticated else None
        locked.save(update_fields=["status", "published_at", "published_by"])
        audit.record(AuditAction.REPORT_PUBLISHED, actor=locked.published_by, target=locked)
    rapport.refresh_from_db()
    return rapport


def withdraw(rapport: Rapport, user: AnyUser | None, reason: str) -> Rapport:
    """Published → withdrawn: its readers no longer see it (they see the newest version
    still published, if any); the row and its file stay on record."""
    reason = reason.strip()
    if not reason:
        raise ReviewError(_("Say why the report is withdrawn."))
    with transaction.atomic():
        locked = Rapport.objects.select_for_update().get(pk=rapport.pk)
        if locked.status != Status.PUBLISHED:
            raise ReviewError(_("Only a published version can be withdrawn."))
        locked.status = Status.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = user if user is not None and user.is_authenticated else None
        locked.withdrawal_reason = reason
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_by",
                                   "withdrawal_reason"])
        audit.record(AuditAction.REPORT_WITHDRAWN, actor=locked.withdrawn_by, target=locked,
                     details={"reason": reason})
    rapport.refresh_from_db()
    return rapport


# Retention ---------------------------------------------------------------------------------

# A month of the retention period, as for inactive accounts (barnehager.personal_data).
RETENTION_MONTH = timedelta(days=30)


@dataclass(frozen=True)
class RemovedVersion:
    """What the audit entry keeps of a removed version: enough to account for its
    publication once the row and the file are gone."""

    id: int
    title: str
    version: int
    status: str
    retired_at: datetime
    published_at: datetime | None
    published_by: str
    withdrawn_at: datetime | None
    sha256: str
    file: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id, "title": self.title, "version": self.version, "status": self.status,
            "retired_at": self.retired_at.isoformat(),
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "published_by": self.published_by,
            "withdrawn_at": self.withdrawn_at.isoformat() if self.withdrawn_at else None,
            "sha256": self.sha256, "file": self.file,
        }


@dataclass(frozen=True)
class ReportRetentionResult:
    kommune: str
    removed: tuple[RemovedVersion, ...]


def series_key(rapport: Rapport) -> tuple[object, ...]:
    """The fields the versions of one report share (`Rapport.versions`,
    `rapporter.access.same_report`)."""
    return (rapport.kind, rapport.kommune_id, rapport.barnehage_id, rapport.year,
            rapport.semester, rapport.subject_id)


def expired_versions(rapporter: Iterable[Rapport], cutoff: datetime
                     ) -> list[tuple[Rapport, datetime]]:
    """The versions among `rapporter` (every version of each of their reports) that were
    retired before `cutoff`, each with the moment it was retired: a published version when a
    newer version of its report was published, a withdrawn one when it was withdrawn, a
    failed one (no file) when it was ordered. Never a draft, a queued or running version,
    the newest published version of a report, nor the newest version of a report."""
    series: dict[tuple[object, ...], list[Rapport]] = defaultdict(list)
    for rapport in rapporter:
        series[series_key(rapport)].append(rapport)
    expired = []
    for versions in series.values():
        versions.sort(key=lambda rapport: rapport.version)
        published = [rapport for rapport in versions if rapport.status == Status.PUBLISHED]
        for rapport in versions[:-1]:  # the newest version is always kept
            retired_at = _retired_at(rapport, published)
            if retired_at is not None and retired_at < cutoff:
                expired.append((rapport, retired_at))
    return expired


def _retired_at(rapport: Rapport, published: list[Rapport]) -> datetime | None:
    """When readers stopped seeing the version (None: they still do, or it is in review)."""
    if rapport.status == Status.WITHDRAWN:
        return rapport.withdrawn_at
    if rapport.status == Status.FAILED:
        return rapport.requested_at
    if rapport.status == Status.PUBLISHED:
        newer = [later.published_at for later in published
                 if later.version > rapport.version and later.published_at is not None]
        # The newest published version is what its readers see: kept.
        return max(newer) if newer else None
    return None


def apply_report_retention(now: datetime | None = None) -> list[ReportRetentionResult]:
    """Removes, in each municipality that sets `report_version_months`, the report versions
    retired longer ago than that (`expired_versions`): the row in one transaction with an
    audit entry that keeps what each was, the file once it has committed. Logs and returns
    what it removed, per municipality. Running it again removes nothing more."""
    now = now or timezone.now()
    results = []
    for kommune in Kommune.objects.exclude(report_version_months=None).order_by("name"):
        months = kommune.report_version_months or 0
        cutoff = now - months * RETENTION_MONTH
        removed = _remove_expired(kommune, cutoff, months)
        if removed:
            logger.info("Report retention in %s: removed %d old versions (%s)", kommune.slug,
                        len(removed), ", ".join(f"{item.title} v{item.version} #{item.id}"
                                                for item in removed))
        results.append(ReportRetentionResult(kommune=kommune.slug, removed=tuple(removed)))
    return results


def _remove_expired(kommune: Kommune, cutoff: datetime, months: int) -> list[RemovedVersion]:
    storage = Rapport.file.field.storage
    with transaction.atomic():
        # Orders of new versions wait (they lock the municipality too, `order`), and so do
        # approvals and withdrawals of its reports (they lock the row).
        Kommune.objects.select_for_update().filter(pk=kommune.pk).first()
        versions = Rapport.objects.filter(kommune=kommune)
        list(versions.select_for_update().order_by("pk").values_list("pk", flat=True))
        expired = expired_versions(versions.select_related("kommune", "barnehage"), cutoff)
        if not expired:
            return []
        people = dict(User.objects.filter(
            pk__in={rapport.published_by_id for rapport, _at in expired})
            .values_list("pk", "email"))
        removed = [RemovedVersion(
            id=rapport.pk, title=rapport.title, version=rapport.version,
            status=rapport.status, retired_at=retired_at, published_at=rapport.published_at,
            published_by=people.get(rapport.published_by_id, ""),
            withdrawn_at=rapport.withdrawn_at, sha256=rapport.sha256,
            file=rapport.file.name or "")
            for rapport, retired_at in expired]
        Rapport.objects.filter(pk__in=[item.id for item in removed]).delete()
        audit.record(AuditAction.REPORT_VERSIONS_REMOVED, kommune=kommune,
                     label=f"{len(removed)}: " + "; ".join(
                         f"{item.title} (v{item.version})" for item in removed),
                     details={"removed": len(removed), "months": months,
                              "before": cutoff.isoformat(),
                              "versions": [item.as_json() for item in removed]})
        # A file no remaining version points at (each version has its own; this is a guard).
        files = sorted({item.file for item in removed if item.file}
                       - set(Rapport.objects.filter(file__in=[item.file for item in removed])
                             .values_list("file", flat=True)))
        transaction.on_commit(lambda: _delete_files(storage, files))
    return removed


def _delete_files(storage: Storage, names: list[str]) -> None:
    """The files of removed versions, after their rows are gone for good; one that cannot be
    deleted is logged and left for the operator (its row no longer points at it)."""
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Report retention: could not delete the file %s", name)


# Helpers -----------------------------------------------------------------------------------

class _MovableFile(File):
    """Lets FileSystemStorage rename the file into place instead of copying it."""

    def __init__(self, handle: BinaryIO, path: Path) -> None:
        super().__init__(handle, name=str(path))
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def _temporary_directory() -> Path:
    storage = Rapport.file.field.storage
    if isinstance(storage, FileSystemStorage):
        directory = Path(storage.location) / "rapporter" / ".tmp"
        directory.mkdir(parents=True, exist_ok=True)
        return directory
    return Path(tempfile.gettempdir())


def _temporary_path(rapport: Rapport) -> Path:
    """A fresh temporary file on the storage's own disk, so publishing is a rename; named
    after its report, so a later attempt finds what a killed one left."""
    handle, name = tempfile.mkstemp(prefix=f"rapport-{rapport.pk}-", suffix=".pdf",
                                    dir=_temporary_directory())
    os.close(handle)
    return Path(name)


def _remove_leftovers(rapport: Rapport) -> None:
    """What an attempt killed halfway (SIGKILL, out of memory) left of a report that has no
    file yet: a half-written temporary file, or a stored file its row never came to point
    at. The next attempt starts clean, so one whole file is all that remains."""
    for leftover in _temporary_directory().glob(f"rapport-{rapport.pk}-*.pdf"):
        leftover.unlink(missing_ok=True)
    storage = Rapport.file.field.storage
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.path(Rapport.file.field.generate_filename(rapport, "x"))).parent
        for orphan in folder.glob(f"{rapport.kind}-{rapport.pk}-v{rapport.version}-*.pdf"):
            orphan.unlink(missing_ok=True)


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
