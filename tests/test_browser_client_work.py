"""The work with a client in a real browser: FIA, bibliotherapy, an intervention, closure and
follow-up, with axe-core on every page."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.utils import timezone
from pypdf import PdfReader

from interventions.models import BibliotherapyOffer, FiaInterview, Intervention
from klientstod.dates import months_after
from klientstod.models import Role

from .browser import AccessibilityChecker, log_in
from .factories import CaseFactory, ClientFactory, ProcessFactory, UserFactory, questionnaires

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fia_bibliotherapy_intervention_closure_and_follow_up(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    coordinator = UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    questionnaires()
    today = timezone.localdate()
    start = months_after(today, -8)
    case = CaseFactory(
        process=process,
        coordinator=coordinator,
        start_date=start,
        client=ClientFactory(first_name="Leyla", last_name="Karimi"),
    )
    page, axe = browser_page, AccessibilityChecker()
    log_in(page, live_server, "samordnare")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    axe.check(page, "arende")

    # Three FIA sessions, booked and held.
    for week in range(3):
        day = start + datetime.timedelta(days=14 + 7 * week)
        page.get_by_role("link", name="Boka samtal").click()
        page.locator("#id_kind").select_option("fia_session")
        page.locator("#id_starts_at").fill(f"{day:%Y-%m-%d}T10:00")
        page.get_by_role("button", name="Boka", exact=True).click()
        page.get_by_role("link", name="Registrera utfall").first.click()
        page.get_by_label("Genomfört").check()
        page.locator("#id_journal_note").fill(f"FIA del {week + 1}.")
        page.get_by_role("button", name="Spara utfall").click()
        page.get_by_text("Utfallet har registrerats.").wait_for()

    # The FIA: ongoing, the summary and plan, completed, printed.
    page.get_by_role("link", name="Öppna FIA").click()
    axe.check(page, "fia")
    page.locator("#id_status").select_option("ongoing")
    page.get_by_role("button", name="Spara status").click()
    page.get_by_role("link", name="Skriv sammanfattning och plan").click()
    axe.check(page, "fia-sammanfattning")
    page.locator("#id_area_housing").fill("Bor i hyresrätt i Båstad.")
    page.locator("#id_area_work_goals").fill("Vill arbeta inom handel.")
    page.locator("#id_client_goals").fill("Praktik till våren.")
    page.locator("#id_plan-0-goal").fill("Praktik inom handel")
    page.locator("#id_plan-0-responsible").fill("Klientsamordnaren")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.locator("#id_status").select_option("completed")
    page.get_by_role("button", name="Spara status").click()
    page.get_by_text("Genomförd").first.wait_for()
    assert FiaInterview.objects.get(case=case).status == "completed"
    href = page.get_by_role("link", name="PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Social livssituation" in text
    assert "Praktik inom handel" in text

    # Bibliotherapy offered and declined, with the reason.
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Registrera erbjudande").click()
    axe.check(page, "biblioterapi-erbjudande")
    page.get_by_label("Tackat nej").check()
    page.locator("#id_decline_reason").select_option("disability")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_text("Erbjudandet om biblioterapi har registrerats.").wait_for()
    assert BibliotherapyOffer.objects.get(case=case).decline_reason == "disability"

    # An intervention.
    page.get_by_role("link", name="Lägg till insats").click()
    axe.check(page, "insats")
    page.locator("#id_kind").select_option("af_municipality")
    page.locator("#id_starts_on").fill(f"{start + datetime.timedelta(days=40):%Y-%m-%d}")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_text("Insatsen har lagts till.").wait_for()
    assert Intervention.objects.get(case=case).kind == "af_municipality"

    # Closed six months ago with consent to follow-up: the follow-up is due now.
    page.get_by_role("link", name="Avsluta ärende").click()
    axe.check(page, "avsluta")
    page.locator("#id_closed_on").fill(f"{months_after(today, -6):%Y-%m-%d}")
    # The intervention still ongoing ends with the case, on the closing day.
    intervention = Intervention.objects.get(case=case)
    page.locator(f"#id_intervention-{intervention.pk}").select_option("ended")
    page.get_by_label("Arbete", exact=True).check()
    page.locator("#id_income_source_end").select_option("employment")
    page.locator("#id_followup_consent").check()
    page.get_by_role("button", name="Avsluta ärende").click()
    page.get_by_text("Ärendet har avslutats").wait_for()
    axe.check(page, "avslutat-arende")
    intervention.refresh_from_db()
    assert (intervention.status, intervention.ends_on) == ("ended", months_after(today, -6))

    page.get_by_role("link", name="Min dag").click()
    page.get_by_role("heading", name="Uppföljningar att göra").wait_for()
    axe.check(page, "min-dag-uppfoljning")
    page.get_by_role("link", name="Registrera Leyla Karimi").click()
    axe.check(page, "uppfoljning")
    axe.assert_clean()
