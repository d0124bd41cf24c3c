"""Sections 6–8 of the report: milestones, budget, and the outcome against the goal."""

from __future__ import annotations

import bisect
import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Min,
    Q,
    Sum,
)
from django.utils.translation import gettext_lazy as _

from interventions.models import (
    BibliotherapyOffer,
    ParticipationStatus,
)
from klientstod.dates import months_after
from klientstod.models import (
    GOAL_OUTCOMES,
    ClosureOutcome,
    Process,
)

from ..choices import METRIC_SUBJECT, MilestoneSubject
from ..models import (
    BudgetLine,
    Cost,
    CostCategory,
    Financing,
    Metric,
    Milestone,
    ReportingDeadline,
)
from ..periods import Period
from .cases import in_period, real_cases

# 6. Milestones -----------------------------------------------------------------------------------

MILESTONES_DEFINITION = _(
    "Cumulative from the process's start up to the period's last day (or the milestone's "
    "deadline, if earlier): cases started; cases closed to work, studies or sickness "
    "compensation; clients who came to a first bibliotherapy session; clients who completed "
    "bibliotherapy. Grouped by what they count (klientstöd or bibliotherapy) and by the year "
    "of their deadline, each target with its actual beside it."
)


@dataclass
class MilestoneRow:
    metric: Any
    deadline: datetime.date
    target: int
    actual: int
    subject: str = MilestoneSubject.KLIENTSTOD
    #: The metric's value (``Metric``); ``metric`` is its label.
    kind: str = ""

    @property
    def share(self) -> int:
        return round(100 * self.actual / self.target) if self.target else 0

    @property
    def met(self) -> bool:
        return self.actual >= self.target


def metric_counts(
    process: Process, days: list[datetime.date]
) -> dict[tuple[str, datetime.date], int]:
    """Each metric's cumulative count on each of ``days``, in four queries.

    Each query returns how many things happened on each date (at most one row a day,
    however many cases), and the counts up to each of ``days`` are summed here: one
    FILTERed count per day in SQL made the query slow to build for the charts' many
    month ends.
    """
    if not days:
        return {}
    cases = real_cases(process)
    offers = BibliotherapyOffer.objects.filter(case__in=cases)
    per_day = {
        Metric.STARTED: cases.values_list("start_date").annotate(n=Count("pk")),
        Metric.CLOSED_TO_GOAL: cases.filter(closure_outcome__in=GOAL_OUTCOMES)
        .exclude(closed_on=None)
        .values_list("closed_on")
        .annotate(n=Count("pk")),
        # Each offer's first session, found once (grouped); counted from there.
        Metric.BIBLIOTHERAPY_STARTED: offers.annotate(first=Min("sessions_attended__held_on"))
        .exclude(first=None)
        .values_list("first", flat=True),
        Metric.BIBLIOTHERAPY_COMPLETED: offers.filter(participation=ParticipationStatus.COMPLETED)
        .exclude(participation_changed_on=None)
        .values_list("participation_changed_on")
        .annotate(n=Count("pk")),
    }
    counts: dict[tuple[str, datetime.date], int] = {}
    for metric, rows in per_day.items():
        if metric == Metric.BIBLIOTHERAPY_STARTED:
            dated = [(first, 1) for first in rows]
        else:
            dated = list(rows)
        dated.sort()
        ends = [day for day, _n in dated]
        running = list(itertools.accumulate(n for _day, n in dated))
        for day in days:
            upto = bisect.bisect_right(ends, day)
            counts[(metric, day)] = running[upto - 1] if upto else 0
    return counts


def milestone_rows(process: Process, period: Period) -> list[MilestoneRow]:
    milestones = list(Milestone.objects.filter(process=process).order_by("deadline", "metric"))
    days = sorted({min(m.deadline, period.end) for m in milestones})
    counts = metric_counts(process, days)
    return [
        MilestoneRow(
            metric=m.get_metric_display(),
            deadline=m.deadline,
            target=m.target,
            actual=counts[(m.metric, min(m.deadline, period.end))],
            subject=METRIC_SUBJECT[Metric(m.metric)],
            kind=m.metric,
        )
        for m in milestones
    ]


# 7. Budget ---------------------------------------------------------------------------------------

BUDGET_DEFINITION = _(
    "Granted: the förbund's budget lines of the year the period ends in. Costs: those whose "
    "cost period ends inside the period, by category and financing. Invoiced: of those, the ones "
    "invoiced to the förbund by the period's last day."
)


