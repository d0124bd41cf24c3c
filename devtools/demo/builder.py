"""The whole demo, chapter by chapter."""

import datetime
from typing import Any

from django.utils import timezone

from devtools.demo.reporting import ReportingBuilder
from klientstod.models import (
    CaseStatus,
    MeetingStatus,
    Role,
)


class DemoBuilder(ReportingBuilder):
    """Creates the demo in the current transaction; ``build`` returns what it made."""

    # -- all of it ---------------------------------------------------------

    def build(self) -> dict[str, Any]:
        self.build_organisations()
        process = self.build_process()
        users = self.build_users(process)
        coordinator = users[Role.COORDINATOR]
        cases = [
            (self.build_case(spec, client, process, coordinator), client)
            for spec, client in self.build_clients(process)
        ]
        self.close_one_lately(cases)
        active = [(case, client) for case, client in cases if case.status == CaseStatus.ACTIVE]
        # The slots of today's meetings are kept free by find_slot, which skips today.
        for case, client in cases:
            self.walk(case, client, coordinator)
        self.book_today(active, coordinator)
        self.leave_awaiting(active, coordinator)
        self.cover_every_status()
        self.interpreter_gap()
        fia_plan = self.plan_fia(cases)
        self.save_meetings()
        consents = self.build_consents(cases)
        referrals = self.build_referrals(cases, process, users)
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
