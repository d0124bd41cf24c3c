"""Referrals (remiss) from partner caseworkers, the times they may book, and consultations."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from klientstod.models import (
    Case,
    Client,
    IncomeSource,
    Meeting,
    Organisation,
    PersonnummerRecord,
    Process,
    Unit,
)

from .choices import (
    NotRelevantReason,
    ReferralStatus,
)
from .querysets import ConsultationQuerySet, ReferralQuerySet, SlotQuerySet

#: A referral that has waited longer than this many days stands out in the inbox.
LONG_WAIT_DAYS = 14


class Referral(PersonnummerRecord):
    """A remiss: a partner's request that the coordinator take a person on.

    The person's data is kept as the referrer typed it; the Client record is
    created or found only when the coordinator actualises the referral.
    """

    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("process")
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_sent",
        verbose_name=_("referrer"),
        help_text=_("Empty for a paper referral entered by the coordinator."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referring organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referring unit"),
    )
    referrer_name = models.CharField(
        _("referring caseworker"),
        max_length=200,
        blank=True,
        help_text=_("For a paper referral: who signed it."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)

    # The person, as the referrer describes them.
    # Encrypted, with a keyed hash to find it by (PersonnummerRecord).
    personnummer_encrypted = models.TextField(editable=False)
    personnummer_index = models.CharField(max_length=64, editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=60, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    income_source = models.CharField(
        _("current income source"),
        max_length=30,
        choices=IncomeSource.choices,
        default=IncomeSource.ECONOMIC_ASSISTANCE,
    )
    income_source_months = models.PositiveSmallIntegerField(
        _("months on that income source"), null=True, blank=True
    )
    tried_before = models.TextField(
        _("what has been tried"),
        blank=True,
        help_text=_("Earlier interventions and what came of them."),
    )
    reason = models.TextField(_("reason for the referral"))
    expectations = models.TextField(_("what is expected of Klientstöd"))
    consent_to_referral = models.BooleanField(
        _("the client consents to the referral"), default=False
    )
    sharing_consents = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("consents to information sharing with"),
    )
    enhanced_collaboration = models.BooleanField(
        _("in enhanced collaboration between FK and AF"),
        default=False,
        help_text=_(
            "People in the social insurance agency's and the employment service's enhanced "
            "collaboration cannot join a Finsam process at the same time (double registration "
            "in SUS)."
        ),
    )

    # The coordinator's decision.
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.RECEIVED,
    )
    not_relevant_reason = models.CharField(
        _("reason not relevant"), max_length=30, choices=NotRelevantReason.choices, blank=True
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_entered_at = models.DateTimeField(
        _("decision entered"),
        null=True,
        blank=True,
        help_text=_("When the decision was entered; it takes effect on the day decided."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("client"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("case"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["process", "status", "received_on"], name="referral_inbox_idx"),
            models.Index(fields=["personnummer_index"], name="referral_pnr_idx"),
            # "My referrals": a referrer's own, newest first.
            models.Index(fields=["referrer", "-received_on"], name="referral_referrer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_relevant") | ~Q(not_relevant_reason=""),
                name="referral_not_relevant_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="actualised") | Q(case__isnull=False),
                name="referral_actualised_has_case",
            ),
        ]

    def __str__(self) -> str:
        return str(self.reference)

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral-detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """The number the referrer quotes when they call: year of receipt and id."""
        year = self.received_on.year if self.received_on else timezone.localdate().year
        return f"R-{year}-{self.pk:05d}" if self.pk else "R-?"

    @property
    def has_postal_address(self) -> bool:
        """Whether a letter to the referred person can be posted to the address given."""
        return has_postal_address(self)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.RECEIVED

    @property
    def is_paper(self) -> bool:
        return self.referrer_id is None

    def days_waiting(self, today: datetime.date | None = None) -> int:
        end = self.decided_on or today or timezone.localdate()
        return (end - self.received_on).days

    def waits_long(self, today: datetime.date | None = None) -> bool:
        """Waiting longer than the inbox lets pass without a warning."""
        return self.days_waiting(today) > LONG_WAIT_DAYS

    def clean(self) -> None:
        unit = self.unit if self.unit_id else None
        if (
            unit is not None
            and self.organisation_id
            and unit.organisation_id != self.organisation_id
        ):
            raise ValidationError({"unit": _("The unit does not belong to the organisation.")})


class ReferralSlot(models.Model):
    """A free time the coordinator publishes for a first meeting, which a referrer may take."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="slots", verbose_name=_("process")
    )
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    location = models.CharField(_("place"), max_length=200)
    referral = models.OneToOneField(
        Referral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slot",
        verbose_name=_("held for referral"),
    )
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slot",
        verbose_name=_("became the meeting"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("bookable time")
        verbose_name_plural = _("bookable times")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "starts_at"], name="slot_one_per_process_and_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} · {self.location}"

    @property
    def is_free(self) -> bool:
        return self.referral_id is None and self.meeting_id is None


