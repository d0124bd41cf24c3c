"""The reporting: milestones, budget and costs, the reporting calendar and vacations."""

import datetime
import random

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
from klientstod.models import Process
from reporting.models import CostCategory, DeadlineKind, Financing, Metric, VacationPeriod
from reporting.periods import TERTIALS, tertials_of
from reporting.selectors import metric_counts

#: What the municipality budgets each year for the interpreters it pays itself.
OWN_INTERPRETER_BUDGET = 15_000


def board_day(day: datetime.date) -> datetime.date:
    """The first Tuesday from ``day`` outside July and the Christmas and New Year weeks."""
    day += (1 - day.weekday()) % 7 * DAY
    while day.month == 7 or (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 6):
        day += 7 * DAY
    return day


def milestone_deadlines(today: datetime.date) -> list[datetime.date]:
    """The two half-year ends before today, the next one, and the end of February after it."""
    years = (today.year - 1, today.year)
    ends = [datetime.date(y, m, d) for y in years for m, d in ((6, 30), (12, 31))]
    coming = next(day for day in ends if day >= today)
    past = [day for day in ends if day < today][-2:]
    return [*past, coming, datetime.date(coming.year + 1, 3, 1) - DAY]


class Records(Referrals):
    def build_milestones(self, process: Process) -> None:
        """Targets set around what the demo's cases and offers actually reach.

        Of the two past deadlines, the first was met for the started cases and the second
        missed by two; bibliotherapy missed both. The next deadline is within reach for
        the started cases and bibliotherapy (the dashboard's projection reaches it), not
        for the closures to the goal; the last one asks for more than the projection.
        """
        today = self.today
        d1, d2, d3, d4 = deadlines = milestone_deadlines(today)
        # The dashboard projects the increase since the end of the month three months back.
        back = months_after(today.replace(day=1), -2) - DAY
        counts = metric_counts(process, sorted({d1, d2, back, today}))

        def projected(metric: str, day: datetime.date) -> int:
            now = counts[(metric, today)]
            per_month = (now - counts[(metric, back)]) / 3
            return round(now + per_month * max((day - today).days / 30.44, 0))

        started, goal = Metric.STARTED, Metric.CLOSED_TO_GOAL
        s1 = max(1, counts[(started, d1)] - 1)
        s2 = counts[(started, d2)] + 2
        s3 = max(s2 + 1, projected(started, d3))
        s4 = max(s3 + 2, projected(started, d4) + 2)
        share = process.outcome_goal_percent / 100
        g1 = max(1, round(share * s1))
        g2 = max(g1, round(share * s2))
        g3 = max(g2, round(share * s3), projected(goal, d3) + 1)
        g4 = max(g3 + 1, round(share * s4))
        begun = Metric.BIBLIOTHERAPY_STARTED
        b1 = counts[(begun, d1)] + 2
        b2 = max(b1 + 1, counts[(begun, d2)] + 2)
        b3 = max(b2, projected(begun, d3))
        targets = {
            started: [s1, s2, s3, s4],
            goal: [g1, g2, g3, g4],
            begun: [b1, b2, b3, b3 + 2],
            Metric.BIBLIOTHERAPY_COMPLETED: [max(1, b - 1) for b in (b1, b2, b3, b3 + 2)],
        }
        for metric, row in targets.items():
            for deadline, target in zip(deadlines, row, strict=True):
                MilestoneFactory.create(
                    process=process, metric=metric, target=target, deadline=deadline
                )

    def build_budget(self, process: Process) -> None:
        """Budget lines for last, this and next year, and the costs of the past tertials.

        The förbund's share of every tertial but the latest has been invoiced; the
        interpreters are paid by the municipality and never invoiced.
        """
        year = self.today.year
        for offset, lines in BUDGET.items():
            for category, granted in lines.items():
                BudgetLineFactory.create(
                    process=process, year=year + offset, category=category, granted=granted
                )
            # The interpreters the municipality pays: its own financing, budgeted beside.
            BudgetLineFactory.create(
                process=process,
                year=year + offset,
                category=CostCategory.INTERPRETER,
                financing=Financing.OWN,
                granted=OWN_INTERPRETER_BUDGET,
            )
        tertials = [
            (period, number)
            for offset in (-1, 0)
            for number, period in zip(TERTIALS, tertials_of(year + offset), strict=True)
            if period.end < self.today
        ]
        for index, (period, number) in enumerate(tertials):
            # Seeded by the tertial, so a tertial's costs are the same whenever the demo runs.
            rng = random.Random(period.start.toordinal())
            invoiced: datetime.date | None = weekday(period.end + rng.randint(18, 30) * DAY, DAY)
            if index == len(tertials) - 1:
                invoiced = None
            budget = BUDGET[period.end.year - year]
            category, description, low, high = SMALL_COSTS[number]
            rows = [
                *[
                    (
                        cat,
                        what,
                        round(budget[cat] / 3 * rng.uniform(0.95, 1.02)),
                        Financing.FORBUND,
                    )
                    for cat, what in PERSONNEL
                ],
                (
                    CostCategory.INTERPRETER,
                    INTERPRETER_COST,
                    10 * rng.randint(600, 1_400),
                    Financing.OWN,
                ),
                (category, description, rng.randint(low, high), Financing.FORBUND),
            ]
            for category, description, amount, financing in rows:
                CostFactory.create(
                    process=process,
                    period_start=period.start,
                    period_end=period.end,
                    category=category,
                    description=description,
                    amount=amount,
                    financing=financing,
                    invoiced_on=invoiced if financing == Financing.FORBUND else None,
                )

    def build_deadlines(self, process: Process) -> None:
        """The reporting calendar of last year and this, like the process plan's.

        A tertial report two weeks after each tertial, the annual report with the third,
        a board meeting three weeks after each report, and an updated process plan each
        year: the one the förbund has asked for now is due within the coming weeks. Every
        past date is done except the latest tertial report, which is overdue.
        """
        today = self.today
        rows: list[tuple[str, datetime.date, str]] = []

        def add(kind: str, due: datetime.date, what: str, board: str) -> None:
            rows.append((kind, due, what))
            rows.append(
                (DeadlineKind.BOARD_MEETING, board_day(due + BOARD_AFTER), f"{BOARD}: {board}")
            )

        for year in (today.year - 1, today.year):
            for number, period in zip(TERTIALS, tertials_of(year), strict=True):
                if period.start > today:
                    continue
                due = weekday(period.end + REPORT_AFTER, DAY)
                what = (
                    f"Tertialrapport för perioden {period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"
                )
                if number == 3:
                    rows.append((DeadlineKind.TERTIAL_REPORT, due, what))
                    what = f"Årsrapport {year}, lämnas med tertialrapporten"
                    add(
                        DeadlineKind.ANNUAL_REPORT,
                        due,
                        what,
                        f"tertial 3 och helåret {year} på dagordningen",
                    )
                else:
                    add(
                        DeadlineKind.TERTIAL_REPORT,
                        due,
                        what,
                        f"tertial {number} {year} på dagordningen",
                    )
        add(
            DeadlineKind.PROCESS_PLAN,
            weekday(datetime.date(today.year - 1, 8, 12), DAY),
            f"Uppdaterad processplan inför styrelsemötet i september {today.year - 1}",
            "den reviderade processplanen presenteras",
        )
        add(
            DeadlineKind.PROCESS_PLAN,
            weekday(today + PLAN_DUE_IN, DAY),
            "Uppdaterad processplan med milstolpar och budget för nästa år",
            "den uppdaterade processplanen presenteras",
        )
        reports = [due for kind, due, _ in rows if kind == DeadlineKind.TERTIAL_REPORT]
        overdue = max(due for due in reports if due < today)
        for kind, due, description in sorted(rows, key=lambda row: row[1]):
            done_on = None
            if due < today and not (kind == DeadlineKind.TERTIAL_REPORT and due == overdue):
                done_on = due
                if kind != DeadlineKind.BOARD_MEETING:
                    done_on = weekday(due - self.rng.randint(0, 3) * DAY)
            ReportingDeadlineFactory.create(
                process=process, kind=kind, due_on=due, description=description, done_on=done_on
            )

    def build_vacations(self, process: Process) -> None:
        """Four weeks of summer vacation from the first Monday of July, each year so far."""
        for year in range(process.starts_on.year, self.today.year + 1):
            july = datetime.date(year, 7, 1)
            first = july + datetime.timedelta(days=-july.weekday() % 7)
            if process.starts_on <= first <= self.today:
                VacationPeriod.objects.create(
                    process=process,
                    starts_on=first,
                    ends_on=first + datetime.timedelta(days=25),
                    note="Semester",
                )

    def build_reporting(self, process: Process) -> None:
        self.build_milestones(process)
        self.build_budget(process)
        self.build_deadlines(process)
        self.build_vacations(process)
