"""Reminders of booked meetings, and the words they are sent in."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klientstod.models import Meeting, Process

from . import texts
from .choices import Channel, ReminderStatus, SkipReason
from .querysets import ReminderQuerySet


class ReminderTemplate(models.Model):
    """A process's words for its reminders in one language.

    The Swedish text is built in (``texts.DEFAULT_TEXT``) unless the process enters its own
    with the language "svenska"; a template in the client's language (as the client's
    record names it) is sent above the Swedish one.
    """

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    language = models.CharField(
        _("language"),
        max_length=60,
        help_text=_(
            "As the client's record names it, e.g. arabiska, somaliska; svenska replaces "
            "the built-in Swedish text."
        ),
    )
    text = models.TextField(
        _("text"),
        default=texts.DEFAULT_TEXT,
        validators=[texts.validate_template],
        help_text=_(
            "Placeholders: {dag}, {datum}, {tid}, {plats}, {tolk}, {samordnare}, {telefon}. "
            "A line whose placeholder is empty is left out."
        ),
    )
    email_subject = models.CharField(
        _("e-mail subject"),
        max_length=150,
        default=texts.DEFAULT_SUBJECT,
        validators=[texts.validate_template],
    )
    interpreter_line = models.CharField(
        _("interpreter line"),
        max_length=150,
        default=texts.DEFAULT_INTERPRETER_LINE,
        help_text=_("What {tolk} says when an interpreter is booked."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["process", "language"]
        verbose_name = _("reminder text")
        verbose_name_plural = _("reminder texts")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "language"],
                name="reminder_template_one_per_language",
                violation_error_message=_("The process already has a text in this language."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.language}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.language = self.language.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_swedish(self) -> bool:
        return self.language.strip().lower() == "svenska"


class Reminder(models.Model):
    """The reminder of one booked meeting at one time, one working day before it.

    A meeting moved to a new time gets a new reminder (``starts_at`` is the time reminded
    of); the old one is skipped if it had not gone. The job claims a queued reminder
    before it sends it, so it is sent at most once.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("meeting")
    )
    starts_at = models.DateTimeField(_("meeting time reminded of"))
    due_at = models.DateTimeField(_("to be sent from"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.QUEUED
    )
    skip_reason = models.CharField(
        _("why not sent"), max_length=30, choices=SkipReason.choices, blank=True
    )
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    #: The SMS gateway's id of the message, to match its delivery report.
    provider_id = models.CharField(max_length=100, blank=True, editable=False)
    #: What went wrong, as the gateway or mail server said it: never the text or address.
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "starts_at"], name="reminder_one_per_meeting_time"
            ),
            models.CheckConstraint(
                condition=Q(status="skipped") | Q(skip_reason=""),
                name="reminder_skip_reason_only_when_skipped",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="reminder_status_due_idx"),
            models.Index(fields=["provider_id"], name="reminder_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_status_display()}"

    @property
    def went(self) -> bool:
        return self.status in (ReminderStatus.SENT, ReminderStatus.DELIVERED)

    @property
    def reason_text(self) -> str:
        if self.status == ReminderStatus.SKIPPED:
            return str(self.get_skip_reason_display())
        return self.error if self.status == ReminderStatus.NOT_REACHED else ""
