"""The load scenario `make test-load` runs with locust against gunicorn on loopback.

50 observers tap a score on their tablet every 2 seconds (a new cycle when one is full),
10 consultants browse dashboards and download a table, 5 leaders type in an action plan
that autosaves. Each virtual user takes one prepared, logged-in session from the JSON
file named by LOAD_SESSIONS (tests/load/run.py writes it): the cookies are sent by hand
because the production settings mark them Secure and the loopback server speaks HTTP.

A request fails when it does not answer as the product promises (201/200 with the JSON or
the "saved" status the page expects); run.py fails the run on any failure and on a 95th
percentile over its target. Locust resets its statistics once every user has started
(the response times are those of the steady work), so failures are also counted here, for
the whole run, into the JSON file named by LOAD_ALL_FAILURES.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import uuid
from collections import Counter
from html.parser import HTMLParser

from locust import HttpUser, between, constant, events, task

with open(os.environ["LOAD_SESSIONS"]) as handle:
    SESSIONS = json.load(handle)

_taken = {role: itertools.count() for role in ("observer", "consultant", "leader")}
_failures: Counter[str] = Counter()


@events.request.add_listener
def _count_failure(name: str, exception: BaseException | None = None, **_kwargs) -> None:
    if exception is not None:
        _failures[name] += 1


@events.quitting.add_listener
def _write_failures(**_kwargs) -> None:
    with open(os.environ["LOAD_ALL_FAILURES"], "w") as handle:
        json.dump(dict(_failures), handle)


def take(role: str) -> dict:
    """The next prepared session of the role (each virtual user gets its own)."""
    sessions = [session for session in SESSIONS if session["role"] == role]
    return sessions[next(_taken[role]) % len(sessions)]


class Session:
    """Cookies and the CSRF header, by hand (see the module's docstring)."""

    def __init__(self, user: HttpUser, session: dict) -> None:
        self.user = user
        self.cookies = {"sessionid": session["sessionid"], "csrftoken": session["csrftoken"]}

    def headers(self, **extra: str) -> dict:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Cookie": cookie, **extra}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return headers

    def remember(self, response) -> None:
        for name in ("csrftoken", "sessionid"):
            value = response.cookies.get(name)
            if value:
                self.cookies[name] = value


class Observer(HttpUser):
    fixed_count = 50
    wait_time = constant(2)

    def on_start(self) -> None:
        self.session_data = take("observer")
        self.session = Session(self, self.session_data)
        self.observation = self.session_data["observation"]
        self.dimensions = self.session_data["dimensions"]
        response = self.client.get(f"/observasjoner/{self.observation}/registrering/",
                                   headers=self.session.headers(), name="tablet page",
                                   allow_redirects=False)
        self.session.remember(response)
        self.cycle_number = 0
        self.scored = len(self.dimensions)

    def _new_cycle(self) -> None:
        self.cycle_number += 1
        self.cycle = str(uuid.uuid4())
        with self.client.post(
                f"/observasjoner/api/{self.observation}/sykluser/", name="cycle save",
                json={"client_id": self.cycle, "number": self.cycle_number,
                      "children_present": 12},
                headers=self.session.headers(), catch_response=True,
                allow_redirects=False) as response:
            if response.status_code != 201:
                response.failure(f"cycle save answered {response.status_code}")
        self.scored = 0

    @task
    def tap_a_score(self) -> None:
        if self.scored >= len(self.dimensions):
            self._new_cycle()
        code = self.dimensions[self.scored]
        with self.client.post(
                f"/observasjoner/api/{self.observation}/skaar/", name="score save",
                json={"change_id": str(uuid.uuid4()), "cycle": self.cycle, "dimension": code,
                      "value": 1 + (self.scored + self.cycle_number) % 7, "base_version": 0},
                headers=self.session.headers(), catch_response=True,
                allow_redirects=False) as response:
            if response.status_code != 201 or response.json().get("status") != "created":
                response.failure(f"score save answered {response.status_code}")
        self.scored += 1


class Consultant(HttpUser):
    fixed_count = 10
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.session = Session(self, take("consultant"))
        self.pages = SESSIONS[0]["pages"]
        self.turn = itertools.cycle(self.pages)

    @task
    def browse(self) -> None:
        name, url = next(self.turn)
        with self.client.get(url, name=name, headers=self.session.headers(),
                             catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")


class FormFields(HTMLParser):
    """The named fields of one form, as a browser would send them."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside or "name" not in attributes and tag != "option":
            return
        kind = attributes.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file"):
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((attributes["name"], attributes.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = attributes["name"], []
        elif tag == "select":
            self._select = attributes["name"]
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.append((self._select, attributes.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


VERSION = re.compile(r'name="version" value="(\d+)"')


class Leader(HttpUser):
    fixed_count = 5
    wait_time = between(2, 4)

    def on_start(self) -> None:
        data = take("leader")
        self.session = Session(self, data)
        self.plan = data["plan"]
        response = self.client.get(f"/handleplaner/{self.plan}/rediger/", name="plan edit page",
                                   headers=self.session.headers(), allow_redirects=False)
        self.session.remember(response)
        parser = FormFields("plan-form")
        parser.feed(response.text)
        self.fields = parser.fields
        self.typed = 0

    @task
    def type_and_autosave(self) -> None:
        self.typed += 1
        fields = [(name, f"Flere lange samtaler med barna, utkast {self.typed}."
                   if name == "goal" else value) for name, value in self.fields]
        with self.client.post(
                f"/handleplaner/{self.plan}/autolagre/", name="plan autosave", data=fields,
                headers=self.session.headers(**{"HX-Request": "true"}), catch_response=True,
                allow_redirects=False) as response:
            version = VERSION.search(response.text or "")
            if response.status_code != 200 or 'data-autosave="saved"' not in response.text \
                    or version is None:
                response.failure(f"autosave answered {response.status_code}: "
                                 f"{(response.text or '')[:200]}")
                return
            self.fields = [(name, version.group(1) if name == "version" else value)
                           for name, value in self.fields]
