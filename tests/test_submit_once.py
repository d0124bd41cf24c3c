"""A double click makes one record: every POST form carries a one-time token.

The second sending of a form with the same token (a double click, a resubmitting
reload, a second tab) does not run the view again but ends where the first ended.
These tests post without JavaScript: the server holds the rule on its own.
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from interventions.models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    GroupSession,
    InformationMeeting,
    Intervention,
    PlanItem,
    SelfAssessment,
)
from klientstod import submissions
from klientstod.models import Case, Client, Consent, FormSubmission, Meeting, Role
from referrals.models import (
    Consultation,
    ConsultationMessage,
    Letter,
    Referral,
    ReferralSlot,
)
from reporting.models import BudgetLine, Cost, Milestone, ReportingDeadline, VacationPeriod

from .factories import (
    CaseFactory,
    ConsentFactory,
    ConsultationFactory,
    MeetingFactory,
    ReferralFactory,
    SlotFactory,
    UserFactory,
    questionnaires,
    work_with_client,
)
from .test_access import named_urls
from .test_clients import client_post
from .test_fuzz_forms import form_pages, questionnaire_versions
from .test_referrals import remiss

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post", re.I)
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def today(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def later(days: int, hour: int = 10) -> str:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def token_of_form(html: str, field: str) -> str:
    """The one-time token of the POST form on the page that has the field ``field``."""
    for form in FORM.findall(html):
        if POST_FORM.match(form) and f'name="{field}"' in form:
            [token] = TOKEN.findall(form)
            return token
    raise AssertionError(f"no POST form with {field} on the page")


def form_errors(response: Any) -> list[Any]:
    """The errors of the forms on a page that came back, to say why a sending failed."""
    return [
        form.errors
        for context in response.context or []
        for value in context.flatten().values()
        for form in (value.values() if isinstance(value, dict) else [value])
        if getattr(form, "errors", None)
    ]


# Every form that makes a record, posted twice ------------------------------------------


@dataclass
class Sending:
    role: str
    url: Callable[[dict[str, Any]], str]
    data: Callable[[dict[str, Any]], dict[str, Any]]
    #: The records the form makes; one sending adds one.
    count: Callable[[], int]


SENDINGS: dict[str, Sending] = {
    "referrals:referral-create": Sending(
        Role.REFERRER,
        lambda o: reverse("referrals:referral-create"),
        lambda o: remiss(o["process"]),
        Referral.objects.count,
    ),
    "referrals:referral-paper-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:referral-paper-create"),
        lambda o: remiss(
            o["process"],
            organisation=o["partner"].pk,
            referrer_name="Handläggare på FK",
            received_on=today(-3),
        ),
        Referral.objects.count,
    ),
    "referrals:referral-actualise": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:referral-actualise", args=[o["referral"].pk]),
        lambda o: {
            "start_date": today(),
            "coordinator": o["coordinator"].pk,
            "first_meeting_at": later(4),
            "duration_minutes": "60",
            "location": "Kommunhuset",
        },
        Case.objects.count,
    ),
    "referrals:referral-decline": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:referral-decline", args=[o["referral"].pk]),
        lambda o: {"reason": "illness", "note": "Återkom efter behandling."},
        Letter.objects.count,
    ),
    "referrals:slot-list": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:slot-list"),
        lambda o: {
            "process": o["process"].pk,
            "starts_at": later(5),
            "duration_minutes": "60",
            "location": "Kommunhuset",
        },
        ReferralSlot.objects.count,
    ),
    "referrals:consultation-create": Sending(
        Role.REFERRER,
        lambda o: reverse("referrals:consultation-create"),
        lambda o: {
            "process": o["process"].pk,
            "subject": "Fråga",
            "body": "Kvinna 40 år, lång sjukskrivning.",
        },
        Consultation.objects.count,
    ),
    "referrals:consultation-detail": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:consultation-detail", args=[o["consultation"].pk]),
        lambda o: {"body": "Ja, skicka gärna en remiss."},
        ConsultationMessage.objects.count,
    ),
    "klientstod:client-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:client-create"),
        lambda o: client_post(
            **{
                "case-process": o["process"].pk,
                "case-coordinator": o["coordinator"].pk,
                "case-start_date": today(),
            }
        ),
        Client.objects.count,
    ),
    "klientstod:case-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:case-create", args=[o["closed"].client_id]),
        lambda o: {"case-process": o["process"].pk, "case-start_date": today()},
        Case.objects.count,
    ),
    "klientstod:meeting-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:meeting-create", args=[o["case"].pk]),
        lambda o: {
            "kind": "alliance",
            "starts_at": later(3),
            "duration_minutes": "60",
            "location": "Kommunhuset",
        },
        Meeting.objects.count,
    ),
    "klientstod:meeting-outcome": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:meeting-outcome", args=[o["meeting"].pk]),
        lambda o: {"status": "rebooked", "journal_note": "Sjuk", "new_starts_at": later(9)},
        Meeting.objects.count,
    ),
    "klientstod:consent-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:consent-create", args=[o["case"].client_id]),
        lambda o: {
            "kind": "information_sharing",
            "organisation": o["partner"].pk,
            "given_on": today(),
        },
        Consent.objects.count,
    ),
    "interventions:fia-edit": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:fia-edit", args=[o["case"].pk]),
        lambda o: {
            "area_housing": "Bor i hyresrätt.",
            "client_goals": "Få en praktikplats.",
            "assessment": "Motiverad.",
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-0-goal": "Arbete",
            "plan-0-activity": "Praktik",
            "plan-0-follow_up_on": today(30),
        },
        PlanItem.objects.count,
    ),
    "interventions:assessment-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:assessment-create", args=[o["case"].pk]),
        lambda o: {
            "occasion": "periodic",
            "answered_on": today(),
            f"item_{o['forms']['klientstod'].items.first().pk}": "3",
        },
        SelfAssessment.objects.count,
    ),
    "interventions:offer-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:offer-create", args=[o["case"].pk]),
        lambda o: {"offered_on": today(), "response": "declined", "decline_reason": "disability"},
        BibliotherapyOffer.objects.count,
    ),
    "interventions:intervention-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:intervention-create", args=[o["case"].pk]),
        lambda o: {"kind": "studies", "starts_on": today(), "status": "ongoing"},
        Intervention.objects.count,
    ),
    "interventions:group-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:group-create"),
        lambda o: {"process": o["process"].pk, "name": "Grupp 2", "starts_on": today()},
        BibliotherapyGroup.objects.count,
    ),
    "interventions:group-detail": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:group-detail", args=[o["group"].pk]),
        lambda o: {"held_on": today(), "theme": "Dikter om hav", "attended": [o["offer"].pk]},
        GroupSession.objects.count,
    ),
    "interventions:information-meeting-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:information-meeting-create"),
        lambda o: {"process": o["process"].pk, "held_on": today(), "place": "Biblioteket"},
        InformationMeeting.objects.count,
    ),
    "interventions:contact-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:contact-create"),
        lambda o: {
            "process": o["process"].pk,
            "organisation": o["partner"].pk,
            "held_on": today(),
            "kind": "information_meeting",
            "state": "informed",
            "note": "Presenterade Klientstöd.",
        },
        CollaborationContact.objects.count,
    ),
    "reporting:plan milestone": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "milestone",
            "milestone-metric": "started",
            "milestone-target": "28",
            "milestone-deadline": today(200),
        },
        Milestone.objects.count,
    ),
    "reporting:plan budget": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "budget",
            "budget-year": "2026",
            "budget-category": "coordinator",
            "budget-granted": "500000",
        },
        BudgetLine.objects.count,
    ),
    "reporting:plan cost": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "cost",
            "cost-period_start": "2026-05-01",
            "cost-period_end": "2026-08-31",
            "cost-category": "coordinator",
            "cost-amount": "177522",
            "cost-financing": "forbund",
        },
        Cost.objects.count,
    ),
    "reporting:plan deadline": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "deadline",
            "deadline-kind": "tertial_report",
            "deadline-due_on": today(40),
        },
        ReportingDeadline.objects.count,
    ),
    "reporting:plan vacation": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "vacation",
            "vacation-starts_on": "2026-07-06",
            "vacation-ends_on": "2026-07-24",
            "vacation-note": "Semester",
        },
        VacationPeriod.objects.count,
    ),
    "admin:reporting_milestone_add": Sending(
        Role.ADMIN,
        lambda o: reverse("admin:reporting_milestone_add"),
        lambda o: {
            "process": o["process"].pk,
            "metric": "started",
            "target": "30",
            "deadline": today(100),
        },
        Milestone.objects.count,
    ),
}

#: Forms that make records without "create" in their URL's name.
ALSO_CREATING = {
    "referrals:referral-actualise",
    "referrals:referral-decline",
    "referrals:slot-list",
    "referrals:consultation-detail",
    "klientstod:meeting-outcome",
    "interventions:fia-edit",
    "interventions:group-detail",
    "reporting:plan",
}


@pytest.fixture
def objects(case, users, process, coordinator):
    referrer = users[Role.REFERRER]
    partner = referrer.organisation
    closed = CaseFactory(
        process=process,
        coordinator=coordinator,
        status="closed",
        closed_on=timezone.localdate(),
        closure_outcome="moved",
    )
    work = work_with_client(case, coordinator)
    work["offer"].group = work["group"]
    work["offer"].save()
    return {
        "case": case,
        "closed": closed,
        "process": process,
        "coordinator": coordinator,
        "partner": partner,
        "meeting": MeetingFactory(case=case),
        "referral": ReferralFactory(process=process, referrer=referrer, organisation=partner),
        "consultation": ConsultationFactory(process=process, asked_by=referrer),
        "forms": questionnaires(),
        "questionnaire_versions": questionnaire_versions(),
        **work,
    }


def test_every_form_that_makes_records_is_posted_twice():
    creating = {name for name in named_urls() if name.endswith("-create")} | ALSO_CREATING
    tested = {name.split()[0] for name in SENDINGS}
    assert not creating - tested, f"add a double sending for {sorted(creating - tested)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SENDINGS))
def test_a_double_sending_makes_one_record(name, role_clients, objects):
    sending = SENDINGS[name]
    http = role_clients[sending.role]
    url, data = sending.url(objects), sending.data(objects)
    page = http.get(url)
    assert page.status_code == 200
    token = token_of_form(page.content.decode(), next(iter(data)))
    before = sending.count()

    first = http.post(url, {**data, "submission_token": token})
    assert first.status_code == 302, form_errors(first)
    assert sending.count() == before + 1
    second = http.post(url, {**data, "submission_token": token})
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert sending.count() == before + 1
    # A new sending (a fresh page, a new token) is a new record where the form allows one.
    assert FormSubmission.objects.get().location == first["Location"]


# The rule itself ---------------------------------------------------------------------------


def meeting_data(**changes: str) -> dict[str, str]:
    return {
        "kind": "alliance",
        "starts_at": later(3),
        "duration_minutes": "60",
        "location": "Kommunhuset",
        **changes,
    }


def fresh_token(http: HttpClient, url: str, field: str = "starts_at") -> str:
    return token_of_form(http.get(url).content.decode(), field)


@pytest.mark.django_db
def test_the_second_sending_says_the_form_was_saved_once(coordinator_client, case):
    url = reverse("klientstod:meeting-create", args=[case.pk])
    token = fresh_token(coordinator_client, url)
    coordinator_client.post(url, meeting_data(submission_token=token))
    coordinator_client.get(reverse("klientstod:case-detail", args=[case.pk]))  # the first's page
    second = coordinator_client.post(url, meeting_data(submission_token=token), follow=True)
    assert "Du skickade formuläret två gånger – det har sparats en gång." in second.content.decode()
    assert Meeting.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_refused_sending_lets_the_corrected_form_through(coordinator_client, case):
    url = reverse("klientstod:meeting-create", args=[case.pk])
    token = fresh_token(coordinator_client, url)
    refused = coordinator_client.post(
        url, meeting_data(starts_at="2099-01-01T10:00", submission_token=token)
    )
    assert refused.status_code == 200
    assert "starts_at" in refused.context["form"].errors
    assert not FormSubmission.objects.exists()
    # The form comes back with a new token; the old one is free again all the same.
    assert token_of_form(refused.content.decode(), "starts_at") != token
    corrected = coordinator_client.post(url, meeting_data(submission_token=token))
    assert corrected.status_code == 302
    assert Meeting.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_refused_request_lets_go_of_the_token(role_clients, case):
    """A 403 (or a 404, or a 500) is no success: the token is not kept."""
    url = reverse("klientstod:meeting-create", args=[case.pk])
    token = fresh_token(role_clients[Role.COORDINATOR], url)
    refused = role_clients[Role.STEERING].post(url, meeting_data(submission_token=token))
    assert refused.status_code == 403
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_token_of_another_session_is_only_a_new_token(
    coordinator_client, coordinator, case, process
):
    url = reverse("klientstod:meeting-create", args=[case.pk])
    token = fresh_token(coordinator_client, url)
    first = coordinator_client.post(url, meeting_data(submission_token=token))
    # The same user in another browser, and a colleague: neither is led to the first's page.
    same_user_elsewhere = HttpClient()
    same_user_elsewhere.force_login(coordinator)
    colleague = HttpClient()
    colleague.force_login(UserFactory(role=Role.COORDINATOR, processes=[process]))
    for http, starts_at in ((same_user_elsewhere, later(4)), (colleague, later(5))):
        response = http.post(url, meeting_data(starts_at=starts_at, submission_token=token))
        assert response.status_code == 302
        assert response["Location"] == first["Location"]  # the case page, run anew:
    assert Meeting.objects.filter(case=case).count() == 3
    assert FormSubmission.objects.count() == 3
    assert coordinator_client.session.session_key != same_user_elsewhere.session.session_key


@pytest.mark.django_db
def test_a_token_of_another_user_cannot_lead_to_where_their_sending_ended(users, process):
    """A referrer who got hold of another referrer's token sends their own referral."""
    referrer = users[Role.REFERRER]
    mine, theirs = HttpClient(), HttpClient()
    mine.force_login(referrer)
    theirs.force_login(
        UserFactory(role=Role.REFERRER, organisation=referrer.organisation, unit=referrer.unit)
    )
    url = reverse("referrals:referral-create")
    token = fresh_token(theirs, url, "personnummer")
    their_answer = theirs.post(url, {**remiss(process), "submission_token": token})
    my_answer = mine.post(
        url, {**remiss(process, personnummer="850312-1249"), "submission_token": token}
    )
    assert my_answer.status_code == 302
    assert my_answer["Location"] != their_answer["Location"]
    assert Referral.objects.count() == 2


