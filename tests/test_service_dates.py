"""Services that date a state change take the date from the caller when given one.

The demo dates its story with these arguments (``on=`` for a day, ``at=`` for a
moment); without them the change is dated today, as a user's action is.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from interventions import services as interventions
from interventions.models import BibliotherapyOffer, FiaInterview, FiaStatusChange
from klientstod import services as core
from klientstod.models import Meeting, MeetingKind, Role
from referrals import services as referrals

from .factories import (
    BibliotherapyGroupFactory,
    CaseFactory,
    MeetingFactory,
    ProcessFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def coordinator():
    return UserFactory(role=Role.COORDINATOR)


@pytest.fixture
def case(coordinator):
    return CaseFactory(
        process=ProcessFactory(starts_on=datetime.date(2025, 1, 1)),
        coordinator=coordinator,
        start_date=datetime.date(2026, 1, 5),
    )


def test_a_meeting_outcome_is_stamped_at_the_given_moment(case, coordinator):
    at = datetime.datetime(2026, 3, 2, 11, 15, tzinfo=timezone.get_current_timezone())
    given = MeetingFactory(case=case, starts_at=at - datetime.timedelta(hours=2))
    core.meeting_record_outcome(
        meeting=given, status="held", journal_note="Samtal om mål.", by=coordinator, at=at
    )
    given.refresh_from_db()
    assert given.outcome_recorded_at == at

    unstamped = MeetingFactory(case=case, starts_at=at - datetime.timedelta(days=1))
    before = timezone.now()
    core.meeting_record_outcome(meeting=unstamped, status="cancelled_by_client", by=coordinator)
    unstamped.refresh_from_db()
    assert unstamped.outcome_recorded_at is not None
    assert unstamped.outcome_recorded_at >= before


def test_an_actualised_referral_is_decided_on_the_given_day(coordinator):
    referral = ReferralFactory(received_on=DAY - datetime.timedelta(days=5))
    case = referrals.referral_actualise(
        referral=referral,
        by=coordinator,
        start_date=DAY,
        coordinator=coordinator,
        first_meeting_at=datetime.datetime(2026, 3, 9, 10, tzinfo=timezone.get_current_timezone()),
        location="Kommunhuset, Båstad",
        on=DAY,
    )
    referral.refresh_from_db()
    assert referral.decided_on == DAY
    assert referral.case == case
    assert Meeting.objects.get(case=case).kind == MeetingKind.FIRST


def test_a_declined_referral_is_decided_on_the_given_day_or_today(coordinator):
    dated = ReferralFactory(received_on=DAY - datetime.timedelta(days=3))
    undated = ReferralFactory()
    referrals.referral_decline(referral=dated, reason="work", note="", by=coordinator, on=DAY)
    referrals.referral_decline(referral=undated, reason="work", note="", by=coordinator)
    dated.refresh_from_db()
    undated.refresh_from_db()
    assert (dated.decided_on, undated.decided_on) == (DAY, today())


def test_an_accepted_offer_lines_up_a_booking_on_the_given_day(case, coordinator):
    offer = interventions.offer_save(
        offer=BibliotherapyOffer(case=case, offered_on=DAY, response="accepted"),
        by=coordinator,
        on=DAY,
    )
    offer.refresh_from_db()
    assert (offer.participation, offer.participation_changed_on) == ("to_be_booked", DAY)


def test_a_participation_changes_on_the_given_day(case, coordinator):
    offer = interventions.offer_save(
        offer=BibliotherapyOffer(case=case, offered_on=DAY, response="accepted"),
        by=coordinator,
        on=DAY,
    )
    group = BibliotherapyGroupFactory(process=case.process, starts_on=DAY)
    later = DAY + datetime.timedelta(days=14)
    interventions.participation_set(offer=offer, status="started", group=group, on=later)
    offer.refresh_from_db()
    assert (offer.participation, offer.participation_changed_on) == ("started", later)


def test_a_fia_status_changes_on_the_given_day(case):
    interventions.fia_set_status(fia=FiaInterview(case=case), status="planned", on=DAY)
    fia = FiaInterview.objects.get(case=case)
    assert fia.status_changed_on == DAY
    assert list(FiaStatusChange.objects.filter(fia=fia).values_list("changed_on", flat=True)) == [
        DAY
    ]
