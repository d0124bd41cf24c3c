"""The demo, proved through its pages: every page each demo user reaches answers.

``manage.py seed_demo`` builds the demo with the services, so the rules are the
services' own and are tested where they live. Here the demo is seeded once and
each demo user (README: password ``klientstod-demo``) logs in through the login
form and follows the links of the pages they see, from their start page on:
every page reached must answer 200. A few counts check that the story is all
there: thirty clients, and every stage of a case, a meeting, a referral, a FIA
and a bibliotherapy offer.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from html import unescape
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from devtools.demo.people import COORDINATOR_USERNAME, DEMO_PASSWORD, USERS
from interventions.models import BibliotherapyOffer, FiaInterview, FiaStatus, OfferResponse
from klientstod.models import Case, CaseStatus, Client, Meeting, MeetingStatus, Role, User
from referrals.models import Letter, Referral, ReferralStatus

from .conftest import built_once

#: Pages of one kind (one URL pattern) opened per user: two, with different arguments.
PER_PATTERN = 2
#: Not pages: leaving, switching the language, and the static files.
NOT_PAGES = {"logout", "set_language", "admin:logout", "admin:view_on_site"}
HREF = re.compile(r'href="([^"#]+)"')


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def logged_in(username: str) -> HttpClient:
    """A browser that logged in through the login form, as a person at the demo would."""
    http = HttpClient()
    response = http.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"
    return http


def links(html: str) -> Iterable[str]:
    for href in HREF.findall(html):
        url = unescape(href)
        if url.startswith("/") and not url.startswith("//"):
            yield url


def crawl(http: HttpClient) -> dict[str, int]:
    """Every page reachable from the start page, ``PER_PATTERN`` of each kind: url -> status."""
    answered: dict[str, int] = {}
    opened: Counter[str] = Counter()
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        if url in answered:
            continue
        try:
            name = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue  # a static file or a media link: not a page
        if name in NOT_PAGES or opened[name] >= PER_PATTERN:
            continue
        opened[name] += 1
        response = http.get(url)
        answered[url] = response.status_code
        if response.status_code in (301, 302):
            queue.appendleft(response["Location"])
            continue
        if "text/html" in response.get("Content-Type", ""):
            queue.extend(links(response.content.decode()))
    return answered


@pytest.mark.django_db
def test_refuses_without_debug(settings) -> None:
    settings.DEBUG = False
    before = (User.objects.count(), Client.objects.count())
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        seed()
    assert (User.objects.count(), Client.objects.count()) == before


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo, seeded once for the module (rolled back at its end): the seed's output."""
    with override_settings(DEBUG=True, KLIENTSTOD_REQUIRE_2FA=False), built_once(django_db_blocker):
        with django_db_blocker.unblock():
            output = seed()
        yield output


@pytest.mark.django_db
@pytest.mark.parametrize("spec", USERS, ids=[spec.username for spec in USERS])
def test_every_page_of_every_demo_user_answers(demo, spec) -> None:
    # The demo runs without the second factor (``make run``), as DEBUG makes it.
    assert f"{COORDINATOR_USERNAME} / {DEMO_PASSWORD}" in demo
    answered = crawl(logged_in(spec.username))
    failing = {url: status for url, status in answered.items() if status not in (200, 302)}
    assert not failing, f"{spec.username}: {failing}"
    # More than the start page: the links were followed.
    assert sum(status == 200 for status in answered.values()) >= 5, spec.username
    if spec.username == COORDINATOR_USERNAME:
        # The coordinator works with every part of the story.
        assert len(answered) >= 40, len(answered)


def test_the_demo_has_a_user_of_every_role() -> None:
    assert {spec.role for spec in USERS} == set(Role.values)


@pytest.mark.django_db
def test_the_story_has_every_stage_and_a_second_run_changes_nothing(demo) -> None:
    assert Client.objects.count() == 30
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(Meeting.objects.values_list("status", flat=True)) == set(MeetingStatus.values)
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert set(FiaInterview.objects.values_list("status", flat=True)) == set(FiaStatus.values)
    # Every answer to an offer of bibliotherapy (none still waits for one).
    assert set(BibliotherapyOffer.objects.values_list("response", flat=True)) == {
        OfferResponse.ACCEPTED,
        OfferResponse.DECLINED,
        OfferResponse.NOT_OFFERED_LANGUAGE,
    }
    # Every case came in as a referral, with its welcome letter; every decline has its letter.
    actualised = Referral.objects.filter(status=ReferralStatus.ACTUALISED)
    assert actualised.count() == Case.objects.count()
    assert (
        Letter.objects.count()
        == actualised.count() + Referral.objects.filter(status=ReferralStatus.NOT_RELEVANT).count()
    )
    # Alive today: meetings today and meetings awaiting their outcome.
    today = timezone.localdate()
    assert Meeting.objects.filter(starts_at__date=today).exists()
    assert Meeting.objects.awaiting_outcome().exists()

    counts = [
        model.objects.count() for model in (Client, Case, Meeting, Referral, Letter, FiaInterview)
    ]
    assert "already there" in seed()
    assert [
        model.objects.count() for model in (Client, Case, Meeting, Referral, Letter, FiaInterview)
    ] == counts
    assert User.objects.filter(username=COORDINATOR_USERNAME).count() == 1
