"""A double click makes one record: every POST form carries a one-time token.

The second sending of a form with the same token (a double click, a resubmitting
reload, a second tab) does not run the view again but ends where the first ended.
These tests post without JavaScript: the server holds the rule on its own.

This module: the rule itself (messages, tokens of other sessions and users, waiting, purging).
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from klientstod import submissions
from klientstod.models import FormSubmission, Meeting, Role
from referrals.models import (
    Referral,
)

from .factories import (
    UserFactory,
)
from .submit_once_helpers import later, token_of_form
from .test_referrals import remiss

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
    for hour, token in enumerate((None, "", "x" * 101, "\x00", "<script>", "ä" * 50), start=8):
        # Each at its own hour: a booking over another would stop at the overlap warning.
        data = meeting_data(starts_at=later(3, hour))
        if token is not None:
            data["submission_token"] = token
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
