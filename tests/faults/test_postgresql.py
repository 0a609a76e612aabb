"""PostgreSQL drops the running app's connections (a restart, a fail-over, an idle
timeout; here `pg_terminate_backend` on this test database's backends only): the next
request succeeds, because a kept connection is checked before reuse (CONN_HEALTH_CHECKS)."""

import uuid

import pytest
from django.db import connection
from django.urls import reverse

from barnehager.models import Role
from observasjoner.models import Skaar
from tests.observasjoner.recording.matrix import observation_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def terminate_app_connections() -> int:
    """Ends every other backend of the test database (gunicorn's), never another
    database's, and not this test's own connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("health_checks", [True, False], ids=["health checks", "without them"])
def test_postgresql_connections_terminated(stack, world, password, seen, health_checks):
    env = {} if health_checks else {"KVALITET_FAULT_NO_HEALTH_CHECKS": "1"}
    web = stack.gunicorn(workers=1, **env)
    observasjon = observation_for(world, "own")
    leader, observer = web.client(), web.client()
    leader.log_in(world.users[Role.LEADER], password)
    observer.log_in(world.users[Role.OBSERVER], password)
    cycle = {"client_id": str(uuid.uuid4()), "number": 1}
    assert observer.post(reverse("observasjoner:api-cycle", args=[observasjon.pk]),
                         json=cycle).status == 201
    assert leader.get("/").status == 200  # the worker keeps its connection (CONN_MAX_AGE)

    assert terminate_app_connections() >= 1
    page = leader.get("/")
    score = observer.post(reverse("observasjoner:api-score", args=[observasjon.pk]),
                          json={"change_id": str(uuid.uuid4()), "cycle": cycle["client_id"],
                                "dimension": "PC", "value": 5, "base_version": 0})
    if not health_checks:
        # The check is what saves the request: without it the dead connection is reused.
        assert page.status == 500
        return
    seen("next page after the termination", page)
    seen("next tablet score save", score)
    assert page.status == 200 and page.seconds < 2
    assert score.status == 201 and score.seconds < 2
    assert Skaar.objects.filter(syklus__observasjon=observasjon).count() == 1
    assert terminate_app_connections() >= 1
    health = seen("/healthz after a second termination", web.client().get("/healthz"))
    assert health.status == 200, health.text
