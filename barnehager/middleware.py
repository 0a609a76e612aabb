"""A log-in that ends after a time without requests (`KVALITET_SESSION_IDLE_MINUTES`).

Django's session expires `SESSION_COOKIE_AGE` seconds after it was last saved. Saving it
on every request (`SESSION_SAVE_EVERY_REQUEST`) would cost each request a write; instead a
signed-in session is saved again once a minute at most, so the log-in ends between one
minute before and exactly at the idle limit after her last request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

SEEN_KEY = "kvalitet_seen"
REFRESH_SECONDS = 60


def mark_seen(session: SessionBase) -> None:
    session[SEEN_KEY] = int(time.time())


class IdleSessionMiddleware:
    """After SessionMiddleware (its response is seen first): keeps a signed-in session
    alive while requests come, by saving it when the last save is a minute old."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            seen = session.get(SEEN_KEY)
            if not isinstance(seen, int) or time.time() - seen >= REFRESH_SECONDS:
                mark_seen(session)
        return response
