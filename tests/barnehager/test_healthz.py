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
    assert body["failing"] == ["Redis (Celery broker)"]
    assert "Redis does not answer" in body["checks"]["broker"]


def test_healthz_names_redis_when_the_cache_is_down_and_pages_still_answer(client, world,
                                                                          settings):
    """The cache fails open (django-redis IGNORE_EXCEPTIONS): a page that throttles through
    it still answers, while the health check names Redis."""
    settings.EMBEDDED_MODE = False
    settings.CACHES = {"default": {**settings.CACHES["default"],
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["Redis (cache)"]
    assert response.json()["checks"]["cache"] == "error: Redis does not answer (ConnectionError)"
    # The password-reset throttle counts in the cache: without it, the mail still goes.
    reset = client.post(reverse("password_reset"), {"email": "leader@example.org"})
    assert reset.status_code == 302
