"""HTML to PDF with WeasyPrint: the same templates as the pages, printed."""

from __future__ import annotations

import base64
import functools
import hashlib
import mimetypes
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

#: The one kind of inline data a PDF may hold: a PNG image (the charts, drawn for print).
PNG_DATA_URL = "data:image/png;base64,"

#: Where a PDF's relative and ``/static/…`` references resolve: a file URL under the
#: static prefix, which the fetcher below maps to the app's own static files.
BASE_URL = "file://" + settings.STATIC_URL


class StaticFilesOnly(Exception):
    """A PDF referred to something other than one of the app's static files."""


def static_file_url(url: str) -> Path | None:
    """The app's static file a PDF's reference names, or None for anything else.

    Only ``file:///static/<path>`` (what ``{% static %}`` and relative references
    become against BASE_URL) names one, and only a file the staticfiles finders
    find; no other file, host or scheme, and no way out of the static folders.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc or parts.query:
        return None
    relative = unquote(parts.path).removeprefix(settings.STATIC_URL)
    if relative == unquote(parts.path) or not relative:
        return None
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or "\\" in relative or "\x00" in relative:
        return None
    found = finders.find(str(path))
    return Path(found) if isinstance(found, str) else None


@functools.cache
def _static_fetcher_class() -> Any:
    # Built on first use: importing WeasyPrint loads Pango, which is slow, and most
    # requests never print.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFileResponse(URLFetcherResponse):
        def __init__(self, url: str, file: Path) -> None:
            content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            super().__init__(url, file.read_bytes(), headers={"Content-Type": content_type})
            self.file = file

        @property
        def path(self) -> str:
            # The file itself (WeasyPrint may read it again), not the URL's /static/ path.
            return str(self.file)

    class StaticFetcher(URLFetcher):
        """Serves the app's static files to WeasyPrint and refuses every other URL.

        A PDF never reaches the network or the server's other files, whatever a
        template (or text in it) refers to: the refusal makes WeasyPrint leave the
        resource out and print the rest.
        """

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith(PNG_DATA_URL):
                # A chart drawn for print (klientstod.charts): inline, nothing to fetch.
                return URLFetcherResponse(
                    url,
                    base64.b64decode(url[len(PNG_DATA_URL) :], validate=True),
                    headers={"Content-Type": "image/png"},
                )
            file = static_file_url(url)
            if file is None:
                raise StaticFilesOnly(f"Not one of the app's static files: {url[:200]}")
            return StaticFileResponse(url, file)

    return StaticFetcher


#: How long a printed report stays in the cache; any change in it is a new key anyway.
CACHE_SECONDS = 24 * 60 * 60


def render_pdf(
    template: str,
    context: dict[str, Any],
    request: HttpRequest | None = None,
    *,
    cached: bool = False,
) -> bytes:
    """The template printed as a tagged PDF.

    ``cached``: for documents of aggregate figures only (never a person's data).
    Printing is the slow part (a second or more); the HTML is cheap, so the PDF is
    kept in the cache under a hash of the HTML: the same page prints once, and any
    difference in it prints anew.
    """
    html = render_to_string(template, context, request=request)
    if not cached:
        return _print(html)
    key = "pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = _print(html)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def _print(html: str) -> bytes:
    import weasyprint  # imported here: loading Pango is slow and most requests never need it

    # PDF/UA: a tagged PDF with its language and structure, readable by screen readers.
    return weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=_static_fetcher_class()()
    ).write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