def has_postal_address(person: Any) -> bool:
    """Whether a letter to ``person`` (a client or a referral) can be posted: a full address,
    or a protected identity (the Tax Agency forwards the letter)."""
    if getattr(person, "protected_identity", False):
        return True
    return all(
        (getattr(person, field) or "").strip()
        for field in ("street_address", "postal_code", "city")
    )


class Letter(models.Model):
    """A letter to the client produced by a triage decision, printed and posted."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Welcome letter")
        NOT_RELEVANT = "not_relevant", _("Letter: not relevant now")

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="letter", verbose_name=_("referral")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.referral}"

    #: Days a posted letter takes: one posted today is read the day after tomorrow at the soonest.
    POSTAL_DAYS = 2

    def warnings(self, today: datetime.date | None = None) -> list[str]:
        """What to know before printing: an address block that cannot be posted to, and
        a welcome letter whose first meeting comes before a posted letter would."""
        today = today or timezone.localdate()
        found: list[str] = []
        if not has_postal_address(self.referral.client or self.referral):
            found.append(
                gettext(
                    "The address block is empty or incomplete: the letter cannot be posted. "
                    "Add the client's address before printing, or hand the letter over."
                )
            )
        meeting = self.meeting
        if (
            self.kind == self.Kind.WELCOME
            and meeting is not None
            and meeting.is_booked
            and today
            <= timezone.localdate(meeting.starts_at)
            < today + datetime.timedelta(days=self.POSTAL_DAYS)
        ):
            found.append(
                gettext(
                    "The first meeting is %(when)s: a posted letter will not arrive in time. "
                    "Call the client, or hand the letter over."
                )
                % {"when": f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}"}
            )
        return found

    @property
    def filename(self) -> str:
        # No name in the file name: it ends up in download folders and logs.
        prefix = "valkomstbrev" if self.kind == self.Kind.WELCOME else "besked"
        return f"{prefix}-{self.referral.reference}.pdf"


class Consultation(models.Model):
    """A referrer's question on whether Klientstöd fits a situation, without naming anyone."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("process")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("asked by"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answered = models.BooleanField(_("answered"), default=False)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("referrals:consultation-detail", args=[self.pk])


class ConsultationMessage(models.Model):
    """One message in a consultation thread."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("consultation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.author} {self.created_at:%Y-%m-%d}"


class InformationPage(models.Model):
    """The public page a referrer reads before referring: the offer, who it is for, how to refer."""

    process = models.OneToOneField(
        Process,
        on_delete=models.CASCADE,
        related_name="information_page",
        verbose_name=_("process"),
    )
    published = models.BooleanField(_("published"), default=True)
    offer = models.TextField(_("what Klientstöd offers"))
    target_group = models.TextField(_("target group"))
    how_to_refer = models.TextField(_("how referral works"))
    contact = models.TextField(_("contact"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")

    def __str__(self) -> str:
        return str(self.process)
