"""Every figure of the reports, each defined once, over a process and a period.

An event counts in a period when it happened inside it (both days included);
a state counts as it stood on the period's point in time: its last day, or
today while the period runs (``Period.point_in_time``). The definition of each
figure is written beside the query that computes it, and the same text is
printed in the reports' "Definitioner" section. Each function makes a fixed
number of aggregate queries, whatever the number of cases.
"""

from .cases import cases_active_at, cases_during, in_period, real_cases
from .dashboard import (
    PROJECTION_DEFINITION,
    MilestoneTrack,
    inflow_per_month,
    milestone_tracks,
    month_ends,
)
from .followup import FOLLOWUP_DEFINITION, FollowupFigures, followup_figures
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
    BudgetRow,
    MilestoneRow,
    OutcomeFigures,
    budget_figures,
    metric_counts,
    milestone_rows,
    outcome_figures,
)
from .report import DEFINITIONS, Report, tertial_report
from .work import (
    BIBLIOTHERAPY_DEFINITION,
    CANCELLATION_STATUSES,
    CANCELLED_BY_US_DEFINITION,
    MEETINGS_DEFINITION,
    BibliotherapyFigures,
    MeetingFigures,
    bibliotherapy_figures,
    meeting_figures,
    working_days,
)

__all__ = [
    "BIBLIOTHERAPY_DEFINITION",
    "BUDGET_DEFINITION",
    "CANCELLATION_STATUSES",
    "CANCELLED_BY_US_DEFINITION",
    "DEFINITIONS",
    "FIA_DEFINITION",
    "FOLLOWUP_DEFINITION",
    "INTERVENTIONS_DEFINITION",
    "MEETINGS_DEFINITION",
    "MILESTONES_DEFINITION",
    "OUTCOME_DEFINITION",
    "PROJECTION_DEFINITION",
    "REFERRALS_DEFINITION",
    "BibliotherapyFigures",
    "BudgetFigures",
    "BudgetRow",
    "FiaFigures",
    "FollowupFigures",
    "InterventionFigures",
    "MeetingFigures",
    "MilestoneRow",
    "MilestoneTrack",
    "OutcomeFigures",
    "ReferralFigures",
    "Report",
    "bibliotherapy_figures",
    "budget_figures",
    "cases_active_at",
    "cases_during",
    "fia_figures",
    "followup_figures",
    "in_period",
    "inflow_per_month",
    "intervention_figures",
    "meeting_figures",
    "metric_counts",
    "milestone_rows",
    "milestone_tracks",
    "month_ends",
    "outcome_figures",
    "real_cases",
    "referral_figures",
    "tertial_report",
    "working_days",
]
