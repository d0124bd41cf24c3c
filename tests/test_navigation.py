"""The menu shows the way: each role's pages are in its menu, and the menu marks where you are.

Each role starts on its start page and follows the links of the pages it sees (one page
of each kind). Every page it reaches that stands on its own (a URL without a record
in it: a list, an index, a form for something new) is in the role's menu or one click
from a page in it. On each menu page, that page's menu entry is marked as the current
page, and only that one. Every page says what it is in its ``<title>`` and its one ``h1``.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client as HttpClient
from django.urls import Resolver404, resolve

from klientstod.models import Role

from .factories import (
    CaseFactory,
    ConsultationFactory,
    MeetingFactory,
    ReferralFactory,
    ReportingDeadlineFactory,
    SlotFactory,
    work_with_client,
)

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)"')
MENU = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>', re.S)
MENU_LINK = re.compile(r'<a class="nav-link[^"]*"\s*(aria-current="page")?\s*href="([^"]+)"')
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
H1 = re.compile(r"<h1[ >]")
#: Not pages: leaving, switching the language, Django's admin, downloads.
NOT_PAGES = {"logout", "set_language"}


def _view(url: str) -> tuple[str, bool] | None:
    """The view name of ``url`` and whether it names a record, or None if it is not ours."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name in NOT_PAGES or match.view_name.startswith("admin:"):
        return None
    return match.view_name, bool(match.kwargs)


def _links(html: str) -> list[str]:
    return [
        unescape(href)
        for href in HREF.findall(html)
        if href.startswith("/") and not href.startswith("//")
    ]


def _menu(html: str) -> list[tuple[str, bool]]:
    """The menu's links: (url, marked as the current page)."""
    block = MENU.search(html)
    assert block, "no menu"
    return [(unescape(url), bool(current)) for current, url in MENU_LINK.findall(block[1])]


def _crawl(http: HttpClient) -> dict[str, tuple[str, str, bool]]:
    """Pages reached from the start page, one of each kind: url -> (html, view, names a record)."""
    pages: dict[str, tuple[str, str, bool]] = {}
    seen: set[str] = set()
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        view = _view(url)
        if url in seen or view is None or view[0] in seen:
            continue
        seen |= {url, view[0]}
        response = http.get(url)
        if response.status_code == 302:
            queue.appendleft(response["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        pages[url] = (html, view[0], view[1])
        queue.extend(_links(html))
    return pages


@pytest.fixture
def world(process, users):
    coordinator, referrer = users[Role.COORDINATOR], users[Role.REFERRER]
    case = CaseFactory(process=process, coordinator=coordinator)
    MeetingFactory(case=case)
    work_with_client(case, coordinator)
    mine = {"process": process, "referrer": referrer, "organisation": referrer.organisation}
    ReferralFactory(**mine)
    SlotFactory(process=process, created_by=coordinator)
    ConsultationFactory(process=process, asked_by=referrer)
    ReportingDeadlineFactory(process=process)
    return users


#: Pages each role must find in its menu.
MUST_BE_IN_MENU = {
    Role.COORDINATOR: {
        "klientstod:home",
        "klientstod:case-list",
        "referrals:referral-inbox",
        "referrals:slot-list",
        "referrals:consultation-list",
        "reporting:report-index",
        "interventions:bibliotherapy",
    },
    Role.REFERRER: {"referrals:referral-mine", "referrals:consultation-list"},
    Role.STEERING: {"klientstod:home", "reporting:report-index"},
    Role.EVALUATOR: {"klientstod:home", "reporting:report-index"},
    Role.BIBLIOTHERAPIST: {"interventions:bibliotherapy"},
    Role.ADMIN: {"klientstod:home", "reporting:report-index", "klientstod:audit-log"},
}


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_page_a_role_reaches_is_in_its_menu_and_says_what_it_is(world, role):
    http = HttpClient()
    http.force_login(world[role])
    pages = _crawl(http)
    assert len(pages) >= 2, pages.keys()
    start_html = next(iter(pages.values()))[0]
    menu_urls = [url for url, _current in _menu(start_html)]
    menu_views = {view[0] for url in menu_urls if (view := _view(url))}
    assert MUST_BE_IN_MENU[role] <= menu_views, MUST_BE_IN_MENU[role] - menu_views

    one_click = set(menu_views)
    for url in menu_urls:
        if url in pages:
            one_click |= {view[0] for link in _links(pages[url][0]) if (view := _view(link))}
    standalone = {view for _html, view, names_a_record in pages.values() if not names_a_record}
    lost = standalone - one_click
    assert not lost, f"{role} reaches {sorted(lost)}, neither in the menu nor one click from it"

    for url in menu_urls:
        if url not in pages:
            continue
        marked = [link for link, current in _menu(pages[url][0]) if current]
        assert marked == [url], f"{role} on {url}: menu marks {marked}"
        assert 'nav-link active" aria-current="page"' in pages[url][0]  # seen, not only heard

    _assert_each_page_says_what_it_is(pages)


def _assert_each_page_says_what_it_is(pages: dict[str, tuple[str, str, bool]]) -> None:
    titles: dict[str, str] = {}
    for url, (html, view, _names_a_record) in pages.items():
        title = TITLE.search(html)
        assert title, url
        text = " ".join(unescape(title[1]).split())
        assert not text.startswith("·"), f"{url} has no title"
        assert len(H1.findall(html)) == 1, f"{url} ({view}) has not one h1"
        titles[view] = text.split(" · ")[0]
    if "reporting:dashboard" in titles and "klientstod:home" in titles:
        assert titles["reporting:dashboard"] != titles["klientstod:home"]
