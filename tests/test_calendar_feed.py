"""The calendar subscription: a secret address per coordinator, read by calendar apps.

The feed is parsed with the icalendar library, as a calendar app would read it, and must
never name a person.
"""

from __future__ import annotations

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from klientstod import calendar_feed, services
from klientstod.models import CalendarFeed, Role

from .factories import CaseFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("klientstod:calendar-subscription")


def in_days(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def subscribe(http: HttpClient) -> str:
    """Make or renew the address on the page; return it as the page shows it, once."""
    response = http.post(PAGE)
    assert response.status_code == 302
    body = http.get(PAGE).content.decode()
    found = re.search(r'id="feed-address"[^>]*>([^<]+)</textarea>', body)
    assert found, "the new address is shown"
    return found.group(1)


def parse(http: HttpClient, address: str) -> Calendar:
    response = http.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_the_meetings_without_names_or_personnummer(
    coordinator_client, case, coordinator
):
    booked = MeetingFactory(
        case=case,
        kind="alliance",
        starts_at=in_days(3, 13),
        duration_minutes=45,
        location="Arbetsmarknadsenheten, rum 4",
        interpreter_needed=True,
        interpreter_booked=False,
    )
    held = MeetingFactory(case=case, kind="first", starts_at=in_days(-5), status="held")
    cancelled = MeetingFactory(
        case=case, starts_at=in_days(8), status="cancelled_by_us", cancel_reason="clash"
    )
    address = subscribe(coordinator_client)
    anonymous = HttpClient()
    response = anonymous.get(address)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    body = response.content.decode()
    client = case.client
    for personal in (client.first_name, client.last_name, client.personnummer):
        assert personal not in body
    assert client.personnummer.replace("-", "")[-10:] not in body.replace("-", "")

    found = events(Calendar.from_ical(response.content))
    assert set(found) == {f"meeting-{m.pk}@klientstod" for m in (booked, held, cancelled)}
    event = found[f"meeting-{booked.pk}@klientstod"]
    assert case.number in str(event["SUMMARY"])
    assert "Samtal (allians)" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Arbetsmarknadsenheten, rum 4"
    assert "Tolk: behövs, INTE bokad" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == booked.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(found[f"meeting-{held.pk}@klientstod"]["STATUS"]) == "CONFIRMED"
    assert str(found[f"meeting-{cancelled.pk}@klientstod"]["STATUS"]) == "CANCELLED"
    # The same meeting keeps its UID when the feed is read again.
    assert set(events(parse(anonymous, address))) == set(found)


def test_the_feed_window_and_only_the_users_own_cases(coordinator_client, case, process):
    inside = MeetingFactory(case=case, starts_at=in_days(-59))
    MeetingFactory(case=case, starts_at=in_days(-61))
    MeetingFactory(case=case, starts_at=in_days(181))
    colleague = UserFactory(role=Role.COORDINATOR, processes=[process])
    theirs = MeetingFactory(case=CaseFactory(process=process, coordinator=colleague))
    found = events(parse(HttpClient(), subscribe(coordinator_client)))
    assert set(found) == {f"meeting-{inside.pk}@klientstod"}
    assert f"meeting-{theirs.pk}@klientstod" not in found


def test_another_users_address_never_shows_ones_meetings(coordinator_client, case, process):
    mine = MeetingFactory(case=case, starts_at=in_days(2))
    colleague = UserFactory(role=Role.COORDINATOR, processes=[process])
    theirs = MeetingFactory(
        case=CaseFactory(process=process, coordinator=colleague), starts_at=in_days(2)
    )
    my_address = subscribe(coordinator_client)
    their_address = reverse(
        "klientstod:calendar-feed", args=[services.calendar_feed_renew(user=colleague)]
    )
    assert set(events(parse(HttpClient(), their_address))) == {f"meeting-{theirs.pk}@klientstod"}
    assert set(events(parse(HttpClient(), my_address))) == {f"meeting-{mine.pk}@klientstod"}


def test_renewing_revokes_the_old_address(coordinator_client, case, coordinator):
    MeetingFactory(case=case, starts_at=in_days(1))
    old = subscribe(coordinator_client)
    assert parse(HttpClient(), old)
    new = subscribe(coordinator_client)
    assert new != old
    assert HttpClient().get(old).status_code == 404
    assert len(events(parse(HttpClient(), new))) == 1
    assert CalendarFeed.objects.filter(user=coordinator).count() == 1
    # Only the hash is kept, never the token.
    token = new.rsplit("/", 1)[1].removesuffix(".ics")
    stored = CalendarFeed.objects.get(user=coordinator)
    assert stored.token_hash != token
    assert stored.token_hash == CalendarFeed.hash(token)
    assert len(token) >= 43  # 32 random bytes: 256 bits


def test_the_address_is_shown_only_once(coordinator_client):
    subscribe(coordinator_client)
    assert 'id="feed-address"' not in coordinator_client.get(PAGE).content.decode()


def test_turning_it_off_and_unknown_or_stale_addresses_answer_404(coordinator_client, coordinator):
    address = subscribe(coordinator_client)
    assert HttpClient().get(reverse("klientstod:calendar-feed", args=["x" * 43])).status_code == 404
    response = coordinator_client.post(reverse("klientstod:calendar-subscription-revoke"))
    assert response.status_code == 302
    assert HttpClient().get(address).status_code == 404
    assert not CalendarFeed.objects.filter(user=coordinator).exists()


def test_a_deactivated_or_changed_role_user_has_no_feed(coordinator_client, coordinator):
    address = subscribe(coordinator_client)
    type(coordinator).objects.filter(pk=coordinator.pk).update(role=Role.REFERRER)
    assert HttpClient().get(address).status_code == 404
    type(coordinator).objects.filter(pk=coordinator.pk).update(
        role=Role.COORDINATOR, is_active=False
    )
    assert HttpClient().get(address).status_code == 404


def test_each_read_is_in_the_audit_log_without_content(coordinator_client, case, coordinator):
    MeetingFactory(case=case, starts_at=in_days(1), location="Biblioteket")
    address = subscribe(coordinator_client)
    HttpClient().get(address)
    entries = LogEntry.objects.filter(additional_data__event=calendar_feed.FETCHED)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor_id == coordinator.pk
    assert entry.object_pk == str(coordinator.pk)
    assert "Biblioteket" not in str(entry.additional_data)
    assert case.number not in str(entry.additional_data)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in str(list(LogEntry.objects.values()))
    assert LogEntry.objects.filter(additional_data__event=calendar_feed.RENEWED).count() == 1


def test_the_feed_costs_the_same_queries_at_5_and_50_meetings(coordinator_client, case):
    address = subscribe(coordinator_client)
    anonymous = HttpClient()

    def measured() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get(address).status_code == 200
        return len(queries)

    MeetingFactory.create_batch(5, case=case, starts_at=in_days(4))
    few = measured()
    MeetingFactory.create_batch(45, case=case, starts_at=in_days(5))
    assert len(events(parse(anonymous, address))) == 50
    assert measured() == few <= 6


def test_only_coordinators_subscribe(referrer_client, coordinator):
    assert referrer_client.get(PAGE).status_code == 403
    assert referrer_client.post(PAGE).status_code == 403
    assert not CalendarFeed.objects.exists()
