"""The fixed choices of the reporting models, importable without the models themselves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    STARTED = "started", _("Started klientstöd")
    CLOSED_TO_GOAL = "closed_to_goal", _("Closed to work, studies or sickness compensation")
    BIBLIOTHERAPY_STARTED = "bibliotherapy_started", _("Started bibliotherapy")
    BIBLIOTHERAPY_COMPLETED = "bibliotherapy_completed", _("Completed bibliotherapy")


class CostCategory(models.TextChoices):
    COORDINATOR = "coordinator", _("Personnel: coordinator")
    BIBLIOTHERAPIST = "bibliotherapist", _("Personnel: bibliotherapist")
    INTERPRETER = "interpreter", _("Interpreter")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other costs")


class MilestoneSubject(models.TextChoices):
    """What a milestone counts: the report groups the milestones by it, as the process plan does."""

    KLIENTSTOD = "klientstod", _("Klientstöd")
    BIBLIOTHERAPY = "bibliotherapy", _("Bibliotherapy")


#: The subject each metric belongs to.
METRIC_SUBJECT = {
    Metric.STARTED: MilestoneSubject.KLIENTSTOD,
    Metric.CLOSED_TO_GOAL: MilestoneSubject.KLIENTSTOD,
    Metric.BIBLIOTHERAPY_STARTED: MilestoneSubject.BIBLIOTHERAPY,
    Metric.BIBLIOTHERAPY_COMPLETED: MilestoneSubject.BIBLIOTHERAPY,
}


class Financing(models.TextChoices):
    FORBUND = "forbund", _("Financed by the förbund")
    OWN = "own", _("Own financing")


class DeadlineKind(models.TextChoices):
    TERTIAL_REPORT = "tertial_report", _("Tertial report")
    ANNUAL_REPORT = "annual_report", _("Annual report")
    PROCESS_PLAN = "process_plan", _("Updated process plan")
    BOARD_MEETING = "board_meeting", _("Board meeting")


class ReportKind(models.TextChoices):
    """The reports a process sends to the förbund's board."""

    TERTIAL = "tertial_report", _("Tertial report")
    ANNUAL = "annual_report", _("Annual report")
