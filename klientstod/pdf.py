"""HTML to PDF with WeasyPrint: the same templates as the pages, printed."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _static_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Serve ``/static/`` from the app's own files: a PDF never reaches out to the network."""
    import weasyprint

    if url.startswith("file://") or url.startswith(settings.STATIC_URL):
        path = url.removeprefix("file://")
        relative = path.split(settings.STATIC_URL, 1)[-1]
        found = finders.find(relative)
        if found:
            return {"file_obj": open(found, "rb"), "filename": found}
    return weasyprint.default_url_fetcher(url, *args, **kwargs)


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
        string=html, base_url="file://" + settings.STATIC_URL, url_fetcher=_static_fetcher
    ).write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
