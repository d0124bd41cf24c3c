"""Last tertial's work entered through the forms after it ended, dated as it happened."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from interventions.models import FiaStatusChange
from klientstod.models import Meeting, Role
from referrals.models import Referral
from reporting import selectors

from .browser import AccessibilityChecker, log_in
from .factories import OrganisationFactory, ProcessFactory, UserFactory
from .test_late_entry import last_tertial

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def test_a_coordinator_enters_last_tertials_work_afterwards(live_server, browser_page):
    period = last_tertial()
    process = ProcessFactory(name="Klientstöd Båstad", starts_on=period.start - 400 * DAY)
    OrganisationFactory(name="Båstads kommun")
    UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    page, axe = browser_page, AccessibilityChecker()
    received, decided, held = (
        period.start + 5 * DAY,
        period.start + 8 * DAY,
        period.start + 10 * DAY,
    )

    log_in(page, live_server, "samordnare")
    # The paper referral as it came in, early in the tertial.
    page.goto(f"{live_server.url}/referrals/paper/new/")
    page.locator("#id_organisation").select_option(label="Båstads kommun")
    page.locator("#id_received_on").fill(f"{received:%Y-%m-%d}")
    page.locator("#id_personnummer").fill("850312-1231")
    page.locator("#id_first_name").fill("Leyla")
    page.locator("#id_last_name").fill("Karimi")
    page.locator("#id_reason").fill("Lång tid med ekonomiskt bistånd.")
    page.locator("#id_expectations").fill("Kartläggning och stöd mot arbete.")
    page.locator("#id_consent_to_referral").check()
    page.get_by_role("button", name="Registrera remiss").click()
    referral = Referral.objects.get()
    page.get_by_role("link", name="Aktualisera", exact=True).wait_for()

    # Actualised on the day it was decided, with the first meeting held two days later.
    page.get_by_role("link", name="Aktualisera", exact=True).click()
    page.locator("#id_decided_on").fill(f"{decided:%Y-%m-%d}")
    page.locator("#id_start_date").fill(f"{decided:%Y-%m-%d}")
    page.locator("#id_first_meeting_at").fill(f"{held:%Y-%m-%d}T10:00")
    page.locator("#id_location").fill("Kommunhuset, Båstad")
    axe.check(page, "aktualisera-i-efterhand")
    page.get_by_role("button", name="Aktualisera och boka").click()
    # A past meeting needs its note: the form says so on the field.
    page.locator(".invalid-feedback", has_text="skriv journalanteckningen").wait_for()
    page.locator("#id_first_meeting_note").fill("Första samtalet: mål och samtycken.")
    page.get_by_role("button", name="Aktualisera och boka").click()
    page.get_by_text("registrerades som genomfört").wait_for()
    axe.check(page, "remiss-beslutad-i-efterhand")
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == ("actualised", decided)
    meeting = Meeting.objects.get()
    assert (meeting.status, timezone.localtime(meeting.starts_at).date()) == ("held", held)

    # The FIA was planned a few days later.
    case = referral.case
    page.goto(f"{live_server.url}/cases/{case.pk}/fia/")
    page.locator("#id_status").select_option("planned")
    page.locator("#id_on").fill(f"{period.start + 12 * DAY:%Y-%m-%d}")
    page.get_by_role("button", name="Spara status").click()
    page.get_by_text("Status för FIA har sparats.").wait_for()
    assert FiaStatusChange.objects.get().changed_on == period.start + 12 * DAY

    # Last tertial's report counts it all, however late it was entered.
    report = selectors.tertial_report(process, period)
    assert (report.referrals.received, report.referrals.actualised) == (1, 1)
    assert report.fia.by_status.get("planned") == 1
    axe.assert_clean()
