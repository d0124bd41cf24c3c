"""Realistic made-up data in bulk, for benchmarks and load tests.

``Builder.build`` makes one process with its own organisations and users (a
coordinator, a steering-group member, an evaluator and a referrer at each
referring organisation) and ``n`` clients, each with a case in some state:
referrals, meetings with every outcome, FIA with its status history,
self-assessments with answers, consents, interventions, bibliotherapy with
reading groups and attendance, partner contacts, bookable times, milestones,
budget lines, costs and the reporting calendar. Everything goes in with
``bulk_create``; one seeded generator makes it all, so a run is repeatable.

``generate`` spreads clients over many processes; ``manage.py
generate_load_data``, ``bench_reports`` and ``bench_pages`` use it.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model

from devtools.loaddata.shapes import CASES_PER_COORDINATOR, WINDOW_DAYS, Made, positive
from interventions.models import (
    Answer,
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    FiaInterview,
    FiaStatusChange,
    GroupSession,
    Intervention,
    SelfAssessment,
)
from klientstod.models import (
    Case,
    Client,
    Consent,
    Meeting,
    Organisation,
    Process,
    User,
)
from referrals.models import Referral, ReferralSlot
from reporting.models import (
    BudgetLine,
    Cost,
    Milestone,
    ReportingDeadline,
)

__all__ = [
    "CASES_PER_COORDINATOR",
    "TOUCHED",
    "WINDOW_DAYS",
    "Made",
    "positive",
    "vacuum_analyze",
]

#: Every table the builder fills, for ANALYZE after a build.
TOUCHED: list[type[Model]] = [
    User,
    Organisation,
    Process,
    Client,
    Case,
    Meeting,
    Referral,
    ReferralSlot,
    Consent,
    FiaInterview,
    FiaStatusChange,
    SelfAssessment,
    Answer,
    Intervention,
    BibliotherapyOffer,
    BibliotherapyGroup,
    GroupSession,
    GroupSession.attended.through,
    CollaborationContact,
    Milestone,
    BudgetLine,
    Cost,
    ReportingDeadline,
]


def vacuum_analyze(models: list[type[Model]]) -> None:
    """Planner statistics and the visibility map, as a live database has them.

    PostgreSQL only. Inside a transaction VACUUM cannot run; then only ANALYZE,
    whose statistics go with the transaction.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")
