"""The fixed choices of reminders, importable without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    NOT_REACHED = "not_reached", _("Not reached")
    SKIPPED = "skipped", _("Not sent")


#: A reminder that went: the report counts the meetings it was sent for.
SENT_STATUSES = (ReminderStatus.SENT, ReminderStatus.DELIVERED)


class SkipReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("The client has not consented to reminders")
    NO_CONTACT = "no_contact", _("The client has no mobile number or e-mail address")
    NO_COORDINATOR_PHONE = (
        "no_coordinator_phone",
        _("The coordinator has no phone number for the client to call"),
    )
    CANCELLED = "cancelled", _("The meeting was cancelled")
    MOVED = "moved", _("The meeting was moved; a reminder of the new time replaces this one")
    TOO_LATE = "too_late", _("Too close to the meeting")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
