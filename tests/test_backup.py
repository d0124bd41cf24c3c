"""`make backup` and `make restore`: a dump restored into a scratch database serves a case."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from klientstod.models import Role

from .factories import CaseFactory, ClientFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def url_for(name: str) -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_scratch_database_serves_a_case(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backups are pg_dump/pg_restore: this test needs DATABASE_URL on PostgreSQL")
    coordinator = UserFactory(username="backup-samordnare", role=Role.COORDINATOR)
    case = CaseFactory(client=ClientFactory(last_name="Backupsson"), coordinator=coordinator)
    coordinator.processes.add(case.process)

    env = {**os.environ, "DATABASE_URL": url_for(connection.settings_dict["NAME"])}
    dumped = subprocess.run(
        [ROOT / "scripts" / "backup.sh", tmp_path], env=env, capture_output=True, text=True
    )
    assert dumped.returncode == 0, dumped.stderr
    dump = Path(dumped.stdout.strip())
    assert dump.is_file()
    assert oct(dump.stat().st_mode)[-3:] == "600"

    scratch = f"klientstod_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        env["DATABASE_URL"] = url_for(scratch)
        restored = subprocess.run(
            [ROOT / "scripts" / "restore.sh", dump], env=env, capture_output=True, text=True
        )
        assert restored.returncode == 0, restored.stderr
        serve = (
            "import django; django.setup()\n"
            "from django.test import Client\n"
            "from klientstod.models import User\n"
            "http = Client()\n"
            f"http.force_login(User.objects.get(username='backup-samordnare'))\n"
            f"response = http.get('/cases/{case.pk}/')\n"
            "print(response.status_code, 'Backupsson' in response.content.decode())\n"
        )
        served = subprocess.run(
            [sys.executable, "-c", serve],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": "klientstod.settings",
                "DJANGO_SECRET_KEY": "restore-check-only",
                "DJANGO_DEBUG": "1",  # static files uncollected: serve them as in development
                "DJANGO_ALLOWED_HOSTS": "testserver",
                "DJANGO_SECURE_COOKIES": "0",
            },
        )
        assert served.stdout.split() == ["200", "True"], served.stderr[-2000:]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    env = {**os.environ, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}
    result = subprocess.run(
        [ROOT / "scripts" / "backup.sh", tmp_path], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "not PostgreSQL" in result.stderr
