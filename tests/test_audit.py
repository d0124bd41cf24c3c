"""The audit log: reads and changes of a client's records, and the review page."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from klientstod.models import Client

from .factories import CaseFactory, UserFactory


def reads_of(client: Client):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(client.pk)
    ).select_related("actor")


@pytest.mark.django_db
def test_reading_a_case_and_its_client_is_logged_with_user_and_address(
    coordinator_client, coordinator, case
):
    coordinator_client.get(case.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    coordinator_client.get(case.client.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    entries = list(reads_of(case.client).order_by("timestamp"))
    assert [e.additional_data["page"] for e in entries] == ["case page", "client page"]
    assert {(e.actor, e.remote_addr) for e in entries} == {(coordinator, "10.1.2.3")}


@pytest.mark.django_db
def test_a_change_keeps_the_values_before_and_after(coordinator_client, case):
    client = case.client
    coordinator_client.post(
        reverse("klientstod:client-update", args=[client.pk]),
        {
            "client-personnummer": client.personnummer,
            "client-first_name": client.first_name,
            "client-last_name": "Nyström",
            "client-income_source": "unknown",
            "client-education_level": "unknown",
            "client-version": client.version,
        },
    )
    change = LogEntry.objects.get(
        action=LogEntry.Action.UPDATE, object_pk=str(client.pk), content_type__model="client"
    )
    assert change.changes_dict["last_name"] == [client.last_name, "Nyström"]


@pytest.mark.django_db
def test_the_admin_sees_who_has_read_a_client(admin_client_, coordinator_client, case, process):
    coordinator_client.get(case.get_absolute_url())
    other = CaseFactory(process=process)
    coordinator_client.get(other.get_absolute_url())
    response = admin_client_.post(
        reverse("klientstod:audit-log"), {"personnummer": case.client.personnummer}
    )
    assert response.status_code == 302
    page = admin_client_.get(response["Location"])
    entries = list(page.context["page_obj"])
    assert entries and {e.object_pk for e in entries} == {str(case.client.pk)}
    assert "ärendesidan" in page.content.decode()


@pytest.mark.django_db
def test_the_log_filters_by_user_and_period(admin_client_, coordinator_client, case, process):
    coordinator_client.get(case.get_absolute_url())
    someone = UserFactory(role="coordinator", processes=[process])
    url = reverse("klientstod:audit-log")
    by_someone = admin_client_.get(url, {"user": someone.pk})
    assert list(by_someone.context["page_obj"]) == []
    long_ago = admin_client_.get(url, {"end": "2000-01-01"})
    assert list(long_ago.context["page_obj"]) == []


@pytest.mark.django_db
def test_a_download_of_personal_data_is_in_the_audit_log(coordinator_client, coordinator, case):
    url = reverse("reporting:sus-download", args=[case.process_id]) + "?preset=year&year=2026"
    coordinator_client.get(url, REMOTE_ADDR="10.9.8.7")
    entry = LogEntry.objects.get(content_type__model="download")
    assert (entry.action, entry.actor, entry.remote_addr) == (
        LogEntry.Action.CREATE,
        coordinator,
        "10.9.8.7",
    )


@pytest.mark.django_db
def test_a_read_costs_one_query(coordinator_client, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator_client.get(case.get_absolute_url())  # content types cached
    with CaptureQueriesContext(connection) as queries:
        coordinator_client.get(case.get_absolute_url())
    inserts = [q["sql"] for q in queries if "auditlog_logentry" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].upper().startswith("INSERT")
