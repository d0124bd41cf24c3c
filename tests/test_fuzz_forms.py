"""Every form, posted with arbitrary text, numbers and dates: never a server error.

Hypothesis fills each form's fields (read from the page itself) with anything a
person could type or paste. A refusal must come back as the form with its
errors; nothing may raise. Each example is sent as a person would send it: with
the one-time token of the form it was typed into (the re-rendered form after a
refusal, a freshly loaded one after a success), so that every example runs the
view rather than being answered as a second sending of the same form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klientstod.models import Role

from .conftest import built_once, log_in_fully, make_users, session_client
from .factories import (
    CaseFactory,
    MeetingFactory,
    ProcessFactory,
    ReferralFactory,
    SlotFactory,
    work_with_client,
)

FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
SKIP = {"csrfmiddlewaretoken", "submission_token", "language", "next"}
FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>.*?</form>", re.S)
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def token_of_form(html: str, name: str) -> str:
    """The one-time token of the POST form on the page with the field ``name``."""
    [form] = [form for form in FORM.findall(html) if f'name="{name}"' in form]
    [token] = TOKEN.findall(form)
    return token


#: Pieces of Django template syntax, markup and spreadsheet formulas: typed text must stay
#: text wherever it goes (tests/test_injection.py follows it onto the pages).
HOSTILE = [
    "{{", "}}", "{%", "%}", "{#", "#}", "|safe", "|add:1", " 7", "request.COOKIES",
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "\"", "'", "&amp;", "$",
    "=", "+", "-", "@", "\t", "\r", "\n", "\x00", "HYPERLINK(\"http://x\")", "SUM(A1:A9)",
]  # fmt: skip

anything = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(lambda day: day.isoformat()),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["", " ", "0", "on", "true", "1e309", "NaN", "<script>", "'; --", "\x00"]),
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=12).map("".join),
    st.sampled_from(
        [
            "{{ 7|add:1 }}<script>alert(1)</script>",
            "{% load static %}{% static 'x' %}",
            "{{ request.COOKIES.sessionid }}",
            '=HYPERLINK("http://x")',
            "+46 70 123 45 67",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A9)",
        ]
    ),
)


#: Each form as (role, URL name, the arguments taken from the test objects).
FORMS: list[tuple[str, str, Callable[[dict[str, Any]], list[Any]]]] = [
    (Role.COORDINATOR, "klientstod:client-create", lambda o: []),
    (Role.COORDINATOR, "klientstod:client-update", lambda o: [o["case"].client_id]),
    (Role.COORDINATOR, "klientstod:case-update", lambda o: [o["case"].pk]),
    (Role.COORDINATOR, "klientstod:case-close", lambda o: [o["case"].pk]),
    (Role.COORDINATOR, "klientstod:meeting-create", lambda o: [o["case"].pk]),
    (Role.COORDINATOR, "klientstod:meeting-outcome", lambda o: [o["meeting"].pk]),
    (Role.COORDINATOR, "klientstod:consent-create", lambda o: [o["case"].client_id]),
    (Role.REFERRER, "referrals:referral-create", lambda o: []),
    (Role.COORDINATOR, "referrals:referral-paper-create", lambda o: []),
    (Role.COORDINATOR, "referrals:referral-actualise", lambda o: [o["referral"].pk]),
    (Role.COORDINATOR, "referrals:referral-decline", lambda o: [o["referral"].pk]),
    (Role.COORDINATOR, "referrals:slot-list", lambda o: []),
    (Role.REFERRER, "referrals:consultation-create", lambda o: []),
    (Role.COORDINATOR, "interventions:fia", lambda o: [o["case"].pk]),
    (Role.COORDINATOR, "interventions:fia-edit", lambda o: [o["case"].pk]),
    (Role.COORDINATOR, "interventions:assessment-create", lambda o: [o["case"].pk]),
    (Role.COORDINATOR, "interventions:offer-create", lambda o: [o["case"].pk]),
    (Role.COORDINATOR, "interventions:intervention-create", lambda o: [o["case"].pk]),
    (Role.COORDINATOR, "interventions:group-create", lambda o: []),
    (Role.COORDINATOR, "interventions:group-detail", lambda o: [o["group"].pk]),
    (Role.COORDINATOR, "interventions:information-meeting-create", lambda o: []),
    (Role.COORDINATOR, "interventions:contact-create", lambda o: []),
    (Role.COORDINATOR, "reporting:plan", lambda o: [o["case"].process_id]),
    # An administrator's questionnaire: the current version and an older one.
    (
        Role.ADMIN,
        "admin:interventions_questionnaire_change",
        lambda o: [o["questionnaire_versions"][0]],
    ),
    (
        Role.ADMIN,
        "admin:interventions_questionnaire_change",
        lambda o: [o["questionnaire_versions"][1]],
    ),
]


def form_pages(objects: dict[str, Any]) -> list[tuple[str, str]]:
    """Each form of ``FORMS`` as (role, URL) for these objects."""
    return [(role, reverse(name, args=arguments(objects))) for role, name, arguments in FORMS]


@pytest.fixture(scope="module")
def fuzzed(django_db_setup, django_db_blocker) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """The records and a session per role, built once; each test runs in a savepoint."""
    with built_once(django_db_blocker):
        with django_db_blocker.unblock():
            process = ProcessFactory()
            users = make_users(process)
            coordinator, referrer = users[Role.COORDINATOR], users[Role.REFERRER]
            case = CaseFactory(process=process, coordinator=coordinator)
            objects = {
                "case": case,
                "meeting": MeetingFactory(case=case),
                "referral": ReferralFactory(
                    process=process, referrer=referrer, organisation=referrer.organisation
                ),
                "slot": SlotFactory(process=process, created_by=coordinator),
                **work_with_client(case, coordinator),
                "questionnaire_versions": questionnaire_versions(),
            }
            sessions = {role: session_of(user) for role, user in users.items()}
        yield objects, sessions


def session_of(user: Any) -> str:
    http = HttpClient()
    log_in_fully(http, user)
    return http.cookies[django_settings.SESSION_COOKIE_NAME].value


def questionnaire_versions() -> list[int]:
    from interventions import services
    from interventions.models import Questionnaire

    older = Questionnaire.objects.get(kind="work", is_current=True)
    current = services.questionnaire_save(
        questionnaire=Questionnaire(kind="work", title="Arbete, version 2"),
        items=[("Hur går det?", "scale")],
    )
    return [current.pk, older.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url_name", "arguments"),
    FORMS,
    ids=[f"{name}-{number}" for number, (_, name, _) in enumerate(FORMS)],
)
def test_every_form_survives_arbitrary_input(fuzzed, role, url_name, arguments):
    objects, sessions = fuzzed
    url = reverse(url_name, args=arguments(objects))
    http = session_client(sessions[role])
    page = http.get(url)
    assert page.status_code == 200, url
    names = sorted({name for name in FIELD.findall(page.content.decode())} - SKIP)
    assert names, f"no fields found on {url}"

    def check(url: str, http: Any, names: list[str], token: str) -> None:
        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(st.fixed_dictionaries({name: anything for name in names}))
        def post(data: dict[str, str]) -> None:
            nonlocal token
            # Any exception here (a 500 in production) fails the test.
            response = http.post(url, {**data, "submission_token": token})
            assert response.status_code in (200, 302, 400), (url, response.status_code)
            if response.status_code == 200:
                # Refused: the form is back, with its errors on show.
                html = response.content.decode()
                assert any(
                    sign in html for sign in ("invalid-feedback", "alert-danger", "errornote")
                ), url
                token = token_of_form(html, names[0])
            else:
                token = token_of_form(http.get(url).content.decode(), names[0])

        post()

    check(url, http, names, token_of_form(page.content.decode(), names[0]))
