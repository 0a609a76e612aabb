"""A consultant filters the dashboard by cohort, orders the annual report and watches its
progress until the draft is made; the politician cannot see it yet; the consultant reads
what is incomplete, previews it, confirms and publishes it; then the politician downloads
it from her home page.

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
from barnehager.models import User
from kvalitet.celery import app
from rapporter.models import Kind, Rapport, Status
from tests import second_factor
from tests.browser_helpers import open_menu, snapshot
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
    second_factor.pass_in_browser(page, User.objects.get(email=email))


def test_consultant_orders_reviews_and_publishes_and_a_politician_then_downloads(
        live_server, page, browser, report_worker, tmp_path):
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
    # The status fragment updates itself until the draft is stored.
    language = page.locator("html").get_attribute("lang")
    with translation.override(language):
        draft, published = str(Status.DRAFT.label), str(Status.PUBLISHED.label)
    expect(page.get_by_test_id("report-status")).to_have_text(draft, timeout=60_000)
    download_url = reverse("rapporter:report-download", args=[rapport.pk])

    # Before anyone approves it, the politician finds nothing: not on her home page, and
    # the download is 404 (a browser of her own beside the consultant's).
    other = browser.new_context(locale="nb-NO")
    politician = other.new_page()
    log_in(politician, live_server, world.users["politician"].email)
    expect(politician.locator(f"a[href='{download_url}']")).to_have_count(0)
    assert politician.request.get(f"{live_server.url}{download_url}").status == 404

    # The consultant reads what is incomplete, previews the draft and reviews it.
    page.reload()
    expect(page.get_by_test_id("report-gaps")).to_be_visible()
    snapshot(page, "/tmp/review-draft-1440.png", full_page=True)
    preview = page.request.get(f"{live_server.url}{download_url}?preview=1")
    assert preview.status == 200 and preview.body()[:5] == b"%PDF-"
    page.get_by_test_id("review-link").click()
    expect(page.get_by_test_id("report-readers")).to_contain_text(
        world.users["politician"].get_full_name())
    snapshot(page, "/tmp/review-approve-1440.png", full_page=True)
    # Publishing without the confirmation is refused; with it, the report is published.
    page.get_by_test_id("confirm-publish").click()
    expect(page.locator("#id_confirm")).to_have_class(re.compile("is-invalid"))
    # Chromium logs the refusal's 400 as a console error: expected here, and only here.
    errors[:] = [error for error in errors if "status of 400" not in error]
    page.locator("#id_confirm").check()
    page.get_by_test_id("confirm-publish").click()
    expect(page).to_have_url(f"{live_server.url}{detail}")
    expect(page.get_by_test_id("report-status")).to_have_text(published)
    rapport.refresh_from_db()
    assert rapport.status == Status.PUBLISHED
    assert rapport.published_by == world.users["consultant"]

    # The politician now downloads it from her home page.
    politician.goto(f"{live_server.url}/")
    link = politician.locator(f"a[href='{download_url}']")
    expect(link).to_be_visible()
    with politician.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    other.close()
    assert not errors, errors
