"""The reporting: milestones, budget, costs and the reporting calendar."""

from __future__ import annotations

import datetime
from decimal import Decimal

from devtools.loaddata.base import BaseBuilder
from devtools.loaddata.shapes import BATCH
from klientstod.models import (
    Process,
)
from reporting.models import (
    BudgetLine,
    Cost,
    CostCategory,
    DeadlineKind,
    Financing,
    Metric,
    Milestone,
    ReportingDeadline,
)


class RecordsBuilder(BaseBuilder):
    """The reporting: milestones, budget, costs and the reporting calendar."""

    def plan(self, process: Process, n_cases: int) -> None:
        """Milestones at each year's end, budget lines for each year, and monthly costs."""
        rng = self.rng
        years = list(range(self.first_day.year, self.today.year + 1))
        shares = {
            Metric.STARTED: 1.0,
            Metric.CLOSED_TO_GOAL: 0.15,
            Metric.BIBLIOTHERAPY_STARTED: 0.1,
            Metric.BIBLIOTHERAPY_COMPLETED: 0.05,
        }
        Milestone.objects.bulk_create(
            Milestone(
                process=process,
                metric=metric,
                deadline=datetime.date(year, 12, 31),
                target=max(1, round(n_cases * share * (number / len(years)))),
            )
            for metric, share in shares.items()
            for number, year in enumerate(years, start=1)
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                process=process,
                year=year,
                category=category,
                granted=Decimal(rng.randrange(100_000, 900_000, 1000)),
            )
            for year in years
            for category in CostCategory.values
        )
        costs: list[Cost] = []
        month = self.first_day.replace(day=1)
        while month <= self.today:
            last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            invoiced = last + datetime.timedelta(days=20)
            costs.extend(
                Cost(
                    process=process,
                    period_start=month,
                    period_end=last,
                    category=category,
                    amount=Decimal(rng.randrange(5_000, 60_000, 100)),
                    financing=Financing.FORBUND if rng.random() < 0.8 else Financing.OWN,
                    invoiced_on=invoiced if invoiced <= self.today else None,
                )
                for category in CostCategory.values
            )
            month = last + datetime.timedelta(days=1)
        Cost.objects.bulk_create(costs, batch_size=BATCH)
        ReportingDeadline.objects.bulk_create(
            ReportingDeadline(
                process=process,
                kind=kind,
                due_on=due,
                done_on=due if due < self.today else None,
            )
            for year in years
            for kind, due in (
                (DeadlineKind.TERTIAL_REPORT, datetime.date(year, 5, 15)),
                (DeadlineKind.TERTIAL_REPORT, datetime.date(year, 9, 15)),
                (DeadlineKind.ANNUAL_REPORT, datetime.date(year + 1, 1, 31)),
                (DeadlineKind.BOARD_MEETING, datetime.date(year, 11, 30)),
            )
        )


#: Every table the builder fills, for ANALYZE after a build.
