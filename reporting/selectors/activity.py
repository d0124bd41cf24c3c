"""Sections 6–8 of the report: information meetings, self-assessments, partner collaboration."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from interventions.models import (
    CollaborationContact,
    ContactKind,
    InformationMeeting,
    Occasion,
    PartnerState,
    QuestionnaireItem,
    QuestionnaireKind,
    SelfAssessment,
)
from klientstod.models import ClosureOutcome, Process

from ..periods import Period
from .cases import real_cases

# 6. Information meetings -------------------------------------------------------------------------

INFORMATION_MEETINGS_DEFINITION = _(
    "Information meetings held in the period up to its point in time (its last day, or today "
    "while it runs). Invited and came: clients, each counted once however many of the meetings "
    "they were invited to or came to; a case registered in error is left out."
)


@dataclass
class InformationMeetingFigures:
    meetings: int = 0
    invited: int = 0
    came: int = 0


def information_meeting_figures(
    process: Process, period: Period, today: datetime.date | None = None
) -> InformationMeetingFigures:
    day = period.point_in_time(today)
    error = ClosureOutcome.REGISTERED_IN_ERROR
    totals = InformationMeeting.objects.filter(
        process=process, held_on__gte=period.start, held_on__lte=day
    ).aggregate(
        meetings=Count("pk", distinct=True),
        invited=Count("invited__client", distinct=True, filter=~Q(invited__closure_outcome=error)),
        came=Count("attended__client", distinct=True, filter=~Q(attended__closure_outcome=error)),
    )
    return InformationMeetingFigures(**totals)


# 7. Self-assessments -----------------------------------------------------------------------------

ASSESSMENTS_DEFINITION = _(
    "Answered: clients who answered a self-assessment in the period up to its point in time "
    "(its last day, or today while it runs), by questionnaire; a client is counted once. "
    "Change: for each client who answered a questionnaire in the period and answered it at "
    "the start too, the mean score (1–5) of the latest answer in the period less the mean of "
    "the first answer at the start. Free-text questions, and questions the client did not want "
    "to answer, are left out of the means; the latter are counted (declined answers, in the "
    "answers of the period). Improved, unchanged and worse: a change above, at or below zero. "
    "The mean change is not shown when the number compared is hidden as a small count."
)


@dataclass
class QuestionnaireChange:
    """The change from the start to the latest answer of one questionnaire."""

    kind: str
    label: Any
    answered: int = 0
    compared: int = 0
    improved: int = 0
    unchanged: int = 0
    worse: int = 0
    declined: int = 0
    changes: list[Decimal] = field(default_factory=list)

    @property
    def mean_change(self) -> Decimal | None:
        """The mean of the clients' changes, to one decimal; none when nobody is compared."""
        if not self.changes:
            return None
        mean = sum(self.changes, Decimal(0)) / len(self.changes)
        return mean.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class AssessmentFigures:
    answered: int = 0
    by_questionnaire: list[QuestionnaireChange] = field(default_factory=list)


def _mean(total: int | None, scored: int) -> Decimal | None:
    return Decimal(total or 0) / scored if scored else None


