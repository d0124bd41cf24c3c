"""What the process reports against: milestones, budget and costs, the reporting calendar and
the vacation periods left out of its working days."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klientstod.models import Process

from .choices import CostCategory, DeadlineKind, Financing, Metric, ReportKind


class Milestone(models.Model):
    """A cumulative target the process has promised to reach by a deadline."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("process")
    )
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    target = models.PositiveIntegerField(_("cumulative target"))
    deadline = models.DateField(_("deadline"))

    class Meta:
        ordering = ["metric", "deadline"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "metric", "deadline"], name="milestone_once_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.target} ({self.deadline})"


class BudgetLine(models.Model):
    """The amount granted for a year and a category: by the förbund, or the process owner's
    own financing (an interpreter the owner pays, say), which the budget shows as its own
    column."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("process")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    granted = models.DecimalField(_("granted (kr)"), max_digits=12, decimal_places=0)
    financing = models.CharField(
        _("financing"), max_length=10, choices=Financing.choices, default=Financing.FORBUND
    )

    class Meta:
        ordering = ["year", "category"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "year", "category", "financing"],
                name="budget_once_per_year_category_financing",
            )
        ]

    def __str__(self) -> str:
        if self.financing == Financing.OWN:
            return f"{self.year} {self.get_category_display()} ({self.get_financing_display()})"
        return f"{self.year} {self.get_category_display()}"


class Cost(models.Model):
    """A cost of the process for a period, and whether it has been invoiced to the förbund."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="costs", verbose_name=_("process")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (kr)"), max_digits=12, decimal_places=0)
    financing = models.CharField(
        _("financing"), max_length=10, choices=Financing.choices, default=Financing.FORBUND
    )
    invoiced_on = models.DateField(_("invoiced on"), null=True, blank=True)

    class Meta:
        ordering = ["period_start", "category"]
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="cost_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.period_start}–{self.period_end}"


class ReportingDeadline(models.Model):
    """A date in the reporting calendar towards the förbund's board."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("process")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting calendar")
        indexes = [models.Index(fields=["process", "due_on"], name="deadline_process_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class SentReport(models.Model):
    """A tertial or annual report as it was sent to the förbund's board.

    The PDF is kept in the database (a ``BinaryField``), not as a file in a media folder:
    the installation has no media storage, its backup is one ``pg_dump`` (``make backup``)
    that then holds what the board received with the rest, a sending saves the PDF and
    its record in one transaction, and serving it again is reading one row. A report is
    some hundred kilobytes and a process sends a handful a year. ``sha256`` is the PDF's
    checksum, verified on every download; ``figures`` are the report's figures as the
    board read them (``reporting.sent``), which the live report is compared with.
    """

    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="sent_reports", verbose_name=_("process")
    )
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    period_label = models.CharField(_("period"), max_length=100)
    sent_on = models.DateField(_("sent to the board on"))
    sent_by = models.ForeignKey(
        "klientstod.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("entered"), auto_now_add=True)
    pdf = models.BinaryField(_("PDF as sent"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    figures = models.JSONField(_("figures as sent"))
    deadline = models.ForeignKey(
        ReportingDeadline,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deadline in the reporting calendar"),
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sent report")
        verbose_name_plural = _("sent reports")
        indexes = [
            models.Index(fields=["process", "period_start", "period_end"], name="sent_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_label} ({self.sent_on})"

    @property
    def filename(self) -> str:
        return (
            f"{self.kind.replace('_', '-')}-{self.process_id}-{self.period_start:%Y%m%d}-"
            f"{self.period_end:%Y%m%d}-skickad-{self.sent_on:%Y%m%d}-{self.pk}.pdf"
        )


class Download(models.Model):
    """A download the audit log keeps: personal data (the SUS participant list), a report
    as it was sent to the board, the Uppföljning Finsam figures; who took it, and when."""

    class Kind(models.TextChoices):
        SUS_PARTICIPANTS = "sus_participants", _("SUS participant list")
        SENT_REPORT = "sent_report", _("Report as sent to the board")
        FINSAM = "finsam", _("Uppföljning Finsam")

    user = models.ForeignKey(
        "klientstod.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="+", verbose_name=_("process")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    rows = models.PositiveIntegerField(_("rows"))
    sent_report = models.ForeignKey(
        SentReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="downloads",
        verbose_name=_("sent report"),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded"), auto_now_add=True)

    class Meta:
        ordering = ["-downloaded_at"]
        verbose_name = _("download of personal data")
        verbose_name_plural = _("downloads of personal data")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user} {self.downloaded_at:%Y-%m-%d %H:%M}"


class VacationPeriod(models.Model):
    """Days the process did not work (its own vacation), left out of the report's working days."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="vacations", verbose_name=_("process")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("vacation period")
        verbose_name_plural = _("vacation periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="vacation_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The period ends before it starts.")})


class SectionComment(models.Model):
    """The process's own words under a section of a report ("Kommentar"), for one period.

    Written by the coordinator for a tertial or a calendar year and printed under the
    section on the page and in the PDF. Aggregate territory: the form refuses a text that
    holds a personnummer or the name of one of the process's clients.
    """

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="section_comments",
        verbose_name=_("process"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    section = models.CharField(_("section"), max_length=40)
    text = models.TextField(
        _("comment"),
        max_length=4000,
        blank=True,
        help_text=_(
            "Shown to the steering group and the evaluator and printed in the report. Write "
            "about the process, never so that a person can be recognised: no names, "
            "personnummer or details that point to one client."
        ),
    )
    written_by = models.ForeignKey(
        "klientstod.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["process", "period_start", "section"]
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "period_start", "period_end", "section"],
                name="comment_once_per_period_and_section",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="comment_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"
