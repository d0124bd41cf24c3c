"""The migration that encrypts the personnummer moves the rows that already exist."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from klientstod import crypto

BEFORE = [("klientstod", "0004_client_erased_on"), ("referrals", "0001_initial")]
AFTER = [
    ("klientstod", "0005_personnummer_encrypted"),
    ("referrals", "0002_personnummer_encrypted"),
]


@pytest.mark.django_db(transaction=True)
def test_existing_personnummer_are_encrypted_and_indexed():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organisation = old.get_model("klientstod", "Organisation")
    Process = old.get_model("klientstod", "Process")
    Client = old.get_model("klientstod", "Client")
    User = old.get_model("klientstod", "User")
    Referral = old.get_model("referrals", "Referral")
    org = Organisation.objects.create(name="Kommunen", kind="municipality")
    process = Process.objects.create(
        name="P",
        owner=org,
        financier=org,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    user = User.objects.create(username="u", role="coordinator")
    Client.objects.create(
        personnummer="19850312-1231",
        first_name="A",
        last_name="B",
        gender="man",
        birth_date=datetime.date(1985, 3, 12),
    )
    Referral.objects.create(
        process=process,
        organisation=org,
        entered_by=user,
        personnummer="19850312-1231",
        first_name="A",
        last_name="B",
        reason="r",
        expectations="e",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    client = new.get_model("klientstod", "Client").objects.get()
    referral = new.get_model("referrals", "Referral").objects.get()
    for row in (client, referral):
        assert crypto.decrypt(row.personnummer_encrypted) == "19850312-1231"
        assert row.personnummer_index == crypto.index("19850312-1231")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM klientstod_client")
        assert "19850312-1231" not in " ".join(str(v) for v in cursor.fetchone())

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_audit_entries_lose_the_personal_data_they_held():
    """Entries written when the log kept every value are scrubbed as new ones are."""
    from django.contrib.contenttypes.models import ContentType

    from klientstod.models import Case, Client

    before = [("klientstod", "0006_list_indexes"), ("auditlog", "0017_add_actor_email")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    LogEntry = old.get_model("auditlog", "LogEntry")
    client_type = ContentType.objects.get_for_model(Client).pk
    case_type = ContentType.objects.get_for_model(Case).pk
    LogEntry.objects.create(
        content_type_id=client_type,
        object_pk="7",
        object_id=7,
        object_repr="Amina Berglund",
        action=1,
        changes={
            "last_name": ["Berglund", "Nyström"],
            "phone": ["070-111 11 11", "070-222 22 22"],
            "income_source": ["unknown", "sickness_benefit"],
            "interpreter_needed": ["False", "True"],
            "personnummer_index": ["ab12", "cd34"],
        },
        changes_text="last_name: Berglund → Nyström",
        serialized_data={"fields": {"first_name": "Amina"}},
        additional_data={"note": "Amina ringde"},
    )
    LogEntry.objects.create(
        content_type_id=case_type,
        object_pk="3",
        object_id=3,
        object_repr="Ärende KS-00003",
        action=1,
        changes={
            "status": ["active", "closed"],
            "followup_result": ["", "Arbetar på ICA i Båstad"],
            "coordinator": ["4", "5"],
            "closure_outcome": ["", "jobbar hos Amina"],  # not a code: it goes too
        },
    )
    LogEntry.objects.create(
        content_type_id=client_type,
        object_pk="7",
        object_id=7,
        object_repr="Amina Berglund",
        action=3,
        additional_data={"page": "case page", "object": "case:3"},
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    change, case, read = new.get_model("auditlog", "LogEntry").objects.order_by("pk")
    assert change.object_repr == "client:7"
    assert change.changes == {
        "last_name": [None, None],
        "phone": [None, None],
        "income_source": ["unknown", "sickness_benefit"],
        "interpreter_needed": ["False", "True"],
        "personnummer_index": [None, None],
    }
    assert (change.changes_text, change.serialized_data, change.additional_data) == ("", None, None)
    assert case.object_repr == "case:3"
    assert case.changes == {
        "status": ["active", "closed"],
        "followup_result": [None, None],
        "coordinator": ["4", "5"],
        "closure_outcome": [None, None],
    }
    assert (read.object_repr, read.additional_data) == (
        "client:7",
        {"page": "case page", "object": "case:3"},
    )
