"""Who is asking, and how often: the client's address behind trusted proxies, and the
throttle on password-reset mail.

Behind the TLS proxy the README prescribes, every request comes from the proxy's address.
Each trusted proxy appends the address it saw to X-Forwarded-For, so with N trusted proxies
the client is the N-th entry from the right; anything further left was written by the
client and proves nothing. Without trusted proxies the header is ignored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    proxies = settings.KVALITET_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def allow(key: str, limit: int, seconds: int) -> bool:
    """Counts one more use of `key` in a window of `seconds`; False once past `limit`.
    Fails open: without a cache, mail is not held back. The Redis cache ignores its errors
    (IGNORE_EXCEPTIONS) and answers None where it would say True or False: then the rest is
    skipped, so a hung Redis costs one timeout, not two."""
    try:
        if cache.add(key, 0, seconds) is None:
            return True
        return cache.incr(key) <= limit
    except Exception:  # noqa: BLE001 - the cache (Redis) is down: let the request through
        return True