@dataclass
class BudgetRow:
    category: Any
    granted: Decimal
    forbund: Decimal
    own: Decimal
    invoiced: Decimal


@dataclass
class BudgetFigures:
    year: int
    rows: list[BudgetRow]

    @property
    def total(self) -> BudgetRow:
        return BudgetRow(
            _("Total"),
            sum((r.granted for r in self.rows), Decimal(0)),
            sum((r.forbund for r in self.rows), Decimal(0)),
            sum((r.own for r in self.rows), Decimal(0)),
            sum((r.invoiced for r in self.rows), Decimal(0)),
        )


def budget_figures(process: Process, period: Period) -> BudgetFigures:
    year = period.end.year
    granted = dict(
        BudgetLine.objects.filter(process=process, year=year, financing=Financing.FORBUND)
        .values_list("category")
        .annotate(amount=Sum("granted"))
        .values_list("category", "amount")
    )
    zero = Decimal(0)
    costs: dict[str, dict[str, Any]] = {
        row["category"]: dict(row)
        for row in Cost.objects.filter(process=process)
        .filter(in_period("period_end", period))
        .values("category")
        .annotate(
            forbund=Sum("amount", filter=Q(financing=Financing.FORBUND), default=zero),
            own=Sum("amount", filter=Q(financing=Financing.OWN), default=zero),
            invoiced=Sum("amount", filter=Q(invoiced_on__lte=period.end), default=zero),
        )
    }
    return BudgetFigures(
        year=year,
        rows=[
            BudgetRow(
                label,
                Decimal(granted.get(value, 0)),
                costs.get(value, {}).get("forbund", zero),
                costs.get(value, {}).get("own", zero),
                costs.get(value, {}).get("invoiced", zero),
            )
            for value, label in CostCategory.choices
        ],
    )


# 8. Outcome against the goal ---------------------------------------------------------------------

OUTCOME_DEFINITION = _(
    "Cases closed in the period, and since the process started, leaving out those registered in "
    "error. Reached the goal: closed to work, studies or sickness or activity compensation. "
    "The goal is the share set for the process (by default thirty percent)."
)


@dataclass
class OutcomeFigures:
    goal_percent: int
    closed: int
    reached: int
    closed_total: int
    reached_total: int
    by_outcome: list[tuple[Any, int]] = field(default_factory=list)

    @staticmethod
    def _share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def share(self) -> int | None:
        return self._share(self.reached, self.closed)

    @property
    def share_total(self) -> int | None:
        return self._share(self.reached_total, self.closed_total)


def outcome_figures(process: Process, period: Period) -> OutcomeFigures:
    closed = real_cases(process).filter(closed_on__isnull=False)
    during = in_period("closed_on", period)
    goal = Q(closure_outcome__in=GOAL_OUTCOMES)
    totals = closed.aggregate(
        closed=Count("pk", filter=during),
        reached=Count("pk", filter=during & goal),
        closed_total=Count("pk", filter=Q(closed_on__lte=period.end)),
        reached_total=Count("pk", filter=Q(closed_on__lte=period.end) & goal),
    )
    by_outcome = dict(
        closed.filter(during)
        .values_list("closure_outcome")
        .annotate(n=Count("pk"))
        .values_list("closure_outcome", "n")
    )
    return OutcomeFigures(
        goal_percent=process.outcome_goal_percent,
        by_outcome=[
            (label, by_outcome.get(value, 0))
            for value, label in ClosureOutcome.choices
            if value != ClosureOutcome.REGISTERED_IN_ERROR
        ],
        **totals,
    )


# 12. The reporting timetable ---------------------------------------------------------------------

TIMETABLE_DEFINITION = _(
    "The dates of the reporting calendar (reports due, process plans, board meetings) in the "
    "four months after the period's point in time (its last day, or today while it runs), "
    "with those already done marked."
)

#: How far ahead the report's timetable looks.
TIMETABLE_MONTHS = 4


def timetable(
    process: Process, period: Period, today: datetime.date | None = None
) -> list[ReportingDeadline]:
    day = period.point_in_time(today)
    return list(
        ReportingDeadline.objects.filter(
            process=process, due_on__gt=day, due_on__lte=months_after(day, TIMETABLE_MONTHS)
        ).order_by("due_on", "pk")
    )
