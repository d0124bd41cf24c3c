"""Every state change carries the day it took effect, entered by the user, and when it was
entered: a coordinator who catches up on last week's work dates it as it happened."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from klientstod.models import Case, Meeting
from referrals import services as referrals
from referrals.models import Letter

from .factories import ReferralFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def local(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def actualise_data(**changes: str) -> dict[str, str]:
    data = {
        "decided_on": today().isoformat(),
        "start_date": today().isoformat(),
        "first_meeting_at": f"{local(today() + days(3)):%Y-%m-%dT%H:%M}",
        "duration_minutes": "60",
        "location": "Kommunhuset",
    }
    data.update(changes)
    return data


# Triage ----------------------------------------------------------------------


def test_a_decline_entered_late_keeps_its_day_and_when_it_was_entered(process, coordinator):
    referral = ReferralFactory(process=process, received_on=today() - days(20))
    before = timezone.now()
    referrals.referral_decline(
        referral=referral, reason="work", note="", by=coordinator, on=today() - days(12)
    )
    referral.refresh_from_db()
    assert referral.decided_on == today() - days(12)
    assert referral.decided_entered_at is not None
    assert referral.decided_entered_at >= before


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_decision_is_never_before_receipt_nor_in_the_future(process, coordinator, offset):
    received = today() - days(5)
    referral = ReferralFactory(process=process, received_on=received)
    on = received - days(1) if offset < 0 else today() + days(1)
    with pytest.raises(ValidationError) as refused:
        referrals.referral_decline(referral=referral, reason="work", note="", by=coordinator, on=on)
    assert "decided_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        referrals.referral_actualise(
            referral=referral,
            by=coordinator,
            start_date=today(),
            coordinator=coordinator,
            first_meeting_at=local(today() + days(3)),
            location="Kommunhuset",
            on=on,
        )
    assert "decided_on" in refused.value.message_dict
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == ("received", None)


def test_a_case_cannot_start_before_its_referral_was_received(process, coordinator):
    referral = ReferralFactory(process=process, received_on=today() - days(10))
    with pytest.raises(ValidationError) as refused:
        referrals.referral_actualise(
            referral=referral,
            by=coordinator,
            start_date=today() - days(11),
            coordinator=coordinator,
            first_meeting_at=local(today() + days(3)),
            location="Kommunhuset",
        )
    assert "start_date" in refused.value.message_dict
    assert not Case.objects.exists()


def test_the_decline_form_takes_the_decision_day(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(30))
    url = reverse("referrals:referral-decline", args=[referral.pk])
    early = coordinator_client.post(
        url, {"reason": "work", "decided_on": (today() - days(31)).isoformat()}
    )
    assert early.status_code == 200
    assert early.context["form"].errors["decided_on"]
    ahead = coordinator_client.post(
        url, {"reason": "work", "decided_on": (today() + days(1)).isoformat()}
    )
    assert ahead.context["form"].errors["decided_on"]
    response = coordinator_client.post(
        url, {"reason": "work", "decided_on": (today() - days(25)).isoformat()}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == ("not_relevant", today() - days(25))


def test_the_actualise_form_refuses_a_start_before_receipt(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(10))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(start_date=(today() - days(40)).isoformat()),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start_date"]
    assert not Case.objects.exists()


def test_the_actualise_form_takes_the_decision_day(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(10))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(
            decided_on=(today() - days(6)).isoformat(),
            start_date=(today() - days(6)).isoformat(),
        ),
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.decided_on == today() - days(6)
    assert referral.case.start_date == today() - days(6)


# Actualising with a first meeting already held ----------------------------------


def test_a_first_meeting_in_the_past_is_recorded_held_with_its_note_and_no_letter(
    coordinator_client, process
):
    referral = ReferralFactory(process=process, received_on=today() - days(20))
    held_at = local(today() - days(8))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(
            decided_on=(today() - days(8)).isoformat(),
            start_date=(today() - days(8)).isoformat(),
            first_meeting_at=f"{timezone.localtime(held_at):%Y-%m-%dT%H:%M}",
            first_meeting_note="Första samtalet: mål och samtycken.",
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.status, meeting.starts_at) == ("first", "held", held_at)
    assert meeting.journal_note == "Första samtalet: mål och samtycken."
    assert meeting.outcome_recorded_at is not None
    assert not Letter.objects.exists()


def test_a_past_first_meeting_needs_its_note(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(20))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(
            start_date=(today() - days(8)).isoformat(),
            first_meeting_at=f"{local(today() - days(8)):%Y-%m-%dT%H:%M}",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_meeting_note"]
    assert not Case.objects.exists()


def test_a_future_first_meeting_is_booked_with_a_welcome_letter(coordinator_client, process):
    referral = ReferralFactory(process=process)
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]), actualise_data()
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.status == "booked"
    assert Letter.objects.get().meeting == meeting


def test_a_first_meeting_is_not_before_the_referral(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(5))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(
            first_meeting_at=f"{local(today() - days(9)):%Y-%m-%dT%H:%M}",
            first_meeting_note="Samtal.",
        ),
    )
    assert response.context["form"].errors["first_meeting_at"]
