"""The process and its register: partner organisations, their units, the phases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..querysets import ProcessQuerySet
from ..roles import AGGREGATES_ONLY, has_role
from ..smallcounts import SmallCounts

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Organisation(models.Model):
    """A partner agency: Arbetsförmedlingen, Försäkringskassan, a region, a municipality."""

    class Kind(models.TextChoices):
        EMPLOYMENT_SERVICE = "employment_service", _("Public employment service")
        SOCIAL_INSURANCE = "social_insurance", _("Social insurance agency")
        REGION = "region", _("Region (health care)")
        MUNICIPALITY = "municipality", _("Municipality")
        COORDINATION_ASSOCIATION = "coordination_association", _("Coordination association")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit of a partner organisation, such as a health centre or a municipal department."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name or self.organisation.name} – {self.name}"


class Process(models.Model):
    """A Finsam-financed process (insats) that runs client coordination."""

    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_processes",
        verbose_name=_("process owner"),
        help_text=_(
            "The organisation that runs the process. It is the data controller "
            "(personuppgiftsansvarig) of the participants' records; a coordination association "
            "cannot be, as it holds no participants' personal data."
        ),
    )
    financier = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="financed_processes",
        verbose_name=_("financier"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_processes", verbose_name=_("partners")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveSmallIntegerField(
        _("coordinator capacity"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_("How many clients the coordinators can follow at the same time."),
    )
    suppress_small_counts = models.BooleanField(
        _("show counts of 1–2 as “<3”"),
        default=False,
        help_text=_(
            "For small municipalities: in the steering group's and evaluator's views, a count "
            "of one or two people is shown as “<3” so that nobody can be recognised."
        ),
    )
    outcome_goal_percent = models.PositiveSmallIntegerField(
        _("outcome goal (%)"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Share of closed cases that should reach work, studies or sickness compensation."
        ),
    )

    leader_role = models.CharField(
        _("led by (role)"),
        max_length=100,
        blank=True,
        help_text=_(
            "The role that leads the process, as the report's head prints it (for example "
            "“Samordnare”). Left empty, the report prints “Coordinator”."
        ),
    )
    leader_name = models.CharField(
        _("leader's name"),
        max_length=200,
        blank=True,
        help_text=_("Printed in the report only if the process chooses so below."),
    )
    print_leader_name = models.BooleanField(
        _("print the leader's name in the reports"),
        default=False,
        help_text=_(
            "Off: the reports name the role only. A report goes to the board and further; "
            "a name is printed only if the person agrees."
        ),
    )

    objects = ProcessQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="process_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def controller(self) -> Organisation:
        """The data controller of the participants' records: the organisation running it."""
        return self.owner

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The process cannot end before it starts.")
        if self.owner_id and self.owner.kind == Organisation.Kind.COORDINATION_ASSOCIATION:
            errors["owner"] = _(
                "A coordination association holds no participants' personal data and cannot "
                "own a process: choose the organisation that runs it."
            )
        if errors:
            raise ValidationError(errors)

    def small_counts_for(self, user: AbstractBaseUser | AnonymousUser) -> SmallCounts:
        """How this process's counts of people are shown to ``user``: "<3" for 1–2 or exactly."""
        return SmallCounts(self.suppress_small_counts and has_role(user, *AGGREGATES_ONLY))


class ProcessPhase(models.Model):
    """A phase of a process's plan, such as planning or implementation."""

    class Kind(models.TextChoices):
        PLANNING = "planning", _("Planning and training")
        IMPLEMENTATION = "implementation", _("Implementation")
        ORDINARY = "ordinary", _("Implementation in ordinary operations")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process")
    )
    kind = models.CharField(_("phase"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["process", "starts_on"]
        verbose_name = _("process phase")
        verbose_name_plural = _("process phases")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"
