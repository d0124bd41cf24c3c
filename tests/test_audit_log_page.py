"""The administrator's page of the audit log, and gallring of a client's entries."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from klientstod import retention
from klientstod.models import Client, Role
from referrals.models import Referral

from .audit_helpers import ACCESS, TODAY, personnummer_forms, stored
from .factories import (
    CaseFactory,
    ClientFactory,
    ReferralFactory,
    UserFactory,
)

# The administrator's page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_sees_who_has_read_a_client_and_only_ids(
    admin_client_, coordinator_client, case, process, users
):
    coordinator_client.get(case.get_absolute_url())
    other = CaseFactory(process=process)
    coordinator_client.get(other.get_absolute_url())
    response = admin_client_.post(
        reverse("klientstod:audit-log"), {"personnummer": case.client.personnummer}
    )
    assert response.status_code == 302
    assert case.client.personnummer not in response["Location"]
    page = admin_client_.get(response["Location"])
    rows = page.context["rows"]
    reads = [row for row in rows if row.entry.content_type.model == "client"]
    assert reads
    assert {row.entry.object_pk for row in reads} == {str(case.client.pk)}
    body = page.content.decode()
    assert "Ärendesidan · Ärende" in body
    assert f"Klient {case.client.pk}" in body
    for private in (case.client.first_name, case.client.last_name, case.client.full_name):
        assert private not in body


@pytest.mark.django_db
def test_reads_of_a_referral_count_as_reads_of_the_person_once_they_are_a_client(
    admin_client_, coordinator_client, process
):
    referral = ReferralFactory(process=process)
    coordinator_client.get(reverse("referrals:referral-detail", args=[referral.pk]))
    client = ClientFactory(personnummer=referral.personnummer)  # actualised later, elsewhere
    page = admin_client_.get(
        reverse("klientstod:audit-log"), {"client": client.pk, "action": "access"}
    )
    [row] = page.context["rows"]
    assert (row.record, row.what) == (f"Remiss {referral.pk}", "Remissidan")


@pytest.mark.django_db
def test_the_log_filters_by_user_and_period(admin_client_, coordinator_client, case, process):
    coordinator_client.get(case.get_absolute_url())
    someone = UserFactory(role="coordinator", processes=[process])
    url = reverse("klientstod:audit-log")
    by_someone = admin_client_.get(url, {"user": someone.pk})
    assert [row.entry.actor for row in by_someone.context["rows"]] == []
    long_ago = admin_client_.get(url, {"end": "2000-01-01"})
    assert list(long_ago.context["rows"]) == []


@pytest.mark.django_db
def test_every_view_of_the_log_is_itself_logged_without_the_personnummer(
    admin_client_, users, case
):
    admin = users[Role.ADMIN]
    url = reverse("klientstod:audit-log")
    admin_client_.get(url, {"action": "access", "start": "2026-01-01"}, REMOTE_ADDR="10.2.2.2")
    admin_client_.post(url, {"personnummer": case.client.personnummer})
    admin_client_.post(url, {"personnummer": "19121212-1212"})  # nobody
    admin_client_.get(url, {"client": case.client.pk, "action": "access"})
    views = list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(LogEntry)).order_by(
            "pk"
        )
    )
    assert [v.additional_data for v in views] == [
        {"page": "audit log", "filters": {"action": "access", "start": "2026-01-01", "page": 1}},
        {"page": "audit log", "filters": {}, "hits": 0},
        {"page": "audit log", "filters": {"action": "access", "client": case.client.pk, "page": 1}},
    ]
    assert {(v.actor, v.action) for v in views} == {(admin, ACCESS)}
    assert views[0].remote_addr == "10.2.2.2"
    forms = [*personnummer_forms(case.client.personnummer), *personnummer_forms("19121212-1212")]
    assert not [f for v in views for f in forms if f in stored(v)]
    page = admin_client_.get(url).content.decode()
    assert "Loggsidan · filter: läsningar, från och med 2026-01-01" in page
    assert f"Loggsidan · filter: läsningar, klient {case.client.pk}<" in page
    assert "Loggsidan · 0 träffar · utan filter" in page


@pytest.mark.django_db
def test_auditlogs_own_admin_is_not_there(admin_client_):
    response = admin_client_.get("/admin/auditlog/logentry/")
    assert response.status_code == 404
    assert "auditlog" not in admin_client_.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_the_log_page_shows_swedish_labels_codes_and_local_time(admin_client_, case):
    from auditlog.context import set_actor

    with set_actor(case.coordinator):
        case.status, case.closed_on, case.closure_outcome = "closed", TODAY(), "studies"
        case.followup_result = "Hemligt resultat"
        case.save()
    entry = LogEntry.objects.get(action=LogEntry.Action.UPDATE, content_type__model="case")
    summer = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=summer)
    LogEntry.objects.create(
        content_type=entry.content_type,
        object_pk=entry.object_pk,
        object_id=entry.object_id,
        action=ACCESS,
        additional_data={"page": "case page"},
        timestamp=winter,
    )
    body = admin_client_.get(reverse("klientstod:audit-log")).content.decode()
    assert "2026-07-01 12:00:00" in body  # CEST
    assert "2026-01-15 11:00:00" in body  # CET
    assert "<strong>Status</strong>: Aktivt → Avslutat" in body
    assert "<strong>Utfall vid avslut</strong>: – → Studier" in body
    assert "<strong>Resultat av uppföljningen</strong>: " in body
    assert "Hemligt" not in body
    assert f"Ärende {case.pk}" in body


# Gallring ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_gallring_leaves_the_clients_entries_without_anything_that_names_them(
    coordinator_client, coordinator, process
):
    case = CaseFactory(
        process=process,
        coordinator=coordinator,
        start_date=TODAY() - datetime.timedelta(days=4000),
        status="closed",
        closed_on=TODAY() - datetime.timedelta(days=3000),
        closure_outcome="work",
    )
    client = case.client
    referral = ReferralFactory(process=process, personnummer=client.personnummer)
    coordinator_client.get(case.get_absolute_url(), REMOTE_ADDR="10.3.3.3")
    coordinator_client.get(reverse("referrals:referral-detail", args=[referral.pk]))
    # Entries written before the log kept no personal data (or past ``audit.scrub``).
    content_type = ContentType.objects.get_for_model(Client)
    old = LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(client.pk),
                object_id=client.pk,
                object_repr=client.full_name,
                action=LogEntry.Action.UPDATE,
                changes={"last_name": ["Förr", client.last_name], "phone": ["070-1", "070-2"]},
                changes_text=f"last_name: Förr → {client.last_name}",
                serialized_data={"fields": {"personnummer": client.personnummer}},
                additional_data={"name": client.full_name, "page": "client page"},
                actor=coordinator,
                remote_addr="10.3.3.3",
            ),
            LogEntry(
                content_type=ContentType.objects.get_for_model(Referral),
                object_pk=str(referral.pk),
                object_id=referral.pk,
                object_repr=referral.full_name,
                action=LogEntry.Action.CREATE,
                changes={"reason": ["None", "Skäl som namnger personen"]},
                actor=coordinator,
            ),
        ]
    )
    before = {
        e.pk: (e.action, e.actor_id, e.timestamp, e.object_pk, e.remote_addr)
        for e in LogEntry.objects.all()
    }
    names = [client.first_name, client.last_name, client.full_name, "070-1", "Skäl som"]
    names += personnummer_forms(client.personnummer)

    retention.client_erase(client_id=client.pk)

    after = {e.pk: e for e in LogEntry.objects.all()}
    for pk, kept in before.items():
        entry = after[pk]
        assert (
            entry.action,
            entry.actor_id,
            entry.timestamp,
            entry.object_pk,
            entry.remote_addr,
        ) == kept
        assert not [name for name in names if name in stored(entry)], stored(entry)
    cleaned = after[old[0].pk]
    assert cleaned.object_repr == f"client:{client.pk}"
    assert cleaned.changes == {"last_name": [None, None], "phone": [None, None]}
    assert cleaned.additional_data == {"page": "client page"}
    assert cleaned.serialized_data is None
    assert cleaned.changes_text == ""
    erased = LogEntry.objects.get(additional_data__event="erased")
    assert (erased.object_pk, erased.action) == (str(client.pk), LogEntry.Action.UPDATE)
