"""The local before/after follow-up of the annual report: income sources and end reasons.

Aggregates only, for the cases closed in the period (leaving out those registered in
error): the client's income source when the case started, at its closure, and at the
follow-up six months later; and why the cases ended. Two queries, whatever the number
of cases.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from klientstod.choices import ClosureOutcome, IncomeSource
from klientstod.models import Process

from ..periods import Period
from .cases import in_period, real_cases

FOLLOWUP_DEFINITION = _(
    "The cases closed in the period, leaving out those registered in error. Income source at "
    "start: as recorded for the client when the case started; at closure: as recorded at the "
    "closure; at six months: as recorded at the follow-up, for the cases followed up by the "
    "period's last day. Not recorded: no income source given (or no follow-up made). Reasons "
    "for ending: the outcome recorded at closure."
)


@dataclass
class FollowupFigures:
    closed: int
    followed_up: int
    #: (income source, at start, at closure, at six months), in the order of the choices.
    income: list[tuple[Any, int, int, int]]
    end_reasons: list[tuple[Any, int]]


def followup_figures(process: Process, period: Period) -> FollowupFigures:
    closed = real_cases(process).filter(in_period("closed_on", period))
    start: Counter[str] = Counter()
    end: Counter[str] = Counter()
    later: Counter[str] = Counter()
    closed_count = followed = 0
    rows = (
        closed.annotate(
            done=ExpressionWrapper(Q(followup_done_on__lte=period.end), output_field=BooleanField())
        )
        .values_list("client__income_source", "income_source_end", "income_source_followup", "done")
        .annotate(n=Count("pk"))
    )
    for at_start, at_end, at_followup, done, n in rows:
        closed_count += n
        start[at_start or ""] += n
        end[at_end or ""] += n
        if done:
            followed += n
            later[at_followup or ""] += n
        else:
            later[""] += n
    sources = [(v, label) for v, label in IncomeSource.choices if v != IncomeSource.UNKNOWN]
    income = [(label, start[v], end[v], later[v]) for v, label in sources]
    unknown = (IncomeSource.UNKNOWN, "")
    income.append(
        (
            _("Unknown or not recorded"),
            sum(start[u] for u in unknown),
            sum(end[u] for u in unknown),
            sum(later[u] for u in unknown),
        )
    )
    reasons = dict(closed.values_list("closure_outcome").annotate(n=Count("pk")))
    return FollowupFigures(
        closed=closed_count,
        followed_up=followed,
        income=income,
        end_reasons=[
            (label, reasons.get(value, 0))
            for value, label in ClosureOutcome.choices
            if value != ClosureOutcome.REGISTERED_IN_ERROR
        ],
    )
