"""The work with the client: FIA, self-assessments, bibliotherapy, interventions and samverkan."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klientstod.models import Case, Organisation, Process, Unit

from .assessment_models import Answer, Questionnaire, QuestionnaireItem, SelfAssessment
from .bibliotherapy_models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    GroupSession,
    InformationMeeting,
)
from .choices import (
    ContactKind,
    DeclineReason,
    FiaAbortReason,
    FiaStatus,
    FkOutcome,
    InterventionKind,
    InterventionStatus,
    LinkChannel,
    LinkDelivery,
    LinkStatus,
    Occasion,
    OfferResponse,
    ParticipationStatus,
    PartnerState,
    QuestionnaireKind,
    TranslationLanguage,
)
from .link_models import LINK_VALID_FOR, AssessmentLink, QuestionnaireTranslation, token_digest
from .querysets import (
    CaseChildQuerySet,
    CollaborationQuerySet,
)

__all__ = [
    "FIA_AREAS",
    "FIA_PARTS",
    "LINK_VALID_FOR",
    "Answer",
    "AssessmentLink",
    "BibliotherapyGroup",
    "BibliotherapyOffer",
    "CollaborationContact",
    "ContactKind",
    "DeclineReason",
    "FiaAbortReason",
    "FiaInterview",
    "FiaStatus",
    "FiaStatusChange",
    "FkOutcome",
    "GroupSession",
    "InformationMeeting",
    "Intervention",
    "InterventionChange",
    "InterventionKind",
    "InterventionStatus",
    "LinkChannel",
    "LinkDelivery",
    "LinkStatus",
    "Occasion",
    "OfferResponse",
    "ParticipationStatus",
    "PartnerState",
    "PlanItem",
    "Questionnaire",
    "QuestionnaireItem",
    "QuestionnaireKind",
    "QuestionnaireTranslation",
    "SelfAssessment",
    "TranslationLanguage",
    "token_digest",
]

# FIA ---------------------------------------------------------------------------------

#: FIA's three parts and the areas the summary covers, in the interview's order.
#: The summary is stored as {area key: text}; the order and labels live here.
FIA_PARTS: list[tuple[str, Any, list[tuple[str, Any]]]] = [
    (
        "social",
        _("Social life situation"),
        [
            ("housing", _("Housing")),
            ("home", _("The situation at home")),
            ("network", _("Social network")),
            ("physical_health", _("Physical health")),
            ("mental_health", _("Mental health")),
            ("disability", _("Disability")),
            ("habits", _("Habits and behaviour")),
            ("debts", _("Debts")),
            ("violence", _("Violence in close relationships")),
            ("crime", _("Crime")),
            ("finances", _("Income and finances")),
            ("daily_life", _("Daily life and leisure")),
        ],
    ),
    (
        "goals",
        _("Goals and work"),
        [
            ("work_goals", _("Goals for work and occupation")),
            ("education", _("Education")),
            ("work_history", _("Work experience")),
            ("strengths", _("Strengths and interests")),
        ],
    ),
    (
        "labour_market",
        _("Labour market interventions and demands"),
        [
            ("earlier_interventions", _("Earlier interventions")),
            ("demands", _("Demands and expectations from authorities")),
            ("support_needs", _("Support needed to move on")),
        ],
    ),
]
FIA_AREAS = [key for _part, _label, areas in FIA_PARTS for key, _area in areas]


class FiaInterview(models.Model):
    """A case's FIA interview (Förutsättningar inför arbete), its summary and plan."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="fia", verbose_name=_("case")
    )
    status = models.CharField(
        _("status"), max_length=30, choices=FiaStatus.choices, default=FiaStatus.NOT_STARTED
    )
    abort_reason = models.CharField(
        _("reason for aborting"), max_length=20, choices=FiaAbortReason.choices, blank=True
    )
    abort_note = models.TextField(_("the other reason"), blank=True)
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    on_site_interpreter = models.BooleanField(_("held with an on-site interpreter"), default=False)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    client_goals = models.TextField(_("the client's own goals"), blank=True)
    assessment = models.TextField(_("the coordinator's assessment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("FIA interview")
        verbose_name_plural = _("FIA interviews")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="aborted") | ~Q(abort_reason=""),
                name="fia_aborted_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"FIA {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("interventions:fia", args=[self.case_id])

    def filled_parts(self) -> list[tuple[Any, list[tuple[Any, str]]]]:
        """Only the parts and areas that have text."""
        return [
            (label, [(area, text) for area, text in areas if text])
            for label, areas in self.parts()
            if any(text for _area, text in areas)
        ]

    def parts(self) -> list[tuple[Any, list[tuple[Any, str]]]]:
        """The summary in FIA's order: [(part label, [(area label, text), …]), …]."""
        return [
            (label, [(area_label, self.summary.get(key, "")) for key, area_label in areas])
            for _key, label, areas in FIA_PARTS
        ]


class FiaStatusChange(models.Model):
    """Each status a FIA took and from when, so that reports can tell how it stood on a day."""

    fia = models.ForeignKey(FiaInterview, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=30, choices=FiaStatus.choices)
    abort_reason = models.CharField(
        _("reason for aborting"), max_length=20, choices=FiaAbortReason.choices, blank=True
    )
    abort_note = models.TextField(_("the other reason"), blank=True)
    changed_on = models.DateField(_("from"))
    entered_at = models.DateTimeField(
        _("entered"),
        default=timezone.now,
        help_text=_("When the change was entered; it takes effect from its date."),
    )

    class Meta:
        ordering = ["changed_on", "pk"]
        verbose_name = _("FIA status change")
        verbose_name_plural = _("FIA status changes")
        indexes = [models.Index(fields=["fia", "changed_on"], name="fia_history_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.changed_on}"


class PlanItem(models.Model):
    """One row of the genomförandeplan: a goal, the way there, who does what, and when."""

    fia = models.ForeignKey(
        FiaInterview, on_delete=models.CASCADE, related_name="plan", verbose_name=_("FIA")
    )
    goal = models.CharField(_("goal"), max_length=300)
    sub_goal = models.CharField(_("sub-goal"), max_length=300, blank=True)
    activity = models.TextField(_("activity"), blank=True)
    responsible = models.CharField(_("who is responsible"), max_length=200, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return self.goal


# Interventions ----------------------------------------------------------------------


class Intervention(models.Model):
    """An insats decided with the client; a case often has several at once."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="interventions", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=InterventionKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterventionStatus.choices,
        default=InterventionStatus.ONGOING,
    )
    fk_outcome = models.CharField(
        _("outcome at the social insurance agency"),
        max_length=30,
        choices=FkOutcome.choices,
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="fk_application") | Q(fk_outcome=""),
                name="intervention_fk_outcome_only_for_fk",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="intervention_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == InterventionKind.FK_APPLICATION and not self.fk_outcome:
            errors["fk_outcome"] = _("Give where the application stands.")
        if self.kind != InterventionKind.FK_APPLICATION and self.fk_outcome:
            errors["fk_outcome"] = _("An outcome at FK belongs to an FK application only.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The intervention cannot end before it starts.")
        if self.status == InterventionStatus.ENDED and not self.ends_on:
            errors["ends_on"] = _("Give the date the intervention ended.")
        unit = self.unit if self.unit_id else None
        if (
            unit is not None
            and self.organisation_id
            and unit.organisation_id != self.organisation_id
        ):
            errors["unit"] = _("The unit does not belong to the organisation.")
        if errors:
            raise ValidationError(errors)


class InterventionChange(models.Model):
    """Each status and FK outcome an intervention took, from when, and when it was entered."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=20, choices=InterventionStatus.choices)
    fk_outcome = models.CharField(
        _("outcome at the social insurance agency"),
        max_length=30,
        choices=FkOutcome.choices,
        blank=True,
    )
    changed_on = models.DateField(_("from"))
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["changed_on", "pk"]
        verbose_name = _("intervention change")
        verbose_name_plural = _("intervention changes")
        indexes = [
            models.Index(fields=["intervention", "changed_on"], name="intervention_history_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.changed_on}"


# Collaboration ------------------------------------------------------------------------


class CollaborationContact(models.Model):
    """A contact with a partner organisation or unit (samverkan), about a case or in general."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=30, choices=ContactKind.choices)
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="collaboration_contacts",
        verbose_name=_("case"),
    )
    state = models.CharField(_("state of the contact"), max_length=20, choices=PartnerState.choices)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("collaboration contact")
        verbose_name_plural = _("collaboration contacts")
        indexes = [
            models.Index(fields=["process", "organisation", "held_on"], name="contact_partner_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"
