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


class LinkChannel(models.TextChoices):
    """How a self-assessment link reached the client."""

    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    QR = "qr", _("QR code at a meeting")


class LinkDelivery(models.TextChoices):
    PENDING = "pending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not reached")
    SHOWN = "shown", _("Shown on the screen")


class LinkStatus(models.TextChoices):
    """What the coordinator sees of a link: the furthest it came."""

    SENT = "sent", _("Sent")
    SHOWN = "shown", _("Shown as a QR code")
    FAILED = "failed", _("Not reached")
    OPENED = "opened", _("Opened")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class TranslationLanguage(models.TextChoices):
    """The languages a questionnaire can be translated into (ISO 639 codes).

    The languages most spoken among the clients of a Finsam process besides Swedish;
    the label is the language's Swedish name, matched against the client's language.
    """

    ARABIC = "ar", _("Arabic")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinya")
    PERSIAN = "fa", _("Persian")
    DARI = "prs", _("Dari")
    PASHTO = "ps", _("Pashto")
    KURDISH = "ku", _("Kurdish")
    ENGLISH = "en", _("English")
    UKRAINIAN = "uk", _("Ukrainian")
    RUSSIAN = "ru", _("Russian")
    BOSNIAN = "bs", _("Bosnian, Croatian or Serbian")
    POLISH = "pl", _("Polish")
    TURKISH = "tr", _("Turkish")
    AMHARIC = "am", _("Amharic")
    FINNISH = "fi", _("Finnish")
    SPANISH = "es", _("Spanish")
    THAI = "th", _("Thai")


#: Languages written right to left: the client's page turns with them.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "prs", "ps"})

#: Each language's name in itself, for the client's link to their language.
NATIVE_NAMES = {
    "ar": "العربية",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "fa": "فارسی",
    "prs": "دری",
    "ps": "پښتو",
    "ku": "Kurdî",
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
    "bs": "Bosanski / Hrvatski / Srpski",
    "pl": "Polski",
    "tr": "Türkçe",
    "am": "አማርኛ",
    "fi": "Suomi",
    "es": "Español",
    "th": "ไทย",
}

#: The badge colour of each link status on the coordinator's pages.
LINK_BADGES = {
    "sent": "text-bg-primary",
    "shown": "text-bg-primary",
    "failed": "text-bg-danger",
    "opened": "text-bg-info",
    "answered": "text-bg-success",
    "expired": "text-bg-secondary",
    "revoked": "text-bg-secondary",
}
