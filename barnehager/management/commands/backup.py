"""`manage.py backup DIR`: the database and the report files, into a new folder of DIR.

The folder `kvalitet-<UTC time>/` holds `database.dump` (pg_dump's custom format, which
pg_restore reads back; `manage.py restore` does), `media.tar.gz` (everything under
MEDIA_ROOT: the stored PDF reports) and `manifest.json` (when, what, and the SHA-256 of both
files, which `restore` checks before it touches anything). The dump is consistent on its
own (one snapshot of the database); files stored while it runs may be in the archive
without their row, never a row without its file, as long as the database is dumped first.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


def postgres_arguments(database: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore's connection options and environment for a Django database."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("Backups are made of PostgreSQL (DATABASE_URL=postgres://…); the "
                           "embedded SQLite default is the file db.sqlite3: copy it.")
    arguments = [f"--dbname={database['NAME']}"]
    if database.get("HOST"):
        arguments.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        arguments.append(f"--port={database['PORT']}")
    if database.get("USER"):
        arguments.append(f"--username={database['USER']}")
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return arguments, env


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} is not installed (Debian: apt-get install "
                           "postgresql-client).")
    return found


class Command(BaseCommand):
    help = "Backs up the database (pg_dump -Fc) and the report files under MEDIA_ROOT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="where the new backup folder is made")

    def handle(self, *args: Any, **options: Any) -> None:
        arguments, env = postgres_arguments(connection.settings_dict)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        target = Path(options["directory"]) / f"kvalitet-{stamp}"
        target.mkdir(parents=True)
        dump = target / DUMP
        # The database first: a file without its row is harmless, a row without its file
        # would be a report that cannot be downloaded.
        finished = subprocess.run(
            [tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", *arguments],
            env=env, capture_output=True, text=True)
        if finished.returncode:
            shutil.rmtree(target)
            raise CommandError(f"pg_dump failed: {finished.stderr.strip()}")
        media_root = Path(settings.MEDIA_ROOT)
        files = 0
        with tarfile.open(target / MEDIA, "w:gz") as archive:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file() and ".tmp" not in path.relative_to(media_root).parts:
                        archive.add(path, arcname=str(path.relative_to(media_root)))
                        files += 1
        manifest = {
            "made_at": timezone.now().isoformat(),
            "database": connection.settings_dict["NAME"],
            "media_files": files,
            "sha256": {DUMP: sha256_of(dump), MEDIA: sha256_of(target / MEDIA)},
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        self.stdout.write(str(target))
