"""The real processes of a deployment, started by the fault tests and broken on purpose:
a Redis server of their own (never the machine's), gunicorn and Celery workers with the
test settings against the test database, and an HTTP client that times every answer.

Each process runs in a session of its own, so a test can kill it (or its children) with
SIGKILL, and every fixture that starts one stops it again, whatever the test did.
"""

from __future__ import annotations

import contextlib
import http.client
import json as jsonlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

from django.urls import reverse

from tests import second_factor

ROOT = Path(__file__).resolve().parents[2]
# The ports the brief gives the fault tests' own Redis servers; none is the machine's 6379.
REDIS_PORTS = range(6391, 6400)


def free_port(candidates: range | None = None) -> int:
    """A port nothing listens on: the first free one of `candidates`, else one the kernel
    picks."""
    for port in candidates or ():
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, interval: float = 0.05,
             what: str = "the condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"waited {timeout} s for {what}")


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent follows it.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


class Process:
    """A child process in its own session, its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.command, self.env, self.log_path = name, command, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        handle = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's life
        self.popen = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=handle,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL to the process and everything in its session."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, then SIGKILL for what is still there after `timeout` s."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)  # stragglers of the session
        self.popen.wait(timeout=10)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class RedisServer(Process):
    """A redis-server of the test's own, with an append-only file like docker-compose's, so
    what the broker took survives a restart."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port(REDIS_PORTS)
        directory.mkdir(parents=True, exist_ok=True)
        super().__init__(
            f"redis:{self.port}",
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--daemonize", "no", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", str(directory)],
            dict(os.environ), directory / "redis.log")

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        super().start()
        wait_for(self.answers, 10, what=f"redis-server on {self.port}")

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections, nothing answers (a hung server)."""
        os.kill(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@dataclass
class Answer:
    """One HTTP exchange as the user lived it."""

    method: str
    path: str
    status: int | None  # None: no answer at all (the connection broke)
    seconds: float
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""

    def json(self) -> dict:
        return jsonlib.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Http:
    """A browser-like client: cookies, CSRF from the cookie, no redirects followed, English
    pages, and every answer timed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects())

    def csrf_token(self) -> str:
        for cookie in self.cookies:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    def request(self, method: str, path: str, *, form: dict | None = None,
                json: dict | None = None, timeout: float = 30) -> Answer:
        headers = {"Accept-Language": "en", "Referer": self.base_url + "/"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token(),
                                           **form}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json is not None:
            data = jsonlib.dumps(json).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET":
            headers["X-CSRFToken"] = self.csrf_token()
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers,
                                         method=method)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                body = response.read()
                return Answer(method, path, response.status, time.monotonic() - started, body,
                              dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(method, path, error.code, time.monotonic() - started, error.read(),
                          dict(error.headers))
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
                TimeoutError) as error:
            return Answer(method, path, None, time.monotonic() - started, error=repr(error))

    def get(self, path: str, **kwargs: object) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: object) -> Answer:
        return self.request("POST", path, **kwargs)

    def log_in(self, user: object, password: str) -> Answer:
        """The log-in form, then the authenticator app's code for a consultant or admin
        (KVALITET_REQUIRE_2FA is on in the test settings)."""
        if second_factor.needs_one(user):
            second_factor.confirmed_device(user)
        self.get("/konto/logg-inn/")
        answer = self.post("/konto/logg-inn/", form={"username": user.email,
                                                     "password": password})
        assert answer.status == 302, (answer.status, answer.text[:500])
        if second_factor.needs_one(user):
            device = second_factor.confirmed_device(user)
            device.refresh_from_db()
            passed = self.post(reverse("second-factor"),
                               form={"code": second_factor.app_code(device), "next": "/"})
            assert passed.status == 302, (passed.status, passed.text[:500])
        return answer


class Stack:
    """The environment of the app's processes: test settings, the test database, the
    test's own Redis, a media folder and a mail folder the test can read."""

    def __init__(self, tmp: Path, database_url: str, redis: RedisServer) -> None:
        self.tmp, self.redis = tmp, redis
        self.media = tmp / "media"
        self.mail = tmp / "mail"
        self.media.mkdir(parents=True, exist_ok=True)
        self.mail.mkdir(parents=True, exist_ok=True)
        self.env = {
            **{key: value for key, value in os.environ.items()
               if not key.startswith(("PYTEST_", "CELERY_", "DJANGO_"))},
            "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
            "KVALITET_ENVIRONMENT": "test",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url(0),
            "CELERY_BROKER_URL": redis.url(1),
            "CELERY_RESULT_BACKEND": redis.url(2),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": str(self.media),
            "KVALITET_FAULT_MAIL_DIR": str(self.mail),
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: list[Process] = []

    def gunicorn(self, workers: int = 2, **env: str) -> Gunicorn:
        process = Gunicorn(self, workers, env)
        self.processes.append(process)
        process.start()
        return process

    def worker(self, name: str = "worker", **env: str) -> Process:
        """A Celery worker: one prefork child, as production runs it (acks_late)."""
        process = Process(
            name, [sys.executable, "-m", "celery", "-A", "kvalitet", "worker",
                   "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
                   "--without-mingle", "--without-gossip", "--hostname", f"{name}@%h"],
            {**self.env, **env}, self.tmp / f"{name}.log")
        self.processes.append(process)
        process.start()
        wait_for(lambda: "ready." in process.output() or not process.alive(), 60,
                 interval=0.2, what=f"celery {name}")
        assert process.alive(), process.output()[-3000:]
        return process

    def call_beat_task(self, task: str) -> None:
        """What Celery beat does on its schedule: sends `task` to the broker."""
        subprocess.run([sys.executable, "-m", "celery", "-A", "kvalitet", "call", task],
                       cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=60)

    def mails(self) -> list[str]:
        """The e-mails the app sent, oldest first. Django's file backend writes one file per
        batch, named by the second and the backend's id(), so two processes' files of one
        second sort by name in any order: sort them by when they were written."""
        messages = []
        for path in sorted(self.mail.iterdir(), key=lambda path: path.stat().st_mtime_ns):
            for part in path.read_text(errors="replace").split("-" * 79):
                if "Subject:" in part:
                    messages.append(part)
        return messages

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()


class Gunicorn(Process):
    def __init__(self, stack: Stack, workers: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            f"gunicorn:{self.port}",
            [sys.executable, "-m", "gunicorn", "kvalitet.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--timeout", "30", "--graceful-timeout", "5",
             "--no-control-socket"],
            {**stack.env, **env}, stack.tmp / f"gunicorn-{self.port}.log")
        self.workers = workers

    def start(self) -> None:
        super().start()
        wait_for(lambda: self.worker_pids() and self.client().get("/healthz").status
                 or not self.alive(), 60, interval=0.2, what="gunicorn")
        assert self.alive(), self.output()[-3000:]

    def worker_pids(self) -> list[int]:
        return children_of(self.pid)

    def client(self) -> Http:
        return Http(self.url)
