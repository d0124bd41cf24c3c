"""The coordinator's desk and week in a real browser: three of today's meetings recorded
from Min dag without leaving it, a meeting booked over another from the calendar (warned,
confirmed), a published free time booked (the referrer no longer sees it); axe-core on
every page and state, and each page at 1280 and 390 px."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from klientstod.models import Meeting, Role
from referrals.models import ReferralSlot

from .browser import AccessibilityChecker, log_in, log_out
from .factories import (
    CaseFactory,
    ClientFactory,
    MeetingFactory,
    ProcessFactory,
    SlotFactory,
    UnitFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def assert_fits(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width} px wide at 390 px"


def check_both_widths(page, axe: AccessibilityChecker, name: str) -> None:
    """axe-core and a screenshot at 1280 px, then at 390 px with no sideways scrolling."""
    axe.check(page, name)
    page.set_viewport_size(PHONE)
    axe.check(page, f"{name}-390")
    assert_fits(page, name)
    page.set_viewport_size(DESKTOP)


def row_of(page, name: str):
    return page.locator("li.ks-meeting").filter(has_text=name)


def test_desk_calendar_overlap_and_a_free_time(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    unit = UnitFactory()
    process.partners.add(unit.organisation)
    coordinator = UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    UserFactory(username="remittent", role=Role.REFERRER, organisation=unit.organisation, unit=unit)
    names = [("Leyla", "Karimi"), ("Johan", "Berg"), ("Aida", "Hassan")]
    cases = [
        CaseFactory(
            process=process,
            coordinator=coordinator,
            client=ClientFactory(first_name=first, last_name=last),
            start_date=timezone.localdate() - datetime.timedelta(days=30),
        )
        for first, last in names
    ]
    today = [
        MeetingFactory(case=case, starts_at=at(0, 0, 5 * (i + 1)), interpreter_needed=i == 0)
        for i, case in enumerate(cases)
    ]
    MeetingFactory(case=cases[0], starts_at=at(2, 10), location="Kommunhuset")
    slot = SlotFactory(
        process=process, created_by=coordinator, starts_at=at(3, 13), location="Stationen"
    )
    page, axe = browser_page, AccessibilityChecker()
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "samordnare")
    home = f"{live_server.url}/"
    page.goto(home)
    check_both_widths(page, axe, "min-dag")

    # Held, with the note written in the row.
    row = row_of(page, "Leyla Karimi")
    row.get_by_role("link", name="Genomfört").click()
    note = row_of(page, "Leyla Karimi").get_by_label("Journalanteckning")
    note.wait_for()
    axe.check(page, "min-dag-genomfort")
    row_of(page, "Leyla Karimi").get_by_role("button", name="Spara utfall").click()
    row_of(page, "Leyla Karimi").get_by_text("Skriv en journalanteckning").wait_for()
    axe.check(page, "min-dag-utan-anteckning")
    note.fill("Gick igenom planen inför praktiken.")
    row_of(page, "Leyla Karimi").get_by_role("button", name="Spara utfall").click()
    row_of(page, "Leyla Karimi").locator(".badge", has_text="Genomfört").wait_for()

    # A no-show, one click.
    row_of(page, "Johan Berg").get_by_role("button", name="Uteblev").click()
    row_of(page, "Johan Berg").locator(".badge", has_text="Uteblev").wait_for()

    # Held, the note written later.
    row_of(page, "Aida Hassan").get_by_role("link", name="Genomfört").click()
    row_of(page, "Aida Hassan").get_by_role("button", name="Genomfört, anteckning senare").click()
    row_of(page, "Aida Hassan").get_by_text("Väntar på anteckning").wait_for()
    axe.check(page, "min-dag-vantar-pa-anteckning")
    row_of(page, "Aida Hassan").get_by_role("link", name="Skriv anteckningen").click()
    row_of(page, "Aida Hassan").get_by_label("Journalanteckning").fill("Samtal om studier.")
    row_of(page, "Aida Hassan").get_by_role("button", name="Spara anteckningen").click()
    row_of(page, "Aida Hassan").locator(".badge", has_text="Genomfört").wait_for()
    assert not row_of(page, "Aida Hassan").get_by_text("Väntar på anteckning").count()
    assert page.url == home  # never left Min dag
    statuses = {
        m.pk: (m.status, m.journal_note) for m in Meeting.objects.filter(starts_at__lt=at(1, 0))
    }
    assert statuses == {
        today[0].pk: ("held", "Gick igenom planen inför praktiken."),
        today[1].pk: ("no_show", ""),
        today[2].pk: ("held", "Samtal om studier."),
    }
    check_both_widths(page, axe, "min-dag-klar")

    # The calendar: the week, today marked, then the day of the booked meeting.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Kalender").click()
    page.locator(".ks-cal-day.is-today").wait_for()
    check_both_widths(page, axe, "kalender-vecka")
    page.get_by_role("link", name="Nästa vecka").click()
    page.get_by_role("link", name="I dag", exact=True).click()
    page.locator(".ks-cal-day.is-today").wait_for()
    page.goto(f"{live_server.url}/calendar/?view=day&day={at(2, 0):%Y-%m-%d}")
    check_both_widths(page, axe, "kalender-dag")

    # A meeting booked over another: warned, then confirmed.
    page.get_by_role("link", name="Boka 09:00").click()
    axe.check(page, "boka-valj-klient")
    page.get_by_label("Ärende").select_option(
        label=f"Johan Berg · {cases[1].number} · {process.name}"
    )
    page.get_by_role("button", name="Fortsätt").click()
    assert page.locator("#id_starts_at").input_value() == f"{at(2, 9):%Y-%m-%dT%H:%M}"
    page.locator("#id_duration_minutes").fill("90")
    page.locator("#id_location").fill("Biblioteket")
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_text("Tiden krockar med andra samtal").wait_for()
    check_both_widths(page, axe, "boka-krock")
    assert page.locator("#id_location").input_value() == "Biblioteket"
    page.get_by_label("Boka ändå").check()
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_text("Samtalet har bokats.").wait_for()
    assert "view=day" in page.url
    day = page.locator(".ks-cal-day")
    assert day.get_by_text("Johan Berg").count() == 1
    assert day.get_by_text("Leyla Karimi").count() == 1

    # A published free time, booked: it is taken.
    page.goto(f"{live_server.url}/calendar/?view=day&day={at(3, 0):%Y-%m-%d}")
    page.get_by_text("Ledig bokningsbar tid").wait_for()
    page.get_by_role("link", name="Boka samtal här").click()
    page.get_by_label("Ärende").select_option(
        label=f"Aida Hassan · {cases[2].number} · {process.name}"
    )
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_text("Samtalet har bokats.").wait_for()
    assert not page.get_by_text("Ledig bokningsbar tid").count()
    slot.refresh_from_db()
    assert slot.meeting is not None
    assert slot.meeting.case == cases[2]
    axe.check(page, "kalender-dag-bokad")
    log_out(page)

    # The referrer no longer sees the time.
    log_in(page, live_server, "remittent")
    page.goto(f"{live_server.url}/referrals/new/")
    page.get_by_role("heading", level=1).wait_for()
    assert f"{timezone.localtime(slot.starts_at):%Y-%m-%d %H:%M}" not in page.content()
    assert not ReferralSlot.objects.free().exists()
    axe.assert_clean()
