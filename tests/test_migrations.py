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
