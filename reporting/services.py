"""State changes of the process's follow-up page (the reporting calendar and its rows) and of
the reports' comments."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from klientstod.models import Process, User
from klientstod.services import ChangedMeanwhile, save_versioned

from .models import ReportingDeadline, SectionComment
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
