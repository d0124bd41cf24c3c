"""Every page the coordinator, the referrer and the steering group use fits a 390 px phone:
no page is wider than the screen (no sideways scrolling).

Each role's pages (its menu and the pages one click from it, with a record of each kind)
are opened in Chromium at 390 × 844 px and the document's width is measured. Which pages
each role reaches is proved by the crawl of tests/test_navigation.py; here one page of
each kind keeps the test quick.
"""

from __future__ import annotations

import os
import re

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from klientstod.models import Role

from .conftest import log_in_fully
from .factories import (
    CaseFactory,
    ConsultationFactory,
    MeetingFactory,
    MilestoneFactory,
    ReferralFactory,
    SlotFactory,
    work_with_client,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def _pages(process, users) -> dict[str, list[str]]:
    coordinator, referrer = users[Role.COORDINATOR], users[Role.REFERRER]
    case = CaseFactory(process=process, coordinator=coordinator)
    meeting = MeetingFactory(case=case)
    work = work_with_client(case, coordinator)
    mine = {"process": process, "referrer": referrer, "organisation": referrer.organisation}
    referral = ReferralFactory(**mine)
    slot = SlotFactory(process=process, created_by=coordinator)
    consultation = ConsultationFactory(process=process, asked_by=referrer)
    milestone = MilestoneFactory(process=process)
    p = process.pk
    report = [
        reverse("klientstod:home"),
        reverse("reporting:report-index"),
        reverse("reporting:report", args=[p]),
        reverse("reporting:report", args=[p]) + "?preset=year&year=2026",
        reverse("reporting:dashboard", args=[p]),
    ]
    return {
        Role.COORDINATOR: [
            *report,
            reverse("klientstod:case-detail", args=[case.pk]),
            reverse("klientstod:case-list"),
            reverse("klientstod:client-detail", args=[case.client_id]),
            reverse("klientstod:client-create"),
            reverse("klientstod:meeting-create", args=[case.pk]),
            reverse("klientstod:meeting-outcome", args=[meeting.pk]),
            reverse("klientstod:case-close", args=[case.pk]),
            reverse("referrals:referral-inbox"),
            reverse("referrals:referral-detail", args=[referral.pk]),
            reverse("referrals:referral-actualise", args=[referral.pk]),
            reverse("referrals:referral-paper-create"),
            reverse("referrals:slot-list"),
            reverse("referrals:slot-delete", args=[slot.pk]),
            reverse("referrals:consultation-list"),
            reverse("referrals:consultation-detail", args=[consultation.pk]),
            reverse("interventions:fia", args=[case.pk]),
            reverse("interventions:fia-edit", args=[case.pk]),
            reverse("interventions:bibliotherapy"),
            reverse("interventions:participant-detail", args=[work["offer"].pk]),
            reverse("interventions:group-detail", args=[work["group"].pk]),
            reverse("interventions:partner-overview"),
            reverse("reporting:plan", args=[p]),
            reverse("reporting:plan-item-delete", args=[p, "milestone", milestone.pk]),
            reverse("reporting:finsam"),
            reverse("klientstod:calendar"),
            reverse("klientstod:calendar") + "?view=day",
            reverse("klientstod:calendar-subscription"),
        ],
        Role.REFERRER: [
            reverse("referrals:referral-mine"),
            reverse("referrals:referral-create"),
            reverse("referrals:referral-detail", args=[referral.pk]),
            reverse("referrals:consultation-list"),
            reverse("referrals:consultation-create"),
            reverse("referrals:consultation-detail", args=[consultation.pk]),
            reverse("referrals:information"),
        ],
        Role.STEERING: report,
    }


def _session(user) -> str:
    http = HttpClient()
    log_in_fully(http, user)
    return http.cookies[settings.SESSION_COOKIE_NAME].value


def _headers_on_one_line(page, url: str) -> None:
    """The case page's cards keep their heading and its link on one line, on a phone and
    on a laptop (where the cards stand side by side); the page, with the coordinator's full
    menu, is no wider than the screen."""
    for width in (PHONE["width"], 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url, wait_until="domcontentloaded")
        tops = page.evaluate(
            """[...document.querySelectorAll('.card-header.d-flex')].map(header =>
                [...header.children].map(child => Math.round(child.getBoundingClientRect().top)))"""
        )
        assert tops, url
        # A wrapped line starts a line's height (about 20 px) lower.
        wrapped = [
            header
            for header, row in zip(
                page.locator(".card-header.d-flex").all_inner_texts(), tops, strict=True
            )
            if max(row) - min(row) >= 8
        ]
        assert not wrapped, f"{width} px: {wrapped}"
        # The menu too: nothing of it (the logout button last) falls off the side.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size(PHONE)


def test_every_page_fits_a_phone(process, users, live_server, browser_page):
    pages = _pages(process, users)
    page = browser_page
    page.set_viewport_size(PHONE)
    too_wide: dict[str, int] = {}
    for role, urls in pages.items():
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": _session(users[role]),
                    "url": live_server.url,
                }
            ]
        )
        for url in urls:
            response = page.goto(f"{live_server.url}{url}", wait_until="domcontentloaded")
            assert response is not None
            assert response.status == 200, f"{role} {url}: {response.status}"
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[f"{role} {url}"] = width
            if role == Role.COORDINATOR and re.fullmatch(r"/cases/\d+/", url):
                _headers_on_one_line(page, f"{live_server.url}{url}")
            if SCREENSHOTS:
                name = url.strip("/").replace("/", "_").replace("?", "_") or "start"
                page.screenshot(path=f"{SCREENSHOTS}/{role}-{name}.png", full_page=True)
    assert not too_wide, f"wider than {PHONE['width']} px: {too_wide}"
