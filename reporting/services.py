"""State changes of the process's follow-up page: the reporting calendar and its rows."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from .models import ReportingDeadline


def deadline_done(*, deadline: ReportingDeadline, on: datetime.date | None = None) -> None:
    """Mark a reporting deadline done on ``on`` (today)."""
    deadline.done_on = on or timezone.localdate()
    deadline.save(update_fields=["done_on"])


def plan_row_remove(*, row: models.Model) -> None:
    """Remove a milestone, a budget line, a cost or a deadline from the follow-up page."""
    row.delete()
