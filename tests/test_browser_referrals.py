"""A referral from sending to the welcome letter, in a real browser with axe-core on every page."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.utils import timezone
from pypdf import PdfReader

from klientstod.models import Meeting, Role
from referrals.models import InformationPage, Referral

from .browser import AccessibilityChecker, log_in, log_out
from .factories import OrganisationFactory, ProcessFactory, UnitFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referral_from_sending_to_welcome_letter(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    InformationPage.objects.create(
        process=process,
        offer="En klientsamordnare följer dig över tid.",
        target_group="Personer som länge levt på ekonomiskt bistånd.",
        how_to_refer="Fyll i remissen med klientens samtycke.",
        contact="Klientsamordnaren, 040-00 00 00",
    )
    UserFactory(
        username="samordnare",
        role=Role.COORDINATOR,
        processes=[process],
        first_name="Maria",
        last_name="Lindqvist",
        phone="040-628 04 10",
    )
    unit = UnitFactory(
        organisation=OrganisationFactory(name="Båstads kommun"), name="Individ och familj"
    )
    process.partners.add(unit.organisation)  # the referrer's organisation takes part
    UserFactory(username="remittent", role=Role.REFERRER, organisation=unit.organisation, unit=unit)
    page, axe = browser_page, AccessibilityChecker()

    # Anyone can read how referral works, and the accessibility statement.
    page.goto(f"{live_server.url}/information/")
    page.get_by_role("heading", name="Klientstöd Båstad").wait_for()
    axe.check(page, "information")
    page.get_by_role("link", name="Tillgänglighet").click()
    page.get_by_role("heading", name="Tillgänglighetsredogörelse för Klientstöd").wait_for()
    axe.check(page, "tillganglighet")

    # The referrer sends a remiss.
    log_in(page, live_server, "remittent", axe)
    page.get_by_role("heading", name="Mina remisser").wait_for()
    axe.check(page, "mina-remisser")
    page.get_by_role("link", name="Ny remiss").first.click()
    axe.check(page, "ny-remiss")
    page.locator("#id_personnummer").fill("850312-1231")
    page.locator("#id_first_name").fill("Leyla")
    page.locator("#id_last_name").fill("Karimi")
    page.locator("#id_street_address").fill("Storgatan 1")
    page.locator("#id_postal_code").fill("269 31")
    page.locator("#id_city").fill("Båstad")
    page.locator("#id_language").fill("dari")
    page.locator("#id_interpreter_needed").check()
    page.locator("#id_reason").fill("Lång tid med ekonomiskt bistånd.")
    page.locator("#id_expectations").fill("Kartläggning och stöd mot arbete.")
    page.locator("#id_consent_to_referral").check()
    page.get_by_role("button", name="Skicka remiss").click()
    page.get_by_role("heading", name="Remissen har skickats").wait_for()
    axe.check(page, "remiss-skickad")
    reference = Referral.objects.get().reference
    assert reference in page.content()
    log_out(page)

    # The coordinator actualises it and books the first meeting with an interpreter.
    log_in(page, live_server, "samordnare")
    page.get_by_role("navigation").get_by_role("link", name="Remisser").click()
    axe.check(page, "inkorg")
    page.get_by_role("link", name=reference).click()
    axe.check(page, "remiss")
    page.get_by_role("link", name="Aktualisera", exact=True).click()
    axe.check(page, "aktualisera")
    when = timezone.localdate() + datetime.timedelta(days=5)
    page.locator("#id_first_meeting_at").fill(f"{when:%Y-%m-%d}T10:00")
    page.locator("#id_location").fill("Kommunhuset, Båstad")
    page.locator("#id_interpreter_booked").check()
    page.get_by_role("button", name="Aktualisera och boka").click()
    page.get_by_role("link", name="Välkomstbrev").wait_for()
    axe.check(page, "remiss-beslutad")
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.interpreter_needed, meeting.interpreter_booked) == (
        "first",
        True,
        True,
    )

    # The welcome letter, as the coordinator downloads it.
    href = page.get_by_role("link", name="Välkomstbrev").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Leyla Karimi" in text
    assert "10:00" in text
    assert "040-628 04 10" in text
    log_out(page)

    # The referrer sees that the referral was actualised.
    log_in(page, live_server, "remittent")
    row = page.get_by_role("row").filter(has_text=reference)
    assert row.get_by_text("Aktualiserad").count() == 1
    axe.check(page, "mina-remisser-efter")
    axe.assert_clean()
