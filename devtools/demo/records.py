"""The reporting: milestones, budget and costs, and the reporting calendar."""

import datetime
import random
from typing import Any

from devtools.demo.referrals import Referrals
from devtools.demo.story import DAY, weekday
from devtools.demo.texts import (
    BOARD,
    BOARD_AFTER,
    BUDGET,
    INTERPRETER_COST,
    PERSONNEL,
    PLAN_DUE_IN,
    REPORT_AFTER,
    SMALL_COSTS,
)
from devtools.factories import (
    BudgetLineFactory,
    CostFactory,
    MilestoneFactory,
    ReportingDeadlineFactory,
)
from klientstod.dates import months_after
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
from reporting.periods import TERTIALS, tertials_of
from reporting.selectors import metric_counts


def next_weekday(day: datetime.date) -> datetime.date:
    return weekday(day, DAY)


def board_day(day: datetime.date) -> datetime.date:
    """The first Tuesday from ``day`` outside July and the Christmas and New Year weeks."""
    day += (1 - day.weekday()) % 7 * DAY
    while day.month == 7 or (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 6):
        day += 7 * DAY
    return day


def milestone_deadlines(today: datetime.date) -> list[datetime.date]:
    """The two half-year ends before today, the next one, and the end of February after it."""
    ends = [
        datetime.date(y, m, d) for y in (today.year - 1, today.year) for m, d in ((6, 30), (12, 31))
    ]
    coming = next(day for day in ends if day >= today)
    return [
        *[day for day in ends if day < today][-2:],
        coming,
        datetime.date(coming.year + 1, 3, 1) - DAY,
    ]


