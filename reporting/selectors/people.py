"""Sections 1–3 of the report: referrals, FIA interviews and current interventions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case as DbCase,
)
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from interventions.models import (
    FiaAbortReason,
    FiaStatus,
    FiaStatusChange,
    FkOutcome,
    Intervention,
    InterventionChange,
    InterventionKind,
    InterventionStatus,
)
from klientstod import ages
from klientstod.dates import local_time
from klientstod.models import (
    ClosureOutcome,
    Gender,
    Meeting,
    MeetingStatus,
    Process,
)
from referrals.models import NotRelevantReason, Referral, ReferralStatus

from ..periods import Period
from .cases import cases_during, in_period

# 1. Referrals ------------------------------------------------------------------------------------

REFERRALS_DEFINITION = _(
    "Referrals received in the period. Actualised and not relevant: those of them decided by "
    "the period's point in time (its last day, or today while it runs). The distributions "
    "(source as organisation and unit, gender, age on that day, interpreter, SAMSYN) describe "
    "the actualised ones."
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


def source_name(organisation: str | None, unit: str | None) -> str:
    """The referring source as the reports print it: "unit – organisation", or the organisation."""
    organisation = organisation or ""
    return f"{unit} – {organisation}" if unit else organisation


def referral_figures(
    process: Process, period: Period, today: datetime.date | None = None
) -> ReferralFigures:
    day = period.point_in_time(today)
    received = Referral.objects.filter(process=process).filter(in_period("received_on", period))
    decided = Q(decided_on__lte=day)
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
    figures.by_source = sorted(
        (
            (source_name(organisation, unit), n)
            for organisation, unit, n in actualised.values_list("organisation__name", "unit__name")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("organisation__name", "unit__name", "n")
        ),
        key=lambda pair: (-pair[1], pair[0]),
    )
    band_counts = {
        band: Count("pk", filter=ages.birth_date_q(band, on=day, field="client__birth_date"))
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
    "point in time (its last day, or today while it runs). A case without a recorded status "
    "counts as not started."
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


def fia_figures(process: Process, period: Period, today: datetime.date | None = None) -> FiaFigures:
    day = period.point_in_time(today)
    latest = FiaStatusChange.objects.filter(fia__case=OuterRef("pk"), changed_on__lte=day).order_by(
        "-changed_on", "-pk"
    )
    cases = cases_during(process, Period(period.start, day)).annotate(
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
    "Every case open at some time from the period's first day to its point in time (the period's "
    "last day or today, whichever is earlier) is in exactly one row. A case closed by that day: "
    "ended planning if the client ended it, otherwise closed for another reason. An open case is "
    "counted by its intervention going on that day (started by then, not ended before it, not "
    "cancelled that day), the first that applies in the order of the rows. An FK application "
    "counts by its outcome as it stood that day, also after it has ended. Unclear: open cases "
    "with no such intervention, because no first meeting has been held, the case started in the "
    "30 days up to the point in time, the client missed two or more meetings in the period, or "
    "no intervention has been recorded yet."
)

#: The kinds of intervention in the order of the report's rows: an open case counts in the first.
KIND_ORDER = [
    InterventionKind.FK_APPLICATION,
    InterventionKind.AF_MUNICIPALITY,
    InterventionKind.HEALTH_MUNICIPALITY,
    InterventionKind.STUDIES,
    InterventionKind.WORK,
    InterventionKind.INTERNSHIP,
    InterventionKind.OTHER,
]


@dataclass
class InterventionFigures:
    fk_applications: int = 0
    fk_by_outcome: list[tuple[Any, int]] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    unclear_no_first_meeting: int = 0
    unclear_recently_started: int = 0
    unclear_repeatedly_absent: int = 0
    unclear_not_recorded: int = 0
    ended_planning: int = 0
    closed_other: int = 0
    cases: int = 0

    @property
    def unclear(self) -> int:
        return (
            self.unclear_no_first_meeting
            + self.unclear_recently_started
            + self.unclear_repeatedly_absent
            + self.unclear_not_recorded
        )

    def count(self, kind: str) -> int:
        return self.by_kind.get(kind, 0)

    @property
    def rows_total(self) -> int:
        """The sum of the section's rows (not the sub-rows): every case of ``cases`` once."""
        return sum(self.by_kind.values()) + self.unclear + self.ended_planning + self.closed_other


