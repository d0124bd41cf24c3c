"""Closing a case, and the follow-up six months later."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from klientstod import services
from klientstod.dates import months_after
from klientstod.models import Case, Consent

from .factories import CaseFactory, MeetingFactory


def close(coordinator_client, case, **changes):
    data = {
        "closed_on": timezone.localdate().isoformat(),
        "outcome": "work",
        "income_source_end": "employment",
        "followup_consent": "on",
    }
    data.update(changes)
    return coordinator_client.post(reverse("klientstod:case-close", args=[case.pk]), data)


@pytest.mark.django_db
def test_closing_records_outcome_income_and_follow_up_consent(coordinator_client, case):
    response = close(coordinator_client, case)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure_outcome, case.income_source_end) == (
        "closed",
        "work",
        "employment",
    )
    consent = Consent.objects.get(client=case.client)
    assert (consent.kind, consent.given_on) == ("follow_up", case.closed_on)
    assert case.followup_due_on == months_after(case.closed_on, 6)


@pytest.mark.django_db
def test_a_case_cannot_be_closed_twice_or_with_meetings_booked(
    coordinator_client, case, coordinator
):
    MeetingFactory(case=case)
    response = close(coordinator_client, case)
    assert response.status_code == 200
    assert "bokat" in response.content.decode()
    case.meetings.update(status="held")
    assert close(coordinator_client, case).status_code == 302
    with pytest.raises(ValidationError):
        services.case_close(
            case=case,
            closed_on=timezone.localdate(),
            outcome="moved",
            income_source_end="none",
            followup_consent=False,
            by=coordinator,
        )


def at_local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


@pytest.mark.django_db
def test_closing_offers_to_cancel_the_booked_meetings_as_cancelled_by_us(coordinator_client, case):
    first = MeetingFactory(case=case, starts_at=at_local(2))
    second = MeetingFactory(case=case, starts_at=at_local(9, 13))
    held = MeetingFactory(case=case, starts_at=at_local(-3), status="held")
    page = coordinator_client.get(reverse("klientstod:case-close", args=[case.pk]))
    fields = page.context["form"].fields
    assert {f"meeting-{first.pk}", f"meeting-{second.pk}"} <= set(fields)
    assert f"meeting-{held.pk}" not in fields
    body = page.content.decode()
    for meeting in (first, second):
        assert f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}" in body

    response = close(
        coordinator_client, case, **{f"meeting-{first.pk}": "on", f"meeting-{second.pk}": "on"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"
    for meeting in (first, second):
        meeting.refresh_from_db()
        assert (meeting.status, meeting.cancel_reason) == ("cancelled_by_us", "case_closed")
        assert meeting.outcome_recorded_at is not None
    held.refresh_from_db()
    assert held.status == "held"
    # Not a cancellation by the client: the key figure does not grow.
    assert not case.meetings.filter(status="cancelled_by_client").exists()


@pytest.mark.django_db
def test_a_case_without_booked_meetings_is_not_offered_the_cancelling(coordinator_client, case):
    MeetingFactory(case=case, starts_at=at_local(-3), status="held")
    page = coordinator_client.get(reverse("klientstod:case-close", args=[case.pk]))
    assert not [name for name in page.context["form"].fields if name.startswith("meeting-")]


@pytest.mark.django_db
def test_a_meeting_due_by_the_closing_day_is_not_cancelled_and_nothing_is_saved(
    coordinator_client, case, coordinator
):
    """Yesterday's meeting still booked may have been held: its outcome comes first, and
    the coming meeting stays booked too (one transaction)."""
    coming = MeetingFactory(case=case, starts_at=at_local(3))
    due = MeetingFactory(case=case, starts_at=at_local(-1))
    response = close(coordinator_client, case, **{f"meeting-{coming.pk}": "on"})
    assert response.status_code == 200
    assert "bokat" in response.content.decode()
    # The refusal names the meeting that stops the closing and links to its outcome.
    assert reverse("klientstod:meeting-outcome", args=[due.pk]) in response.content.decode()
    case.refresh_from_db()
    coming.refresh_from_db()
    due.refresh_from_db()
    assert case.is_active
    assert (coming.status, due.status) == ("booked", "booked")
    with pytest.raises(ValidationError):
        services.case_close(
            case=case,
            closed_on=timezone.localdate(),
            outcome="moved",
            income_source_end="none",
            followup_consent=False,
            cancel_booked=True,
            by=coordinator,
        )
    coming.refresh_from_db()
    assert coming.is_booked


@pytest.mark.django_db
def test_a_late_closing_cancels_the_meetings_after_its_day(case, coordinator):
    """Closed as of three days ago: yesterday's meeting, after the closing day, is cancelled
    although its time has passed."""
    after = MeetingFactory(case=case, starts_at=at_local(-1))
    services.case_close(
        case=case,
        closed_on=timezone.localdate() - datetime.timedelta(days=3),
        outcome="moved",
        income_source_end="none",
        followup_consent=False,
        cancel_booked=True,
        by=coordinator,
    )
    after.refresh_from_db()
    assert (after.status, after.cancel_reason) == ("cancelled_by_us", "case_closed")


@pytest.mark.django_db
def test_closing_keeps_what_was_typed_when_the_date_is_wrong(coordinator_client, case):
    before_start = (case.start_date - datetime.timedelta(days=1)).isoformat()
    response = close(coordinator_client, case, closed_on=before_start, outcome="studies")
    assert response.status_code == 200
    assert "closed_on" in response.context["form"].errors
    assert response.context["form"].data["outcome"] == "studies"
    case.refresh_from_db()
    assert case.is_active


def closed_case(process, coordinator, *, months_ago: int, consent: bool = True) -> Case:
    closed_on = months_after(timezone.localdate(), -months_ago)
    case = CaseFactory(
        process=process,
        coordinator=coordinator,
        start_date=closed_on - datetime.timedelta(days=200),
        status="closed",
        closed_on=closed_on,
        closure_outcome="studies",
    )
    if consent:
        Consent.objects.create(client=case.client, kind="follow_up", given_on=closed_on)
    return case


@pytest.mark.django_db
def test_the_follow_up_shows_on_min_dag_when_due(coordinator_client, process, coordinator):
    due = closed_case(process, coordinator, months_ago=6)
    not_yet = closed_case(process, coordinator, months_ago=2)
    no_consent = closed_case(process, coordinator, months_ago=7, consent=False)
    body = coordinator_client.get("/").content.decode()
    assert reverse("klientstod:case-follow-up", args=[due.pk]) in body
    assert reverse("klientstod:case-follow-up", args=[not_yet.pk]) not in body
    assert reverse("klientstod:case-follow-up", args=[no_consent.pk]) not in body


@pytest.mark.django_db
def test_withdrawing_consent_stops_the_follow_up(coordinator_client, process, coordinator):
    case = closed_case(process, coordinator, months_ago=6)
    consent = Consent.objects.get(client=case.client)
    coordinator_client.post(reverse("klientstod:consent-withdraw", args=[consent.pk]))
    body = coordinator_client.get("/").content.decode()
    assert reverse("klientstod:case-follow-up", args=[case.pk]) not in body
    response = coordinator_client.post(
        reverse("klientstod:case-follow-up", args=[case.pk]),
        {"done_on": timezone.localdate().isoformat(), "result": "Arbetar heltid."},
    )
    assert response.status_code == 200
    assert "Arbetar heltid." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "closed"


@pytest.mark.django_db
def test_the_follow_up_is_recorded_once(coordinator_client, process, coordinator):
    case = closed_case(process, coordinator, months_ago=6)
    url = reverse("klientstod:case-follow-up", args=[case.pk])
    response = coordinator_client.post(
        url,
        {
            "done_on": timezone.localdate().isoformat(),
            "result": "Studerar på Komvux.",
            "income_source": "study_support",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.followup_result) == ("followed_up", "Studerar på Komvux.")
    assert case.income_source_followup == "study_support"  # counted in the annual report
    with pytest.raises(ValidationError):
        services.case_follow_up(
            case=case, done_on=timezone.localdate(), result="Igen", by=coordinator
        )
    body = coordinator_client.get(case.get_absolute_url()).content.decode()
    assert "Studerar på Komvux." in body  # on the timeline
