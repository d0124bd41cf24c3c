"""A tertial's work entered after the tertial ended gives the report it gives entered on the day.

The same story is told twice, in two processes run by two organisations (each its own
register, so the same people can be in both). "On the day": the clock stands on each
event's day and every service dates the change today, as a coordinator's action is.
"Late": the clock is today, after the tertial, and every change is dated through the
services' effective dates. The reports of the two processes for the tertial are equal.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from interventions import services as interventions
from interventions.models import BibliotherapyGroup, BibliotherapyOffer, FiaStatusChange
from klientstod import services as core
from klientstod.models import Case, Meeting, Process, Role, User
from referrals import services as triage
from referrals.models import Referral
from reporting import periods, selectors

from .factories import OrganisationFactory, ProcessFactory, UserFactory, make_personnummer

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)


def last_tertial() -> periods.Period:
    """The tertial that ended before this one began: every day of it is in the past."""
    return periods.current_tertial(periods.current_tertial(timezone.localdate()).start - DAY)


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


class Story:
    """The tertial's work, told either on the day (``late=False``) or afterwards."""

    def __init__(self, process: Process, coordinator: User, *, late: bool) -> None:
        self.process, self.coordinator, self.late = process, coordinator, late
        self.start = last_tertial().start

    def day(self, offset: int) -> datetime.date:
        return self.start + offset * DAY

    @contextlib.contextmanager
    def on(self, offset: int) -> Iterator[datetime.date | None]:
        """Late: nothing changes and the day is given. On the day: the clock stands on it."""
        if self.late:
            yield self.day(offset)
            return
        moment = at(self.day(offset), 16)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            yield None

    def refer(self, offset: int, seq: int, organisation: Any) -> Referral:
        with self.on(offset):
            referral = Referral(
                process=self.process,
                organisation=organisation,
                first_name="Sena",
                last_name=f"Person{seq}",
                received_on=self.day(offset),
                reason="Långvarigt ekonomiskt bistånd.",
                expectations="Kartläggning och stöd mot arbete.",
                consent_to_referral=True,
                interpreter_needed=seq % 2 == 0,
            )
            referral.personnummer = make_personnummer(seq, D(1980 + seq, 3, 1 + seq))
            return triage.referral_submit(referral=referral, by=self.coordinator)

    def actualise(self, referral: Referral, offset: int, meeting_offset: int) -> Case:
        """Taken on, with the first meeting a few days later, which was held."""
        meeting_at = at(self.day(meeting_offset), 10)
        with self.on(offset) as on:
            case = triage.referral_actualise(
                referral=referral,
                by=self.coordinator,
                start_date=self.day(offset),
                coordinator=self.coordinator,
                first_meeting_at=meeting_at,
                location="Kommunhuset",
                first_meeting_note="Första samtalet." if self.late else "",
                on=on,
            )
        if not self.late:
            with self.on(meeting_offset):
                core.meeting_record_outcome(
                    meeting=Meeting.objects.get(case=case),
                    status="held",
                    journal_note="Första samtalet.",
                    by=self.coordinator,
                )
        return case

    def tell(self, organisation: Any) -> None:
        amina = self.actualise(self.refer(3, 1, organisation), 7, 10)
        declined = self.refer(20, 2, organisation)
        with self.on(24) as on:
            triage.referral_decline(
                referral=declined, reason="work", note="", by=self.coordinator, on=on
            )
        omar = self.actualise(self.refer(30, 3, organisation), 33, 35)
        self.refer(self.last_offset() - 3, 4, organisation)  # still waiting when it ended

        fia = interventions.fia_for(amina)
        for status, offset in [("planned", 14), ("ongoing", 40)]:
            with self.on(offset) as on:
                fia = interventions.fia_set_status(fia=fia, status=status, on=on)
        with self.on(45) as on:
            interventions.fia_set_status(
                fia=interventions.fia_for(omar), status="not_relevant_health", on=on
            )

        group = BibliotherapyGroup.objects.create(
            process=self.process, name="Läsgruppen", starts_on=self.day(30)
        )
        with self.on(20) as on:
            offer = interventions.offer_save(
                offer=BibliotherapyOffer(case=amina, offered_on=self.day(20), response="accepted"),
                by=self.coordinator,
                on=on,
            )
        with self.on(31) as on:
            interventions.participation_set(offer=offer, status="started", group=group, on=on)
        with self.on(60) as on:
            interventions.offer_save(
                offer=BibliotherapyOffer(
                    case=omar,
                    offered_on=self.day(60),
                    response="declined",
                    decline_reason="health",
                ),
                by=self.coordinator,
                on=on,
            )

        with self.on(100):
            core.case_close(
                case=omar,
                closed_on=self.day(100),
                outcome="work",
                income_source_end="employment",
                followup_consent=True,
                by=self.coordinator,
            )
        with self.on(110):
            core.case_follow_up(
                case=omar, done_on=self.day(110), result="Arbetar kvar.", by=self.coordinator
            )

    def last_offset(self) -> int:
        return (last_tertial().end - self.start).days


def report(process: Process) -> dict[str, Any]:
    figures = dataclasses.asdict(selectors.tertial_report(process, last_tertial()))
    figures.pop("process")
    figures.pop("definitions")
    return figures


def test_a_tertial_entered_after_it_ended_reports_as_if_entered_on_the_day():
    referring = OrganisationFactory(name="Arbetsförmedlingen")
    told = {}
    for late in (False, True):
        process = ProcessFactory(
            starts_on=last_tertial().start - 400 * DAY,
            ends_on=timezone.localdate() + 400 * DAY,
        )
        coordinator = UserFactory(role=Role.COORDINATOR)
        coordinator.processes.add(process)
        Story(process, coordinator, late=late).tell(referring)
        told[late] = process
    on_the_day, late = report(told[False]), report(told[True])

    # The story is in the report, not an empty report twice …
    assert on_the_day["referrals"]["received"] == 4
    assert on_the_day["fia"] != report(ProcessFactory())["fia"]
    # … and every figure is the same however late it was entered.
    assert late == on_the_day
    # The late entries were entered today, and dated as they happened.
    late_changes = FiaStatusChange.objects.filter(fia__case__process=told[True])
    assert {change.entered_at.date() for change in late_changes} == {timezone.now().date()}
    assert sorted(change.changed_on for change in late_changes) == [
        last_tertial().start + 14 * DAY,
        last_tertial().start + 40 * DAY,
        last_tertial().start + 45 * DAY,
    ]
