"""The fixed choices of the core models, importable without the models themselves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other / not stated")


class IncomeSource(models.TextChoices):
    ECONOMIC_ASSISTANCE = "economic_assistance", _("Economic assistance")
    ACTIVITY_SUPPORT = "activity_support", _("Activity support (employment service)")
    SICKNESS_BENEFIT = "sickness_benefit", _("Sickness benefit")
    SICKNESS_COMPENSATION = "sickness_compensation", _("Sickness or activity compensation")
    OTHER_PUBLIC = "other_public", _("Other public support")
    EMPLOYMENT = "employment", _("Salary from work")
    STUDY_SUPPORT = "study_support", _("Study support")
    NONE = "none", _("No income")
    UNKNOWN = "unknown", _("Unknown")


class EducationLevel(models.TextChoices):
    PRIMARY = "primary", _("Compulsory school or shorter")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    POST_SECONDARY = "post_secondary", _("Post-secondary education")
    UNKNOWN = "unknown", _("Unknown")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    FOLLOWED_UP = "followed_up", _("Follow-up done")


class ClosureOutcome(models.TextChoices):
    WORK = "work", _("Work")
    STUDIES = "studies", _("Studies")
    SICKNESS_COMPENSATION = "sickness_compensation", _("Sickness or activity compensation")
    OTHER_INTERVENTION = "other_intervention", _("Other intervention")
    MOVED = "moved", _("Moved")
    CLIENT_ENDED = "client_ended", _("Ended by the client")
    REGISTERED_IN_ERROR = "registered_in_error", _("Registered in error")


#: Outcomes that count toward the process's goal of self-support (SPEC §4.8).
GOAL_OUTCOMES = (
    ClosureOutcome.WORK,
    ClosureOutcome.STUDIES,
    ClosureOutcome.SICKNESS_COMPENSATION,
)


class MeetingKind(models.TextChoices):
    FIRST = "first", _("First meeting")
    ALLIANCE = "alliance", _("Alliance meeting")
    FIA_SESSION = "fia_session", _("FIA session")
    JOINT = "joint", _("Joint meeting with partners")
    FOLLOW_UP = "follow_up", _("Follow-up")


class MeetingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    HELD = "held", _("Held")
    CANCELLED_BY_CLIENT = "cancelled_by_client", _("Cancelled by the client")
    CANCELLED_BY_US = "cancelled_by_us", _("Cancelled by us")
    REBOOKED = "rebooked", _("Rebooked")
    NO_SHOW = "no_show", _("No-show")
    INTERPRETER_MISSING = "interpreter_missing", _("Cancelled: interpreter missing")
    THIRD_PARTY_MISSING = "third_party_missing", _("Cancelled: third party missing")


class MeetingCancelReason(models.TextChoices):
    """Why the process itself cancelled a meeting (``MeetingStatus.CANCELLED_BY_US``)."""

    COORDINATOR_ILL = "coordinator_ill", _("Coordinator ill")
    CLASH = "clash", _("A clash")
    CASE_CLOSED = "case_closed", _("The case was closed")
    OTHER = "other", _("Other reason")


#: The reasons a coordinator chooses when cancelling; ``CASE_CLOSED`` is set by the closing.
CHOSEN_CANCEL_REASONS = (
    MeetingCancelReason.COORDINATOR_ILL,
    MeetingCancelReason.CLASH,
    MeetingCancelReason.OTHER,
)

#: Outcomes that may be recorded before the meeting's time: a cancellation by either side
#: and a rebooking. Every other outcome (held, no-show, interpreter or third party missing)
#: says what happened at the meeting, so it is recorded once the meeting has started.
ADVANCE_OUTCOMES = (
    MeetingStatus.CANCELLED_BY_CLIENT,
    MeetingStatus.CANCELLED_BY_US,
    MeetingStatus.REBOOKED,
)

#: The statuses that mean a planned meeting did not take place (SPEC §4.4).
NOT_HELD_STATUSES = (
    MeetingStatus.CANCELLED_BY_CLIENT,
    MeetingStatus.CANCELLED_BY_US,
    MeetingStatus.REBOOKED,
    MeetingStatus.NO_SHOW,
    MeetingStatus.INTERPRETER_MISSING,
    MeetingStatus.THIRD_PARTY_MISSING,
)
