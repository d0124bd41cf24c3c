"""The administrator reads the audit log in a real browser, with axe-core on every page."""

from __future__ import annotations

import os

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from klientstod.models import Role

from .browser import AccessibilityChecker, log_in
from .factories import CaseFactory, ClientFactory, ProcessFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_finds_who_read_and_changed_a_client_without_seeing_them(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    coordinator = UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = ClientFactory(first_name="Leyla", last_name="Karimi", phone="070-123 45 67")
    case = CaseFactory(client=client, process=process, coordinator=coordinator)
    # The coordinator opens the case and changes the client's name and income source.
    http = HttpClient()
    http.force_login(coordinator)
    http.get(case.get_absolute_url())
    response = http.post(
        reverse("klientstod:client-update", args=[client.pk]),
        {
            "client-personnummer": client.personnummer,
            "client-first_name": "Leyla",
            "client-last_name": "Karimi-Berg",
            "client-phone": "070-765 43 21",
            "client-income_source": "sickness_benefit",
            "client-education_level": "unknown",
            "client-version": client.version,
        },
    )
    assert response.status_code == 302
    page, axe = browser_page, AccessibilityChecker()

    log_in(page, live_server, "admin", axe)
    page.get_by_role("link", name="Logg").first.click()
    page.get_by_role("heading", name="Logg").wait_for()
    axe.check(page, "audit-log")
    page.get_by_label("Vem har läst den här klientens uppgifter?").fill(client.personnummer)
    page.get_by_role("button", name="Visa läsningar").click()
    page.wait_for_load_state("load")
    assert f"client={client.pk}" in page.url
    assert client.personnummer not in page.url
    table = page.get_by_role("region", name="Logg")
    assert "Ärendesidan" in table.inner_text()
    axe.check(page, "audit-log-reads")
    page.get_by_label("Vad").select_option(label="Ändringar")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_load_state("load")
    text = table.inner_text()
    assert "Efternamn: ändrat" in text
    assert "Telefon: ändrat" in text
    assert "Försörjning vid start: Okänt → Sjukpenning" in text
    for private in ("Karimi", "070-", client.personnummer):
        assert private not in page.content()
    axe.check(page, "audit-log-changes")
    page.set_viewport_size({"width": 390, "height": 844})
    axe.check(page, "audit-log-changes-390")
    axe.assert_clean()
