"""The client's case, its meetings, and the client's consents."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import dates
from ..choices import (
    ADVANCE_OUTCOMES,
    CaseStatus,
    ClosureOutcome,
    IncomeSource,
    MeetingCancelReason,
    MeetingKind,
    MeetingStatus,
)
from ..querysets import CaseQuerySet, ConsentQuerySet, MeetingQuerySet
from ..roles import Role
from .organisations import Organisation, Process
from .people import Client

#: How long after closure the follow-up is made.
FOLLOWUP_MONTHS = 6


class Case(models.Model):
    """One period of client coordination (aktualisering) for a client in a process."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="cases", verbose_name=_("process")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_cases",
        limit_choices_to={"role": Role.COORDINATOR},
        verbose_name=_("coordinator"),
    )
    start_date = models.DateField(_("start date"))
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_entered_at = models.DateTimeField(_("closure entered"), null=True, blank=True)
    closure_outcome = models.CharField(
        _("outcome at closure"), max_length=30, choices=ClosureOutcome.choices, blank=True
    )
    income_source_end = models.CharField(
        _("income source at end"), max_length=30, choices=IncomeSource.choices, blank=True
    )
    followup_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    followup_entered_at = models.DateTimeField(_("follow-up entered"), null=True, blank=True)
    followup_result = models.TextField(_("follow-up result"), blank=True)
    #: The income source six months after closure, for the local before/after follow-up.
    income_source_followup = models.CharField(
        _("income source at the follow-up"), max_length=30, choices=IncomeSource.choices, blank=True
    )
    #: Raised on every edit, so that of two people editing at once the second is told.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "process"],
                condition=Q(status="active"),
                name="case_one_active_per_client_and_process",
                violation_error_message=_("The client already has an active case in this process."),
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(closed_on__isnull=False),
                name="case_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["process", "status"], name="case_process_status_idx"),
            models.Index(fields=["process", "start_date"], name="case_process_start_idx"),
            # The reports count closures in a period; Min dag lists a coordinator's cases.
            models.Index(fields=["process", "closed_on"], name="case_process_closed_idx"),
            models.Index(fields=["coordinator", "status"], name="case_coordinator_idx"),
        ]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("klientstod:case-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"KS-{self.pk:05d}" if self.pk else "KS-?"

    @property
    def is_active(self) -> bool:
        return self.status == CaseStatus.ACTIVE

    @property
    def followup_due_on(self) -> datetime.date | None:
        """Six months after closure (the seeds' 6-månadersuppföljning)."""
        return dates.months_after(self.closed_on, FOLLOWUP_MONTHS) if self.closed_on else None

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.status != CaseStatus.ACTIVE:
            if not self.closed_on:
                errors.setdefault("closed_on", []).append(_("A closed case needs a closing date."))
            if not self.closure_outcome:
                errors.setdefault("closure_outcome", []).append(
                    _("A closed case needs an outcome.")
                )
        if self.closed_on and self.start_date and self.closed_on < self.start_date:
            errors.setdefault("closed_on", []).append(
                _("The case cannot be closed before it started.")
            )
        if self.status == CaseStatus.FOLLOWED_UP and not self.followup_done_on:
            errors.setdefault("followup_done_on", []).append(_("Give the date of the follow-up."))
        if (
            self.client_id
            and self.process_id
            and self.client.controller_id != self.process.owner_id
        ):
            # One register per data controller: a case is opened on the record kept by the
            # organisation that runs the process, never on another controller's.
            errors.setdefault("process", []).append(
                _("The client's record belongs to another data controller's register.")
            )
        if errors:
            raise ValidationError(errors)


class Meeting(models.Model):
    """A planned conversation (samtal) with the client, and what came of it."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("case")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.ALLIANCE
    )
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_booked = models.BooleanField(_("interpreter booked"), default=False)
    status = models.CharField(
        _("status"), max_length=30, choices=MeetingStatus.choices, default=MeetingStatus.BOOKED
    )
    cancel_reason = models.CharField(
        _("reason for our cancellation"),
        max_length=20,
        choices=MeetingCancelReason.choices,
        blank=True,
        help_text=_("Only for a meeting we cancelled ourselves."),
    )
    journal_note = models.TextField(_("journal note"), blank=True)
    rebooked_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rebooked_to",
        verbose_name=_("rebooked from"),
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["case", "starts_at"], name="meeting_case_time_idx"),
            models.Index(fields=["starts_at", "status"], name="meeting_time_status_idx"),
            # Booked meetings: the caseload's next meeting, Min dag's meetings awaiting an
            # outcome and the case page's bookings. A small part of all meetings.
            models.Index(
                fields=["case", "starts_at"],
                condition=Q(status="booked"),
                name="meeting_booked_idx",
            ),
        ]
        constraints = [
            # A meeting we cancelled says why, and only such a meeting has a reason.
            models.CheckConstraint(
                condition=(Q(status="cancelled_by_us") & ~Q(cancel_reason=""))
                | (~Q(status="cancelled_by_us") & Q(cancel_reason="")),
                name="meeting_cancel_reason_iff_cancelled_by_us",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {local:%Y-%m-%d %H:%M}"

    @property
    def is_booked(self) -> bool:
        return self.status == MeetingStatus.BOOKED

    def has_started(self, at: datetime.datetime | None = None) -> bool:
        """Whether the meeting's time has come (by ``at``, now unless given)."""
        return self.starts_at <= (at or timezone.now())

    def outcome_choices(self, at: datetime.datetime | None = None) -> list[str]:
        """The outcomes that may be recorded now: all once it has started, before that only
        a cancellation or a rebooking."""
        if self.has_started(at):
            return [s for s in MeetingStatus.values if s != MeetingStatus.BOOKED]
        return [str(s) for s in ADVANCE_OUTCOMES]

    @property
    def awaits_outcome(self) -> bool:
        """Booked and started: what happened is to be recorded."""
        return self.is_booked and self.has_started()

    @property
    def awaits_note(self) -> bool:
        """Held, and its journal note still to be written."""
        return self.status == MeetingStatus.HELD and not self.journal_note

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def lacks_interpreter(self) -> bool:
        return self.is_booked and self.interpreter_needed and not self.interpreter_booked


class Consent(models.Model):
    """A consent the client has given, and when it was withdrawn if it was."""

    class Kind(models.TextChoices):
        INFORMATION_SHARING = "information_sharing", _("Information sharing with a partner")
        SUS_REGISTRATION = "sus_registration", _("Registration in SUS (form 9443)")
        FOLLOW_UP = "follow_up", _("Follow-up after six months")
        REMINDERS = "reminders", _("Reminders of meetings by SMS or e-mail")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
        help_text=_("The partner the client lets us share information with."),
    )
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="information_sharing") | Q(organisation__isnull=False),
                name="consent_sharing_names_partner",
            ),
        ]

    def __str__(self) -> str:
        if self.organisation_id:
            return f"{self.get_kind_display()}: {self.organisation}"
        return str(self.get_kind_display())

    def clean(self) -> None:
        if self.kind == self.Kind.INFORMATION_SHARING and not self.organisation_id:
            raise ValidationError({"organisation": _("Name the partner the consent covers.")})
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": _("A consent cannot be withdrawn before it was given.")}
            )
