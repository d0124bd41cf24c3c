"""Booking meetings and recording what became of them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from klientstod import services, timeline
from klientstod.models import Meeting, MeetingStatus

from .factories import MeetingFactory


def local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def form_time(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


@pytest.mark.django_db
def test_coordinator_books_a_meeting_with_interpreter(coordinator_client, case, coordinator):
    response = coordinator_client.post(
        reverse("klientstod:meeting-create", args=[case.pk]),
        {
            "kind": "first",
            "starts_at": form_time(local(3)),
            "duration_minutes": "60",
            "location": "Kommunhuset",
            "interpreter_needed": "on",
            "interpreter_booked": "on",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at == local(3)
    assert (meeting.status, meeting.interpreter_needed, meeting.interpreter_booked) == (
        "booked",
        True,
        True,
    )
    assert meeting.created_by == coordinator


@pytest.mark.django_db
def test_booking_with_a_bad_time_keeps_what_was_typed(coordinator_client, case):
    response = coordinator_client.post(
        reverse("klientstod:meeting-create", args=[case.pk]),
        {"kind": "alliance", "starts_at": "2099-01-01T10:00", "location": "Biblioteket"},
    )
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
    assert "Biblioteket" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_an_interpreter_cannot_be_booked_when_none_is_needed(coordinator_client, case):
    response = coordinator_client.post(
        reverse("klientstod:meeting-create", args=[case.pk]),
        {"kind": "alliance", "starts_at": form_time(local(2)), "interpreter_booked": "on"},
    )
    assert "interpreter_booked" in response.context["form"].errors


@pytest.mark.parametrize(
    "status",
    ["cancelled_by_client", "no_show", "interpreter_missing", "third_party_missing"],
)
@pytest.mark.django_db
def test_each_cancellation_is_recorded_with_its_cause(status, coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=local(-1))
    response = coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]),
        {"status": status, "journal_note": "Ringde och meddelade."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == status
    assert meeting.outcome_recorded_at is not None


@pytest.mark.django_db
def test_held_meeting_needs_a_journal_note(coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=local(-1))
    url = reverse("klientstod:meeting-outcome", args=[meeting.pk])
    response = coordinator_client.post(url, {"status": "held", "journal_note": "  "})
    assert "journal_note" in response.context["form"].errors
    response = coordinator_client.post(url, {"status": "held", "journal_note": "Gick bra."})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.journal_note) == ("held", "Gick bra.")


@pytest.mark.django_db
def test_rebooking_needs_the_new_time_and_books_it(coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=local(1), interpreter_needed=True)
    url = reverse("klientstod:meeting-outcome", args=[meeting.pk])
    response = coordinator_client.post(url, {"status": "rebooked", "journal_note": "Sjuk"})
    assert "new_starts_at" in response.context["form"].errors
    assert "Sjuk" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.is_booked

    response = coordinator_client.post(
        url, {"status": "rebooked", "new_starts_at": form_time(local(8, 13))}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    new = meeting.rebooked_to
    assert meeting.status == "rebooked"
    assert (new.starts_at, new.status, new.kind) == (local(8, 13), "booked", meeting.kind)
    assert new.interpreter_needed
    assert not new.interpreter_booked


@pytest.mark.django_db
def test_outcome_cannot_be_recorded_twice(coordinator_client, case, coordinator):
    meeting = MeetingFactory(case=case, starts_at=local(-1), status=MeetingStatus.NO_SHOW)
    url = reverse("klientstod:meeting-outcome", args=[meeting.pk])
    response = coordinator_client.post(url, {"status": "held", "journal_note": "Ändrat"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    meeting.refresh_from_db()
    assert meeting.status == "no_show"
    with pytest.raises(ValidationError):
        services.meeting_record_outcome(
            meeting=meeting, status="held", journal_note="x", by=coordinator
        )


@pytest.mark.django_db
def test_service_refuses_a_rebooking_without_time(case, coordinator):
    meeting = MeetingFactory(case=case)
    with pytest.raises(ValidationError) as error:
        services.meeting_record_outcome(meeting=meeting, status="rebooked", by=coordinator)
    assert "new_starts_at" in error.value.error_dict
    meeting.refresh_from_db()
    assert meeting.is_booked
    assert not Meeting.objects.exclude(pk=meeting.pk).exists()


@pytest.mark.django_db
def test_only_a_booked_meeting_can_be_changed(coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=local(-2), status=MeetingStatus.HELD)
    response = coordinator_client.get(reverse("klientstod:meeting-update", args=[meeting.pk]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_no_meeting_is_booked_on_a_closed_case(case, coordinator):
    case.status, case.closed_on, case.closure_outcome = "closed", timezone.localdate(), "work"
    case.save()
    with pytest.raises(ValidationError):
        services.meeting_book(case=case, meeting=Meeting(starts_at=local(1)), by=coordinator)


@pytest.mark.django_db
def test_timeline_shows_every_event_newest_first(coordinator_client, case, coordinator):
    no_show = MeetingFactory(case=case, starts_at=local(-7))
    services.meeting_record_outcome(meeting=no_show, status="no_show", by=coordinator)
    held = MeetingFactory(case=case, starts_at=local(-3))
    services.meeting_record_outcome(
        meeting=held, status="held", journal_note="Pratade om mål.", by=coordinator
    )
    moved = MeetingFactory(case=case, starts_at=local(1))
    new = services.meeting_record_outcome(
        meeting=moved, status="rebooked", new_starts_at=local(5), by=coordinator
    )
    events = timeline.build(case)
    assert [e.meeting for e in events if e.meeting] == [new, moved, held, no_show]
    assert events[-1].title == "Ärendet öppnades"
    body = coordinator_client.get(case.get_absolute_url()).content.decode()
    for text in ("Uteblev", "Ombokat", "Genomfört", "Pratade om mål."):
        assert text in body
