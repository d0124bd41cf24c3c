"""Reminders in a real browser: the coordinator enters the client's mobile number and
consent, books a meeting, and sees its reminder queued, sent and, on Min dag, not reached;
axe-core on each page, screenshots at 1280 and 390 px."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from klientstod.models import Role
from reminders import services
from reminders.models import Reminder

from .browser import AccessibilityChecker, log_in
from .delivery_servers import sms_gateway
from .factories import CaseFactory, ClientFactory, MeetingFactory, ProcessFactory, UserFactory
from .test_reminders import next_weekday

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = (
    Path(os.environ.get("KLIENTSTOD_SCREENSHOTS", ""))
    if os.environ.get("KLIENTSTOD_SCREENSHOTS")
    else None
)


def shoot(page, name: str) -> None:
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_coordinator_sees_each_reminder_and_why_none(live_server, browser_page, settings):
    process = ProcessFactory(name="Klientstöd Båstad")
    coordinator = UserFactory(
        username="samordnare", role=Role.COORDINATOR, processes=[process], phone="0431-555 12"
    )
    case = CaseFactory(
        process=process,
        coordinator=coordinator,
        client=ClientFactory(first_name="Leyla", last_name="Karimi"),
    )
    meeting = MeetingFactory(case=case, starts_at=next_weekday(3), location="Storgatan 1")
    page, axe = browser_page, AccessibilityChecker()
    log_in(page, live_server, "samordnare")

    # No consent yet: the case page says so.
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_text("Inga påminnelser skickas: klienten har inte samtyckt").wait_for()
    axe.check(page, "arende-utan-samtycke")
    shoot(page, "case-no-consent")

    # The mobile number, typed as people write it, refused and then normalised.
    page.goto(f"{live_server.url}/clients/{case.client.pk}/edit/")
    page.get_by_label("Mobilnummer").fill("08-123 456 78")
    page.get_by_role("button", name="Spara").click()
    page.locator(".invalid-feedback", has_text="Ange ett svenskt mobilnummer").wait_for()
    axe.check(page, "klient-fel-mobil")
    shoot(page, "client-form-bad-mobile")
    page.get_by_label("Mobilnummer").fill("070-123 45 67")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("070-123 45 67").first.wait_for()
    case.client.refresh_from_db()
    assert case.client.mobile == "+46701234567"

    # The consent to reminders.
    page.goto(f"{live_server.url}/clients/{case.client.pk}/consents/new/")
    page.locator("#id_kind").select_option("reminders")
    page.get_by_role("button", name="Spara").click()

    with sms_gateway() as gateway:
        settings.KLIENTSTOD_SMS_BACKEND = "http"
        settings.KLIENTSTOD_SMS_URL = gateway.url
        settings.KLIENTSTOD_SMS_USERNAME = "u"
        gateway.behaviours = ["5xx"]
        at = services.due_at(meeting.starts_at) + datetime.timedelta(minutes=1)
        services.run(now=at - datetime.timedelta(hours=1))
        page.goto(f"{live_server.url}{case.get_absolute_url()}")
        page.get_by_text("Köad").first.wait_for()
        axe.check(page, "arende-kod")
        shoot(page, "case-queued")
        for wait in (datetime.timedelta(0), *services.RETRY_DELAYS):
            at += wait
            services.run(now=at)
        assert len(gateway.requests) == 1 + len(services.RETRY_DELAYS)
    assert Reminder.objects.get().status == "not_reached"
    page.goto(f"{live_server.url}/")
    page.get_by_text("Påminnelser som inte nådde fram").wait_for()
    page.get_by_text("Leyla Karimi").first.wait_for()
    axe.check(page, "min-dag")
    shoot(page, "my-day-not-reached")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_text("Ring klienten i stället.").first.wait_for()
    shoot(page, "case-not-reached")
    axe.assert_clean()
