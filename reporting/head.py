"""The head of a report, as a status report to the board opens: the process, who owns and
leads it, its period and the phase it is in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import pgettext

from klientstod.models import Process, ProcessPhase

from .periods import Period


@dataclass
class ReportHead:
    process: Process
    owner: Any
    financier: Any
    #: The role that leads the process; the person's name only if the process prints it.
    led_by: str
    phase: ProcessPhase | None
    #: The day the phase is read on: the period's last day, or today while it runs.
    phase_on: datetime.date


def report_head(process: Process, period: Period, today: datetime.date | None = None) -> ReportHead:
    """The head of the report on ``process`` for ``period``. Two queries at most."""
    day = period.point_in_time(today)
    phase = (
        ProcessPhase.objects.filter(process=process, starts_on__lte=day, ends_on__gte=day)
        .order_by("-starts_on")
        .first()
    )
    role = process.leader_role or pgettext("process leader", "Coordinator")
    name = process.leader_name.strip() if process.print_leader_name else ""
    return ReportHead(
        process=process,
        owner=process.owner,
        financier=process.financier,
        led_by=f"{role}, {name}" if name else role,
        phase=phase,
        phase_on=day,
    )
