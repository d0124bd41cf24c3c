"""Min dag: today's and the coming week's meetings, what awaits an outcome, and capacity."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .factories import CaseFactory, MeetingFactory

URL = "/"


def at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


@pytest.mark.django_db
def test_lists_today_and_the_coming_week(coordinator_client, case):
    today = MeetingFactory(case=case, starts_at=at(0, 23))
    in_three_days = MeetingFactory(case=case, starts_at=at(3, 10))
    too_far = MeetingFactory(case=case, starts_at=at(9, 10))
    response = coordinator_client.get(URL)
    assert response.context["todays_meetings"] == [today]
    coming = [m for _, meetings in response.context["coming_days"] for m in meetings]
    assert coming == [in_three_days]
    assert too_far not in coming
    assert "Min dag" in response.content.decode()


@pytest.mark.django_db
def test_past_booked_meetings_await_an_outcome(coordinator_client, case):
    forgotten = MeetingFactory(case=case, starts_at=at(-2, 10))
    MeetingFactory(case=case, starts_at=at(-3, 10), status="held", journal_note="ok")
    response = coordinator_client.get(URL)
    assert list(response.context["awaiting"]) == [forgotten]
    assert response.context["awaiting_count"] == 1


@pytest.mark.django_db
def test_counts_active_cases_against_capacity(coordinator_client, process, coordinator):
    process.capacity = 15
    process.save()
    for _ in range(4):
        CaseFactory(process=process, coordinator=coordinator)
    closed = CaseFactory(process=process)
    closed.status, closed.closed_on, closed.closure_outcome = "closed", timezone.localdate(), "work"
    closed.save()
    response = coordinator_client.get(URL)
    [row] = response.context["processes"]
    assert (row.active_cases, row.capacity, row.free_places) == (4, 15, 11)
    assert "4 <span" in response.content.decode()


@pytest.mark.django_db
def test_flags_a_meeting_without_booked_interpreter(coordinator_client, case):
    MeetingFactory(case=case, starts_at=at(1, 10), interpreter_needed=True)
    response = coordinator_client.get(URL)
    assert response.context["missing_interpreters"] == 1


@pytest.mark.django_db
def test_other_processes_meetings_stay_out(coordinator_client, other_process):
    MeetingFactory(case=CaseFactory(process=other_process), starts_at=at(0, 23))
    response = coordinator_client.get(URL)
    assert response.context["todays_meetings"] == []


@pytest.mark.django_db
def test_my_day_queries_do_not_grow_with_meetings(
    coordinator_client, process, coordinator, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            case = CaseFactory(process=process, coordinator=coordinator)
            MeetingFactory(case=case, starts_at=at(i % 7, 9 + i % 8))
            MeetingFactory(case=case, starts_at=at(-1 - i % 5, 9))

    add(5)
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(URL)
    add(45)
    with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as many:
        coordinator_client.get(URL)
    assert len(few) == len(many)
