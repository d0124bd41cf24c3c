"""The evaluator reads tertial 2 and downloads it as a PDF, with axe-core on every page."""

from __future__ import annotations

import datetime
import io
import os
import re

import pytest
from pypdf import PdfReader

from klientstod.models import Role

from .browser import AccessibilityChecker, log_in, log_out
from .factories import CaseFactory, MeetingFactory, ProcessFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_evaluator_downloads_the_tertial_report(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    UserFactory(username="utvarderare", role=Role.EVALUATOR, processes=[process])
    case = CaseFactory(process=process, start_date=datetime.date(2026, 5, 4))
    MeetingFactory(
        case=case,
        status="no_show",
        starts_at=datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC),
    )
    page, axe = browser_page, AccessibilityChecker()
    log_in(page, live_server, "utvarderare", axe)
    axe.check(page, "oversikt")
    page.get_by_role("navigation").get_by_role("link", name="Rapporter").click()
    axe.check(page, "rapporter")
    page.get_by_role(
        "link", name=re.compile(r"^Tertialrapport T\d \d{4} Klientstöd Båstad")
    ).click()
    page.locator("#id_preset").select_option("t2")
    page.locator("#id_year").fill("2026")
    page.get_by_role("button", name="Visa").click()
    page.get_by_text("2026-05-01 – 2026-08-31").first.wait_for()
    axe.check(page, "lagesrapport")
    href = page.get_by_role("link", name="Ladda ner som PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Lägesrapport" in text
    assert "Klientstöd Båstad" in text
    assert "Definitioner" in text
    assert case.client.last_name not in text
    axe.assert_clean()


def test_steering_group_opens_the_dashboard(live_server, browser_page):
    from reporting.models import Milestone, ReportingDeadline

    process = ProcessFactory(name="Klientstöd Båstad", starts_on=datetime.date(2025, 1, 1))
    UserFactory(username="styrgrupp", role=Role.STEERING, processes=[process])
    for month in range(1, 10):
        CaseFactory(process=process, start_date=datetime.date(2026, month, 3))
    Milestone.objects.create(
        process=process, metric="started", target=20, deadline=datetime.date(2026, 12, 31)
    )
    ReportingDeadline.objects.create(
        process=process, kind="tertial_report", due_on=datetime.date(2026, 12, 14)
    )
    page, axe = browser_page, AccessibilityChecker()
    log_in(page, live_server, "styrgrupp")
    page.get_by_role("link", name="Översikt Klientstöd Båstad").click()
    page.locator("svg").first.wait_for()
    assert page.locator(".ks-chart svg").count() == 2  # the milestone and the inflow
    axe.check(page, "styrgrupp-oversikt")
    axe.assert_clean()


def test_the_new_sections_read_at_desk_and_phone_width(
    live_server, browser_page, process, scenario
):
    """Sections 6–12 of the fixed scenario, with axe-core at 1280 and at 390 px: the wide
    tables (collaboration, the budget of every year) scroll inside their section, not the page."""
    UserFactory(username="styrgrupp", role=Role.STEERING, processes=[process])
    page, axe = browser_page, AccessibilityChecker()
    log_in(page, live_server, "styrgrupp")
    url = f"{live_server.url}/reports/{process.pk}/?preset=t2&year=2026"
    for width, name in [(1280, "sektioner-1280"), (390, "sektioner-390")]:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        for key in ("information_meetings", "self_assessments", "collaboration", "timetable"):
            assert page.locator(f'[data-section="{key}"]').is_visible(), key
        axe.check(page, name)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (width, overflow)
    assert page.locator("#section-budget").get_by_text("Beviljat 2027").is_visible()


def test_the_coordinator_comments_and_the_steering_group_reads_it(live_server, browser_page):
    from pathlib import Path

    process = ProcessFactory(name="Klientstöd Båstad", leader_role="Samordnare")
    UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    UserFactory(username="styrgrupp", role=Role.STEERING, processes=[process])
    case = CaseFactory(process=process, start_date=datetime.date(2026, 5, 4))
    case.client.first_name, case.client.last_name = "Amina", "Testsson"
    case.client.save()
    page, axe = browser_page, AccessibilityChecker()
    log_in(page, live_server, "samordnare")
    page.goto(f"{live_server.url}/reports/{process.pk}/?preset=t2&year=2026")
    section = page.locator("#comment-referrals")
    section.get_by_text("Skriv en kommentar").click()
    field = section.get_by_label("Kommentar")
    # A client's name is refused on the field, and the text stays.
    field.fill("Amina Testsson har avbokat.")
    section.get_by_role("button", name="Spara kommentaren").click()
    page.locator("#comment-error-referrals").wait_for()
    assert page.locator("#comment-text-referrals").input_value() == "Amina Testsson har avbokat."
    axe.check(page, "kommentar-fel")
    page.locator("#comment-text-referrals").fill("Inflödet är lågt under sommaren.")
    page.locator("#comment-referrals").get_by_role("button", name="Spara kommentaren").click()
    page.get_by_text("Kommentaren är sparad.").wait_for()
    axe.check(page, "kommentar-sparad")
    shots = Path(os.environ.get("SCREENSHOT_DIR", "/tmp"))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#comment-referrals").screenshot(path=str(shots / f"kommentar-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    log_out(page)

    log_in(page, live_server, "styrgrupp")
    page.goto(f"{live_server.url}/reports/{process.pk}/?preset=t2&year=2026")
    page.get_by_text("Inflödet är lågt under sommaren.").wait_for()
    assert page.locator("textarea").count() == 0
    axe.check(page, "styrgrupp-kommentar")
    href = page.get_by_role("link", name="Ladda ner som PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Inflödet är lågt under sommaren." in text
    assert "Leds av: Samordnare" in text
    axe.assert_clean()
