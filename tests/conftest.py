"""Shared fixtures: a two-municipality world with one user per role, and Playwright on
Debian's Chromium."""

import copy
import os
import uuid

import pytest
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect
from pytest_django.plugin import blocking_manager_key

from tests import second_factor
from tests.reference_data import load_reference_data
from tests.world import World, build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the data migrations' rows back."""
    result = yield
    # With no next test the session's teardown has already dropped the test database.
    if nextitem is not None and _is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            load_reference_data()
    return result


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    """Generated reports go to a folder of the test run, never the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


# Keys of one test run: Redis outlives it, and a throttle counter left by an earlier run would
# throttle this one.
RUN = uuid.uuid4().hex[:8]


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings, request):
    """Each test's cache keys (throttle counters above all) are its own, on the same
    cache backend."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"{RUN}:{request.node.nodeid}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Tests read like specifications in the English msgids; a test that checks another
    language asks for it (Accept-Language, a language cookie or translation.override).
    The product's own default stays Norwegian bokmål (tests/barnehager/test_i18n.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _test_logins_pass_the_second_factor(request, monkeypatch):
    """Consultants and admins must pass a second factor (KVALITET_REQUIRE_2FA is on in the
    test suite): a test's `force_login` gives them a confirmed device and a verified session,
    as a log-in with the app's code would (tests.second_factor). A test of the requirement
    itself is marked `second_factor_unverified`."""
    if request.node.get_closest_marker("second_factor_unverified"):
        return
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if second_factor.needs_one(user):
            second_factor.verify_client(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def world(db) -> World:
    return build_world()


# A loaded CI machine renders slower than a laptop: wait up to 15 s for what a test expects.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A desktop browser that asks for Norwegian bokmål (the default language) first;
    tablet journeys open their own 768 x 1024 context."""
    return {**browser_context_args, "locale": "nb-NO",
            "viewport": {"width": 1440, "height": 900}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium; `playwright install` cannot download here."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }
