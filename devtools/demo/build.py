"""The whole demo in order, and what it made, counted from the database."""

from typing import Any

from django.db.models import Count
from django.utils import timezone

from devtools.demo.people import COORDINATOR_USERNAME, DEMO_PASSWORD, USERS
from devtools.demo.records import Records
from interventions.models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    FiaInterview,
    Intervention,
    SelfAssessment,
)
from klientstod.models import Case, Consent, Meeting, Process, Role
from referrals.models import Consultation, Letter, Referral, ReferralSlot
from reporting.models import BudgetLine, Cost, Milestone, ReportingDeadline


class Demo(Records):
    def build(self) -> Process:
        """Who, then each case from referral to follow-up, the rest of the work, the reports."""
        self.build_organisations()
        process = self.build_process()
        users = self.build_users(process)
        self.build_cases(process, users)
        self.build_work(process, users)
        self.build_referrals(process, users)
        self.build_reporting(process)
        return process


def counted(rows: Any, field: str) -> str:
    return ", ".join(f"{row['n']} {row[field]}" for row in rows)


def summary(process: Process) -> list[str]:
    """A few lines on what the demo holds, for the command's output."""
    today = timezone.localdate()

    def by(model: type, field: str, **where: object) -> str:
        rows = model.objects.filter(**where).values(field).annotate(n=Count("pk")).order_by(field)  # type: ignore[attr-defined]
        return counted(list(rows), field)

    cases = Case.objects.filter(process=process)
    meetings = Meeting.objects.filter(case__process=process)
    group = BibliotherapyGroup.objects.get(process=process)
    contacts = CollaborationContact.objects.filter(process=process)
    fk = by(Intervention, "fk_outcome", case__process=process, kind="fk_application")
    return [
        f"  users: {len(USERS)}, one per role; clients: {cases.count()}",
        f"  cases: {by(Case, 'status', process=process)} (capacity {process.capacity})",
        f"  meetings: {meetings.count()} ({by(Meeting, 'status', case__process=process)}); "
        f"{meetings.filter(starts_at__date=today).count()} today, "
        f"{meetings.awaiting_outcome().count()} awaiting an outcome",
        f"  referrals: {by(Referral, 'status', process=process)}; "
        f"{Letter.objects.filter(referral__process=process).count()} letters",
        f"  bookable times: {ReferralSlot.objects.filter(process=process).count()} "
        f"({ReferralSlot.objects.exclude(referral=None).count()} held by a referral); "
        f"consultations: {Consultation.objects.filter(process=process).count()}",
        f"  FIA: {by(FiaInterview, 'status', case__process=process)}",
        f"  self-assessments: {SelfAssessment.objects.filter(case__process=process).count()}",
        f"  bibliotherapy: {by(BibliotherapyOffer, 'response', case__process=process)}; "
        f"group {group.name!r} with {group.sessions.count()} sessions",
        f"  interventions: {Intervention.objects.filter(case__process=process).count()}, "
        f"FK applications {fk}",
        f"  consents: {Consent.objects.count()}; collaboration contacts: {contacts.count()} "
        f"({contacts.exclude(case=None).count()} about a client)",
        f"  milestones: {Milestone.objects.filter(process=process).count()}, budget lines: "
        f"{BudgetLine.objects.filter(process=process).count()}, costs: "
        f"{Cost.objects.filter(process=process).count()}, reporting dates: "
        f"{ReportingDeadline.objects.filter(process=process).count()}",
        f"Log in as {COORDINATOR_USERNAME} / {DEMO_PASSWORD} "
        f"(or {', '.join(u.username for u in USERS if u.role != Role.COORDINATOR)}; "
        "same password).",
    ]