@pytest.mark.django_db
def test_a_sending_without_a_token_or_with_a_strange_one_runs_as_before(coordinator_client, case):
    url = reverse("klientstod:meeting-create", args=[case.pk])
    for token in (None, "", "x" * 101, "\x00", "<script>", "ä" * 50):
        data = meeting_data() if token is None else meeting_data(submission_token=token)
        assert coordinator_client.post(url, data).status_code == 302
    assert Meeting.objects.filter(case=case).count() == 6
    assert FormSubmission.objects.count() == 3  # "\x00", "<script>" and "ä…" are tokens


@pytest.mark.django_db
def test_the_token_may_come_in_a_header(coordinator_client, case):
    url = reverse("klientstod:meeting-create", args=[case.pk])
    headers = {"X-Submission-Token": "a-token-of-a-script"}
    first = coordinator_client.post(url, meeting_data(), headers=headers)
    second = coordinator_client.post(url, meeting_data(), headers=headers)
    assert second["Location"] == first["Location"]
    assert Meeting.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_the_language_is_changed_every_time_it_is_asked(coordinator_client):
    """The language lives in a cookie, which a replayed redirect would not carry."""
    for language in ("en", "sv"):
        response = coordinator_client.post(
            reverse("set_language"), {"language": language, "next": "/", "submission_token": "t"}
        )
        assert response.cookies["django_language"].value == language
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "value", "kept"),
    [
        ("sessionid", "the-same-session", True),  # the session saved, under the same key
        ("sessionid", "a-new-session", False),  # a new password or a login: a new key
        ("sessionid", "", False),  # a logout
        ("csrftoken", "a-new-secret", False),
        ("django_language", "en", False),
    ],
)
def test_an_answer_that_sets_the_login_cookies_anew_is_not_replayed(rf, cookie, value, kept):
    """A replayed redirect would not carry the cookie: the second sending runs instead."""
    from django.http import HttpResponseRedirect

    request = rf.post("/", {"submission_token": "t"})
    request.COOKIES.update({"sessionid": "the-same-session", "csrftoken": "the-secret"})
    response = HttpResponseRedirect("/cases/1/")
    response.set_cookie(cookie, value)
    claimed = submissions.claim_or_wait("k")
    assert isinstance(claimed, FormSubmission)
    submissions.finish(claimed, request, response)
    assert FormSubmission.objects.filter(location="/cases/1/").exists() is kept


