"""A gunicorn worker is killed (SIGKILL) while the tablet posts a score: the tablet gets no
answer, keeps the change (only a 200/201 JSON answer clears it, static/js/recorder.js) and
sends it again with the same change id; the score is stored once."""

import os
import signal
import threading
import uuid

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from barnehager.models import Role
from observasjoner.models import Skaar
from tests.faults.stack import wait_for
from tests.observasjoner.recording.matrix import observation_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0


def test_gunicorn_worker_killed_while_the_tablet_posts_a_score(stack, world, password, seen):
    web = stack.gunicorn(workers=1)
    observasjon = observation_for(world, "own")
    tablet = web.client()
    tablet.log_in(world.users[Role.OBSERVER], password)
    cycle = {"client_id": str(uuid.uuid4()), "number": 1}
    assert tablet.post(reverse("observasjoner:api-cycle", args=[observasjon.pk]),
                       json=cycle).status == 201
    change = {"change_id": str(uuid.uuid4()), "cycle": cycle["client_id"], "dimension": "TS",
              "value": 6, "note": "Varm tone i samlingen.", "base_version": 0}
    url = reverse("observasjoner:api-score", args=[observasjon.pk])

    # Hold the observation's row, so the worker is caught inside the score's transaction.
    database = connection.settings_dict
    holder = psycopg2.connect(dbname=database["NAME"], user=database["USER"],
                              host=database["HOST"] or "127.0.0.1",
                              port=database["PORT"] or 5432)
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT id FROM observasjoner_observasjon WHERE id = %s FOR UPDATE",
                           [observasjon.pk])
        answers = []
        sending = threading.Thread(target=lambda: answers.append(tablet.post(url, json=change)))
        sending.start()
        wait_for(waiting_on_a_lock, 20, what="the score request to reach the database")
        (worker,) = web.worker_pids()
        os.kill(worker, signal.SIGKILL)
        sending.join(20)
    finally:
        holder.rollback()
        holder.close()
    (lost,) = answers
    seen("tablet posts a score; its worker is killed", lost)
    assert lost.status is None  # no answer: the tablet keeps the change queued

    # The master starts a new worker; the tablet sends the same change again.
    wait_for(lambda: web.worker_pids() and web.worker_pids() != [worker], 30,
             what="a new gunicorn worker")
    retry = seen("tablet retries the same change", tablet.post(url, json=change))
    assert retry.status == 201, retry.text
    replay = seen("tablet retries once more", tablet.post(url, json=change))
    assert replay.status == 200 and replay.json()["status"] == "replayed"
    skaar = Skaar.objects.get(syklus__observasjon=observasjon)
    assert (skaar.value, skaar.note, skaar.version) == (6, "Varm tone i samlingen.", 1)
