"""Self-assessments the client answers on their own phone: the link and the translations.

The link is a random token (``secrets.token_urlsafe(32)``, 256 bits) that only the
message or the QR code carries; the database keeps its SHA-256, so a copy of the
database opens nothing. It serves one answer, for 14 days, until the coordinator
revokes it or sends a newer one for the same occasion.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klientstod.models import Case

from .assessment_models import Questionnaire, SelfAssessment
from .choices import (
    LINK_BADGES,
    NATIVE_NAMES,
    RIGHT_TO_LEFT,
    LinkChannel,
    LinkDelivery,
    LinkStatus,
    Occasion,
    TranslationLanguage,
)
from .querysets import CaseChildQuerySet

#: How long a link can be used after it was made.
LINK_VALID_FOR = datetime.timedelta(days=14)


def token_digest(token: str) -> str:
    """The SHA-256 of a token, as it is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class QuestionnaireTranslation(models.Model):
    """One questionnaire version in another language, every text the client's page shows.

    A new version of the questionnaire (new questions) needs its own translation; the
    answers are stored against the Swedish questions whatever language they were given in.
    """

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("questionnaire"),
    )
    language = models.CharField(_("language"), max_length=5, choices=TranslationLanguage.choices)
    greeting = models.CharField(
        _("“Hello”"), max_length=40, help_text=_("Shown before the client's first name.")
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    questions = models.TextField(
        _("questions"),
        help_text=_("One question per line, in the same order as the questionnaire's."),
    )
    scale_low = models.CharField(_("1 on the scale means"), max_length=80)
    scale_high = models.CharField(_("5 on the scale means"), max_length=80)
    declined_label = models.CharField(_("“Does not want to answer”"), max_length=80)
    submit_label = models.CharField(_("“Send the answers”"), max_length=80)
    missing_answer = models.CharField(
        _("“Choose an answer” (shown at an unanswered question)"), max_length=200
    )
    thanks = models.CharField(_("“Thank you, the answers are sent”"), max_length=300)

    class Meta:
        ordering = ["questionnaire", "language"]
        verbose_name = _("questionnaire translation")
        verbose_name_plural = _("questionnaire translations")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "language"], name="translation_once_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} – {self.get_language_display()}"

    @property
    def right_to_left(self) -> bool:
        return self.language in RIGHT_TO_LEFT

    @property
    def native_name(self) -> str:
        return NATIVE_NAMES.get(self.language, self.get_language_display())

    def question_texts(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class AssessmentLink(models.Model):
    """A link that lets the client answer one self-assessment on their own phone."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assessment_links", verbose_name=_("case")
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="links",
        verbose_name=_("questionnaire"),
    )
    translation = models.ForeignKey(
        QuestionnaireTranslation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language"),
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    #: SHA-256 of the token; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("sent by"), max_length=10, choices=LinkChannel.choices)
    #: SHA-256 of the address it was sent to, for the daily limit per address.
    recipient_hash = models.CharField(max_length=64, blank=True, editable=False)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=LinkDelivery.choices, default=LinkDelivery.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    assessment = models.OneToOneField(
        SelfAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="link",
        verbose_name=_("self-assessment"),
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("self-assessment link")
        verbose_name_plural = _("self-assessment links")
        indexes = [models.Index(fields=["case", "created_at"], name="link_case_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} ({self.get_channel_display()})"

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        """Whether the client can still answer through it."""
        now = now or timezone.now()
        return self.answered_at is None and self.revoked_at is None and now < self.expires_at

    def status(self, now: datetime.datetime | None = None) -> LinkStatus:
        now = now or timezone.now()
        if self.answered_at is not None:
            return LinkStatus.ANSWERED
        if self.revoked_at is not None:
            return LinkStatus.REVOKED
        if now >= self.expires_at:
            return LinkStatus.EXPIRED
        if self.opened_at is not None:
            return LinkStatus.OPENED
        if self.delivery == LinkDelivery.FAILED:
            return LinkStatus.FAILED
        if self.delivery == LinkDelivery.SHOWN:
            return LinkStatus.SHOWN
        return LinkStatus.SENT

    @property
    def status_now(self) -> LinkStatus:
        return self.status()

    @property
    def badge_class(self) -> str:
        return LINK_BADGES[self.status()]
