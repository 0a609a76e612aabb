"""Creates the PostgreSQL database of DATABASE_URL unless it exists (for `make bench` on a
fresh machine, where only the server runs)."""

import os

import dj_database_url
import psycopg2

config = dj_database_url.parse(os.environ["DATABASE_URL"])
server = psycopg2.connect(dbname="postgres", user=config["USER"] or "postgres",
                          host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
                          password=config["PASSWORD"] or None)
server.autocommit = True
with server.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
    if cursor.fetchone() is None:
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
server.close()
