from django.urls import reverse


def test_healthz_reports_the_database_in_embedded_mode(client, db, settings):
    settings.EMBEDDED_MODE = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_checks_redis_and_the_broker_outside_embedded_mode(client, db, settings):
    settings.EMBEDDED_MODE = False
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_healthz_answers_503_naming_a_broker_that_is_down(client, db, settings):
    settings.EMBEDDED_MODE = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["broker"].startswith("error")
    assert body["checks"]["database"] == "ok"
