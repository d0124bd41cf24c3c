"""Sections 4 and 5 of the report: meetings and cancellations, bibliotherapy."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interventions.models import (
    BibliotherapyOffer,
    DeclineReason,
    GroupSession,
    OfferResponse,
    ParticipationStatus,
)
from klientstod.dates import days_off, local_time
from klientstod.models import (
    Meeting,
    MeetingCancelReason,
    MeetingStatus,
    Process,
)

from ..models import VacationPeriod
from ..periods import Period
from .cases import cases_active_at, cases_during
from .reminders import ReminderFigures, reminder_figures

# 4. Meetings -------------------------------------------------------------------------------------

MEETINGS_DEFINITION = _(
    "Meetings whose time fell in the period. Cancelled or rebooked: every meeting that did not "
    "take place, by its cause. Working days: the weekdays of the period up to its point in time "
    "(its last day, or today while it runs), less Swedish public holidays, Midsummer Eve, "
    "Christmas Eve and New Year's Eve, and less the process's own vacation periods. Working "
    "weeks: working days divided by five. Per week: divided by the working weeks."
)

CANCELLED_BY_US_DEFINITION = _(
    "Meetings whose time fell in the period that the process cancelled itself (coordinator "
    "ill, a clash, the case closed, another reason), by reason. They are counted apart: not "
    "among the cancelled or rebooked nor in the cancellations per week, which count what "
    "became of meetings on the client's side."
)

#: The meetings that did not take place on the client's side: the key figure "cancelled or
#: rebooked". The process's own cancellations (``CANCELLED_BY_US``) are counted apart.
CANCELLATION_STATUSES = [
    MeetingStatus.CANCELLED_BY_CLIENT,
    MeetingStatus.REBOOKED,
    MeetingStatus.NO_SHOW,
    MeetingStatus.INTERPRETER_MISSING,
    MeetingStatus.THIRD_PARTY_MISSING,
]


@dataclass
class MeetingFigures:
    booked: int = 0
    held: int = 0
    not_held: int = 0
    by_cause: list[tuple[Any, int]] = field(default_factory=list)
    cancelled_by_us: int = 0
    cancelled_by_us_by_reason: list[tuple[Any, int]] = field(default_factory=list)
    working_days: int = 0
    vacations: list[VacationPeriod] = field(default_factory=list)
    per_week: list[tuple[datetime.date, int, int]] = field(default_factory=list)
    reminders: ReminderFigures = field(default_factory=ReminderFigures)

    @property
    def working_weeks(self) -> Decimal:
        """Working days divided by five, to one decimal."""
        return (Decimal(self.working_days) / 5).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def not_held_per_week(self) -> Decimal:
        if not self.working_days:
            return Decimal(0)
        per_day = Decimal(self.not_held) * 5 / self.working_days
        return per_day.quantize(Decimal("0.1"), ROUND_HALF_UP)


def working_days(
    period: Period, vacations: Iterable[VacationPeriod] = (), today: datetime.date | None = None
) -> list[datetime.date]:
    """The weekdays of the period up to its point in time, less holidays and vacation days."""
    last = period.point_in_time(today)
    off = days_off(range(period.start.year, last.year + 1))
    away = [(v.starts_on, v.ends_on) for v in vacations]
    days = []
    day = period.start
    while day <= last:
        if (
            day.weekday() < 5
            and day not in off
            and not any(first <= day <= final for first, final in away)
        ):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def meeting_figures(
    process: Process, period: Period, today: datetime.date | None = None
) -> MeetingFigures:
    meetings = Meeting.objects.filter(
        case__process=process,
        starts_at__gte=local_time(period.start),
        starts_at__lt=local_time(period.end + datetime.timedelta(days=1)),
    )
    # One query for both: the count of each status, and of each reason we cancelled for.
    counts: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for status, reason, n in (
        meetings.values_list("status", "cancel_reason")
        .annotate(n=Count("pk"))
        .values_list("status", "cancel_reason", "n")
    ):
        counts[status] = counts.get(status, 0) + n
        if status == MeetingStatus.CANCELLED_BY_US:
            reasons[reason] = reasons.get(reason, 0) + n
    weekly = {
        timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week: (
            held,
            not_held,
        )
        for week, held, not_held in meetings.annotate(
            week=TruncWeek("starts_at", tzinfo=timezone.get_current_timezone())
        )
        .values("week")
        .annotate(
            held=Count("pk", filter=Q(status=MeetingStatus.HELD)),
            not_held=Count("pk", filter=Q(status__in=CANCELLATION_STATUSES)),
        )
        .values_list("week", "held", "not_held")
    }
    vacations = list(
        VacationPeriod.objects.filter(
            process=process, starts_on__lte=period.end, ends_on__gte=period.start
        ).order_by("starts_on")
    )
    days = working_days(period, vacations, today)
    # Week by week: every week with a weekday in the period up to its point in time.
    last = period.point_in_time(today)
    calendar = (
        period.start + datetime.timedelta(days=n) for n in range((last - period.start).days + 1)
    )
    mondays = sorted(
        {day - datetime.timedelta(days=day.weekday()) for day in calendar if day.weekday() < 5}
    )
    return MeetingFigures(
        booked=sum(counts.values()),
        held=counts.get(MeetingStatus.HELD, 0),
        not_held=sum(counts.get(status, 0) for status in CANCELLATION_STATUSES),
        by_cause=[(status.label, counts.get(status, 0)) for status in CANCELLATION_STATUSES],
        cancelled_by_us=counts.get(MeetingStatus.CANCELLED_BY_US, 0),
        cancelled_by_us_by_reason=[
            (reason.label, reasons.get(reason, 0)) for reason in MeetingCancelReason
        ],
        working_days=len(days),
        vacations=vacations,
        per_week=[(monday, *weekly.get(monday, (0, 0))) for monday in mondays],
        reminders=reminder_figures(meetings),
    )


# 5. Bibliotherapy --------------------------------------------------------------------------------

BIBLIOTHERAPY_DEFINITION = _(
    "Offers made by the period's point in time (its last day, or today while it runs) to "
    "clients of cases open during the period, with the answer as it stands. Started: came to at "
    "least one group session by that day. Still to be offered: cases open that day without any "
    "offer."
)


@dataclass
class BibliotherapyFigures:
    offered: int = 0
    accepted: int = 0
    started: int = 0
    to_be_rebooked: int = 0
    completed: int = 0
    declined: int = 0
    declined_by_reason: list[tuple[Any, int]] = field(default_factory=list)
    not_offered_language: int = 0
    still_to_offer: int = 0


def bibliotherapy_figures(
    process: Process, period: Period, today: datetime.date | None = None
) -> BibliotherapyFigures:
    day = period.point_in_time(today)
    offers = BibliotherapyOffer.objects.filter(
        case__in=cases_during(process, Period(period.start, day)), offered_on__lte=day
    )
    came = GroupSession.objects.filter(attended=OuterRef("pk"), held_on__lte=day)
    totals = offers.annotate(came=Exists(came)).aggregate(
        offered=Count("pk", filter=~Q(response=OfferResponse.NOT_OFFERED_LANGUAGE)),
        accepted=Count("pk", filter=Q(response=OfferResponse.ACCEPTED)),
        started=Count("pk", filter=Q(response=OfferResponse.ACCEPTED, came=True)),
        rebooked=Count(
            "pk",
            filter=Q(
                response=OfferResponse.ACCEPTED, participation=ParticipationStatus.TO_BE_REBOOKED
            ),
        ),
        completed=Count(
            "pk",
            filter=Q(
                participation=ParticipationStatus.COMPLETED,
                participation_changed_on__lte=day,
            ),
        ),
        declined=Count("pk", filter=Q(response=OfferResponse.DECLINED)),
        language=Count("pk", filter=Q(response=OfferResponse.NOT_OFFERED_LANGUAGE)),
    )
    reasons = dict(
        offers.filter(response=OfferResponse.DECLINED)
        .values_list("decline_reason")
        .annotate(n=Count("pk"))
        .values_list("decline_reason", "n")
    )
    still = (
        cases_active_at(process, day)
        .exclude(
            Exists(BibliotherapyOffer.objects.filter(case=OuterRef("pk"), offered_on__lte=day))
        )
        .count()
    )
    return BibliotherapyFigures(
        offered=totals["offered"],
        accepted=totals["accepted"],
        started=totals["started"],
        to_be_rebooked=totals["rebooked"],
        completed=totals["completed"],
        declined=totals["declined"],
        declined_by_reason=[
            (label, reasons.get(value, 0)) for value, label in DeclineReason.choices
        ],
        not_offered_language=totals["language"],
        still_to_offer=still,
    )
