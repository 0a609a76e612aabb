"""A single action plan as PDF for the board meeting (WeasyPrint).

WeasyPrint is imported inside the function: the import costs about a second, and only a
process that renders should pay it. The stylesheet is read from disk through the
staticfiles finders; any other address is refused, so rendering never touches the network.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from handleplaner import selectors
from handleplaner.models import Handleplan

# Relative addresses in the PDF's HTML resolve against this made-up origin.
BASE_URL = "https://kvalitet.invalid/"


def static_file(url: str) -> Path | None:
    """The file on disk behind a /static/ address under BASE_URL, or None."""
    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if parts.netloc != urlsplit(BASE_URL).netloc or not parts.path.startswith(prefix):
        return None
    found = finders.find(unquote(parts.path[len(prefix):]))
    return Path(found) if found else None


def render_plan_pdf(plan: Handleplan) -> bytes:
    """The plan, in its municipality's language, as PDF bytes."""
    import weasyprint

    class StaticFetcher(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            path = static_file(url)
            if path is None:
                raise ValueError(f"an action plan PDF loads only static files, not {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, path.read_bytes(),
                                                      {"Content-Type": content_type})

    with translation.override(plan.barnehage.kommune.language):
        context = selectors.plan_page(plan)
        context["generated_at"] = timezone.localtime()
        html = render_to_string("handleplaner/pdf/plan.html", context)
    return weasyprint.HTML(string=html, base_url=BASE_URL,
                           url_fetcher=StaticFetcher(fail_on_errors=True)).write_pdf()
