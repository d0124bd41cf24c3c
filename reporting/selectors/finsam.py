"""Uppföljning Finsam: what Försäkringskassan's national follow-up asks of each insats.

Since 2023 the national follow-up of Finsam takes no personal data: per insats, the
number of participants by gender (entered by the förbund's deltagaransvarig), and the
budget and outcome per insats and per förbund. These are those figures for one year, in
the order the form asks for them: the insats, its participants who started in the year
(women, men, other or not stated, in all), its budget for the year and its outcome.
Four queries, whatever the number of processes or cases.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from klientstod.choices import ClosureOutcome, Gender
from klientstod.models import Case, Organisation, Process

from ..models import BudgetLine, Cost, Financing

FINSAM_DEFINITION = _(
    "Participants: the people whose case in the insats started in the year, counted once per "
    "insats, by gender as recorded; cases registered in error are left out. Budget: the amounts "
    "granted for the year (the budget lines of the year). Outcome: the costs whose cost period "
    "ends in the year and that the förbund finances; the process's own financing is shown beside "
    "it and is not part of the outcome."
)


@dataclass
class FinsamFigures:
    """One insats's answers, or a förbund's sum of them."""

    women: int = 0
    men: int = 0
    other: int = 0
    granted: Decimal = Decimal(0)
    outcome: Decimal = Decimal(0)
    own: Decimal = Decimal(0)

    @property
    def participants(self) -> int:
        return self.women + self.men + self.other

    def add(self, other: FinsamFigures) -> None:
        for name in ("women", "men", "other", "granted", "outcome", "own"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class FinsamInsats:
    process: Process
    figures: FinsamFigures


@dataclass
class FinsamForbund:
    financier: Organisation
    insatser: list[FinsamInsats] = field(default_factory=list)
    total: FinsamFigures = field(default_factory=FinsamFigures)


def finsam_figures(processes: QuerySet[Process], year: int) -> list[FinsamForbund]:
    """Each förbund (the processes' financier) with its insatser's figures for ``year``."""
    chosen = list(processes.select_related("financier").order_by("financier__name", "name", "pk"))
    figures: dict[int, FinsamFigures] = defaultdict(FinsamFigures)
    gender = {Gender.WOMAN: "women", Gender.MAN: "men"}
    started = (
        Case.objects.filter(process__in=[p.pk for p in chosen], start_date__year=year)
        .exclude(closure_outcome=ClosureOutcome.REGISTERED_IN_ERROR)
        .values_list("process_id", "client__gender")
        .annotate(n=Count("client", distinct=True))
    )
    for process_id, client_gender, n in started:
        name = gender.get(client_gender, "other")
        setattr(figures[process_id], name, getattr(figures[process_id], name) + n)
    # The förbund's budget: own financing (an interpreter the owner pays) is not granted funds.
    granted = (
        BudgetLine.objects.filter(
            process__in=[p.pk for p in chosen], year=year, financing=Financing.FORBUND
        )
        .values_list("process_id")
        .annotate(total=Sum("granted"))
    )
    for process_id, total in granted:
        figures[process_id].granted = total
    zero = Decimal(0)
    costs = (
        Cost.objects.filter(process__in=[p.pk for p in chosen], period_end__year=year)
        .values_list("process_id")
        .annotate(
            outcome=Sum("amount", filter=Q(financing=Financing.FORBUND), default=zero),
            own=Sum("amount", filter=Q(financing=Financing.OWN), default=zero),
        )
    )
    for process_id, outcome, own in costs:
        figures[process_id].outcome, figures[process_id].own = outcome, own
    forbund: dict[int, FinsamForbund] = {}
    for process in chosen:
        entry = forbund.setdefault(process.financier_id, FinsamForbund(process.financier))
        entry.insatser.append(FinsamInsats(process, figures[process.pk]))
        entry.total.add(figures[process.pk])
    return list(forbund.values())


def headings() -> list[Any]:
    """The columns of the export, in the order the national form asks for them."""
    return [
        _("Coordination association"),
        _("Insats (the process)"),
        _("Insats runs from"),
        _("Insats runs to"),
        _("Year"),
        _("Participants started in the year: women"),
        _("Participants started in the year: men"),
        _("Participants started in the year: other or not stated"),
        _("Participants started in the year: in all"),
        _("Budget for the year (kr)"),
        _("Outcome for the year (kr)"),
        _("Own financing, not in the outcome (kr)"),
    ]
