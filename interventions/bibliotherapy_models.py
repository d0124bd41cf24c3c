"""Bibliotherapy: offers, information meetings, groups and their sessions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from klientstod.models import Case, Process

from .choices import DeclineReason, OfferResponse, ParticipationStatus
from .querysets import BibliotherapyQuerySet, ProcessChildQuerySet

# Bibliotherapy ---------------------------------------------------------------------


class BibliotherapyOffer(models.Model):
    """Bibliotherapy offered to a client on a case, and what the client answered."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="bibliotherapy_offers", verbose_name=_("case")
    )
    offered_on = models.DateField(_("offered on"))
    response = models.CharField(
        _("response"), max_length=30, choices=OfferResponse.choices, default=OfferResponse.PENDING
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The participation, once accepted.
    group = models.ForeignKey(
        "BibliotherapyGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("group"),
    )
    participation = models.CharField(
        _("participation"), max_length=20, choices=ParticipationStatus.choices, blank=True
    )
    participation_changed_on = models.DateField(_("participation since"), null=True, blank=True)
    participation_entered_at = models.DateTimeField(
        _("participation entered"),
        null=True,
        blank=True,
        help_text=_("When the participation's last change was entered."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = BibliotherapyQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_on", "-pk"]
        verbose_name = _("bibliotherapy offer")
        verbose_name_plural = _("bibliotherapy offers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(response="declined") | ~Q(decline_reason=""),
                name="offer_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(response="accepted") | Q(participation=""),
                name="offer_participation_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_response_display()} {self.offered_on}"

    def clean(self) -> None:
        if self.response == OfferResponse.DECLINED and not self.decline_reason:
            raise ValidationError({"decline_reason": _("Give the reason the client declined.")})
        if self.response != OfferResponse.DECLINED and self.decline_reason:
            raise ValidationError(
                {"decline_reason": _("A reason is given only when the client declined.")}
            )


class InformationMeeting(models.Model):
    """An information meeting about bibliotherapy: who was invited and who came."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    invited = models.ManyToManyField(Case, blank=True, related_name="+", verbose_name=_("invited"))
    attended = models.ManyToManyField(
        Case, blank=True, related_name="+", verbose_name=_("attended")
    )
    note = models.TextField(_("note"), blank=True)

    objects = ProcessChildQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("information meeting")
        verbose_name_plural = _("information meetings")

    def __str__(self) -> str:
        return f"{self.held_on}"


class BibliotherapyGroup(models.Model):
    """A bibliotherapy group led by a bibliotherapist, meeting over a number of sessions."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bibliotherapist"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)

    objects = ProcessChildQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("bibliotherapy group")
        verbose_name_plural = _("bibliotherapy groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("interventions:group-detail", args=[self.pk])


class GroupSession(models.Model):
    """One meeting of a bibliotherapy group, and who came."""

    group = models.ForeignKey(BibliotherapyGroup, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    theme = models.CharField(_("text or theme"), max_length=300, blank=True)
    attended = models.ManyToManyField(
        BibliotherapyOffer, blank=True, related_name="sessions_attended", verbose_name=_("came")
    )

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")

    def __str__(self) -> str:
        return f"{self.group} {self.held_on}"