def running(http: HttpClient, user: Any, token: str, started: datetime.datetime) -> FormSubmission:
    key = submissions.submission_key(user.pk, http.session.session_key, token)
    return FormSubmission.objects.create(key=key, started_at=started)


@pytest.mark.django_db
def test_a_second_sending_waits_briefly_then_goes_back_to_the_form(
    coordinator_client, coordinator, case, monkeypatch
):
    monkeypatch.setattr(submissions, "WAIT_SECONDS", 0.3)
    url = reverse("klientstod:meeting-create", args=[case.pk])
    running(coordinator_client, coordinator, "t1", timezone.now())
    page = f"http://testserver{url}"
    response = coordinator_client.post(
        url, meeting_data(submission_token="t1"), headers={"Referer": page}
    )
    assert (response.status_code, response["Location"]) == (302, page)
    assert not Meeting.objects.exists()
    assert "håller fortfarande på att sparas" in coordinator_client.get(url).content.decode()
    # Not to another site's page, though.
    response = coordinator_client.post(
        url, meeting_data(submission_token="t1"), headers={"Referer": "https://example.com/"}
    )
    assert response["Location"] == reverse("klientstod:home")


@pytest.mark.django_db
def test_a_sending_whose_worker_died_can_be_sent_again(coordinator_client, coordinator, case):
    url = reverse("klientstod:meeting-create", args=[case.pk])
    started = timezone.now() - submissions.ABANDONED_AFTER - datetime.timedelta(seconds=1)
    running(coordinator_client, coordinator, "t2", started)
    response = coordinator_client.post(url, meeting_data(submission_token="t2"))
    assert response.status_code == 302
    assert Meeting.objects.filter(case=case).count() == 1
    assert FormSubmission.objects.get().location == response["Location"]


