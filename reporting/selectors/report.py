"""The status report: every section's figures for one period, and their definitions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klientstod.models import (
    Process,
)

from ..periods import Period
from .people import (
    FIA_DEFINITION,
    INTERVENTIONS_DEFINITION,
    REFERRALS_DEFINITION,
    FiaFigures,
    InterventionFigures,
    ReferralFigures,
    fia_figures,
    intervention_figures,
    referral_figures,
)
from .plan import (
    BUDGET_DEFINITION,
    MILESTONES_DEFINITION,
    OUTCOME_DEFINITION,
    BudgetFigures,
    MilestoneRow,
    OutcomeFigures,
    budget_figures,
    milestone_rows,
    outcome_figures,
)
from .reminders import REMINDERS_DEFINITION
from .work import (
    BIBLIOTHERAPY_DEFINITION,
    CANCELLED_BY_US_DEFINITION,
    MEETINGS_DEFINITION,
    BibliotherapyFigures,
    MeetingFigures,
    bibliotherapy_figures,
    meeting_figures,
)

# The report --------------------------------------------------------------------------------------

DEFINITIONS = [
    (_("Referrals"), REFERRALS_DEFINITION),
    (_("FIA"), FIA_DEFINITION),
    (_("Current interventions"), INTERVENTIONS_DEFINITION),
    (_("Meetings"), MEETINGS_DEFINITION),
    (_("Cancelled by us"), CANCELLED_BY_US_DEFINITION),
    (_("Reminders"), REMINDERS_DEFINITION),
    (_("Bibliotherapy"), BIBLIOTHERAPY_DEFINITION),
    (_("Milestones"), MILESTONES_DEFINITION),
    (_("Budget"), BUDGET_DEFINITION),
    (_("Outcome against the goal"), OUTCOME_DEFINITION),
]


@dataclass
class Report:
    process: Process
    period: Period
    referrals: ReferralFigures
    fia: FiaFigures
    interventions: InterventionFigures
    meetings: MeetingFigures
    bibliotherapy: BibliotherapyFigures
    milestones: list[MilestoneRow]
    budget: BudgetFigures
    outcome: OutcomeFigures
    definitions: list[tuple[Any, Any]] = field(default_factory=lambda: list(DEFINITIONS))


def tertial_report(
    process: Process,
    period: Period,
    today: datetime.date | None = None,
) -> Report:
    """Every section of the status report (Lägesrapport) for one process and period.

    ``today``: the day the report is made (the local date if not given); a running period's
    states count as they stand that day.
    """
    today = today or timezone.localdate()
    return Report(
        process=process,
        period=period,
        referrals=referral_figures(process, period, today),
        fia=fia_figures(process, period, today),
        interventions=intervention_figures(process, period, today),
        meetings=meeting_figures(process, period, today),
        bibliotherapy=bibliotherapy_figures(process, period, today),
        milestones=milestone_rows(process, period),
        budget=budget_figures(process, period),
        outcome=outcome_figures(process, period),
    )
