"""The one way the product makes a PDF: a template rendered to HTML, laid out by WeasyPrint
as tagged PDF/UA-1, the same in a web process and in a Celery worker.

Every PDF (the annual and kindergarten reports, the supervision report, the action plan)
comes through `render_pdf`; each feature only builds its template's context.

What a PDF may load is fenced: relative addresses resolve against a made-up origin, and
the URL fetcher serves only its /static/ files, read from disk through Django's
staticfiles finders (or STATIC_ROOT), so a worker renders without a web server. Every
other address is refused before anything is opened: no network, no file:// (not even
inside static: no template needs it), no data: (no template needs one either; the charts
are inline SVG). A refused address stops the rendering with `RenderError` rather than
leaving a hole in the document, so a template that reaches outside is found at once.

PDF/UA-1 needs the document's title and language: WeasyPrint takes them from `<title>` and
`<html lang>`, and a template without either is refused. Only the standard metadata
(title, author, description, keywords, generator, dates) is written; WeasyPrint's
`custom_metadata` stays off, so no other `<meta>` reaches the file.

WeasyPrint is imported inside the functions: the import costs about a second and only
the processes that render should pay it.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Relative addresses in a PDF's HTML resolve against this made-up origin; only /static/
# under it is served (from disk).
BASE_URL = "https://kvalitet.invalid/"
# Tagged PDF 1.7 with the document's title and language (WeasyPrint's name for PDF/UA-1).
PDF_VARIANT = "pdf/ua-1"

# WeasyPrint reports every layout step at INFO; a worker's log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RenderError(Exception):
    """A PDF that cannot be made as its template stands: it loads something outside the
    static files, or lacks the title or language PDF/UA-1 needs."""


@dataclass(frozen=True)
class PdfDocument:
    """A PDF to make: the template and its context, built by the feature that owns it."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def static_path(url: str) -> Path:
    """The file on disk behind a /static/ address of a PDF; RenderError for any other."""
    parts = urlsplit(url)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if (parts.scheme, parts.netloc) != ("https", urlsplit(BASE_URL).netloc) \
            or not parts.path.startswith(static_prefix):
        raise RenderError(f"a PDF may only load static files, not {url}")
    relative = unquote(parts.path[len(static_prefix):])
    if ".." in Path(relative).parts or relative.startswith("/"):
        raise RenderError(f"a PDF may only load static files, not {url}")
    found = finders.find(relative)
    if not found and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    if not found:
        raise RenderError(f"no static file {relative}")
    return Path(found)


@cache
def _fetcher_class() -> type:
    import weasyprint

    class StaticFileFetcher(weasyprint.URLFetcher):
        """Serves /static/ from disk; refuses everything else without opening it."""

        def fetch(self, url: str, headers: Mapping[str, str] | None = None
                  ) -> weasyprint.urls.URLFetcherResponse:
            path = static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": content_type})

    return StaticFileFetcher


def render_pdf(document: PdfDocument) -> RenderedPdf:
    """The document as tagged PDF/UA-1, in the active language."""
    import weasyprint

    html = render_to_string(document.template, dict(document.context))
    try:
        laid_out = weasyprint.HTML(
            string=html, base_url=BASE_URL,
            url_fetcher=_fetcher_class()(fail_on_errors=True),
        ).render()
    except weasyprint.urls.FatalURLFetchingError as error:
        # A BaseException in WeasyPrint; as an Exception callers (and task retries) see it.
        raise RenderError(str(error.__cause__ or error)) from error
    if not laid_out.metadata.title or not laid_out.metadata.lang:
        raise RenderError(f"{document.template} needs a <title> and <html lang> for PDF/UA-1")
    return RenderedPdf(laid_out.write_pdf(pdf_variant=PDF_VARIANT), len(laid_out.pages))
