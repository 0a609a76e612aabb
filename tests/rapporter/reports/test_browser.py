"""A consultant filters the dashboard by cohort, orders the annual report, watches its
progress and downloads it; then a politician logs in and downloads it from her home page.

The report is made by a real Celery worker on Redis (in threads of this process), so the
status fragment really polls (htmx, every 2 s) until the report is published. Without a
Redis broker configured the test runs the task eagerly, on commit of the order.
"""

import re
from importlib import import_module

import pytest
from celery.contrib.testing.worker import start_worker
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

import rapporter.reports.tasks  # noqa: F401 - registers the tasks with the worker's app
from kvalitet.celery import app
from rapporter.models import Kind, Rapport, Status
from tests.browser_helpers import open_menu
from tests.rapporter.dashboards.factories import grow_kommune
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def instruments(transactional_db):
    """The CLASS instruments, loaded again by their (idempotent) data migration: a
    transactional test's flush empties them, and serialized_rollback does not survive
    Playwright's greenlets."""
    import_module("observasjoner.migrations.0002_class_instruments").load(django_apps, None)


@pytest.fixture
def report_worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    if app.conf.broker_url.startswith("memory://"):
        yield None
        return

    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=False)
    try:
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False,
                          loglevel="WARNING", shutdown_timeout=60) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        app.control.purge()


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_consultant_orders_the_annual_report_and_a_politician_downloads_it(
        live_server, page, report_worker, tmp_path):
    world = build_world()
    kommune = world.kommune["own"]
    grow_kommune(kommune, world.users["observer"], 6, prefix="G",
                 semesters=((2024, "autumn"), (2025, "spring"), (2025, "autumn")))
    cohort = kommune.puljer.get(name="G pulje")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1440, "height": 1000})
    # The consultant opens the dashboard and narrows it to one cohort.
    log_in(page, live_server, world.users["consultant"].email)
    page.goto(f"{live_server.url}{reverse('rapporter:dashboard')}")
    expect(page.locator("h1")).to_contain_text(kommune.name)
    page.locator("select[name=pulje]").select_option(str(cohort.pk))
    page.locator("form[method=get] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/dashboard/kommune/{kommune.slug}/\?.*pulje={cohort.pk}"))

    # ... then orders this year's annual report from the reports page.
    open_menu(page)
    page.locator(f"nav a[href='{reverse('rapporter:report-list')}']").click()
    page.locator("#order-annual input[name=annual-year]").fill("2025")
    page.locator("#order-annual button[type=submit]").click()
    rapport = Rapport.objects.get(kind=Kind.ANNUAL, kommune=kommune)
    detail = reverse("rapporter:report-detail", args=[rapport.pk])
    expect(page).to_have_url(f"{live_server.url}{detail}")
    # The status fragment updates itself until the report is published.
    with translation.override(page.locator("html").get_attribute("lang")):
        published = str(Status.PUBLISHED.label)
    expect(page.get_by_test_id("report-status")).to_have_text(published, timeout=60_000)
    download_url = reverse("rapporter:report-download", args=[rapport.pk])
    with page.expect_download() as download_info:
        page.locator(f"a[href='{download_url}']").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # A politician of the municipality logs in and downloads it from her home page.
    page.locator("form[action$='logg-ut/'] button").click()
    log_in(page, live_server, world.users["politician"].email)
    link = page.locator(f"a[href='{download_url}']")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert not errors, errors
