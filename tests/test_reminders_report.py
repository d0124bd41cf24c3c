"""The report's meetings with and without a reminder, in the fixed scenario."""

from __future__ import annotations

import re

import pytest

from klientstod.models import Meeting
from reminders.models import Reminder
from reporting import selectors
from reporting.tables import sections

from .factories import MeetingFactory, ReminderFactory
from .report_helpers import PERIOD, D, at, report_url


def remind(meeting: Meeting, status: str = "sent", **fields: object) -> Reminder:
    return ReminderFactory(meeting=meeting, status=status, **fields)


@pytest.fixture
def reminded(scenario):
    """Reminders for the scenario's meetings of the period (case A's and D's)."""
    a, meetings = scenario["a"], Meeting.objects.order_by("starts_at")
    held_may_1 = meetings.get(case=a, starts_at=at(D(2026, 5, 1), 0, 5))
    no_show_june_1 = meetings.get(starts_at=at(D(2026, 6, 1), 10))
    no_show_june_8 = meetings.get(starts_at=at(D(2026, 6, 8), 10))
    rebooked_may_5 = meetings.get(starts_at=at(D(2026, 5, 5), 10))
    remind(held_may_1, "delivered")
    remind(no_show_june_1, "sent")
    # Not sent: no consent; and a reminder of a time the meeting no longer has.
    remind(no_show_june_8, "skipped", skip_reason="no_consent")
    remind(rebooked_may_5, "sent", starts_at=at(D(2026, 5, 6), 10))
    # Two meetings the client cancelled, one of them reminded of; one we cancelled
    # ourselves (never counted), one still booked (no outcome yet: not counted).
    cancelled = MeetingFactory(
        case=a, starts_at=at(D(2026, 7, 1), 10), status="cancelled_by_client"
    )
    remind(cancelled, "sent")
    MeetingFactory(case=a, starts_at=at(D(2026, 7, 2), 10), status="cancelled_by_client")
    ours = MeetingFactory(
        case=a, starts_at=at(D(2026, 7, 3), 10), status="cancelled_by_us", cancel_reason="clash"
    )
    remind(ours, "sent")
    MeetingFactory(case=a, starts_at=at(D(2026, 8, 3), 10), status="booked")
    return scenario


@pytest.mark.django_db
def test_meetings_with_and_without_a_reminder_in_the_scenario(process, reminded):
    figures = selectors.tertial_report(process, PERIOD).meetings.reminders
    # With: held 1 May, no-show 1 June, cancelled 1 July.
    assert (figures.with_reminder, figures.with_reminder_no_show) == (3, 1)
    assert figures.with_reminder_cancelled == 1
    # Without: no-show 4 May, rebooked 5 May, no-show 8 June, cancelled 2 July,
    # interpreter missing 31 August.
    assert (figures.without_reminder, figures.without_reminder_no_show) == (5, 2)
    assert figures.without_reminder_cancelled == 1


@pytest.mark.django_db
def test_the_figures_are_rows_of_the_meetings_section_and_masked_when_small(process, reminded):
    from klientstod.smallcounts import SmallCounts

    [report] = [selectors.tertial_report(process, PERIOD)]
    meetings = next(s for s in sections([report], SmallCounts(suppress=True)) if s.number == 4)
    labels = [str(row.label) for row in meetings.rows]
    start = labels.index("Möten med påminnelse")
    assert labels[start : start + 6] == [
        "Möten med påminnelse",
        "uteblev",
        "avbokat av klienten",
        "Möten utan påminnelse",
        "uteblev",
        "avbokat av klienten",
    ]
    assert all(row.people for row in meetings.rows[start : start + 6])


@pytest.mark.django_db
def test_the_report_page_shows_them_with_their_definition(
    steering_client, evaluator_client, process, reminded
):
    page = evaluator_client.get(report_url("reporting:report", process)).content.decode()
    assert "Möten med påminnelse" in page
    assert "Möten utan påminnelse" in page
    assert "påminnelse om mötets tid skickades" in page
    process.suppress_small_counts = True
    process.save()
    masked = steering_client.get(report_url("reporting:report", process)).content.decode()
    row = re.search(r"Möten med påminnelse.*?</tr>", masked, re.S)
    assert row is not None
    assert "3" in row.group(0)
    no_show = re.search(r"Möten med påminnelse.*?</tr>.*?uteblev.*?</tr>", masked, re.S)
    assert no_show is not None
    assert "&lt;3" in no_show.group(0).split("Möten med påminnelse")[1].split("</tr>", 1)[1]