def assessment_figures(
    process: Process, period: Period, today: datetime.date | None = None
) -> AssessmentFigures:
    """Who answered in the period, and the change since the start, in one query."""
    day = period.point_in_time(today)
    assessments = SelfAssessment.objects.filter(case__in=real_cases(process))
    during = Q(answered_on__gte=period.start, answered_on__lte=day)
    # Each answer of the period, and the start answers of the same clients and questionnaires:
    # one row an assessment, with the sum and number of its scored answers.
    answered_same = SelfAssessment.objects.filter(
        during, case=OuterRef("case"), questionnaire__kind=OuterRef("questionnaire__kind")
    )
    scored = Q(answers__declined=False, answers__item__kind=QuestionnaireItem.Kind.SCALE)
    rows = (
        assessments.filter(during | Q(occasion=Occasion.START, answered_on__lte=day))
        .filter(Exists(answered_same))
        .values("pk", "case", "case__client", "questionnaire__kind", "occasion", "answered_on")
        .annotate(
            total=Sum("answers__score", filter=scored & Q(answers__score__isnull=False)),
            scored=Count("answers", filter=scored & Q(answers__score__isnull=False)),
            declined=Count("answers", filter=Q(answers__declined=True)),
        )
        .order_by("answered_on", "pk")
    )
    clients: set[int] = set()
    per_kind: dict[str, set[int]] = defaultdict(set)
    starts: dict[tuple[int, str], tuple[int, Decimal | None]] = {}
    latest: dict[tuple[int, str], tuple[int, Decimal | None]] = {}
    declined: dict[str, int] = defaultdict(int)
    for row in rows:
        key = (row["case"], row["questionnaire__kind"])
        mean = _mean(row["total"], row["scored"])
        if row["occasion"] == Occasion.START and key not in starts:
            starts[key] = (row["pk"], mean)
        if period.start <= row["answered_on"] <= day:
            latest[key] = (row["pk"], mean)
            declined[row["questionnaire__kind"]] += row["declined"]
            clients.add(row["case__client"])
            per_kind[row["questionnaire__kind"]].add(row["case__client"])
    changes: dict[str, QuestionnaireChange] = {
        kind: QuestionnaireChange(kind, label, answered=len(per_kind[kind]))
        for kind, label in QuestionnaireKind.choices
    }
    for key, (pk, end_mean) in latest.items():
        start_pk, start_mean = starts.get(key, (pk, None))
        if pk == start_pk or start_mean is None or end_mean is None:
            continue  # no start answer, only the start answer, or nothing scored to compare
        change = changes[key[1]]
        difference = end_mean - start_mean
        change.compared += 1
        change.changes.append(difference)
        if difference > 0:
            change.improved += 1
        elif difference < 0:
            change.worse += 1
        else:
            change.unchanged += 1
    for kind, n in declined.items():
        changes[kind].declined = n
    return AssessmentFigures(answered=len(clients), by_questionnaire=list(changes.values()))


# 8. Partner collaboration ------------------------------------------------------------------------

COLLABORATION_DEFINITION = _(
    "Contacts with partners (an organisation, or a unit of it) held in the period up to its "
    "point in time (its last day, or today while it runs), by kind. State: what the latest "
    "contact with the partner by that day left, and its date; every partner contacted by then "
    "is listed. Contacts are not counts of people and are shown as they are."
)


@dataclass
class PartnerRow:
    name: str
    by_kind: list[int]
    state: Any
    last_on: datetime.date

    @property
    def total(self) -> int:
        return sum(self.by_kind)


@dataclass
class CollaborationFigures:
    kinds: list[Any] = field(default_factory=list)
    partners: list[PartnerRow] = field(default_factory=list)

    @property
    def totals(self) -> list[int]:
        return [sum(p.by_kind[i] for p in self.partners) for i in range(len(self.kinds))]

    @property
    def total(self) -> int:
        return sum(self.totals)


def partner_name(organisation: str, unit: str | None) -> str:
    return f"{unit} – {organisation}" if unit else organisation


def collaboration_figures(
    process: Process, period: Period, today: datetime.date | None = None
) -> CollaborationFigures:
    day = period.point_in_time(today)
    contacts = CollaborationContact.objects.filter(process=process, held_on__lte=day)
    counts = {
        (organisation, unit, kind): n
        for organisation, unit, kind, n in contacts.filter(held_on__gte=period.start)
        .annotate(partner_unit=Coalesce("unit", Value(0)))
        .values_list("organisation", "partner_unit", "kind")
        .annotate(n=Count("pk"))
        .values_list("organisation", "partner_unit", "kind", "n")
    }
    states = dict(PartnerState.choices)
    return CollaborationFigures(
        kinds=[label for _value, label in ContactKind.choices],
        partners=[
            PartnerRow(
                name=partner_name(p["organisation__name"], p["unit__name"]),
                by_kind=[
                    counts.get((p["organisation"], p["partner_unit"], kind), 0)
                    for kind in ContactKind.values
                ],
                state=states.get(p["state"], p["state"]),
                last_on=p["last_on"],
            )
            for p in contacts.per_partner()
        ],
    )
