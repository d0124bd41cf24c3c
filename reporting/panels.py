"""The reporting calendar on Min dag: what is due soon, and what is overdue."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from klientstod import panels
from klientstod.models import Process, User

from .models import ReportingDeadline

#: How far ahead a reporting deadline shows on Min dag.
AHEAD = datetime.timedelta(days=30)


def deadlines_near(user: User) -> list[ReportingDeadline]:
    today = timezone.localdate()
    return list(
        ReportingDeadline.objects.filter(
            process__in=Process.objects.visible_to(user),
            done_on__isnull=True,
            due_on__lte=today + AHEAD,
        ).select_related("process")[:10]
    )


@panels.register("my_day")
def reporting_calendar(user: User, obj: Any = None) -> panels.Panel | None:
    deadlines = deadlines_near(user)
    if not deadlines:
        return None
    return panels.Panel("reporting/partials/panel_deadlines.html", {"deadlines": deadlines}, 20)
