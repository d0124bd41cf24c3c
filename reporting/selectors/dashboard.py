"""The steering group's dashboard: the milestones' course and the inflow per month."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from klientstod.models import (
    Process,
)

from ..models import Metric, Milestone
from .cases import real_cases
from .plan import (
    metric_counts,
)

# The steering group's dashboard ----------------------------------------------------------------

PROJECTION_DEFINITION = _(
    "Projection: the average monthly increase over the last three months, carried forward to "
    "the next deadline."
)


@dataclass
class MilestoneTrack:
    """One metric over time: the actual cumulative count at each month's end, and its targets."""

    metric: str
    label: Any
    actual: list[tuple[datetime.date, int]]
    targets: list[tuple[datetime.date, int]]
    next_target: tuple[datetime.date, int] | None = None
    projected: int | None = None
    #: The counts the projection was carried forward from (three months ago, now).
    projected_from: tuple[int, ...] = ()

    @property
    def on_track(self) -> bool | None:
        if self.next_target is None or self.projected is None:
            return None
        return self.projected >= self.next_target[1]


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = []
    day = start
    while True:
        next_month = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        last = next_month - datetime.timedelta(days=1)
        if last >= end:
            days.append(end)
            return days
        days.append(last)
        day = next_month


def milestone_tracks(process: Process, today: datetime.date) -> list[MilestoneTrack]:
    """Each metric that has milestones, month by month from the process's start to today."""
    milestones = list(Milestone.objects.filter(process=process).order_by("deadline"))
    metrics = [
        value for value, _label in Metric.choices if any(m.metric == value for m in milestones)
    ]
    if not metrics:
        return []
    until = min(today, process.ends_on)
    days = month_ends(process.starts_on, until) if process.starts_on <= until else [until]
    counts = metric_counts(process, days)
    tracks = []
    for metric in metrics:
        actual = [(day, counts[(metric, day)]) for day in days]
        targets = [(m.deadline, m.target) for m in milestones if m.metric == metric]
        # Leave out the long flat start: from a few months before the first count or
        # the first deadline, whichever comes first.
        first_count = next((i for i, (_day, n) in enumerate(actual) if n), len(actual))
        first_deadline = next(
            (i for i, (day, _n) in enumerate(actual) if day >= targets[0][0]), len(actual)
        )
        actual = actual[max(min(first_count, first_deadline) - 3, 0) :]
        coming = [(deadline, target) for deadline, target in targets if deadline >= today]
        track = MilestoneTrack(metric, Metric(metric).label, actual, targets)
        if coming:
            track.next_target = coming[0]
            # The average monthly increase over the last three months, carried forward.
            recent = actual[-4:] if len(actual) >= 4 else actual
            months = max(len(recent) - 1, 1)
            per_month = (recent[-1][1] - recent[0][1]) / months
            months_left = max((coming[0][0] - actual[-1][0]).days / 30.44, 0)
            track.projected = round(actual[-1][1] + per_month * months_left)
            track.projected_from = (recent[0][1], recent[-1][1])
        tracks.append(track)
    return tracks


def inflow_per_month(
    process: Process, today: datetime.date, months: int = 12
) -> list[tuple[datetime.date, int]]:
    """Cases started in each of the last ``months`` months (this month included)."""
    first = today.replace(day=1)
    for _month in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    started = dict(
        real_cases(process)
        .filter(start_date__gte=first, start_date__lte=today)
        .annotate(month=TruncMonth("start_date"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    result = []
    month = first
    while month <= today:
        result.append((month, started.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return result
