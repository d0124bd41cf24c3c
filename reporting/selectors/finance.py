"""Section 10 of the report beside the year's budget: the granted funds of every year of the
process, and the costs of each cost period, with the owner's own financing on lines of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from klientstod.models import Process

from ..models import BudgetLine, Cost, CostCategory, Financing
from ..periods import Period

ZERO = Decimal(0)

BUDGET_YEARS_DEFINITION = _(
    "Granted: every budget line of every year of the process period (from the year it starts "
    "to the year it ends), by category; the owner's own financing in a column of its own, summed "
    "over the years. Costs: those whose cost period ends by the period's last day, in the year "
    "their cost period ends, financed by the förbund or by the owner."
)

COST_PERIODS_DEFINITION = _(
    "The costs entered for each cost period that ends in the report's year by the period's last "
    "day, by category; the förbund's costs are summed, and the owner's own financing (an "
    "interpreter, say) follows on lines of its own, outside that sum."
)


@dataclass
class GrantedRow:
    category: Any
    own: Decimal
    per_year: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.per_year, ZERO)


@dataclass
class BudgetYears:
    """Granted funds per year of the process period, and the costs so far in each year."""

    years: list[int]
    rows: list[GrantedRow] = field(default_factory=list)
    costs_forbund: list[Decimal] = field(default_factory=list)
    costs_own: list[Decimal] = field(default_factory=list)

    @property
    def total(self) -> GrantedRow:
        return GrantedRow(
            _("Total"),
            sum((r.own for r in self.rows), ZERO),
            [sum((r.per_year[i] for r in self.rows), ZERO) for i in range(len(self.years))],
        )

    @property
    def costs_forbund_total(self) -> Decimal:
        return sum(self.costs_forbund, ZERO)

    @property
    def costs_own_total(self) -> Decimal:
        return sum(self.costs_own, ZERO)


def budget_years(process: Process, period: Period) -> BudgetYears:
    """Two queries, whatever the number of lines and costs."""
    granted: dict[tuple[int, str, str], Decimal] = {
        (year, category, financing): amount
        for year, category, financing, amount in BudgetLine.objects.filter(process=process)
        .values_list("year", "category", "financing")
        .annotate(amount=Sum("granted"))
        .values_list("year", "category", "financing", "amount")
    }
    spent: dict[tuple[int, str], Decimal] = {
        (year, financing): amount
        for year, financing, amount in Cost.objects.filter(
            process=process, period_end__lte=period.end
        )
        .annotate(year=ExtractYear("period_end"))
        .values_list("year", "financing")
        .annotate(amount=Sum("amount"))
        .values_list("year", "financing", "amount")
    }
    first, last = process.starts_on.year, process.ends_on.year
    # A line or a cost outside the process's years is shown rather than lost.
    for year in [key[0] for key in granted] + [key[0] for key in spent]:
        first, last = min(first, year), max(last, year)
    years = list(range(first, last + 1))
    used = {category for _year, category, _financing in granted}
    rows = [
        GrantedRow(
            label,
            sum(
                (granted.get((year, value, Financing.OWN), ZERO) for year in years),
                ZERO,
            ),
            [granted.get((year, value, Financing.FORBUND), ZERO) for year in years],
        )
        for value, label in CostCategory.choices
        if value in used
    ]
    return BudgetYears(
        years=years,
        rows=rows,
        costs_forbund=[spent.get((year, Financing.FORBUND), ZERO) for year in years],
        costs_own=[spent.get((year, Financing.OWN), ZERO) for year in years],
    )


@dataclass
class CostLine:
    category: str
    amount: Decimal
    own: bool = False

    @property
    def label(self) -> Any:
        return dict(CostCategory.choices).get(self.category, self.category)


@dataclass
class CostPeriod:
    start: Any
    end: Any
    lines: list[CostLine] = field(default_factory=list)

    @property
    def forbund(self) -> list[CostLine]:
        return [line for line in self.lines if not line.own]

    @property
    def own(self) -> list[CostLine]:
        return [line for line in self.lines if line.own]

    @property
    def total(self) -> Decimal:
        """The förbund's costs of the period: own financing is not among them."""
        return sum((line.amount for line in self.forbund), ZERO)


def cost_periods(process: Process, period: Period) -> list[CostPeriod]:
    """One query: the costs summed by cost period, category and financing."""
    order = {value: n for n, value in enumerate(CostCategory.values)}
    periods: dict[tuple[Any, Any], CostPeriod] = {}
    for start, end, category, financing, amount in (
        Cost.objects.filter(
            process=process, period_end__year=period.end.year, period_end__lte=period.end
        )
        .values_list("period_start", "period_end", "category", "financing")
        .annotate(amount=Sum("amount"))
        .values_list("period_start", "period_end", "category", "financing", "amount")
    ):
        entry = periods.setdefault((start, end), CostPeriod(start, end))
        entry.lines.append(CostLine(category, amount, own=financing == Financing.OWN))
    result = [periods[key] for key in sorted(periods)]
    for entry in result:
        entry.lines.sort(key=lambda line: (line.own, order.get(line.category, len(order))))
    return result
