"""State changes of the process's reporting: the calendar and its rows, the reports sent to
the board, and the record of downloads."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from klientstod import audit
from klientstod.models import Process, User

from .models import Download, ReportingDeadline, SentReport
from .periods import Period


def deadline_done(*, deadline: ReportingDeadline, on: datetime.date | None = None) -> None:
    """Mark a reporting deadline done on ``on`` (today)."""
    deadline.done_on = on or timezone.localdate()
    deadline.save(update_fields=["done_on"])


def plan_row_remove(*, row: models.Model) -> None:
    """Remove a milestone, a budget line, a cost or a deadline from the follow-up page."""
    row.delete()


#: How long after a period's last day a deadline of the calendar can be that period's report.
DEADLINE_WINDOW = datetime.timedelta(days=120)


def matching_deadline(*, process: Process, kind: str, period: Period) -> ReportingDeadline | None:
    """The calendar's deadline a sent report meets: the earliest of its kind not yet done,
    due on the period's last day or within ``DEADLINE_WINDOW`` after it."""
    return (
        ReportingDeadline.objects.select_for_update()
        .filter(
            process=process,
            kind=kind,
            done_on__isnull=True,
            due_on__gte=period.end,
            due_on__lte=period.end + DEADLINE_WINDOW,
        )
        .order_by("due_on", "pk")
        .first()
    )


@transaction.atomic
def report_send(
    *,
    process: Process,
    kind: str,
    period: Period,
    pdf: bytes,
    figures: dict[str, Any],
    by: User,
    on: datetime.date | None = None,
) -> SentReport:
    """Keep a report as sent to the board on ``on`` (today), and tick its calendar deadline.

    A period sent again is kept again: each sending is a record of its own with its date.
    """
    on = on or timezone.localdate()
    deadline = matching_deadline(process=process, kind=kind, period=period)
    sent = SentReport.objects.create(
        process=process,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label or str(period),
        sent_on=on,
        sent_by=by,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        figures=figures,
        deadline=deadline,
    )
    if deadline is not None:
        deadline_done(deadline=deadline, on=on)
    return sent


def download_record(
    *,
    user: User,
    process: Process,
    kind: str,
    period: Period,
    rows: int = 0,
    ip_address: str | None = None,
    sent_report: SentReport | None = None,
) -> Download:
    """Record a download (the audit log keeps its creation: who, when, from where)."""
    return Download.objects.create(
        user=user,
        process=process,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        rows=rows,
        ip_address=ip_address,
        sent_report=sent_report,
    )


def downloads_record(
    *,
    user: User,
    processes: list[Process],
    kind: str,
    period: Period,
    ip_address: str | None = None,
) -> list[Download]:
    """Record one download of several processes' figures, one row each, in one insert."""
    downloads = Download.objects.bulk_create(
        [
            Download(
                user=user,
                process=process,
                kind=kind,
                period_start=period.start,
                period_end=period.end,
                rows=1,
                ip_address=ip_address,
            )
            for process in processes
        ]
    )
    audit.record_created(downloads)
    return downloads