class Records(Referrals):
    def build_milestones(self, process: Process) -> dict[str, Any]:
        """Targets set around what the demo's cases and offers actually reach.

        Of the two past deadlines, the first was met for the started cases and the second
        missed by two; bibliotherapy missed both. The next deadline is within reach for
        the started cases and bibliotherapy (the dashboard's projection reaches it), not
        for the closures to the goal; the last one asks for more than the projection.
        """
        today = self.today
        d1, d2, d3, d4 = deadlines = milestone_deadlines(today)
        # The dashboard projects the increase since the end of the month three months back.
        back = months_after(today.replace(day=1), -2) - datetime.timedelta(days=1)
        counts = metric_counts(process, sorted({d1, d2, back, today}))

        def projected(metric: str, day: datetime.date) -> int:
            now = counts[(metric, today)]
            per_month = (now - counts[(metric, back)]) / 3
            return round(now + per_month * max((day - today).days / 30.44, 0))

        started = Metric.STARTED
        s1 = max(1, counts[(started, d1)] - 1)
        s2 = counts[(started, d2)] + 2
        s3 = max(s2 + 1, projected(started, d3))
        s4 = max(s3 + 2, projected(started, d4) + 2)

        share = process.outcome_goal_percent / 100
        goal = Metric.CLOSED_TO_GOAL
        g1 = max(1, round(share * s1))
        g2 = max(g1, round(share * s2))
        g3 = max(g2, round(share * s3), projected(goal, d3) + 1)
        g4 = max(g3 + 1, round(share * s4))

        begun = Metric.BIBLIOTHERAPY_STARTED
        b1 = counts[(begun, d1)] + 2
        b2 = max(b1 + 1, counts[(begun, d2)] + 2)
        b3 = max(b2, projected(begun, d3))
        b4 = b3 + 2
        targets = {
            started: [s1, s2, s3, s4],
            goal: [g1, g2, g3, g4],
            begun: [b1, b2, b3, b4],
            Metric.BIBLIOTHERAPY_COMPLETED: [max(1, b - 1) for b in (b1, b2, b3, b4)],
        }
        Milestone.objects.bulk_create(
            MilestoneFactory.build(process=process, metric=metric, target=target, deadline=deadline)
            for metric, row in targets.items()
            for deadline, target in zip(deadlines, row, strict=True)
        )
        past = [
            (metric, deadline, target)
            for metric, row in targets.items()
            for deadline, target in zip(deadlines, row, strict=True)
            if deadline < today
        ]
        return {
            "milestones": sum(len(row) for row in targets.values()),
            "milestone_deadlines": deadlines,
            "milestones_past": len(past),
            "milestones_met": sum(counts[(m, day)] >= target for m, day, target in past),
        }

    def build_budget(self, process: Process) -> dict[str, Any]:
        """Budget lines for last, this and next year, and the costs of the past tertials.

        The förbund's share of every tertial but the latest has been invoiced; the
        interpreters are paid by the municipality and never invoiced.
        """
        year = self.today.year
        BudgetLine.objects.bulk_create(
            BudgetLineFactory.build(
                process=process, year=year + offset, category=category, granted=granted
            )
            for offset, lines in BUDGET.items()
            for category, granted in lines.items()
        )
        tertials = [
            (period, number)
            for offset in (-1, 0)
            for number, period in zip(TERTIALS, tertials_of(year + offset), strict=True)
            if period.end < self.today
        ]
        costs: list[Cost] = []
        for index, (period, number) in enumerate(tertials):
            # Seeded by the tertial, so a tertial's costs are the same whenever the demo runs.
            rng = random.Random(period.start.toordinal())
            latest = index == len(tertials) - 1
            invoiced_on = (
                None
                if latest
                else next_weekday(period.end + datetime.timedelta(days=rng.randint(18, 30)))
            )
            granted = BUDGET[period.end.year - year]
            rows: list[tuple[str, str, int, str]] = [
                (
                    category,
                    description,
                    round(granted[category] / 3 * rng.uniform(0.95, 1.02)),
                    Financing.FORBUND,
                )
                for category, description in PERSONNEL
            ]
            rows.append(
                (
                    CostCategory.OTHER,
                    INTERPRETER_COST,
                    10 * rng.randint(600, 1_400),
                    Financing.OWN,
                )
            )
            category, description, low, high = SMALL_COSTS[number]
            rows.append((category, description, rng.randint(low, high), Financing.FORBUND))
            costs += [
                CostFactory.build(
                    process=process,
                    period_start=period.start,
                    period_end=period.end,
                    category=category,
                    description=description,
                    amount=amount,
                    financing=financing,
                    invoiced_on=invoiced_on if financing == Financing.FORBUND else None,
                )
                for category, description, amount, financing in rows
            ]
        Cost.objects.bulk_create(costs)
        return {
            "budget_lines": sum(len(lines) for lines in BUDGET.values()),
            "budget_years": (year - 1, year + 1),
            "costs": len(costs),
            "costs_not_invoiced": sum(
                c.invoiced_on is None and c.financing == Financing.FORBUND for c in costs
            ),
        }

    def build_deadlines(self, process: Process) -> dict[str, Any]:
        """The reporting calendar of last year and this, like the process plan's.

        A tertial report two weeks after each tertial, the annual report with the third,
        a board meeting three weeks after each report, and an updated process plan each
        year: the one the förbund has asked for now is due within the coming weeks. Every
        past date is done except the latest tertial report, which is overdue.
        """
        today = self.today
        rows: list[tuple[str, datetime.date, str]] = []

        def board(after: datetime.date, what: str) -> None:
            rows.append(
                (
                    DeadlineKind.BOARD_MEETING,
                    board_day(after + BOARD_AFTER),
                    f"{BOARD}: {what}",
                )
            )

        for offset in (-1, 0):
            year = today.year + offset
            for number, period in zip(TERTIALS, tertials_of(year), strict=True):
                if period.start > today:
                    continue
                due = next_weekday(period.end + REPORT_AFTER)
                rows.append(
                    (
                        DeadlineKind.TERTIAL_REPORT,
                        due,
                        f"Tertialrapport för perioden {period.start:%Y-%m-%d} – "
                        f"{period.end:%Y-%m-%d}",
                    )
                )
                if number == 3:
                    rows.append(
                        (
                            DeadlineKind.ANNUAL_REPORT,
                            due,
                            f"Årsrapport {year}, lämnas med tertialrapporten",
                        )
                    )
                    board(due, f"tertial 3 och helåret {year} på dagordningen")
                else:
                    board(due, f"tertial {number} {year} på dagordningen")
        plan_due = next_weekday(datetime.date(today.year - 1, 8, 12))
        rows.append(
            (
                DeadlineKind.PROCESS_PLAN,
                plan_due,
                f"Uppdaterad processplan inför styrelsemötet i september {today.year - 1}",
            )
        )
        board(plan_due, "den reviderade processplanen presenteras")
        plan_due = next_weekday(today + PLAN_DUE_IN)
        rows.append(
            (
                DeadlineKind.PROCESS_PLAN,
                plan_due,
                "Uppdaterad processplan med milstolpar och budget för nästa år",
            )
        )
        board(plan_due, "den uppdaterade processplanen presenteras")

        overdue = max(
            due for kind, due, _ in rows if kind == DeadlineKind.TERTIAL_REPORT and due < today
        )
        deadlines = []
        for kind, due, description in sorted(rows, key=lambda row: row[1]):
            done_on = None
            if due < today and not (kind == DeadlineKind.TERTIAL_REPORT and due == overdue):
                done_on = (
                    due
                    if kind == DeadlineKind.BOARD_MEETING
                    else weekday(due - datetime.timedelta(days=self.rng.randint(0, 3)))
                )
            deadlines.append(
                ReportingDeadlineFactory.build(
                    process=process,
                    kind=kind,
                    due_on=due,
                    description=description,
                    done_on=done_on,
                )
            )
        ReportingDeadline.objects.bulk_create(deadlines)
        month = today + datetime.timedelta(days=30)
        return {
            "deadlines": len(deadlines),
            "deadlines_done": sum(d.done_on is not None for d in deadlines),
            "deadlines_overdue": sum(d.done_on is None and d.due_on < today for d in deadlines),
            "deadlines_soon": sum(
                d.done_on is None and today <= d.due_on <= month for d in deadlines
            ),
        }

    def build_reporting(self, process: Process) -> dict[str, Any]:
        return {
            **self.build_milestones(process),
            **self.build_budget(process),
            **self.build_deadlines(process),
        }
