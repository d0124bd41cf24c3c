"""The first login in a real browser: the administrator issues an enrolment code, the new
user sets up the authenticator app with it and replaces the password the administrator set.
axe-core checks every page the user sees, at a desktop and a phone width."""

from __future__ import annotations

import os
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from klientstod.models import Role, User

from .browser import AccessibilityChecker, fresh_code, log_in, log_out
from .factories import PASSWORD, ProcessFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "mitt-eget-långa-lösenord-9"


@pytest.mark.parametrize("width", [1280, 390])
def test_first_login_with_an_enrolment_code_and_a_new_password(width, live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    newcomer = UserFactory(
        username="ny.samordnare",
        first_name="Nora",
        last_name="Nilsson",
        role=Role.COORDINATOR,
        processes=[process],
        must_change_password=True,
    )
    page, axe = browser_page, AccessibilityChecker()
    page.set_viewport_size({"width": width, "height": 900})
    shots = os.environ.get("SCREENSHOT_DIR")

    # The administrator issues the code from the user's page; it is shown once.
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/klientstod/user/{newcomer.pk}/change/")
    if shots:
        page.screenshot(path=f"{shots}/{width}-admin-user.png", full_page=True)
    page.get_by_role("link", name="Autentiseringsapp").click()
    if shots:
        page.screenshot(path=f"{shots}/{width}-admin-enrolment.png", full_page=True)
    page.get_by_role("button", name="Utfärda en aktiveringskod").click()
    shown = page.locator(".ks-enrolment-code strong").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", shown)
    if shots:
        page.screenshot(path=f"{shots}/{width}-admin-enrolment-code.png", full_page=True)
    page.goto(f"{live_server.url}/")
    if width < 1200:
        page.get_by_role("button", name="Visa meny").click()
    log_out(page)

    # The newcomer: password, then the enrolment code, then the app.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Användarnamn").fill("ny.samordnare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Steg 1 av 2").wait_for()
    assert page.locator("svg").count() == 0
    axe.check(page, f"{width}-aktiveringskod")
    page.get_by_label("Aktiveringskod").fill("ABCD-EFGH-JKMN")
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_text("Koden är fel").wait_for()
    axe.check(page, f"{width}-aktiveringskod-fel")
    page.get_by_label("Aktiveringskod").fill(shown.lower())
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_text("Steg 2 av 2").wait_for()
    axe.check(page, f"{width}-skanna-appen")
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    page.get_by_label("Sexsiffrig kod från din autentiseringsapp").fill(fresh_code(device))
    page.get_by_role("button", name="Bekräfta och fortsätt").click()

    # Then the password the administrator set is replaced before anything else.
    page.get_by_text("Administratören har satt ditt lösenord").wait_for()
    axe.check(page, f"{width}-byt-losenord")
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Byt lösenord").click()
    page.get_by_role("heading", name="Ditt lösenord är bytt").wait_for()
    axe.check(page, f"{width}-losenord-bytt")
    page.get_by_role("link", name="Fortsätt").click()
    page.get_by_role("heading", name="Min dag").wait_for()
    axe.check(page, f"{width}-min-dag")
    user = User.objects.get(pk=newcomer.pk)
    assert user.check_password(NEW_PASSWORD)
    assert not user.must_change_password
    assert TOTPDevice.objects.get(user=user).confirmed

    # Later, from the user menu, whenever the user wants.
    if width < 1200:
        page.get_by_role("button", name="Visa meny").click()
        # The menu slides open; the user menu is clicked once it stands still.
        page.locator("#ks-nav.show:not(.collapsing)").wait_for()
    page.locator("#ks-user-menu").click()
    page.locator("#ks-user-menu + .dropdown-menu.show").wait_for()
    axe.check(page, f"{width}-anvandarmeny")
    page.get_by_role("link", name="Byt lösenord").click()
    page.get_by_role("heading", name="Byt lösenord").wait_for()
    assert "Administratören har satt" not in page.content()
    axe.assert_clean()
