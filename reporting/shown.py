"""The charts and key figures of the dashboard and the report, as the reader may see them.

Counts of people go through ``SmallCounts`` before they are printed or drawn: the
charts are given the shown values, so a hidden count never reaches the drawing,
and a figure derived from counts (a share, a projection) is shown only where the
counts it comes from may be.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from klientstod.charts import Series, bar_chart, line_chart
from klientstod.smallcounts import Shown, SmallCounts

from .selectors import MilestoneTrack, OutcomeFigures


@dataclass
class TrackChart:
    """One milestone metric over time: its chart, its counts and its projection."""

    track: MilestoneTrack
    svg: str
    actual: list[tuple[datetime.date, Shown]]
    #: None when there is no projection, or when it would give away a hidden count.
    projected: Shown | None
    on_track: bool | None
    projection_hidden: bool
    #: The chart drawn for print, as a ``data:`` URL (only when asked for).
    png: str = ""

    @property
    def label(self) -> Any:
        return self.track.label

    @property
    def next_target(self) -> tuple[datetime.date, int] | None:
        return self.track.next_target

    @property
    def targets(self) -> list[tuple[datetime.date, int]]:
        return self.track.targets


def milestone_charts(
    tracks: list[MilestoneTrack], counts: SmallCounts, *, printed: bool = False
) -> list[TrackChart]:
    """Each milestone metric as actual against target, with the projection: page and PDF alike.

    ``printed``: for a PDF, each chart as a PNG ``data:`` URL in ``png`` (and no SVG).
    """
    charts = []
    for track in tracks:
        actual = [(day, counts.count(n)) for day, n in track.actual]
        series = [
            Series(str(_("Actual")), actual),
            Series(str(_("Target")), track.targets, dashed=True),
        ]
        # The projection is carried forward from two counts: if either, or the projection
        # itself, is hidden, the line and its end would give the exact count away.
        projection_hidden = track.projected is not None and any(
            counts.hides(n) for n in (*track.projected_from, track.projected)
        )
        shows_projection = (
            track.next_target is not None and track.projected is not None and not projection_hidden
        )
        if shows_projection and track.next_target and track.projected is not None:
            series.append(
                Series(
                    str(_("Projection")),
                    [actual[-1], (track.next_target[0], track.projected)],
                    dashed=True,
                )
            )
        charts.append(
            TrackChart(
                track=track,
                svg="" if printed else line_chart(series, title=str(track.label), cached=True),
                png=(
                    line_chart(series, title=str(track.label), cached=True, printed=True)
                    if printed
                    else ""
                ),
                actual=actual,
                projected=track.projected if shows_projection else None,
                on_track=track.on_track if shows_projection else None,
                projection_hidden=projection_hidden,
            )
        )
    return charts


@dataclass
class OutcomeSummary:
    """Closed cases that reached the goal, since the process started."""

    goal_percent: int
    closed: Shown
    reached: Shown
    share: Shown | None


def outcome_since_start(outcome: OutcomeFigures, counts: SmallCounts) -> OutcomeSummary:
    return OutcomeSummary(
        goal_percent=outcome.goal_percent,
        closed=counts.count(outcome.closed_total),
        reached=counts.count(outcome.reached_total),
        share=counts.share(
            outcome.share_total, part=outcome.reached_total, whole=outcome.closed_total
        ),
    )


def inflow(
    per_month: list[tuple[datetime.date, int]], counts: SmallCounts
) -> tuple[list[tuple[datetime.date, Shown]], str]:
    """Cases started per month, as rows and as a bar chart."""
    rows = [(month, counts.count(n)) for month, n in per_month]
    chart = bar_chart(
        [(f"{month:%Y-%m}", n) for month, n in rows],
        title=str(_("Cases started per month")),
        cached=True,
    )
    return rows, chart
