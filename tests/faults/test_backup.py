"""A backup (`manage.py backup`: pg_dump -Fc of the database and the report files) is
restored (`manage.py restore`) into a new database and media folder, and the app started on
them serves the same dashboard figures and the same report file."""

import csv
import io

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from barnehager.models import Role
from rapporter.models import Kind, Rapport
from rapporter.reports import services
from tests.rapporter.reports.factories import build_report_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

TABLES = ("trend-prek", "barnehage-prek", "rounds")


def admin_connection():
    database = connection.settings_dict
    conn = psycopg2.connect(dbname="postgres", user=database["USER"],
                            host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432)
    conn.autocommit = True
    return conn


@pytest.fixture
def restored_database():
    """A new, empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    conn = admin_connection()
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    yield name
    conn = admin_connection()
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def figures(client, kommune) -> dict[str, bytes]:
    base = reverse("rapporter:dashboard-kommune", args=[kommune.slug])
    answers = {table: client.get(f"{base}?table={table}&format=csv") for table in TABLES}
    assert all(answer.status == 200 for answer in answers.values()), answers
    return {table: answer.body for table, answer in answers.items()}


def test_backup_and_restore_serve_the_same_dashboard(stack, world, password, tmp_path,
                                                     restored_database, capsys, seen):
    build_report_world(world)
    kommune = world.kommune["own"]
    rapport = services.order(Kind.ANNUAL, kommune, year=2025)
    services.build(rapport.pk)
    rapport.refresh_from_db()

    web = stack.gunicorn(workers=1)
    consultant = web.client()
    consultant.log_in(world.users[Role.CONSULTANT], password)
    before = figures(consultant, kommune)
    rows = list(csv.reader(io.StringIO(before["trend-prek"].decode("utf-8-sig"))))
    assert len(rows) >= 3 and int(rows[1][1]) > 0  # real figures, not an empty table

    call_command("backup", str(tmp_path / "backups"))
    folder = capsys.readouterr().out.strip()
    database = connection.settings_dict
    url = (f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
           f"{database['PORT'] or 5432}/{restored_database}")
    restored_media = tmp_path / "restored-media"
    call_command("restore", folder, database_url=url, media_root=str(restored_media),
                 yes=True)

    copy = stack.gunicorn(workers=1, DATABASE_URL=url, MEDIA_ROOT=str(restored_media))
    reader = copy.client()
    reader.log_in(world.users[Role.CONSULTANT], password)
    after = figures(reader, kommune)
    seen("restored app: dashboard table", reader.get(
        reverse("rapporter:dashboard-kommune", args=[kommune.slug])))
    assert after == before
    download = seen("restored app: the report's PDF", reader.get(
        reverse("rapporter:report-download", args=[rapport.pk]) + "?preview=1"))
    assert download.status == 200
    assert services.sha256_of(io.BytesIO(download.body)) == rapport.sha256
    assert Rapport.objects.filter(pk=rapport.pk).exists()


def test_a_damaged_backup_restores_nothing(stack, tmp_path, capsys):
    call_command("backup", str(tmp_path / "backups"))
    folder = capsys.readouterr().out.strip()
    with open(f"{folder}/database.dump", "r+b") as dump:
        dump.seek(100)
        dump.write(b"\0" * 16)
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", folder, yes=True)
