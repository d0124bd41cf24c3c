"""The coordinator's daily loop in a real browser, with axe-core on every page."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from klientstod.models import Meeting, MeetingStatus, Role

from .browser import AccessibilityChecker, log_in
from .factories import CaseFactory, ClientFactory, ProcessFactory, UserFactory

# Playwright's sync API runs an event loop in this thread; the live server's
# database access from the test thread is still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local_input(days: int, hour: int) -> str:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def test_coordinator_books_records_no_show_and_rebooks(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    client = ClientFactory(
        first_name="Leyla", last_name="Karimi", interpreter_needed=True, language="dari"
    )
    case = CaseFactory(client=client, process=process)
    CaseFactory(process=process)  # someone else on the list
    page, axe = browser_page, AccessibilityChecker()

    log_in(page, live_server, "samordnare", axe)
    page.get_by_role("heading", name="Min dag").wait_for()
    axe.check(page, "min-dag")

    page.get_by_role("link", name="Ärenden", exact=True).click()
    page.get_by_label("Sök på namn eller personnummer").fill("Karimi")
    page.get_by_role("button", name="Sök", exact=True).click()
    assert "Karimi" not in page.url
    axe.check(page, "arenden")
    page.get_by_role("link", name="Karimi, Leyla").click()
    page.get_by_role("heading", name="Leyla Karimi").wait_for()
    axe.check(page, "arende")

    # Enter yesterday's meeting afterwards; the client needs an interpreter.
    page.get_by_role("link", name="Boka samtal").click()
    axe.check(page, "boka-samtal")
    page.locator("#id_starts_at").fill(local_input(-1, 10))
    page.get_by_label("Plats").fill("Kommunhuset")
    page.get_by_label("Tolk bokad").check()
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_text("Samtalet har bokats.").wait_for()

    # The client does not come.
    page.get_by_role("link", name="Registrera utfall").first.click()
    axe.check(page, "registrera-utfall")
    page.get_by_label("Uteblev").check()
    page.get_by_role("button", name="Spara utfall").click()
    page.get_by_text("Utfallet har registrerats.").wait_for()

    # Book again, and then move that meeting, not yet held, to another day: before its time
    # a meeting is only cancelled or rebooked.
    page.get_by_role("link", name="Boka samtal").click()
    page.locator("#id_starts_at").fill(local_input(2, 13))
    page.get_by_role("button", name="Boka", exact=True).click()
    assert page.get_by_role("link", name="Registrera utfall").count() == 0
    page.get_by_role("link", name="Ställ in eller omboka").first.click()
    assert page.get_by_label("Uteblev").count() == 0
    page.get_by_label("Ombokat").check()
    page.locator("#id_new_starts_at").fill(local_input(6, 9))
    page.get_by_role("button", name="Spara utfall").click()
    page.get_by_text("Samtalet har bokats om till").wait_for()
    axe.check(page, "tidslinje")

    timeline = page.locator(".ks-timeline")
    assert timeline.get_by_text("Uteblev").count() == 1
    assert timeline.get_by_text("Ombokat", exact=True).count() == 1
    assert timeline.get_by_text("Bokat", exact=True).count() == 1

    statuses = list(case.meetings.order_by("starts_at").values_list("status", flat=True))
    assert statuses == [MeetingStatus.NO_SHOW, MeetingStatus.REBOOKED, MeetingStatus.BOOKED]
    moved = Meeting.objects.get(status=MeetingStatus.REBOOKED)
    assert moved.rebooked_to.status == MeetingStatus.BOOKED

    page.get_by_role("link", name="Klientsida").click()
    axe.check(page, "klient")
    page.get_by_role("link", name="Redigera klient").click()
    axe.check(page, "redigera-klient")
    # A new client is begun from the caseload (or Min dag), not from the menu.
    page.get_by_role("navigation").get_by_role("link", name="Ärenden").click()
    page.get_by_role("link", name="Ny klient").first.click()
    axe.check(page, "ny-klient")
    axe.assert_clean()


@pytest.mark.parametrize(
    "role", [Role.BIBLIOTHERAPIST, Role.REFERRER, Role.STEERING, Role.EVALUATOR, Role.ADMIN]
)
def test_each_roles_start_page_is_accessible(role, live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    UserFactory(role=Role.COORDINATOR, processes=[process], phone="040-123 45")
    CaseFactory(process=process)
    UserFactory(username="person", role=role, processes=[process], is_staff=role == Role.ADMIN)
    page, axe = browser_page, AccessibilityChecker()
    log_in(page, live_server, "person")
    page.locator("h1").wait_for()
    axe.check(page, f"start-{role}")
    # Nobody but the coordinator reaches a client's name from here.
    assert "Efternamn" not in page.content()
    axe.assert_clean()
