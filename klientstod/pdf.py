"""HTML to PDF with WeasyPrint: the same templates as the pages, printed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
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


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    import weasyprint  # imported here: loading Pango is slow and most requests never need it

    html = render_to_string(template, context, request=request)
    # PDF/UA: a tagged PDF with its language and structure, readable by screen readers.
    return weasyprint.HTML(
        string=html, base_url="file://" + settings.STATIC_URL, url_fetcher=_static_fetcher
    ).write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
