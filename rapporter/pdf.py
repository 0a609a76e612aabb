"""HTML to PDF with WeasyPrint, the same way in a web process and in a Celery worker.

WeasyPrint is imported inside the functions: the import costs about a second and only
the processes that render should pay it. Static files (the print stylesheet, fonts,
images) are read from disk through Django's staticfiles finders, so a worker renders
without a web server; every other address is refused, so a report never fetches from
the network.
"""

from __future__ import annotations

import logging
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Relative links in a report resolve against this made-up origin; only /static/ under it
# is served (from disk).
BASE_URL = "https://kvalitet.invalid/"
# PDF/UA-1: tagged PDF 1.7 with the document's title and language (WeasyPrint 70's name).
PDF_VARIANT = "pdf/ua-1"

# WeasyPrint reports every layout step at INFO; a worker's log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class StaticFileMissing(LookupError):
    pass


def static_path(url: str) -> Path:
    """The file on disk behind a /static/ address of the report."""
    parts = urlsplit(url)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if parts.netloc != urlsplit(BASE_URL).netloc or not parts.path.startswith(static_prefix):
        raise StaticFileMissing(f"a report may only load static files, not {url}")
    relative = unquote(parts.path[len(static_prefix):])
    found = finders.find(relative)
    if not found and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    if not found:
        raise StaticFileMissing(f"no static file {relative}")
    return Path(found)


@cache
def _fetcher_class():
    import weasyprint

    class StaticFileFetcher(weasyprint.URLFetcher):
        """Serves /static/ from disk and data: URLs; refuses everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": content_type})

    return StaticFileFetcher


def url_fetcher():
    return _fetcher_class()(fail_on_errors=True)


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def write_pdf(html: str, target: Path | str) -> int:
    """Renders `html` into the file `target` as tagged PDF/UA-1; returns the page count."""
    import weasyprint

    try:
        document = weasyprint.HTML(string=html, base_url=BASE_URL,
                                   url_fetcher=url_fetcher()).render()
    except weasyprint.urls.FatalURLFetchingError as error:
        # A BaseException in WeasyPrint; as an Exception the task's retry sees it.
        raise StaticFileMissing(str(error.__cause__ or error)) from error
    document.write_pdf(target, pdf_variant=PDF_VARIANT)
    return len(document.pages)