def intervention_figures(
    process: Process, period: Period, today: datetime.date | None = None
) -> InterventionFigures:
    day = period.point_in_time(today)
    # Each intervention's status and FK outcome as they stood that day, from its history
    # (entered late or corrected since, the report of a closed period stays the same).
    then = InterventionChange.objects.filter(
        intervention=OuterRef("pk"), changed_on__lte=day
    ).order_by("-changed_on", "-pk")
    current = (
        Intervention.objects.filter(case=OuterRef("pk"), starts_on__lte=day)
        .annotate(
            status_then=Coalesce(Subquery(then.values("status")[:1]), F("status")),
            outcome_then=Coalesce(Subquery(then.values("fk_outcome")[:1]), F("fk_outcome")),
        )
        .exclude(status_then=InterventionStatus.CANCELLED)
    )
    # An FK application keeps its outcome when it ends; any other kind counts while it goes on.
    going_on = current.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    fk = current.filter(kind=InterventionKind.FK_APPLICATION).order_by("-starts_on", "-pk")
    held_by_day = Meeting.objects.filter(
        case=OuterRef("pk"),
        status=MeetingStatus.HELD,
        starts_at__lt=local_time(day + datetime.timedelta(days=1)),
    )
    no_shows = Meeting.objects.filter(
        case=OuterRef("pk"),
        status=MeetingStatus.NO_SHOW,
        starts_at__gte=local_time(period.start),
        starts_at__lt=local_time(day + datetime.timedelta(days=1)),
    )
    recent = day - datetime.timedelta(days=30)
    closed = Q(closed_on__isnull=False, closed_on__lte=day)
    row = DbCase(
        When(closed & Q(closure_outcome=ClosureOutcome.CLIENT_ENDED), then=Value("ended")),
        When(closed, then=Value("closed_other")),
        When(Exists(fk), then=Value(InterventionKind.FK_APPLICATION.value)),
        *[
            When(Exists(going_on.filter(kind=kind)), then=Value(kind.value))
            for kind in KIND_ORDER[1:]
        ],
        When(~Exists(held_by_day), then=Value("no_first")),
        When(start_date__gt=recent, then=Value("recent")),
        When(absences__gte=2, then=Value("absent")),
        default=Value("not_recorded"),
        output_field=CharField(),
    )
    cases = (
        cases_during(process, Period(period.start, day))
        .annotate(
            absences=Subquery(no_shows.values("case").annotate(n=Count("pk")).values("n")[:1]),
            fk_outcome=Subquery(fk.values("outcome_then")[:1]),
        )
        .annotate(row=row)
    )
    counts = dict(cases.values_list("row").annotate(n=Count("pk")).values_list("row", "n"))
    outcomes = dict(
        cases.filter(row=InterventionKind.FK_APPLICATION)
        .values_list("fk_outcome")
        .annotate(n=Count("pk"))
        .values_list("fk_outcome", "n")
    )
    by_kind = {kind.value: counts[kind.value] for kind in KIND_ORDER if counts.get(kind.value)}
    return InterventionFigures(
        fk_applications=counts.get(InterventionKind.FK_APPLICATION.value, 0),
        fk_by_outcome=[(label, outcomes.get(value, 0)) for value, label in FkOutcome.choices],
        by_kind=by_kind,
        unclear_no_first_meeting=counts.get("no_first", 0),
        unclear_recently_started=counts.get("recent", 0),
        unclear_repeatedly_absent=counts.get("absent", 0),
        unclear_not_recorded=counts.get("not_recorded", 0),
        ended_planning=counts.get("ended", 0),
        closed_other=counts.get("closed_other", 0),
        cases=sum(counts.values()),
    )
