"""Sections 1–3 of the report: referrals, FIA interviews and current interventions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
)
from django.utils.translation import gettext_lazy as _

from interventions.models import (
    FiaAbortReason,
    FiaStatus,
    FiaStatusChange,
    FkOutcome,
    Intervention,
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
from .cases import cases_active_at, cases_during, in_period, real_cases

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
    received = Referral.objects.filter(process=process).filter(in_period("received_on", period))
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
        .filter(in_period("closed_on", period))
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