@pytest.mark.django_db
def test_sendings_older_than_a_day_are_purged(coordinator_client, coordinator, case, monkeypatch):
    monkeypatch.setattr(submissions, "PURGE_EVERY", 1)
    old = running(
        coordinator_client, coordinator, "old", timezone.now() - datetime.timedelta(days=2)
    )
    recent = running(
        coordinator_client, coordinator, "recent", timezone.now() - datetime.timedelta(hours=2)
    )
    url = reverse("klientstod:meeting-create", args=[case.pk])
    coordinator_client.post(url, meeting_data(submission_token="new"))
    remaining = set(FormSubmission.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert recent.pk in remaining
    assert len(remaining) == 2


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_the_same_moment_make_one_record(case, coordinator, monkeypatch):
    """Two requests in two threads, each with its own database connection, as two workers."""
    from klientstod import services

    book = services.meeting_book

    def slow_book(**kwargs: Any) -> Any:
        meeting = book(**kwargs)
        threading.Event().wait(0.5)  # the first is still running when the second arrives
        return meeting

    monkeypatch.setattr(services, "meeting_book", slow_book)
    http = HttpClient()
    http.force_login(coordinator)
    url = reverse("klientstod:meeting-create", args=[case.pk])
    token = fresh_token(http, url)
    start = threading.Barrier(2)
    answers: list[Any] = []

    def send() -> None:
        browser_tab = HttpClient()
        browser_tab.cookies = http.cookies
        try:
            start.wait()
            answers.append(browser_tab.post(url, meeting_data(submission_token=token)))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert Meeting.objects.filter(case=case).count() == 1


# Every POST form carries the token -----------------------------------------------------------


def test_every_post_form_in_the_templates_carries_the_token():
    missing = [
        f"{path.relative_to(TEMPLATES)}: {form[:80]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for form in re.findall(r"<form\b.*?</form>", path.read_text(), re.S | re.I)
        if POST_FORM.match(form) and "{% submission_token %}" not in form
    ]
    assert not missing, "POST forms without {% submission_token %}:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_every_post_form_on_the_pages_carries_a_token_of_its_own(role_clients, objects):
    ConsentFactory(client=objects["case"].client)  # its withdraw button is a form
    SlotFactory(process=objects["process"], created_by=objects["coordinator"])
    ReportingDeadline.objects.create(
        process=objects["process"], kind="tertial_report", due_on=timezone.localdate()
    )
    pages = [
        *form_pages(objects),
        (Role.COORDINATOR, reverse("klientstod:client-detail", args=[objects["case"].client_id])),
        (Role.COORDINATOR, reverse("referrals:slot-list")),
        (
            Role.COORDINATOR,
            reverse("referrals:consultation-detail", args=[objects["consultation"].pk]),
        ),
        (Role.COORDINATOR, reverse("klientstod:case-list")),
        (Role.ADMIN, reverse("klientstod:audit-log")),
        (Role.ADMIN, reverse("admin:reporting_budgetline_add")),
        (Role.ADMIN, reverse("admin:klientstod_user_add")),
    ]
    # The admin's own logout button: a logout is sent any number of times (the middleware).
    admin_logout = f'action="{reverse("admin:logout")}"'
    for role, url in pages:
        html = role_clients[role].get(url).content.decode()
        forms = [f for f in FORM.findall(html) if POST_FORM.match(f) and admin_logout not in f]
        assert forms, url
        tokens = [TOKEN.findall(form) for form in forms]
        assert all(len(found) == 1 for found in tokens), (url, tokens)
        assert len({found[0] for found in tokens}) == len(forms), url
