"""State changes of the process's reporting: the calendar and its rows, the reports' comments,
the reports sent to the board, and the record of downloads."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from klientstod import audit
from klientstod.models import Process, User
from klientstod.services import ChangedMeanwhile, save_versioned

from .models import Download, ReportingDeadline, SectionComment, SentReport
from .periods import Period


def deadline_done(*, deadline: ReportingDeadline, on: datetime.date | None = None) -> None:
    """Mark a reporting deadline done on ``on`` (today)."""
    deadline.done_on = on or timezone.localdate()
    deadline.save(update_fields=["done_on"])


def plan_row_remove(*, row: models.Model) -> None:
    """Remove a milestone, a budget line, a cost or a deadline from the follow-up page."""
    row.delete()


def comment_save(
    *,
    process: Process,
    period: Period,
    section: str,
    text: str,
    user: User,
    seen: str | None,
) -> SectionComment:
    """Write the comment of a section for a report period, unless it changed meanwhile.

    ``seen``: the version the form was opened on, empty for a section without a comment.
    Someone else's comment written or changed since then is not overwritten
    (``ChangedMeanwhile``); the text is kept on the form.
    """
    with transaction.atomic():
        comment = (
            SectionComment.objects.select_for_update()
            .filter(
                process=process,
                period_start=period.start,
                period_end=period.end,
                section=section,
            )
            .first()
        )
        if comment is None:
            if seen:
                raise ChangedMeanwhile
            try:
                with transaction.atomic():
                    return SectionComment.objects.create(
                        process=process,
                        period_start=period.start,
                        period_end=period.end,
                        section=section,
                        text=text,
                        written_by=user,
                    )
            except IntegrityError:  # written by someone else in the same moment
                raise ChangedMeanwhile from None
        comment.text, comment.written_by = text, user
        save_versioned(comment, seen=seen, save=comment.save)
        return comment


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
