"""Every figure of the reports, each defined once, over a process and a period.

An event counts in a period when it happened inside it (both days included);
a state counts as it stood on the period's last day. The definition of each
figure is written beside the query that computes it, and the same text is
printed in the reports' "Definitioner" section. Each function makes a fixed
number of aggregate queries, whatever the number of cases.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interventions.models import (
    BibliotherapyOffer,
    DeclineReason,
    FiaAbortReason,
    FiaStatus,
    FiaStatusChange,
    FkOutcome,
    GroupSession,
    Intervention,
    InterventionKind,
    InterventionStatus,
    OfferResponse,
    ParticipationStatus,
)
from klientstod import ages
from klientstod.dates import local_time
from klientstod.models import (
    GOAL_OUTCOMES,
    Case,
    ClosureOutcome,
    Gender,
    Meeting,
    MeetingStatus,
    Process,
)
from referrals.models import NotRelevantReason, Referral, ReferralStatus

from .models import BudgetLine, Cost, CostCategory, Financing, Metric, Milestone
from .periods import Period


def _in_period(field_name: str, period: Period) -> Q:
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


# 1. Referrals ------------------------------------------------------------------------------------

REFERRALS_DEFINITION = _(
    "Referrals received in the period. Actualised and not relevant: those of them decided by "
    "the period's last day. The distributions (source, gender, age on the last day, interpreter, "
    "SAMSYN) describe the actualised ones."
)


@dataclass
class ReferralFigures:
    received: int = 0
    actualised: int = 0
    not_relevant: int = 0
    waiting: int = 0
    not_relevant_by_reason: list[tuple[Any, int]] = field(default_factory=list)
    by_source: list[tuple[str, int]] = field(default_factory=list)
    women: int = 0
    men: int = 0
    other_gender: int = 0
    by_age: list[tuple[Any, int]] = field(default_factory=list)
    interpreter: int = 0
    samsyn: int = 0
    samsyn_women: int = 0
    samsyn_men: int = 0


def referral_figures(process: Process, period: Period) -> ReferralFigures:
    received = Referral.objects.filter(process=process).filter(_in_period("received_on", period))
    decided = Q(decided_on__lte=period.end)
    totals = received.aggregate(
        received=Count("pk"),
        actualised=Count("pk", filter=Q(status=ReferralStatus.ACTUALISED) & decided),
        not_relevant=Count("pk", filter=Q(status=ReferralStatus.NOT_RELEVANT) & decided),
    )
    figures = ReferralFigures(
        received=totals["received"],
        actualised=totals["actualised"],
        not_relevant=totals["not_relevant"],
        waiting=totals["received"] - totals["actualised"] - totals["not_relevant"],
    )
    reasons = dict(
        received.filter(decided, status=ReferralStatus.NOT_RELEVANT)
        .values_list("not_relevant_reason")
        .annotate(n=Count("pk"))
        .values_list("not_relevant_reason", "n")
    )
    figures.not_relevant_by_reason = [
        (label, reasons.get(value, 0)) for value, label in NotRelevantReason.choices
    ]
    actualised = received.filter(decided, status=ReferralStatus.ACTUALISED)
    figures.by_source = list(
        actualised.values_list("organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__name")
        .values_list("organisation__name", "n")
    )
    band_counts = {
        band: Count("pk", filter=ages.birth_date_q(band, on=period.end, field="client__birth_date"))
        for band in ages.AgeBand.values
    }
    people = actualised.aggregate(
        women=Count("pk", filter=Q(client__gender=Gender.WOMAN)),
        men=Count("pk", filter=Q(client__gender=Gender.MAN)),
        other=Count("pk", filter=Q(client__gender=Gender.OTHER)),
        interpreter=Count("pk", filter=Q(client__interpreter_needed=True)),
        samsyn=Count("pk", filter=Q(client__samsyn_participant=True)),
        samsyn_women=Count(
            "pk", filter=Q(client__samsyn_participant=True, client__gender=Gender.WOMAN)
        ),
        samsyn_men=Count(
            "pk", filter=Q(client__samsyn_participant=True, client__gender=Gender.MAN)
        ),
        **{f"age_{band}": count for band, count in band_counts.items()},
    )
    figures.women, figures.men, figures.other_gender = (
        people["women"],
        people["men"],
        people["other"],
    )
    figures.interpreter = people["interpreter"]
    figures.samsyn = people["samsyn"]
    figures.samsyn_women, figures.samsyn_men = people["samsyn_women"], people["samsyn_men"]
    figures.by_age = [(label, people[f"age_{value}"]) for value, label in ages.AgeBand.choices]
    return figures


# 2. FIA ------------------------------------------------------------------------------------------

FIA_DEFINITION = _(
    "The FIA of every case open during the period, with its status as it stood on the period's "
    "last day. A case without a recorded status counts as not started."
)


@dataclass
class FiaFigures:
    by_status: dict[str, int] = field(default_factory=dict)
    completed_with_interpreter: int = 0
    aborted_by_reason: list[tuple[Any, int]] = field(default_factory=list)

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def rows(self) -> list[tuple[Any, int]]:
        return [(label, self.count(value)) for value, label in FiaStatus.choices]


def fia_figures(process: Process, period: Period) -> FiaFigures:
    latest = FiaStatusChange.objects.filter(
        fia__case=OuterRef("pk"), changed_on__lte=period.end
    ).order_by("-changed_on", "-pk")
    cases = cases_during(process, period).annotate(
        fia_status=Subquery(latest.values("status")[:1]),
        fia_reason=Subquery(latest.values("abort_reason")[:1]),
    )
    by_status: dict[str, int] = {}
    for status, count in (
        cases.values_list("fia_status").annotate(n=Count("pk")).values_list("fia_status", "n")
    ):
        key = status or FiaStatus.NOT_STARTED
        by_status[key] = by_status.get(key, 0) + count
    reasons = dict(
        cases.filter(fia_status=FiaStatus.ABORTED)
        .values_list("fia_reason")
        .annotate(n=Count("pk"))
        .values_list("fia_reason", "n")
    )
    return FiaFigures(
        by_status=by_status,
        completed_with_interpreter=cases.filter(
            fia_status=FiaStatus.COMPLETED, fia__on_site_interpreter=True
        ).count(),
        aborted_by_reason=[
            (label, reasons.get(value, 0)) for value, label in FiaAbortReason.choices
        ],
    )


# 3. Current interventions ------------------------------------------------------------------------

INTERVENTIONS_DEFINITION = _(
    "Interventions going on on the period's last day (started by then, not ended before it, not "
    "cancelled), of cases open that day. FK applications are counted by their outcome. Unclear: "
    "open cases with no such intervention, because no first meeting has been held, the case "
    "started in the last 30 days, or the client missed two or more meetings in the period. Ended "
    "planning: cases the client ended during the period."
)


@dataclass
class InterventionFigures:
    fk_applications: int = 0
    fk_by_outcome: list[tuple[Any, int]] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    unclear_no_first_meeting: int = 0
    unclear_recently_started: int = 0
    unclear_repeatedly_absent: int = 0
    ended_planning: int = 0

    @property
    def unclear(self) -> int:
        return (
            self.unclear_no_first_meeting
            + self.unclear_recently_started
            + self.unclear_repeatedly_absent
        )

    def count(self, kind: str) -> int:
        return self.by_kind.get(kind, 0)


def intervention_figures(process: Process, period: Period) -> InterventionFigures:
    open_cases = cases_active_at(process, period.end)
    current = Intervention.objects.filter(case__in=open_cases, starts_on__lte=period.end).filter(
        (Q(ends_on__isnull=True) | Q(ends_on__gte=period.end))
        & ~Q(status=InterventionStatus.CANCELLED)
    )
    # A case counts once per kind, however many interventions of that kind it has.
    by_kind = dict(
        current.values_list("kind")
        .annotate(n=Count("case", distinct=True))
        .values_list("kind", "n")
    )
    outcomes = dict(
        current.filter(kind=InterventionKind.FK_APPLICATION)
        .values_list("fk_outcome")
        .annotate(n=Count("case", distinct=True))
        .values_list("fk_outcome", "n")
    )
    without = open_cases.exclude(Exists(current.filter(case=OuterRef("pk"))))
    held_by_end = Meeting.objects.filter(
        case=OuterRef("pk"),
        status=MeetingStatus.HELD,
        starts_at__lt=local_time(period.end + datetime.timedelta(days=1)),
    )
    recent = period.end - datetime.timedelta(days=30)
    no_shows = Meeting.objects.filter(
        case=OuterRef("pk"),
        status=MeetingStatus.NO_SHOW,
        starts_at__gte=local_time(period.start),
        starts_at__lt=local_time(period.end + datetime.timedelta(days=1)),
    )
    unclear = without.annotate(
        held=Exists(held_by_end),
        absences=Subquery(no_shows.values("case").annotate(n=Count("pk")).values("n")[:1]),
    ).aggregate(
        no_first=Count("pk", filter=Q(held=False)),
        recent=Count("pk", filter=Q(held=True, start_date__gt=recent)),
        absent=Count("pk", filter=Q(held=True, start_date__lte=recent, absences__gte=2)),
    )
    ended = (
        real_cases(process)
        .filter(closure_outcome=ClosureOutcome.CLIENT_ENDED)
        .filter(_in_period("closed_on", period))
        .count()
    )
    return InterventionFigures(
        fk_applications=by_kind.get(InterventionKind.FK_APPLICATION, 0),
        fk_by_outcome=[(label, outcomes.get(value, 0)) for value, label in FkOutcome.choices],
        by_kind=by_kind,
        unclear_no_first_meeting=unclear["no_first"],
        unclear_recently_started=unclear["recent"],
        unclear_repeatedly_absent=unclear["absent"],
        ended_planning=ended,
    )


# 4. Meetings -------------------------------------------------------------------------------------

MEETINGS_DEFINITION = _(
    "Meetings whose time fell in the period. Cancelled or rebooked: every meeting that did not "
    "take place, by its cause. Per week: divided by the period's working weeks (weeks with a "
    "weekday in the period, less the holiday weeks left out)."
)

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
    working_weeks: int = 0
    excluded_weeks: list[int] = field(default_factory=list)
    per_week: list[tuple[datetime.date, int, int]] = field(default_factory=list)

    @property
    def not_held_per_week(self) -> Decimal:
        if not self.working_weeks:
            return Decimal(0)
        return (Decimal(self.not_held) / self.working_weeks).quantize(Decimal("0.1"))


def working_weeks(period: Period, excluded: set[int]) -> list[datetime.date]:
    """The Mondays of the weeks with a weekday inside the period, less the excluded week numbers."""
    monday = period.start - datetime.timedelta(days=period.start.weekday())
    weeks = []
    while monday <= period.end:
        weekdays = [monday + datetime.timedelta(days=n) for n in range(5)]
        inside = any(period.start <= day <= period.end for day in weekdays)
        if inside and monday.isocalendar().week not in excluded:
            weeks.append(monday)
        monday += datetime.timedelta(days=7)
    return weeks


def meeting_figures(
    process: Process, period: Period, excluded_weeks: set[int] | None = None
) -> MeetingFigures:
    excluded = excluded_weeks or set()
    meetings = Meeting.objects.filter(
        case__process=process,
        starts_at__gte=local_time(period.start),
        starts_at__lt=local_time(period.end + datetime.timedelta(days=1)),
    )
    counts = dict(meetings.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
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
    weeks = working_weeks(period, excluded)
    return MeetingFigures(
        booked=sum(counts.values()),
        held=counts.get(MeetingStatus.HELD, 0),
        not_held=sum(counts.get(status, 0) for status in CANCELLATION_STATUSES),
        by_cause=[(status.label, counts.get(status, 0)) for status in CANCELLATION_STATUSES],
        working_weeks=len(weeks),
        excluded_weeks=sorted(excluded),
        per_week=[(monday, *weekly.get(monday, (0, 0))) for monday in weeks],
    )


# 5. Bibliotherapy --------------------------------------------------------------------------------

BIBLIOTHERAPY_DEFINITION = _(
    "Offers made by the period's last day to clients of cases open during the period, with the "
    "answer as it stands. Started: came to at least one group session by the last day. Still to "
    "be offered: cases open on the last day without any offer."
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


def bibliotherapy_figures(process: Process, period: Period) -> BibliotherapyFigures:
    offers = BibliotherapyOffer.objects.filter(
        case__in=cases_during(process, period), offered_on__lte=period.end
    )
    came = GroupSession.objects.filter(attended=OuterRef("pk"), held_on__lte=period.end)
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
                participation_changed_on__lte=period.end,
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
        cases_active_at(process, period.end)
        .exclude(
            Exists(
                BibliotherapyOffer.objects.filter(case=OuterRef("pk"), offered_on__lte=period.end)
            )
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


# 6. Milestones -----------------------------------------------------------------------------------

MILESTONES_DEFINITION = _(
    "Cumulative from the process's start up to the period's last day (or the milestone's "
    "deadline, if earlier): cases started; cases closed to work, studies or sickness "
    "compensation; clients who came to a first bibliotherapy session; clients who completed "
    "bibliotherapy."
)


@dataclass
class MilestoneRow:
    metric: Any
    deadline: datetime.date
    target: int
    actual: int

    @property
    def share(self) -> int:
        return round(100 * self.actual / self.target) if self.target else 0

    @property
    def met(self) -> bool:
        return self.actual >= self.target


def metric_counts(
    process: Process, days: list[datetime.date]
) -> dict[tuple[str, datetime.date], int]:
    """Each metric's cumulative count on each of ``days``, in four queries.

    Each query returns how many things happened on each date (at most one row a day,
    however many cases), and the counts up to each of ``days`` are summed here: one
    FILTERed count per day in SQL made the query slow to build for the charts' many
    month ends.
    """
    if not days:
        return {}
    cases = real_cases(process)
    offers = BibliotherapyOffer.objects.filter(case__in=cases)
    per_day = {
        Metric.STARTED: cases.values_list("start_date").annotate(n=Count("pk")),
        Metric.CLOSED_TO_GOAL: cases.filter(closure_outcome__in=GOAL_OUTCOMES)
        .exclude(closed_on=None)
        .values_list("closed_on")
        .annotate(n=Count("pk")),
        # Each offer's first session, found once (grouped); counted from there.
        Metric.BIBLIOTHERAPY_STARTED: offers.annotate(first=Min("sessions_attended__held_on"))
        .exclude(first=None)
        .values_list("first", flat=True),
        Metric.BIBLIOTHERAPY_COMPLETED: offers.filter(participation=ParticipationStatus.COMPLETED)
        .exclude(participation_changed_on=None)
        .values_list("participation_changed_on")
        .annotate(n=Count("pk")),
    }
    counts: dict[tuple[str, datetime.date], int] = {}
    for metric, rows in per_day.items():
        if metric == Metric.BIBLIOTHERAPY_STARTED:
            dated = [(first, 1) for first in rows]
        else:
            dated = list(rows)
        dated.sort()
        ends = [day for day, _n in dated]
        running = list(itertools.accumulate(n for _day, n in dated))
        for day in days:
            upto = bisect.bisect_right(ends, day)
            counts[(metric, day)] = running[upto - 1] if upto else 0
    return counts


def milestone_rows(process: Process, period: Period) -> list[MilestoneRow]:
    milestones = list(Milestone.objects.filter(process=process).order_by("deadline", "metric"))
    days = sorted({min(m.deadline, period.end) for m in milestones})
    counts = metric_counts(process, days)
    return [
        MilestoneRow(
            metric=m.get_metric_display(),
            deadline=m.deadline,
            target=m.target,
            actual=counts[(m.metric, min(m.deadline, period.end))],
        )
        for m in milestones
    ]


# 7. Budget ---------------------------------------------------------------------------------------

BUDGET_DEFINITION = _(
    "Granted: the budget lines of the year the period ends in. Costs: those whose cost period "
    "ends inside the period, by category and financing. Invoiced: of those, the ones invoiced "
    "to the förbund by the period's last day."
)


@dataclass
class BudgetRow:
    category: Any
    granted: Decimal
    forbund: Decimal
    own: Decimal
    invoiced: Decimal


@dataclass
class BudgetFigures:
    year: int
    rows: list[BudgetRow]

    @property
    def total(self) -> BudgetRow:
        return BudgetRow(
            _("Total"),
            sum((r.granted for r in self.rows), Decimal(0)),
            sum((r.forbund for r in self.rows), Decimal(0)),
            sum((r.own for r in self.rows), Decimal(0)),
            sum((r.invoiced for r in self.rows), Decimal(0)),
        )


def budget_figures(process: Process, period: Period) -> BudgetFigures:
    year = period.end.year
    granted = dict(
        BudgetLine.objects.filter(process=process, year=year).values_list("category", "granted")
    )
    zero = Decimal(0)
    costs: dict[str, dict[str, Any]] = {
        row["category"]: dict(row)
        for row in Cost.objects.filter(process=process)
        .filter(_in_period("period_end", period))
        .values("category")
        .annotate(
            forbund=Sum("amount", filter=Q(financing=Financing.FORBUND), default=zero),
            own=Sum("amount", filter=Q(financing=Financing.OWN), default=zero),
            invoiced=Sum("amount", filter=Q(invoiced_on__lte=period.end), default=zero),
        )
    }
    return BudgetFigures(
        year=year,
        rows=[
            BudgetRow(
                label,
                Decimal(granted.get(value, 0)),
                costs.get(value, {}).get("forbund", zero),
                costs.get(value, {}).get("own", zero),
                costs.get(value, {}).get("invoiced", zero),
            )
            for value, label in CostCategory.choices
        ],
    )


# 8. Outcome against the goal ---------------------------------------------------------------------

OUTCOME_DEFINITION = _(
    "Cases closed in the period, and since the process started, leaving out those registered in "
    "error. Reached the goal: closed to work, studies or sickness or activity compensation. "
    "The goal is the share set for the process (by default thirty percent)."
)


@dataclass
class OutcomeFigures:
    goal_percent: int
    closed: int
    reached: int
    closed_total: int
    reached_total: int
    by_outcome: list[tuple[Any, int]] = field(default_factory=list)

    @staticmethod
    def _share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def share(self) -> int | None:
        return self._share(self.reached, self.closed)

    @property
    def share_total(self) -> int | None:
        return self._share(self.reached_total, self.closed_total)


def outcome_figures(process: Process, period: Period) -> OutcomeFigures:
    closed = real_cases(process).filter(closed_on__isnull=False)
    in_period = _in_period("closed_on", period)
    goal = Q(closure_outcome__in=GOAL_OUTCOMES)
    totals = closed.aggregate(
        closed=Count("pk", filter=in_period),
        reached=Count("pk", filter=in_period & goal),
        closed_total=Count("pk", filter=Q(closed_on__lte=period.end)),
        reached_total=Count("pk", filter=Q(closed_on__lte=period.end) & goal),
    )
    by_outcome = dict(
        closed.filter(in_period)
        .values_list("closure_outcome")
        .annotate(n=Count("pk"))
        .values_list("closure_outcome", "n")
    )
    return OutcomeFigures(
        goal_percent=process.outcome_goal_percent,
        by_outcome=[
            (label, by_outcome.get(value, 0))
            for value, label in ClosureOutcome.choices
            if value != ClosureOutcome.REGISTERED_IN_ERROR
        ],
        **totals,
    )


# The report --------------------------------------------------------------------------------------

DEFINITIONS = [
    (_("Referrals"), REFERRALS_DEFINITION),
    (_("FIA"), FIA_DEFINITION),
    (_("Current interventions"), INTERVENTIONS_DEFINITION),
    (_("Meetings"), MEETINGS_DEFINITION),
    (_("Bibliotherapy"), BIBLIOTHERAPY_DEFINITION),
    (_("Milestones"), MILESTONES_DEFINITION),
    (_("Budget"), BUDGET_DEFINITION),
    (_("Outcome against the goal"), OUTCOME_DEFINITION),
]


@dataclass
class Report:
    process: Process
    period: Period
    referrals: ReferralFigures
    fia: FiaFigures
    interventions: InterventionFigures
    meetings: MeetingFigures
    bibliotherapy: BibliotherapyFigures
    milestones: list[MilestoneRow]
    budget: BudgetFigures
    outcome: OutcomeFigures
    definitions: list[tuple[Any, Any]] = field(default_factory=lambda: list(DEFINITIONS))


def tertial_report(
    process: Process, period: Period, excluded_weeks: set[int] | None = None
) -> Report:
    """Every section of the status report (Lägesrapport) for one process and period."""
    return Report(
        process=process,
        period=period,
        referrals=referral_figures(process, period),
        fia=fia_figures(process, period),
        interventions=intervention_figures(process, period),
        meetings=meeting_figures(process, period, excluded_weeks),
        bibliotherapy=bibliotherapy_figures(process, period),
        milestones=milestone_rows(process, period),
        budget=budget_figures(process, period),
        outcome=outcome_figures(process, period),
    )


# The steering group's dashboard ----------------------------------------------------------------

PROJECTION_DEFINITION = _(
    "Projection: the average monthly increase over the last three months, carried forward to "
    "the next deadline."
)


@dataclass
class MilestoneTrack:
    """One metric over time: the actual cumulative count at each month's end, and its targets."""

    metric: str
    label: Any
    actual: list[tuple[datetime.date, int]]
    targets: list[tuple[datetime.date, int]]
    next_target: tuple[datetime.date, int] | None = None
    projected: int | None = None
    #: The counts the projection was carried forward from (three months ago, now).
    projected_from: tuple[int, ...] = ()

    @property
    def on_track(self) -> bool | None:
        if self.next_target is None or self.projected is None:
            return None
        return self.projected >= self.next_target[1]


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = []
    day = start
    while True:
        next_month = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        last = next_month - datetime.timedelta(days=1)
        if last >= end:
            days.append(end)
            return days
        days.append(last)
        day = next_month


