"""A real double click in Chromium books one meeting: with the page's script, and without it."""

from __future__ import annotations

import datetime
import os
import re
import threading
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klientstod.models import Meeting, Role

from .browser import log_in
from .factories import CaseFactory, ClientFactory, ProcessFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_booking(monkeypatch):
    """Booking takes two seconds, so that the second click comes while the first runs.

    (Even on a busy machine, where the driver's 150 ms between the clicks may stretch.)
    """
    from klientstod import services

    book = services.meeting_book

    def slow_book(**kwargs: Any) -> Any:
        meeting = book(**kwargs)
        threading.Event().wait(2)
        return meeting

    monkeypatch.setattr(services, "meeting_book", slow_book)


def double_click_book(page, live_server, case, day: int) -> list[str]:
    """Fill in the meeting form and double-click "Boka"; the POSTs the browser sent."""
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.goto(f"{live_server.url}/cases/{case.pk}/meetings/new/")
    moment = timezone.localdate() + datetime.timedelta(days=day)
    page.locator("#id_kind").select_option("alliance")
    page.locator("#id_starts_at").fill(f"{moment:%Y-%m-%d}T10:00")
    page.locator("#id_location").fill("Kommunhuset")
    # A person's double click: each press lasts a moment, so the second click comes after
    # the first has sent the form (a double click without delay is one sending in Chromium).
    page.get_by_role("button", name="Boka", exact=True).dblclick(delay=150)
    # Polls the address: a second sending that the browser aborts is not a failure here.
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"), timeout=15_000)
    page.wait_for_load_state("load")
    return posts


def test_a_double_click_on_book_makes_one_meeting(live_server, browser_page, slow_booking):
    process = ProcessFactory(name="Klientstöd Båstad")
    UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    case = CaseFactory(process=process, client=ClientFactory(first_name="Leyla"))
    page = browser_page
    log_in(page, live_server, "samordnare")

    # The script disables the button after the first click: one POST.
    posts = double_click_book(page, live_server, case, day=3)
    assert len(posts) == 1, posts
    assert page.get_by_text("Samtalet har bokats.").is_visible()
    assert Meeting.objects.filter(case=case).count() == 1

    # Without the script both clicks are sent; the server runs the first only.
    browser = page.context.browser
    context = browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", java_script_enabled=False
    )
    context.add_cookies(page.context.cookies())  # the same login (a code is used once)
    bare = context.new_page()
    bare.set_default_timeout(15_000)
    posts = double_click_book(bare, live_server, case, day=4)
    if os.environ.get("SCREENSHOT_DIR"):
        bare.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/double-click-without-script.png")
    assert len(posts) == 2, posts
    assert Meeting.objects.filter(case=case).count() == 2  # one from each page
    assert bare.get_by_text(
        "Du skickade formuläret två gånger – det har sparats en gång."
    ).is_visible()
    context.close()
