"""Helpers for the browser journeys: the system Chromium through Playwright, and axe-core."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=sv-SE",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str:
    """The system Chromium, or a skip (a failure when REQUIRE_BROWSER=1) when it is missing."""
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    found = shutil.which(path) or (path if Path(path).is_file() else None)
    if found:
        return found
    reason = (
        f"no Chromium at {path} (install Debian's chromium or set CHROMIUM_PATH); "
        "the browser journeys did not run"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class AccessibilityChecker:
    """Runs axe-core on a page and collects WCAG 2.1 A/AA violations."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.problems: list[str] = []
        self.pages: list[str] = []
        self.screenshots = os.environ.get("SCREENSHOT_DIR")

    def check(self, page, name: str) -> None:
        page.wait_for_load_state("load")
        results = self.axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        self.pages.append(name)
        if results.violations_count:
            self.problems.append(f"{name} ({page.url}):\n{results.generate_report()}")
        if self.screenshots:
            Path(self.screenshots).mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=f"{self.screenshots}/{len(self.pages):02d}-{name}.png", full_page=True
            )

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def fresh_code(device) -> str:
    """A code the device will accept now: the current step's, unless that one was used.

    django-otp accepts each step's code once; two logins of one user within 30 seconds
    (a journey that logs out and in again) need the next step's, which the device's
    tolerance lets in, or, failing that, a moment's wait for the next step.
    """
    import contextlib
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while True:
        with contextlib.suppress(type(device).DoesNotExist):  # a device just taken away
            device.refresh_from_db()
        totp.time = time.time()
        now = totp.t()
        target = max(now, device.last_t + 1)
        if target - now <= device.tolerance:
            totp.time += (target - now) * device.step
            return f"{totp.token():06d}"
        time.sleep(1)


def log_in(page, live_server, username: str, axe: AccessibilityChecker | None = None) -> None:
    from django.conf import settings

    from klientstod.models import User

    from .conftest import verified_device
    from .factories import PASSWORD

    # Users of the roles that need a second factor have their authenticator set up.
    user = User.objects.get(username=username)
    needs_app = user.role in settings.KLIENTSTOD_2FA_ROLES or user.is_staff
    device = verified_device(user) if needs_app else None
    page.goto(f"{live_server.url}/accounts/login/")
    if axe:
        axe.check(page, "login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("load")
    if device is not None:
        assert "/two-factor/" in page.url, page.url
        if axe:
            axe.check(page, "two-factor")
        page.get_by_label("Sexsiffrig kod från din autentiseringsapp").fill(fresh_code(device))
        page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_load_state("load")


def log_out(page) -> None:
    # Wait for the navigation the logout starts: the page already shown is loaded, so
    # waiting for a load state alone returns before the session has ended.
    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state("load")
