"""The fixed choices of the interventions models, importable without the models themselves."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FiaStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    NOT_RELEVANT_HEALTH = "not_relevant_health", _("Not relevant: health")
    NEEDS_RELATION = "needs_relation", _("Needs an established relation first")
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    ABORTED = "aborted", _("Aborted")


class FiaAbortReason(models.TextChoices):
    MOVED = "moved", _("Moved")
    HEALTH = "health", _("Health")
    CLIENT_DECLINED = "client_declined", _("The client did not want to go on")
    OTHER = "other", _("Other reason")


class QuestionnaireKind(models.TextChoices):
    KLIENTSTOD = "klientstod", _("Klientstöd")
    BIBLIOTHERAPY = "bibliotherapy", _("Bibliotherapy")
    WORK = "work", _("Work, internship or studies")
    CLOSURE = "closure", _("Closure")


class Occasion(models.TextChoices):
    START = "start", _("At start")
    PERIODIC = "periodic", _("Every two months")
    CLOSURE = "closure", _("At closure")
    OTHER = "other", _("Other occasion")


class OfferResponse(models.TextChoices):
    PENDING = "pending", _("Offered, awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    NOT_OFFERED_LANGUAGE = "not_offered_language", _("Not offered: language")


class DeclineReason(models.TextChoices):
    HEALTH = "health", _("Health")
    DISABILITY = "disability", _("Disability / cannot do group work")
    HARD_TO_MOTIVATE = "hard_to_motivate", _("Hard to motivate")
    OTHER = "other", _("Other reason")


class ParticipationStatus(models.TextChoices):
    TO_BE_BOOKED = "to_be_booked", _("To be booked")
    TO_BE_REBOOKED = "to_be_rebooked", _("To be rebooked")
    STARTED = "started", pgettext_lazy("participation", "Started")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped")


class InterventionKind(models.TextChoices):
    STUDIES = "studies", _("Studies")
    INTERNSHIP = "internship", _("Internship")
    WORK = "work", _("Work")
    FK_APPLICATION = "fk_application", _("Application for sickness or activity compensation")
    AF_MUNICIPALITY = "af_municipality", _("Collaboration employment service + municipality")
    HEALTH_MUNICIPALITY = "health_municipality", _("Collaboration health care + municipality")
    OTHER = "other", _("Other")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class FkOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")
    REJECTION_EXPECTED = "rejection_expected", _("Rejection expected")


class ContactKind(models.TextChoices):
    INFORMATION_MEETING = "information_meeting", _("Information meeting")
    CASE_CONSULTATION = "case_consultation", _("Case consultation")
    JOINT_PLANNING = "joint_planning", _("Joint planning")


class PartnerState(models.TextChoices):
    ESTABLISHED = "established", _("Established contact")
    INFORMED = "informed", _("Informed")
    AWAITING_REPLY = "awaiting_reply", _("No reply yet")
    NOT_INTERESTED = "not_interested", _("Not interested")
