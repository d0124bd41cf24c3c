"""The coordinator sends the tertial report to the board; the evaluator downloads it as sent.

axe-core on every page visited, at 1280 px and at 390 px.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re

import pytest

from klientstod.models import Role
from reporting.models import BudgetLine, ReportingDeadline, SentReport

from .browser import AccessibilityChecker, log_in, log_out
from .factories import CaseFactory, MeetingFactory, ProcessFactory, ReferralFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def both_widths(page, axe: AccessibilityChecker, name: str) -> None:
    axe.check(page, f"{name}-1280")
    page.set_viewport_size(NARROW)
    axe.check(page, f"{name}-390")
    page.set_viewport_size(WIDE)


def test_the_coordinator_sends_and_the_evaluator_downloads_the_sent_pdf(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    coordinator = UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    UserFactory(username="utvarderare", role=Role.EVALUATOR, processes=[process])
    for day in (D(2026, 5, 4), D(2026, 6, 8), D(2026, 7, 1), D(2026, 8, 3)):
        case = CaseFactory(process=process, coordinator=coordinator, start_date=day)
        MeetingFactory(
            case=case,
            status="no_show",
            starts_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC),
        )
    BudgetLine.objects.create(process=process, year=2026, category="coordinator", granted=515844)
    deadline = ReportingDeadline.objects.create(
        process=process, kind="tertial_report", due_on=D(2026, 9, 15)
    )
    page, axe = browser_page, AccessibilityChecker()
    page.set_viewport_size(WIDE)

    log_in(page, live_server, "samordnare", axe)
    page.get_by_role("link", name="Lägesrapport Klientstöd Båstad").first.click()
    page.locator("#id_preset").select_option("t2")
    page.locator("#id_year").fill("2026")
    page.get_by_role("button", name="Visa").click()
    page.get_by_text("Ingen rapport har skickats till styrelsen än.").wait_for()
    both_widths(page, axe, "rapport-att-skicka")
    # Sending prints the PDF: on a busy machine that takes longer than a click's wait.
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Skicka till styrelsen").click(no_wait_after=True)
    page.get_by_text("Rapporten är skickad till styrelsen.").wait_for()
    both_widths(page, axe, "rapport-skickad")
    sent = SentReport.objects.get()
    assert sent.sent_by == coordinator
    deadline.refresh_from_db()
    assert deadline.done_on is not None

    # A correction after the sending: the page marks the changed figure.
    ReferralFactory(process=process, entered_by=coordinator, received_on=D(2026, 6, 10))
    page.reload(timeout=60_000)
    page.get_by_text("Ändrat sedan rapporten skickades").wait_for()
    assert page.locator(".ks-changed").count() >= 1
    page.get_by_text("Visa vad som ändrats").click()
    both_widths(page, axe, "rapport-andrad")

    # Uppföljning Finsam, from the reports page.
    page.get_by_label("Brödsmulor").get_by_role("link", name="Rapporter").click()
    page.get_by_role("link", name="Uppföljning Finsam").click()
    page.locator("#id_year").fill("2026")
    page.get_by_role("button", name="Visa").click()
    page.get_by_role("heading", name="Uppföljning Finsam 2026").wait_for()
    both_widths(page, axe, "uppfoljning-finsam")
    log_out(page)

    log_in(page, live_server, "utvarderare", axe)
    page.get_by_role("navigation").get_by_role("link", name="Rapporter").click()
    page.get_by_role("link", name=re.compile(r"^Tertialrapport T2 2026 Klientstöd Båstad")).click()
    page.get_by_role("heading", name="Skickade rapporter").wait_for()
    assert page.get_by_role("button", name="Skicka till styrelsen").count() == 0
    both_widths(page, axe, "skickade-rapporter-utvarderare")
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF som skickad").first.click()
    body = open(info.value.path(), "rb").read()  # noqa: SIM115
    assert body == bytes(sent.pdf)
    assert hashlib.sha256(body).hexdigest() == sent.sha256
    axe.assert_clean()
