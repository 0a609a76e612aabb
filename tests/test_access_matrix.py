"""Runs every app's tenancy cases and checks that no named view is left out."""

from importlib import import_module
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.world import ROLES, TARGETS

# Every tests/<app>/matrix.py joins the matrix.
MATRIX_MODULES = sorted(
    f"tests.{path.parent.name}.matrix" for path in Path(__file__).parent.glob("*/matrix.py")
)
# Views outside the matrix: Django's admin (its own permission system), the language
# switch and the account pages every visitor may open.
UNCOVERED_NAMESPACES = {"admin"}
UNCOVERED_NAMES = {
    "set_language", "choose-language", "login", "logout", "password_change", "password_change_done",
    "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete",
    # The second factor's own pages (tests/barnehager/test_second_factor.py).
    "second-factor", "second-factor-setup", "second-factor-recovery-codes",
    "second-factor-remove",
    # Single sign-on's two steps: part of logging in (tests/barnehager/test_single_sign_on.py).
    "sso-start", "sso-callback",
}

CASES = [case for module in MATRIX_MODULES for case in import_module(module).CASES]


def _named_urls(resolver=None, namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in UNCOVERED_NAMESPACES:
                continue
            yield from _named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_view_is_in_the_matrix():
    covered = {case.url_name for case in CASES}
    missing = sorted(set(_named_urls()) - covered - UNCOVERED_NAMES)
    assert not missing, f"views without tenancy cases: {missing}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.url_name)
@pytest.mark.parametrize("role", ROLES)
def test_access(client, world, case, role):
    for target in TARGETS:
        if role != "anonymous":
            client.force_login(world.users[role])
        url = case.url(world, target)
        data = case.data(world, target) if case.data else None
        response = getattr(client, case.method)(url, data=data, **case.extra_headers)
        expected = case.expected(role, target)
        assert response.status_code == expected, (
            f"{role} on {target} {case.method.upper()} {url}: "
            f"got {response.status_code}, expected {expected}"
        )
        if response.status_code == 302 and role == "anonymous":
            assert "/konto/logg-inn/" in response["Location"]
