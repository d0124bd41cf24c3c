"""The cases a report counts: of the process, during a period, active on a day."""

from __future__ import annotations

import datetime

from django.db.models import (
    Q,
    QuerySet,
)

from klientstod.models import (
    Case,
    ClosureOutcome,
    Process,
)

from ..periods import Period


def in_period(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def real_cases(process: Process) -> QuerySet[Case]:
    """A case registered in error never was one: no report counts it."""
    return Case.objects.filter(process=process).exclude(
        closure_outcome=ClosureOutcome.REGISTERED_IN_ERROR
    )


def cases_during(process: Process, period: Period) -> QuerySet[Case]:
    """Cases open at some time in the period: started by its end, not closed before its start."""
    return (
        real_cases(process)
        .filter(start_date__lte=period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
    )


def cases_active_at(process: Process, day: datetime.date) -> QuerySet[Case]:
    """Cases open at the end of ``day``: started on or before it, not closed by then."""
    return (
        real_cases(process)
        .filter(start_date__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
    )
