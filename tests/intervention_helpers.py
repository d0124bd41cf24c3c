"""Helpers shared by the intervention tests (FIA, self-assessments, bibliotherapy, partners)."""

from __future__ import annotations

import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from .factories import (
    MeetingFactory,
)

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def fia_session(case, *, held: bool = True):
    return MeetingFactory(
        case=case,
        kind="fia_session",
        status="held" if held else "booked",
        journal_note="FIA del 1",
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    # Table cells wrap; compare the words, not the line breaks.
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# Query counts --------------------------------------------------------------------------------


def queries(http, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)
