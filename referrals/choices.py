"""The fixed choices of the referrals models, importable without the models themselves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACTUALISED = "actualised", _("Actualised")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class NotRelevantReason(models.TextChoices):
    WORK = "work", _("Has work")
    ILLNESS = "illness", _("Illness")
    OTHER_INTERVENTION = "other_intervention", _("Other intervention")
    NOT_MOTIVATED = "not_motivated", _("Not motivated")
    OTHER = "other", _("Other reason")
