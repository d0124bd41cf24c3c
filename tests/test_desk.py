"""Min dag as the coordinator's desk, the calendar, and bookings that cannot collide unseen:
the overlap rule, a booking that takes a bookable time, the outcome form's default, and
the note written in the row or later."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from klientstod import services
from klientstod.models import Meeting, MeetingStatus, Role
from referrals.models import ReferralSlot

from .factories import CaseFactory, MeetingFactory, SlotFactory, UserFactory
from .submit_once_helpers import token_of_form

HTMX = {"HTTP_HX_REQUEST": "true"}


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def typed(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


# The overlap rule -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "minutes", "overlaps"),
    [
        ((2, 10, 0), 60, True),  # the same time
        ((2, 10, 30), 60, True),  # starts inside
        ((2, 9, 30), 60, True),  # ends inside
        ((2, 9, 0), 180, True),  # covers it
        ((2, 11, 0), 60, False),  # starts as it ends
        ((2, 9, 0), 60, False),  # ends as it starts
    ],
)
def test_a_booking_overlapping_the_coordinators_meeting_is_refused(
    case, coordinator, start, minutes, overlaps
):
    booked = MeetingFactory(case=case, starts_at=at(2, 10), duration_minutes=60)
    other_case = CaseFactory(process=case.process, coordinator=coordinator)
    meeting = Meeting(starts_at=at(*start), duration_minutes=minutes)
    if overlaps:
        with pytest.raises(services.Overlap) as refused:
            services.meeting_book(case=other_case, meeting=meeting, by=coordinator)
        assert refused.value.meetings == [booked]
        assert not Meeting.objects.filter(case=other_case).exists()
    else:
        services.meeting_book(case=other_case, meeting=meeting, by=coordinator)
        assert meeting.pk is not None


@pytest.mark.django_db
def test_only_the_coordinators_own_meetings_that_take_place_count(case, coordinator, process):
    colleague = UserFactory(role=Role.COORDINATOR, processes=[process])
    theirs = CaseFactory(process=process, coordinator=colleague)
    MeetingFactory(case=theirs, starts_at=at(2, 10))
    MeetingFactory(case=case, starts_at=at(2, 10), status=MeetingStatus.CANCELLED_BY_CLIENT)
    meeting = services.meeting_book(case=case, meeting=Meeting(starts_at=at(2, 10)), by=coordinator)
    assert meeting.is_booked


@pytest.mark.django_db
def test_an_overlap_confirmed_is_booked(case, coordinator):
    MeetingFactory(case=case, starts_at=at(2, 10))
    meeting = services.meeting_book(
        case=case, meeting=Meeting(starts_at=at(2, 10)), by=coordinator, allow_overlap=True
    )
    assert meeting.is_booked


@pytest.mark.django_db
def test_a_rebooking_onto_another_meeting_is_refused_unless_confirmed(case, coordinator):
    MeetingFactory(case=case, starts_at=at(3, 10))
    past = MeetingFactory(case=case, starts_at=at(-1, 10))
    with pytest.raises(services.Overlap):
        services.meeting_record_outcome(
            meeting=past, status="rebooked", new_starts_at=at(3, 10, 30), by=coordinator
        )
    past.refresh_from_db()
    assert past.is_booked  # nothing of the refused rebooking was kept
    new = services.meeting_record_outcome(
        meeting=past,
        status="rebooked",
        new_starts_at=at(3, 10, 30),
        allow_overlap=True,
        by=coordinator,
    )
    assert new is not None
    assert new.is_booked


@pytest.mark.django_db
def test_booking_form_warns_of_an_overlap_and_keeps_what_was_typed(
    coordinator_client, case, coordinator
):
    MeetingFactory(case=case, starts_at=at(2, 10), kind="alliance")
    url = reverse("klientstod:meeting-create", args=[case.pk])
    data = {
        "kind": "fia_session",
        "starts_at": typed(at(2, 10, 30)),
        "duration_minutes": "45",
        "location": "Biblioteket",
    }
    page = coordinator_client.post(url, data)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Tiden krockar" in body
    assert "Boka ändå" in body
    assert 'value="Biblioteket"' in body
    assert 'value="45"' in body
    assert Meeting.objects.filter(case=case).count() == 1
    done = coordinator_client.post(url, data | {"confirm_overlap": "on"})
    assert done.status_code == 302
    assert Meeting.objects.filter(case=case, location="Biblioteket").count() == 1


# Bookable times -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_booking_at_a_free_bookable_time_takes_it(case, coordinator, referrer_client):
    slot = SlotFactory(process=case.process, created_by=coordinator, starts_at=at(4, 13))
    assert referrer_client.get(reverse("referrals:referral-create")).status_code == 200
    assert ReferralSlot.objects.free().filter(pk=slot.pk).exists()
    meeting = services.meeting_book(
        case=case, meeting=Meeting(starts_at=at(4, 13, 30), duration_minutes=30), by=coordinator
    )
    slot.refresh_from_db()
    assert slot.meeting == meeting
    assert not ReferralSlot.objects.free().filter(pk=slot.pk).exists()


@pytest.mark.django_db
def test_a_refused_booking_leaves_the_bookable_time_free(case, coordinator):
    slot = SlotFactory(process=case.process, created_by=coordinator, starts_at=at(4, 13))
    MeetingFactory(case=case, starts_at=at(4, 13))
    with pytest.raises(services.Overlap):
        services.meeting_book(case=case, meeting=Meeting(starts_at=at(4, 13)), by=coordinator)
    slot.refresh_from_db()
    assert slot.is_free


@pytest.mark.django_db
def test_another_coordinators_time_and_a_time_apart_stay_free(case, coordinator, process):
    colleague = UserFactory(role=Role.COORDINATOR, processes=[process])
    theirs = SlotFactory(process=process, created_by=colleague, starts_at=at(4, 13))
    later = SlotFactory(process=process, created_by=coordinator, starts_at=at(4, 14))
    services.meeting_book(case=case, meeting=Meeting(starts_at=at(4, 13)), by=coordinator)
    theirs.refresh_from_db()
    later.refresh_from_db()
    assert theirs.is_free
    assert later.is_free


@pytest.mark.django_db
def test_slot_list_leaves_out_a_cancelled_first_meeting_of_a_closed_case(
    coordinator_client, case, coordinator, process
):
    closed = CaseFactory(
        process=process, coordinator=coordinator, status="closed", closed_on=case.start_date
    )
    gone = MeetingFactory(
        case=closed, starts_at=at(5, 9), status="cancelled_by_client", kind="first"
    )
    SlotFactory(process=process, created_by=coordinator, starts_at=at(5, 9), meeting=gone)
    still = MeetingFactory(case=case, starts_at=at(5, 11), status="cancelled_by_client")
    kept = SlotFactory(process=process, created_by=coordinator, starts_at=at(5, 11), meeting=still)
    slots = list(coordinator_client.get(reverse("referrals:slot-list")).context["slots"])
    assert slots == [kept]


# The outcome form and the row ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_past_meeting_defaults_to_held_and_a_future_one_to_nothing(coordinator_client, case):
    past = MeetingFactory(case=case, starts_at=at(-1, 10))
    future = MeetingFactory(case=case, starts_at=at(2, 10))
    url = "klientstod:meeting-outcome"
    assert coordinator_client.get(reverse(url, args=[past.pk])).context["form"][
        "status"
    ].value() == ("held")
    assert coordinator_client.get(reverse(url, args=[future.pk])).context["form"][
        "status"
    ].value() in (None, "")
    asked = coordinator_client.get(reverse(url, args=[past.pk]) + "?status=no_show")
    assert asked.context["form"]["status"].value() == "no_show"


@pytest.mark.django_db
def test_held_in_the_row_saves_the_note_and_answers_the_updated_row(coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=at(0, 0, 1))
    opened = coordinator_client.get(
        reverse("klientstod:meeting-row", args=[meeting.pk]) + "?form=held", **HTMX
    )
    body = opened.content.decode()
    assert body.lstrip().startswith("<li")
    assert 'name="journal_note"' in body
    token = token_of_form(body, "journal_note")
    answer = coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]),
        {"status": "held", "journal_note": "Planerade praktik.", "submission_token": token},
        follow=True,
        **HTMX,
    )
    row = answer.content.decode()
    assert row.lstrip().startswith("<li")
    assert "Genomfört" in row
    assert "<html" not in row
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert meeting.journal_note == "Planerade praktik."
    # The same sending again (a double click) makes no second record.
    coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]),
        {"status": "held", "journal_note": "Igen", "submission_token": token},
        **HTMX,
    )
    meeting.refresh_from_db()
    assert meeting.journal_note == "Planerade praktik."


@pytest.mark.django_db
def test_held_without_a_note_is_refused_in_the_row_with_the_message_there(coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=at(0, 0, 1))
    answer = coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]), {"status": "held"}, **HTMX
    )
    body = answer.content.decode()
    assert body.lstrip().startswith("<li")
    assert "Skriv en journalanteckning" in body
    meeting.refresh_from_db()
    assert meeting.is_booked


@pytest.mark.django_db
def test_held_with_the_note_later_awaits_it_until_it_is_written(coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=at(-1, 10))
    coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]),
        {"status": "held", "note_later": "on"},
        **HTMX,
    )
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert meeting.awaits_note
    page = coordinator_client.get("/")
    assert list(page.context["awaiting_notes"]) == [meeting]
    assert page.context["awaiting_count"] == 0
    note = reverse("klientstod:meeting-note", args=[meeting.pk])
    empty = coordinator_client.post(note, {"journal_note": "  "}, **HTMX)
    assert "Skriv en journalanteckning" in empty.content.decode()
    coordinator_client.post(note, {"journal_note": "Skrivet i efterhand."}, **HTMX)
    meeting.refresh_from_db()
    assert meeting.journal_note == "Skrivet i efterhand."
    assert not meeting.awaits_note
    assert list(coordinator_client.get("/").context["awaiting_notes"]) == []
    # Written once: a second note does not replace the first.
    with pytest.raises(Exception, match="redan"):
        services.meeting_write_note(meeting=meeting, journal_note="Annat", by=meeting.created_by)


@pytest.mark.django_db
def test_without_javascript_a_row_button_is_a_form_that_returns_to_my_day(coordinator_client, case):
    meeting = MeetingFactory(case=case, starts_at=at(0, 0, 1))
    body = coordinator_client.get("/").content.decode()
    token = token_of_form(body, "status")
    answer = coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[meeting.pk]) + "?next=/",
        {"status": "no_show", "submission_token": token},
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/"
    meeting.refresh_from_db()
    assert meeting.status == "no_show"
    # An address elsewhere is not followed.
    other = MeetingFactory(case=case, starts_at=at(0, 0, 2))
    answer = coordinator_client.post(
        reverse("klientstod:meeting-outcome", args=[other.pk]) + "?next=https://evil.example/",
        {"status": "no_show"},
    )
    assert answer["Location"] == case.get_absolute_url()


# The calendar ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_shows_the_week_with_meetings_free_times_and_today(
    coordinator_client, case, coordinator, process
):
    today = timezone.localdate()
    mine = MeetingFactory(case=case, starts_at=at(0, 9), interpreter_needed=True)
    colleague = UserFactory(role=Role.COORDINATOR, processes=[process])
    theirs = MeetingFactory(
        case=CaseFactory(process=process, coordinator=colleague), starts_at=at(0, 11)
    )
    SlotFactory(process=process, created_by=coordinator, starts_at=at(0, 23))
    page = coordinator_client.get(reverse("klientstod:calendar"))
    days = page.context["days"]
    assert len(days) == 7
    assert days[0].date.weekday() == 0
    [day] = [d for d in days if d.is_today]
    assert day.date == today
    assert day.meetings == [mine]
    assert theirs not in day.meetings
    assert [entry.starts_at for entry in day.free_times] == [at(0, 23)]
    body = page.content.decode()
    assert "Tolk behövs, inte bokad" in body
    assert "Ledig bokningsbar tid" in body
    one = coordinator_client.get(
        reverse("klientstod:calendar") + f"?view=day&day={today + datetime.timedelta(days=1)}"
    )
    assert [d.date for d in one.context["days"]] == [today + datetime.timedelta(days=1)]


@pytest.mark.django_db
def test_booking_from_the_calendar_chooses_the_case_and_fills_in_the_time(coordinator_client, case):
    moment = typed(at(3, 14))
    url = reverse("klientstod:calendar-book")
    page = coordinator_client.get(url, {"at": moment})
    assert list(page.context["form"].fields["case"].queryset) == [case]
    chosen = coordinator_client.get(url, {"at": moment, "case": case.pk})
    assert chosen.status_code == 302
    form = coordinator_client.get(chosen["Location"]).context["form"]
    assert form["starts_at"].value() == at(3, 14).replace(tzinfo=None)  # shown in local time
    refused = coordinator_client.get(url, {"at": moment, "case": 999999})
    assert refused.status_code == 200
    assert refused.context["form"].errors


@pytest.mark.django_db
def test_moving_a_booked_meeting_onto_another_is_warned_and_may_be_confirmed(
    coordinator_client, case
):
    MeetingFactory(case=case, starts_at=at(2, 10))
    moved = MeetingFactory(case=case, starts_at=at(2, 13), location="Kommunhuset")
    url = reverse("klientstod:meeting-update", args=[moved.pk])
    data = {"kind": "alliance", "starts_at": typed(at(2, 10, 15)), "duration_minutes": "60"}
    warned = coordinator_client.post(url, data | {"location": "Biblioteket"})
    assert "Boka ändå" in warned.content.decode()
    moved.refresh_from_db()
    assert moved.starts_at == at(2, 13)
    assert moved.location == "Kommunhuset"
    coordinator_client.post(url, data | {"location": "Biblioteket", "confirm_overlap": "on"})
    moved.refresh_from_db()
    assert moved.starts_at == at(2, 10, 15)
    assert moved.location == "Biblioteket"
