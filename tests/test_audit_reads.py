"""The audit log of reads: every page, list and download that shows a person is logged."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klientstod.models import Role
from referrals import services as referral_services

from .audit_helpers import ACCESS, TODAY, days_ago, personnummer_forms, stored
from .factories import (
    CaseFactory,
    ReferralFactory,
)


def reads_of(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=ACCESS,
            content_type=ContentType.objects.get_for_model(obj),
            object_pk=str(obj.pk),
        )
        .select_related("actor")
        .order_by("pk")
    )


# Reads ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reading_a_case_and_its_client_is_logged_with_user_and_address(
    coordinator_client, coordinator, case
):
    coordinator_client.get(case.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    coordinator_client.get(case.client.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    entries = reads_of(case.client)
    assert [e.additional_data["page"] for e in entries] == ["case page", "client page"]
    assert {(e.actor, e.remote_addr) for e in entries} == {(coordinator, "10.1.2.3")}
    assert {e.object_repr for e in entries} == {f"client:{case.client.pk}"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.REFERRER])
def test_reading_a_referral_is_logged_against_it_before_there_is_a_client(
    role, role_clients, users, process
):
    referrer = users[Role.REFERRER]
    referral = ReferralFactory(process=process, referrer=referrer, entered_by=referrer)
    assert referral.client_id is None
    response = role_clients[role].get(reverse("referrals:referral-detail", args=[referral.pk]))
    assert response.status_code == 200
    [read] = reads_of(referral)
    assert (read.actor, read.additional_data) == (users[role], {"page": "referral page"})
    assert read.object_repr == f"referral:{referral.pk}"


@pytest.mark.django_db
def test_the_not_relevant_letter_is_a_read_of_the_referral(
    coordinator_client, coordinator, process
):
    referral = ReferralFactory(process=process)
    referral_services.referral_decline(referral=referral, reason="work", note="", by=coordinator)
    response = coordinator_client.get(reverse("referrals:referral-letter", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    [read] = reads_of(referral)
    assert read.additional_data == {
        "page": "letter PDF",
        "object": f"letter:{referral.letter.pk}",
    }


@pytest.mark.django_db
def test_opening_the_fia_form_is_a_read(coordinator_client, coordinator, case):
    response = coordinator_client.get(reverse("interventions:fia-edit", args=[case.pk]))
    assert response.status_code == 200
    [read] = reads_of(case.client)
    assert (read.actor, read.additional_data) == (
        coordinator,
        {"page": "FIA form", "object": f"case:{case.pk}"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reporting:sus-list", "reporting:sus-download"])
def test_the_sus_list_is_a_read_of_every_client_on_it_in_one_insert(
    name, coordinator_client, coordinator, process, settings
):
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({process.pk})  # the process opts in
    cases = [CaseFactory(process=process, coordinator=coordinator) for _ in range(3)]
    CaseFactory()  # another process: not on the list
    period = f"preset=custom&year={TODAY().year}&start={days_ago(200)}&end={days_ago(0)}"
    url = f"{reverse(name, args=[process.pk])}?{period}"
    coordinator_client.get(url)  # content types and translations cached
    LogEntry.objects.filter(action=ACCESS).delete()
    with CaptureQueriesContext(connection) as queries:
        response = coordinator_client.get(url, REMOTE_ADDR="10.4.4.4")
    assert response.status_code == 200
    page = "SUS list" if name.endswith("list") else "SUS download"
    reads = LogEntry.objects.filter(action=ACCESS).order_by("object_id")
    assert [(r.object_id, r.additional_data) for r in reads] == [
        (c.client_id, {"page": page, "object": f"case:{c.pk}"}) for c in cases
    ]
    assert {(r.actor, r.remote_addr, r.object_repr.split(":")[0]) for r in reads} == {
        (coordinator, "10.4.4.4", "client")
    }
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "auditlog_logentry"')]
    assert len(inserts) == (1 if page == "SUS list" else 2)  # the download's own entry, too


@pytest.mark.django_db
def test_a_caseload_search_logs_its_hits_never_the_words(coordinator_client, coordinator, process):
    found = CaseFactory(process=process, coordinator=coordinator, client__last_name="Sökbarsson")
    CaseFactory(process=process, coordinator=coordinator)
    url = reverse("klientstod:case-list")
    coordinator_client.get(url)
    assert not LogEntry.objects.filter(action=ACCESS).exists()  # no search, no entry
    coordinator_client.post(url, {"q": "Sökbars"})
    coordinator_client.get(url)
    coordinator_client.post(url, {"q": found.client.personnummer})
    coordinator_client.get(url)
    searches = list(LogEntry.objects.filter(action=ACCESS).order_by("pk"))
    assert [(s.actor, s.additional_data) for s in searches] == [
        (coordinator, {"page": "caseload search", "hits": 1}),
        (coordinator, {"page": "caseload search", "hits": 1}),
    ]
    for entry in searches:
        text = stored(entry)
        assert "Sökbars" not in text
        assert not any(form in text for form in personnummer_forms(found.client.personnummer))


@pytest.mark.django_db
def test_a_read_costs_one_query(coordinator_client, case):
    coordinator_client.get(case.get_absolute_url())  # content types cached
    with CaptureQueriesContext(connection) as queries:
        coordinator_client.get(case.get_absolute_url())
    inserts = [q["sql"] for q in queries if "auditlog_logentry" in q["sql"]]
    assert len(inserts) == 1
    assert inserts[0].upper().startswith("INSERT")


@pytest.mark.django_db
def test_a_download_of_personal_data_is_in_the_audit_log(
    coordinator_client, coordinator, case, settings
):
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({case.process_id})  # the process opts in
    url = reverse("reporting:sus-download", args=[case.process_id]) + "?preset=year&year=2026"
    coordinator_client.get(url, REMOTE_ADDR="10.9.8.7")
    entry = LogEntry.objects.get(content_type__model="download")
    assert (entry.action, entry.actor, entry.remote_addr) == (
        LogEntry.Action.CREATE,
        coordinator,
        "10.9.8.7",
    )
