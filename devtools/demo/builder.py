"""The whole demo, chapter by chapter."""

import datetime
from typing import Any

from django.utils import timezone

from devtools.demo.referred import PAPER_SOURCES
from devtools.demo.reporting import ReportingBuilder
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    Meeting,
    MeetingStatus,
    Role,
)


class DemoBuilder(ReportingBuilder):
    """Creates the demo in the current transaction; ``build`` returns what it made."""

    # -- all of it ---------------------------------------------------------

    def build(self) -> dict[str, Any]:
        """The story in order: who, how each case began and went, then the rest of the work.

        The meetings of every case are planned first (so that every outcome is
        shown and today has its meetings), then booked and recorded through the
        services in time order; then the cases that ended are closed.
        """
        self.build_organisations()
        process = self.build_process()
        users = self.build_users(process)
        coordinator, referrer = users[Role.COORDINATOR], users[Role.REFERRER]
        plans = [
            (self.plan_case(spec, client, process), client)
            for spec, client in self.build_clients(process)
        ]
        self.close_one_lately(plans)
        # Half of the clients were referred by the demo referrer, half on paper.
        by_referrer = set(self.rng.sample(range(len(plans)), k=len(plans) // 2))
        cases: list[tuple[Case, Client]] = []
        firsts: list[Meeting] = []
        for index, (plan, client) in enumerate(plans):
            paper = None if index in by_referrer else self.rng.randrange(len(PAPER_SOURCES))
            case, first = self.open_case(plan, client, paper, referrer, coordinator)
            cases.append((case, client))
            firsts.append(first)
        active = [(case, client) for case, client in cases if case.status == CaseStatus.ACTIVE]
        # The slots of today's meetings are kept free by find_slot, which skips today.
        for (case, client), first in zip(cases, firsts, strict=True):
            self.walk(case, client, coordinator, first)
        self.book_today(active, coordinator)
        self.leave_awaiting(active, coordinator)
        self.cover_every_status()
        self.interpreter_gap()
        fia_plan = self.plan_fia(cases)
        self.save_meetings()
        consents = self.close_cases(cases, coordinator)
        consents += self.build_consents(cases)
        referrals = self.build_referrals(process, users)
        work = self.build_work_with_client(cases, process, users, fia_plan)
        reporting = self.build_reporting(process)
        week = self.today + datetime.timedelta(days=7)
        local_days = [timezone.localtime(m.starts_at, self.tz).date() for m in self.meetings]
        return {
            "process": process,
            "organisations": len(self.organisations),
            "units": len(self.units),
            "users": len(users),
            "clients": len(cases),
            "active": len(active),
            "closed": sum(case.status == CaseStatus.CLOSED for case, _ in cases),
            "followed_up": sum(case.status == CaseStatus.FOLLOWED_UP for case, _ in cases),
            "meetings": len(self.meetings),
            "today": sum(day == self.today for day in local_days),
            "coming_week": sum(self.today < day <= week for day in local_days),
            "awaiting": sum(
                m.status == MeetingStatus.BOOKED and m.starts_at <= self.now for m in self.meetings
            ),
            "consents": consents + work.pop("consents_added"),
            **referrals,
            **work,
            **reporting,
            "notes": self.notes,
        }
