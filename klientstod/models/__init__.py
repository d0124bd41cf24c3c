"""The shared core of Klientstöd: who works here, the process, and the client's case.

Referrals, interventions and reporting build on these models; nothing here
imports them. The choices live in ``klientstod.choices`` and the roles in
``klientstod.roles``; both are named here too, where the models use them.
"""

from ..choices import (
    ADVANCE_OUTCOMES,
    CHOSEN_CANCEL_REASONS,
    GOAL_OUTCOMES,
    NOT_HELD_STATUSES,
    CaseStatus,
    ClosureOutcome,
    EducationLevel,
    Gender,
    IncomeSource,
    MeetingCancelReason,
    MeetingKind,
    MeetingStatus,
)
from ..roles import Role
from .cases import FOLLOWUP_MONTHS, Case, Consent, Meeting
from .organisations import Organisation, Process, ProcessPhase, Unit
from .people import Client, PersonnummerRecord
from .users import CalendarFeed, EnrolmentCode, FormSubmission, User, _enrolment_code_expiry

__all__ = [
    "ADVANCE_OUTCOMES",
    "CHOSEN_CANCEL_REASONS",
    "FOLLOWUP_MONTHS",
    "GOAL_OUTCOMES",
    "NOT_HELD_STATUSES",
    "CalendarFeed",
    "Case",
    "CaseStatus",
    "Client",
    "ClosureOutcome",
    "Consent",
    "EducationLevel",
    "EnrolmentCode",
    "FormSubmission",
    "Gender",
    "IncomeSource",
    "Meeting",
    "MeetingCancelReason",
    "MeetingKind",
    "MeetingStatus",
    "Organisation",
    "PersonnummerRecord",
    "Process",
    "ProcessPhase",
    "Role",
    "Unit",
    "User",
    "_enrolment_code_expiry",
]
