"""The review pages in Chromium, at desktop (1440 px) and tablet (768 px) width, in bokmål
(Aby, Norwegian) and Danish (Bby): a draft's page with what is incomplete, the approval's
confirmation, the withdrawal, and the supervision report's confirmation. Each fits its width
(no sideways scrolling), shows its heading and readers, and logs no console error (the CSP
would report an inline script or style). With KVALITET_SCREENSHOTS=1 each page is saved as
/tmp/review-<page>-<language>-<width>.png for a person to look at."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from playwright.sync_api import expect

from barnehager.models import User
from observasjoner.tilsyn.models import Tilsyn
from rapporter.models import Kind, Status
from rapporter.reports import services
from rapporter.reports.tasks import generate_report
from tests import second_factor
from tests.browser_helpers import snapshot
from tests.observasjoner.tilsyn.helpers import make_tilsyn
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1440, 768)


@pytest.fixture(autouse=True)
def instruments(transactional_db):
    import_module("observasjoner.migrations.0002_class_instruments").load(django_apps, None)


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    second_factor.pass_in_browser(page, User.objects.get(pk=user.pk))


def draft_and_published(kommune):
    draft = services.order(Kind.ANNUAL, kommune, year=2025)
    generate_report.delay(draft.pk)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT, draft.error_message
    published = services.order(Kind.ANNUAL, kommune, year=2024)
    generate_report.delay(published.pk)
    published.refresh_from_db()
    return draft, services.approve(published, None)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("side, language", [("own", "nb"), ("foreign", "da")])
def test_the_review_pages_fit_and_name_their_readers(live_server, browser, side, language):
    world = build_world()
    people = world.users if side == "own" else world.foreign_users
    User.objects.filter(pk=people["consultant"].pk).update(language=language)
    kommune = world.kommune[side]
    draft, published = draft_and_published(kommune)
    tilsyn = make_tilsyn(world.barnehage[side], people["consultant"],
                         outcome=Tilsyn.Outcome.CONCERN, status=Tilsyn.Status.COMPLETED)
    pages = {
        "draft": reverse("rapporter:report-detail", args=[draft.pk]),
        "approve": reverse("rapporter:report-approve", args=[draft.pk]),
        "withdraw": reverse("rapporter:report-withdraw", args=[published.pk]),
        "tilsyn-publish": reverse("observasjoner:tilsyn-publish", args=[tilsyn.pk]),
        "tilsyn-list": reverse("observasjoner:tilsyn-list"),
    }
    context = browser.new_context(locale="da-DK" if language == "da" else "nb-NO")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in(page, live_server, people["consultant"])
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            assert page.locator("html").get_attribute("lang") == language
            expect(page.locator("main h1")).to_be_visible()
            if name in ("approve", "withdraw", "tilsyn-publish"):
                expect(page.get_by_test_id("report-readers")).to_be_visible()
            if name == "draft":
                expect(page.get_by_test_id("report-gaps")).to_be_visible()
            assert fits(page), (name, width)
            snapshot(page, f"/tmp/review-{name}-{language}-{width}.png", full_page=True)
    context.close()
    assert not errors, errors