def milestone_tracks(process: Process, today: datetime.date) -> list[MilestoneTrack]:
    """Each metric that has milestones, month by month from the process's start to today."""
    milestones = list(Milestone.objects.filter(process=process).order_by("deadline"))
    metrics = [
        value for value, _label in Metric.choices if any(m.metric == value for m in milestones)
    ]
    if not metrics:
        return []
    until = min(today, process.ends_on)
    days = month_ends(process.starts_on, until) if process.starts_on <= until else [until]
    counts = metric_counts(process, days)
    tracks = []
    for metric in metrics:
        actual = [(day, counts[(metric, day)]) for day in days]
        targets = [(m.deadline, m.target) for m in milestones if m.metric == metric]
        # Leave out the long flat start: from a few months before the first count or
        # the first deadline, whichever comes first.
        first_count = next((i for i, (_day, n) in enumerate(actual) if n), len(actual))
        first_deadline = next(
            (i for i, (day, _n) in enumerate(actual) if day >= targets[0][0]), len(actual)
        )
        actual = actual[max(min(first_count, first_deadline) - 3, 0) :]
        coming = [(deadline, target) for deadline, target in targets if deadline >= today]
        track = MilestoneTrack(metric, Metric(metric).label, actual, targets)
        if coming:
            track.next_target = coming[0]
            # The average monthly increase over the last three months, carried forward.
            recent = actual[-4:] if len(actual) >= 4 else actual
            months = max(len(recent) - 1, 1)
            per_month = (recent[-1][1] - recent[0][1]) / months
            months_left = max((coming[0][0] - actual[-1][0]).days / 30.44, 0)
            track.projected = round(actual[-1][1] + per_month * months_left)
            track.projected_from = (recent[0][1], recent[-1][1])
        tracks.append(track)
    return tracks


def inflow_per_month(
    process: Process, today: datetime.date, months: int = 12
) -> list[tuple[datetime.date, int]]:
    """Cases started in each of the last ``months`` months (this month included)."""
    first = today.replace(day=1)
    for _month in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    started = dict(
        real_cases(process)
        .filter(start_date__gte=first, start_date__lte=today)
        .annotate(month=TruncMonth("start_date"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    result = []
    month = first
    while month <= today:
        result.append((month, started.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return result
