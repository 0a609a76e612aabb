"""`manage.py restore BACKUP --yes`: a folder made by `manage.py backup` back into the
database of DATABASE_URL (or `--database-url`) and MEDIA_ROOT (or `--media-root`).

The checksums of the manifest are checked first. The database is restored with
`pg_restore --clean --if-exists --single-transaction --exit-on-error`: the tables of the
backup replace the ones there, all at once or, on any error, not at all. The report files
are unpacked into the media folder (existing files of the same name are replaced). Stop the
web, worker and beat processes while restoring.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from barnehager.management.commands.backup import (
    DUMP,
    MANIFEST,
    MEDIA,
    postgres_arguments,
    sha256_of,
    tool,
)


class Command(BaseCommand):
    help = "Restores a backup made by `manage.py backup` (database and report files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="the folder `manage.py backup` printed")
        parser.add_argument("--database-url", default="",
                            help="restore into this database instead of DATABASE_URL's")
        parser.add_argument("--media-root", default="",
                            help="unpack the report files here instead of MEDIA_ROOT")
        parser.add_argument("--yes", action="store_true",
                            help="replace what the database holds (required)")

    def handle(self, *args: Any, **options: Any) -> None:
        backup = Path(options["backup"])
        manifest_path = backup / MANIFEST
        if not manifest_path.is_file():
            raise CommandError(f"{backup} is not a backup folder (no {MANIFEST}).")
        manifest = json.loads(manifest_path.read_text())
        for name, expected in manifest["sha256"].items():
            if sha256_of(backup / name) != expected:
                raise CommandError(f"{name} does not match its checksum: the backup is "
                                   "damaged; nothing was restored.")
        if not options["yes"]:
            raise CommandError("Restoring replaces the database's tables: pass --yes.")
        database = (dj_database_url.parse(options["database_url"])
                    if options["database_url"] else connection.settings_dict)
        arguments, env = postgres_arguments(database)
        connection.close()
        finished = subprocess.run(
            [tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
             "--single-transaction", "--exit-on-error", *arguments, str(backup / DUMP)],
            env=env, capture_output=True, text=True)
        if finished.returncode:
            raise CommandError(f"pg_restore failed, the database is unchanged: "
                               f"{finished.stderr.strip()}")
        media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(backup / MEDIA, "r:gz") as archive:
            archive.extractall(media_root, filter="data")
        self.stdout.write(f"Restored {database['NAME']} and {manifest['media_files']} files "
                          f"into {media_root} from {backup}.")
