"""Fixtures of the fault tests: the test's own Redis, the app's processes on the test
database, and the table of what a user saw during each fault (printed at the end of the
run; `make test-faults` runs these tests)."""

from __future__ import annotations

import pytest
from django.db import connection

from barnehager.models import User
from tests.faults.stack import Answer, RedisServer, Stack
from tests.reference_data import load_reference_data
from tests.world import PASSWORD, build_world

SEEN: list[tuple[str, str, str, str]] = []


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)


def pytest_terminal_summary(terminalreporter):
    if not SEEN:
        return
    terminalreporter.section("what a user saw during each fault")
    width = max(len(fault) for fault, *_ in SEEN)
    for fault, action, status, seconds in SEEN:
        terminalreporter.write_line(f"{fault:<{width}}  {action:<48} {status:>5} {seconds:>7}")


class Seen:
    """Records answers for the summary table, under the fault being tested."""

    def __init__(self, fault: str) -> None:
        self.fault = fault

    def __call__(self, action: str, answer: Answer) -> Answer:
        status = str(answer.status) if answer.status is not None else "reset"
        SEEN.append((self.fault, action, status, f"{answer.seconds:.2f} s"))
        return answer

    def note(self, what: str, seconds: float) -> None:
        """A time that is no HTTP answer (how long until the lost work was done)."""
        SEEN.append((self.fault, what, "-", f"{seconds:.2f} s"))


@pytest.fixture
def seen(request) -> Seen:
    return Seen(request.node.name.removeprefix("test_").replace("_", " ")[:60])


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    if server.alive():
        server.thaw()  # a frozen server would not hear the SIGTERM
    server.stop()


@pytest.fixture
def stack(transactional_db, redis, tmp_path, settings):
    """The app's processes share the test database and this test's Redis; the test's own
    process reads the media folder they write."""
    load_reference_data()
    database = connection.settings_dict
    url = (f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
           f"{database['PORT'] or 5432}/{database['NAME']}")
    running = Stack(tmp_path, url, redis)
    settings.MEDIA_ROOT = running.media
    yield running
    running.stop_all()
    for process in running.processes:
        print(f"--- {process.name}\n{process.output()[-4000:]}")


@pytest.fixture
def world(stack):
    """The test world, its people reading English (the tests read the msgids)."""
    built = build_world()
    User.objects.update(language="en")
    return built


@pytest.fixture
def password() -> str:
    return PASSWORD
