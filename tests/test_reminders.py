"""The reminder job: one working day before each booked meeting, at most once, through
the real SMS gateway and SMTP server of tests/delivery_servers.py."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from klientstod import dates
from klientstod.models import Consent, MeetingStatus
from klientstod.services import meeting_record_outcome
from reminders import services
from reminders.choices import Channel, ReminderStatus, SkipReason
from reminders.models import Reminder

from .delivery_servers import free_port, sms_gateway, smtp_server
from .factories import (
    CaseFactory,
    ConsentFactory,
    MeetingFactory,
    ReminderTemplateFactory,
)


def next_weekday(after_days: int, hour: int = 10) -> datetime.datetime:
    """A working day at least ``after_days`` ahead (a Tuesday to Thursday), ``hour``."""
    day = timezone.localdate() + datetime.timedelta(days=after_days)
    while (
        day.weekday() not in (1, 2, 3)
        or not dates.is_working_day(day)
        or not dates.is_working_day(day - datetime.timedelta(days=1))
    ):
        day += datetime.timedelta(days=1)
    return dates.local_time(day, datetime.time(hour, 0))


@pytest.fixture
def gateway(settings):
    with sms_gateway() as server:
        settings.KLIENTSTOD_SMS_BACKEND = "http"
        settings.KLIENTSTOD_SMS_URL = server.url
        settings.KLIENTSTOD_SMS_USERNAME = "u-api"
        settings.KLIENTSTOD_SMS_PASSWORD = "secret"
        settings.KLIENTSTOD_SMS_TOKEN = ""
        settings.KLIENTSTOD_SMS_CALLBACK_URL = ""
        settings.KLIENTSTOD_SMS_TIMEOUT_SECONDS = 1
        yield server


@pytest.fixture
def smtp(settings):
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_TIMEOUT = 2
        yield inbox


def booked(process, coordinator, *, mobile="+46701234567", email="", consent=True, **meeting):
    coordinator.phone = "0431-555 12"
    coordinator.save()
    case = CaseFactory(process=process, coordinator=coordinator)
    case.client.mobile = mobile
    case.client.email = email
    case.client.save()
    if consent:
        ConsentFactory(
            client=case.client,
            kind=Consent.Kind.REMINDERS,
            given_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    meeting.setdefault("starts_at", next_weekday(3))
    meeting.setdefault("location", "Storgatan 1, Båstad")
    return MeetingFactory(case=case, **meeting)


def due(meeting, minutes: int = 1) -> datetime.datetime:
    return services.due_at(meeting.starts_at) + datetime.timedelta(minutes=minutes)


def test_the_reminder_is_due_at_nine_on_the_working_day_before() -> None:
    monday = datetime.date(2026, 11, 30)
    meeting = dates.local_time(monday, datetime.time(10))
    assert timezone.localtime(services.due_at(meeting)) == dates.local_time(
        datetime.date(2026, 11, 27), datetime.time(9)
    )
    # The day after Christmas: the working day before is the 23rd (the eve is off).
    after_holidays = dates.local_time(datetime.date(2025, 12, 29), datetime.time(10))
    assert timezone.localtime(services.due_at(after_holidays)).date() == datetime.date(2025, 12, 23)


def test_an_sms_goes_one_working_day_before_once(db, process, coordinator, gateway) -> None:
    meeting = booked(process, coordinator, interpreter_needed=True, interpreter_booked=True)
    early = services.run(now=due(meeting, minutes=-60))
    assert early.queued == 1
    assert early.sent == 0
    assert gateway.requests == []
    assert services.run(now=due(meeting)).sent == 1
    assert services.run(now=due(meeting, minutes=30)).sent == 0
    [request] = gateway.requests
    assert request.form["to"] == "+46701234567"
    text = request.form["message"]
    local = timezone.localtime(meeting.starts_at)
    assert f"kl. {local:%H.%M}" in text
    assert "Storgatan 1, Båstad" in text
    assert "Tolk är bokad." in text
    assert "0431-555 12" in text
    assert process.name not in text
    reminder = Reminder.objects.get(meeting=meeting)
    assert reminder.status == ReminderStatus.SENT
    assert reminder.channel == Channel.SMS
    assert reminder.provider_id == "s00000001"


def test_without_interpreter_or_place_those_lines_are_left_out(
    db, process, coordinator, gateway
) -> None:
    meeting = booked(process, coordinator, location="")
    services.run(now=due(meeting))
    text = gateway.requests[0].form["message"]
    assert "Tolk" not in text
    assert "Plats" not in text


def test_without_a_mobile_the_reminder_goes_by_email(
    db, process, coordinator, smtp, gateway
) -> None:
    meeting = booked(process, coordinator, mobile="", email="klient@example.org")
    assert services.run(now=due(meeting)).sent == 1
    [message] = smtp.messages
    assert message["To"] == "klient@example.org"
    assert message["Subject"].startswith("=?utf-8?") or "Påminnelse" in message["Subject"]
    assert gateway.requests == []
    assert Reminder.objects.get(meeting=meeting).channel == Channel.EMAIL


def test_without_consent_nothing_is_sent_and_the_case_page_says_why(
    db, process, coordinator, gateway, coordinator_client
) -> None:
    meeting = booked(process, coordinator, consent=False)
    services.run(now=due(meeting))
    assert gateway.requests == []
    reminder = Reminder.objects.get(meeting=meeting)
    assert reminder.skip_reason == SkipReason.NO_CONSENT
    page = coordinator_client.get(meeting.case.get_absolute_url()).content.decode()
    assert "Inga påminnelser skickas" in page
    assert "inte samtyckt till påminnelser" in page


def test_without_number_or_email_the_case_page_says_why(
    db, process, coordinator, coordinator_client
) -> None:
    meeting = booked(process, coordinator, mobile="", email="")
    page = coordinator_client.get(meeting.case.get_absolute_url()).content.decode()
    assert "inget mobilnummer eller e-postadress" in page


def test_consent_withdrawn_between_booking_and_sending_sends_nothing(
    db, process, coordinator, gateway
) -> None:
    meeting = booked(process, coordinator)
    services.run(now=due(meeting, minutes=-120))
    assert Reminder.objects.get(meeting=meeting).status == ReminderStatus.QUEUED
    Consent.objects.filter(client=meeting.case.client).update(
        withdrawn_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.run(now=due(meeting))
    assert gateway.requests == []
    assert Reminder.objects.get(meeting=meeting).skip_reason == SkipReason.NO_CONSENT


def test_a_meeting_moved_after_queueing_gets_the_new_time_once(
    db, process, coordinator, gateway
) -> None:
    meeting = booked(process, coordinator)
    first = due(meeting, minutes=-120)
    services.run(now=first)
    old_time = meeting.starts_at
    meeting.starts_at = old_time + datetime.timedelta(hours=4)
    meeting.save()
    for minutes in (1, 10, 60):
        services.run(now=due(meeting, minutes=minutes))
    [request] = gateway.requests
    assert f"kl. {timezone.localtime(meeting.starts_at):%H.%M}" in request.form["message"]
    old = Reminder.objects.get(meeting=meeting, starts_at=old_time)
    assert old.skip_reason == SkipReason.MOVED
    assert Reminder.objects.get(meeting=meeting, starts_at=meeting.starts_at).went


def test_a_meeting_moved_after_its_reminder_went_is_reminded_again_of_the_new_time(
    db, process, coordinator, gateway
) -> None:
    meeting = booked(process, coordinator)
    services.run(now=due(meeting))
    meeting.starts_at += datetime.timedelta(days=1)
    meeting.save()
    services.run(now=due(meeting))
    services.run(now=due(meeting, minutes=5))
    assert len(gateway.requests) == 2
    new = timezone.localtime(meeting.starts_at)
    assert f"kl. {new:%H.%M}" in gateway.requests[1].form["message"]


def test_a_rebooked_meeting_gets_a_reminder_of_the_new_meeting_only(
    db, process, coordinator, gateway
) -> None:
    meeting = booked(process, coordinator)
    services.run(now=due(meeting, minutes=-120))
    new = meeting_record_outcome(
        meeting=meeting,
        status=MeetingStatus.REBOOKED,
        new_starts_at=meeting.starts_at + datetime.timedelta(days=7),
        by=coordinator,
    )
    assert new is not None
    services.run(now=due(meeting))
    assert gateway.requests == []
    assert Reminder.objects.get(meeting=meeting).skip_reason == SkipReason.CANCELLED
    services.run(now=due(new))
    assert len(gateway.requests) == 1


def test_a_cancelled_meeting_is_not_reminded(db, process, coordinator, gateway) -> None:
    meeting = booked(process, coordinator)
    services.run(now=due(meeting, minutes=-120))
    meeting_record_outcome(
        meeting=meeting, status=MeetingStatus.CANCELLED_BY_CLIENT, by=coordinator
    )
    services.run(now=due(meeting))
    assert gateway.requests == []


def test_a_failing_gateway_is_retried_with_back_off_then_the_coordinator_is_told(
    db, process, coordinator, gateway, coordinator_client
) -> None:
    gateway.behaviours = ["5xx"]
    meeting = booked(process, coordinator, starts_at=next_weekday(3, hour=15))
    start = due(meeting)
    services.run(now=start)
    reminder = Reminder.objects.get(meeting=meeting)
    assert reminder.status == ReminderStatus.QUEUED
    assert reminder.next_attempt_at == start + services.RETRY_DELAYS[0]
    # Before the wait is over nothing is tried.
    services.run(now=start + datetime.timedelta(minutes=2))
    assert len(gateway.requests) == 1
    at = start
    for wait in services.RETRY_DELAYS:
        at += wait
        services.run(now=at)
    assert len(gateway.requests) == 1 + len(services.RETRY_DELAYS)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.NOT_REACHED
    assert "503" in reminder.error
    services.run(now=at + datetime.timedelta(hours=2))
    assert len(gateway.requests) == 1 + len(services.RETRY_DELAYS)
    my_day = coordinator_client.get("/").content.decode()
    assert "Påminnelser som inte nådde fram" in my_day
    assert meeting.case.client.full_name in my_day


def test_a_gateway_recovering_after_a_failure_sends_once(db, process, coordinator, gateway) -> None:
    gateway.behaviours = ["5xx", "ok"]
    meeting = booked(process, coordinator)
    services.run(now=due(meeting))
    services.run(now=due(meeting) + services.RETRY_DELAYS[0])
    services.run(now=due(meeting) + services.RETRY_DELAYS[0] * 3)
    assert len(gateway.requests) == 2
    reminder = Reminder.objects.get(meeting=meeting)
    assert reminder.status == ReminderStatus.SENT
    assert reminder.attempts == 2


def test_a_gateway_that_times_out_is_retried(db, process, coordinator, gateway) -> None:
    gateway.behaviours = ["slow", "ok"]
    gateway.slow_seconds = 2
    meeting = booked(process, coordinator)
    services.run(now=due(meeting))
    assert Reminder.objects.get(meeting=meeting).status == ReminderStatus.QUEUED
    services.run(now=due(meeting) + services.RETRY_DELAYS[0])
    assert Reminder.objects.get(meeting=meeting).status == ReminderStatus.SENT


def test_a_refused_connection_ends_as_not_reached(db, process, coordinator, settings) -> None:
    settings.KLIENTSTOD_SMS_BACKEND = "http"
    settings.KLIENTSTOD_SMS_URL = f"http://127.0.0.1:{free_port()}/a1/sms"
    settings.KLIENTSTOD_SMS_USERNAME = "u"
    meeting = booked(process, coordinator, starts_at=next_weekday(3, hour=15))
    at = due(meeting)
    services.run(now=at)
    for wait in services.RETRY_DELAYS:
        at += wait
        services.run(now=at)
    reminder = Reminder.objects.get(meeting=meeting)
    assert reminder.status == ReminderStatus.NOT_REACHED
    assert reminder.attempts == 1 + len(services.RETRY_DELAYS)


def test_nothing_is_sent_at_night(db, process, coordinator, gateway) -> None:
    meeting = booked(process, coordinator)
    evening = dates.local_time(
        timezone.localtime(services.due_at(meeting.starts_at)).date(), datetime.time(22)
    )
    services.run(now=evening)
    assert gateway.requests == []
    morning = dates.local_time(timezone.localtime(meeting.starts_at).date(), datetime.time(8))
    services.run(now=morning)
    assert len(gateway.requests) == 1


def test_the_job_catches_up_after_downtime_but_not_too_close_to_the_meeting(
    db, process, coordinator, gateway
) -> None:
    soon = booked(process, coordinator, starts_at=next_weekday(3, hour=15))
    services.run(now=due(soon, minutes=-60 * 24))  # queued days ahead, then the job was down
    services.run(now=soon.starts_at - datetime.timedelta(hours=4))
    assert len(gateway.requests) == 1
    late = booked(process, coordinator, starts_at=next_weekday(10, hour=10))
    services.run(now=due(late, minutes=-60 * 24))
    services.run(now=late.starts_at - datetime.timedelta(hours=1))
    assert len(gateway.requests) == 1
    assert Reminder.objects.get(meeting=late).skip_reason == SkipReason.TOO_LATE


def test_a_job_that_stops_half_way_sends_nothing_twice(db, process, coordinator, gateway) -> None:
    meetings = [booked(process, coordinator) for _ in range(4)]
    at = due(meetings[0])
    services.run(now=at, limit=2)
    assert len(gateway.requests) == 2
    # A run that died after claiming a reminder, before it finished.
    claimed = services.reminder_claim(now=at)
    assert claimed is not None
    services.run(now=at + datetime.timedelta(minutes=5))
    assert len(gateway.requests) == 3
    services.run(now=at + services.STALE_CLAIM + datetime.timedelta(minutes=10))
    assert len(gateway.requests) == 3
    assert sorted(r.form["to"] for r in gateway.requests) == ["+46701234567"] * 3
    claimed.refresh_from_db()
    assert claimed.status == ReminderStatus.NOT_REACHED
    statuses = sorted(Reminder.objects.values_list("status", flat=True))
    assert statuses == ["not_reached", "sent", "sent", "sent"]


def test_the_text_is_in_the_clients_language_above_the_swedish(
    db, process, coordinator, gateway
) -> None:
    meeting = booked(process, coordinator, interpreter_needed=True, interpreter_booked=True)
    meeting.case.client.language = "Arabiska"
    meeting.case.client.save()
    ReminderTemplateFactory(process=process, language="arabiska")
    services.run(now=due(meeting))
    text = gateway.requests[0].form["message"]
    arabic, swedish = text.split("\n\n")
    assert "تم حجز مترجم." in arabic
    assert f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}" in arabic
    assert swedish.startswith("Hej! Påminnelse")


def test_a_process_text_is_filled_in_literally_never_as_a_template(
    db, process, coordinator, gateway
) -> None:
    meeting = booked(process, coordinator)
    ReminderTemplateFactory(
        process=process, language="svenska", text="{{ 7|add:1 }} {% now 'Y' %} kl. {tid}"
    )
    services.run(now=due(meeting))
    text = gateway.requests[0].form["message"]
    local = timezone.localtime(meeting.starts_at)
    assert text == "{{ 7|add:1 }} {% now 'Y' %} kl. " + f"{local:%H.%M}"


def test_the_job_as_a_command(db, process, coordinator, gateway) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "queued" in out.getvalue()


def test_a_template_with_an_unknown_placeholder_is_refused() -> None:
    from django.core.exceptions import ValidationError

    from reminders.texts import validate_template

    validate_template("Hej {dag} kl. {tid}, {{ ej en platshållare }}")
    with pytest.raises(ValidationError):
        validate_template("Hej {namn}")
    with pytest.raises(ValidationError):
        validate_template("{dag.__class__}")


def test_the_administrator_previews_a_text(db, process, admin_client_) -> None:
    template = ReminderTemplateFactory(
        process=process, language="svenska", text="<b>Hej</b> {tid}\n{plats}"
    )
    page = admin_client_.get(
        f"/admin/reminders/remindertemplate/{template.pk}/change/"
    ).content.decode()
    assert "&lt;b&gt;Hej&lt;/b&gt; 10.00\nStorgatan 1, Båstad" in page
    assert "<b>Hej</b>" not in page


def test_the_client_form_normalises_the_mobile_number(
    db, process, coordinator, coordinator_client
) -> None:
    from django.urls import reverse

    case = CaseFactory(process=process, coordinator=coordinator)
    client = case.client
    url = reverse("klientstod:client-update", args=[client.pk])
    data = {
        "client-personnummer": client.personnummer,
        "client-first_name": client.first_name,
        "client-last_name": client.last_name,
        "client-gender": client.gender,
        "client-language": "svenska",
        "client-income_source": "economic_assistance",
        "client-education_level": "primary",
        "client-version": client.version,
    }
    refused = coordinator_client.post(url, {**data, "client-mobile": "08-123 456 78"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Ange ett svenskt mobilnummer" in page
    assert 'value="08-123 456 78"' in page
    client.refresh_from_db()
    assert client.mobile == ""
    saved = coordinator_client.post(url, {**data, "client-mobile": "+46 (0)73-123 45 67"})
    assert saved.status_code == 302
    client.refresh_from_db()
    assert client.mobile == "+46731234567"
    assert "073-123 45 67" in coordinator_client.get(url).content.decode()


def test_the_gateways_delivery_report_marks_the_reminder_delivered(
    db, process, coordinator, gateway, client, settings
) -> None:
    from django.urls import reverse

    meeting = booked(process, coordinator)
    services.run(now=due(meeting))
    reminder = Reminder.objects.get(meeting=meeting)
    url = reverse("reminders:delivery-report", args=[settings.KLIENTSTOD_SMS_CALLBACK_SECRET])
    wrong = reverse("reminders:delivery-report", args=["guessed"])
    assert (
        client.post(wrong, {"id": reminder.provider_id, "status": "delivered"}).status_code == 404
    )
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert client.post(url, {"id": reminder.provider_id, "status": "delivered"}).status_code == 200
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DELIVERED
    assert reminder.delivered_at is not None
    assert client.get(url).status_code == 405
