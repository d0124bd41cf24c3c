"""In a real browser: the coordinator subscribes to her calendar, renews the address, and
closes a case through the guided step; axe-core on every page and state, and each new
page at 1280 and 390 px without horizontal scrolling."""

from __future__ import annotations

import datetime
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar

from interventions.models import BibliotherapyOffer, FiaInterview, Intervention
from klientstod.models import Role

from .browser import AccessibilityChecker, log_in
from .factories import (
    BibliotherapyGroupFactory,
    BibliotherapyOfferFactory,
    CaseFactory,
    ClientFactory,
    FiaFactory,
    InterventionFactory,
    MeetingFactory,
    ProcessFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def at_local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def at_widths(page, axe: AccessibilityChecker, name: str) -> None:
    """axe-core at 1280 px, then the page at each width: no horizontal scrolling, and a
    screenshot of each in SCREENSHOT_DIR when it is set."""
    axe.check(page, name)
    shots = os.environ.get("SCREENSHOT_DIR")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} is {scroll_width} px wide at {width} px"
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def fetch(address: str) -> tuple[int, bytes]:
    """As a calendar app fetches the feed: a plain request, no cookie, no session."""
    try:
        with urllib.request.urlopen(address, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_subscribe_renew_and_close_a_case_through_the_guided_step(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    coordinator = UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    case = CaseFactory(
        process=process,
        coordinator=coordinator,
        client=ClientFactory(first_name="Leyla", last_name="Karimi"),
    )
    booked = MeetingFactory(
        case=case,
        starts_at=at_local(3, 13),
        location="Arbetsmarknadsenheten, rum 4",
        interpreter_needed=True,
        interpreter_booked=True,
    )
    MeetingFactory(case=case, kind="fia_session", status="held", starts_at=at_local(-10))
    fia = FiaFactory(case=case, status="ongoing", status_changed_on=case.start_date)
    intervention = InterventionFactory(case=case, status="ongoing")
    offer = BibliotherapyOfferFactory(
        case=case,
        participation="started",
        participation_changed_on=case.start_date,
        group=BibliotherapyGroupFactory(process=process),
        created_by=coordinator,
    )
    page, axe = browser_page, AccessibilityChecker()
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    log_in(page, live_server, "samordnare")

    # The subscription, from the user's own menu.
    page.locator("#ks-user-menu").click()
    page.get_by_role("link", name="Kalenderprenumeration").click()
    page.get_by_role("heading", name="Kalenderprenumeration", level=1).wait_for()
    at_widths(page, axe, "kalenderprenumeration")
    page.get_by_role("button", name="Skapa en adress").click()
    page.get_by_text("En ny adress skapades.").wait_for()
    at_widths(page, axe, "kalenderprenumeration-ny-adress")
    first = page.locator("#feed-address").input_value()
    status, body = fetch(first)
    assert status == 200
    events = Calendar.from_ical(body).walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [
        f"meeting-{m.pk}@klientstod" for m in case.meetings.order_by("starts_at")
    ]
    coming = next(e for e in events if str(e["UID"]) == f"meeting-{booked.pk}@klientstod")
    assert case.number in str(coming["SUMMARY"])
    assert str(coming["LOCATION"]) == "Arbetsmarknadsenheten, rum 4"
    for personal in ("Leyla", "Karimi", case.client.personnummer):
        assert personal.encode() not in body
    # Shown once: after a reload, only that there is an address.
    page.reload()
    assert page.locator("#feed-address").count() == 0

    # Renewed: the old address answers 404, the new one the calendar.
    page.get_by_role("button", name="Förnya adressen").click()
    page.get_by_text("En ny adress skapades.").wait_for()
    renewed = page.locator("#feed-address").input_value()
    assert renewed != first
    assert fetch(first)[0] == 404
    status, body = fetch(renewed)
    assert status == 200
    assert len(Calendar.from_ical(body).walk("VEVENT")) == 2

    # The guided closing: a refusal names what is open and links to it.
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Avsluta ärende").click()
    page.get_by_role("heading", name="Fortfarande öppet").wait_for()
    at_widths(page, axe, "avsluta-guidat")
    page.get_by_label("Studier", exact=True).check()
    page.locator("#id_income_source_end").select_option("study_support")
    page.get_by_role("button", name="Avsluta ärende").click()
    alert = page.locator("#close-errors")
    alert.get_by_text("Ärendet kan inte avslutas än: 4 saker är fortfarande öppna.").wait_for()
    assert (
        alert.get_by_role("link", name="FIA: Pågående")
        .get_attribute("href")
        .endswith(f"/cases/{case.pk}/fia/")
    )
    at_widths(page, axe, "avsluta-nekat")
    assert page.get_by_label("Studier", exact=True).is_checked()  # nothing typed is lost

    # Each thing ended right here, then closed in one go.
    alert.get_by_role("link", name="välj här hur det avslutas").first.click()
    page.get_by_label("Ställ in det: inställt av oss, eftersom ärendet avslutas").check()
    page.locator(f"#id_fia-{fia.pk}").select_option("completed")
    page.locator(f"#id_intervention-{intervention.pk}").select_option("ended")
    page.locator(f"#id_participation-{offer.pk}").select_option("completed")
    page.get_by_role("button", name="Avsluta ärende").click()
    page.get_by_text("Ärendet har avslutats").wait_for()
    at_widths(page, axe, "avslutat-guidat")
    assert "Pågående" not in page.content()
    today = timezone.localdate()
    booked.refresh_from_db()
    assert (booked.status, booked.cancel_reason) == ("cancelled_by_us", "case_closed")
    assert FiaInterview.objects.get(pk=fia.pk).status_changed_on == today
    assert Intervention.objects.get(pk=intervention.pk).ends_on == today
    assert BibliotherapyOffer.objects.get(pk=offer.pk).participation == "completed"

    # The cancelled meeting is in the calendar as cancelled.
    cancelled = next(
        event
        for event in Calendar.from_ical(fetch(renewed)[1]).walk("VEVENT")
        if str(event["UID"]) == f"meeting-{booked.pk}@klientstod"
    )
    assert str(cancelled["STATUS"]) == "CANCELLED"
    axe.assert_clean()
