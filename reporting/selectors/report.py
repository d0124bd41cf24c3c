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

from ..models import ReportingDeadline
from ..periods import Period
from .activity import (
    ASSESSMENTS_DEFINITION,
    COLLABORATION_DEFINITION,
    INFORMATION_MEETINGS_DEFINITION,
    AssessmentFigures,
    CollaborationFigures,
    InformationMeetingFigures,
    assessment_figures,
    collaboration_figures,
    information_meeting_figures,
)
from .finance import (
    BUDGET_YEARS_DEFINITION,
    COST_PERIODS_DEFINITION,
    BudgetYears,
    CostPeriod,
    budget_years,
    cost_periods,
)
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
    TIMETABLE_DEFINITION,
    BudgetFigures,
    MilestoneRow,
    OutcomeFigures,
    budget_figures,
    milestone_rows,
    outcome_figures,
    timetable,
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
    (_("Information meetings"), INFORMATION_MEETINGS_DEFINITION),
    (_("Self-assessments"), ASSESSMENTS_DEFINITION),
    (_("Partner collaboration"), COLLABORATION_DEFINITION),
    (_("Milestones"), MILESTONES_DEFINITION),
    (_("Budget"), BUDGET_DEFINITION),
    (_("Granted funds per year"), BUDGET_YEARS_DEFINITION),
    (_("Costs per cost period"), COST_PERIODS_DEFINITION),
    (_("Outcome against the goal"), OUTCOME_DEFINITION),
    (_("Reporting timetable"), TIMETABLE_DEFINITION),
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
    information_meetings: InformationMeetingFigures
    assessments: AssessmentFigures
    #: The parts the report shows for its own period only, not in the annual report's
    #: tertial columns: None in a column (``columns_only``).
    collaboration: CollaborationFigures | None = None
    budget_years: BudgetYears | None = None
    cost_periods: list[CostPeriod] | None = None
    timetable: list[ReportingDeadline] | None = None
    definitions: list[tuple[Any, Any]] = field(default_factory=lambda: list(DEFINITIONS))


def tertial_report(
    process: Process,
    period: Period,
    today: datetime.date | None = None,
    *,
    columns_only: bool = False,
) -> Report:
    """Every section of the status report (Lägesrapport) for one process and period.

    ``today``: the day the report is made (the local date if not given); a running period's
    states count as they stand that day. ``columns_only``: only the figures that stand in a
    column of the annual report (each tertial beside the year), not the sections the report
    shows for its own period alone.
    """
    today = today or timezone.localdate()
    report = Report(
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
        information_meetings=information_meeting_figures(process, period, today),
        assessments=assessment_figures(process, period, today),
    )
    if not columns_only:
        report.collaboration = collaboration_figures(process, period, today)
        report.budget_years = budget_years(process, period)
        report.cost_periods = cost_periods(process, period)
        report.timetable = timetable(process, period, today)
    return report
