"""Booking meetings and recording what became of them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
def test_a_rebooking_keeps_the_interpreter_and_its_booking(coordinator_client, case):
    meeting = MeetingFactory(
        case=case, starts_at=local(1), interpreter_needed=True, interpreter_booked=True
    )
    response = coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]),
        {"status": "rebooked", "new_starts_at": form_time(local(4, 13))},
    )
    assert response.status_code == 302
    new = Meeting.objects.get(rebooked_from=meeting)
    assert (new.interpreter_needed, new.interpreter_booked) == (True, True)
    assert not new.lacks_interpreter


# Cancelled by us ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["coordinator_ill", "clash"])
@pytest.mark.django_db
def test_we_cancel_a_meeting_with_a_reason(reason, coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=local(2))
    response = coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]),
        {"status": "cancelled_by_us", "cancel_reason": reason},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled_by_us", reason)
    assert meeting.get_status_display() == "Inställt av oss"
    body = coordinator_client.get(case.get_absolute_url()).content.decode()
    assert "Inställt av oss" in body
    assert str(meeting.get_cancel_reason_display()) in body


@pytest.mark.django_db
def test_cancelling_ourselves_needs_a_reason_and_other_needs_a_note(coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=local(2))
    url = reverse("klientstod:meeting-outcome", args=[meeting.pk])
    response = coordinator_client.post(url, {"status": "cancelled_by_us"})
    assert "cancel_reason" in response.context["form"].errors
    response = coordinator_client.post(url, {"status": "cancelled_by_us", "cancel_reason": "other"})
    assert "journal_note" in response.context["form"].errors
    # The closing's own reason is not one to choose.
    response = coordinator_client.post(
        url, {"status": "cancelled_by_us", "cancel_reason": "case_closed"}
    )
    assert "cancel_reason" in response.context["form"].errors
    # A reason belongs only to our own cancellation.
    response = coordinator_client.post(
        url, {"status": "cancelled_by_client", "cancel_reason": "clash"}
    )
    assert "cancel_reason" in response.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.is_booked
    response = coordinator_client.post(
        url,
        {"status": "cancelled_by_us", "cancel_reason": "other", "journal_note": "Lokalen stängd."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason, meeting.journal_note) == (
        "cancelled_by_us",
        "other",
        "Lokalen stängd.",
    )


@pytest.mark.django_db
def test_the_service_and_the_database_refuse_our_cancellation_without_a_reason(case, coordinator):
    meeting = MeetingFactory(case=case, starts_at=local(2))
    with pytest.raises(ValidationError) as error:
        services.meeting_record_outcome(meeting=meeting, status="cancelled_by_us", by=coordinator)
    assert "cancel_reason" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.meeting_record_outcome(
            meeting=meeting, status="cancelled_by_us", cancel_reason="other", by=coordinator
        )
    assert "journal_note" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.meeting_record_outcome(
            meeting=meeting, status="cancelled_by_client", cancel_reason="clash", by=coordinator
        )
    assert "cancel_reason" in error.value.error_dict
    meeting.refresh_from_db()
    assert meeting.is_booked
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(status="cancelled_by_us")
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(cancel_reason="clash")


# An outcome once the meeting has started --------------------------------------------------

NOT_BEFORE = ["held", "no_show", "interpreter_missing", "third_party_missing"]


@pytest.mark.parametrize("status", NOT_BEFORE)
@pytest.mark.django_db
def test_what_happened_is_not_recorded_before_the_meeting(status, coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=local(2), interpreter_needed=True)
    response = coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]),
        {"status": status, "journal_note": "Skrivet i förväg."},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["status"]
    assert any("inte börjat" in str(e) for e in errors), errors
    meeting.refresh_from_db()
    assert meeting.is_booked


@pytest.mark.parametrize("status", NOT_BEFORE)
@pytest.mark.django_db
def test_the_service_refuses_what_happened_before_the_meeting(status, case, coordinator):
    meeting = MeetingFactory(case=case, starts_at=timezone.now() + datetime.timedelta(minutes=5))
    with pytest.raises(ValidationError) as error:
        services.meeting_record_outcome(
            meeting=meeting, status=status, journal_note="x", by=coordinator
        )
    assert "status" in error.value.error_dict
    # Recorded "at" a moment before the meeting: refused the same way.
    past = MeetingFactory(case=case, starts_at=local(-2))
    with pytest.raises(ValidationError):
        services.meeting_record_outcome(
            meeting=past, status=status, journal_note="x", by=coordinator, at=local(-3)
        )
    meeting.refresh_from_db()
    past.refresh_from_db()
    assert meeting.is_booked
    assert past.is_booked
    # Once it has started, the same outcome is taken.
    services.meeting_record_outcome(
        meeting=past, status=status, journal_note="x", by=coordinator, at=local(-2, 12)
    )
    past.refresh_from_db()
    assert past.status == status


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        ("cancelled_by_client", {}),
        ("cancelled_by_us", {"cancel_reason": "clash"}),
        ("rebooked", {"new_starts_at": local(9)}),
    ],
)
@pytest.mark.django_db
def test_a_cancellation_or_rebooking_may_come_before_the_meeting(status, extra, case, coordinator):
    meeting = MeetingFactory(case=case, starts_at=local(3))
    services.meeting_record_outcome(meeting=meeting, status=status, by=coordinator, **extra)
    meeting.refresh_from_db()
    assert meeting.status == status


@pytest.mark.django_db
def test_a_future_meeting_offers_only_cancel_or_rebook(coordinator_client, case, coordinator):
    future = MeetingFactory(case=case, starts_at=local(1))
    started = MeetingFactory(case=case, starts_at=local(0, 0))
    form = coordinator_client.get(reverse("klientstod:meeting-outcome", args=[future.pk])).context[
        "form"
    ]
    assert [value for value, _label in form.fields["status"].choices] == [
        "cancelled_by_client",
        "cancelled_by_us",
        "rebooked",
    ]
    form = coordinator_client.get(reverse("klientstod:meeting-outcome", args=[started.pk])).context[
        "form"
    ]
    assert "held" in [value for value, _label in form.fields["status"].choices]

    outcome = reverse("klientstod:meeting-outcome", args=[future.pk])
    for page in (case.get_absolute_url(), "/"):
        body = coordinator_client.get(page).content.decode()
        assert outcome in body
        # The only way to the future meeting's form says what may be done there.
        for link in body.split("<a ")[1:]:
            if outcome in link:
                assert "Ställ in eller omboka" in link
                assert "Registrera utfall" not in link
        started_link = reverse("klientstod:meeting-outcome", args=[started.pk])
        # The case page links to the outcome form; Min dag's row has a button per outcome.
        offer = "Registrera utfall" if page != "/" else "Genomfört"
        assert any(started_link in link and offer in link for link in body.split("<a ")), page


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
