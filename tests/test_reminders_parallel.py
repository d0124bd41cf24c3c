"""Two reminder jobs at once send each reminder once: PostgreSQL row locks
(``select_for_update(skip_locked=True)``) and the claim's conditional update."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections

from reminders import services
from reminders.choices import ReminderStatus
from reminders.models import Reminder

from .delivery_servers import sms_gateway
from .test_reminders import booked, due


@pytest.mark.django_db(transaction=True)
def test_two_jobs_in_parallel_send_each_reminder_at_most_once(settings, process, coordinator):
    if connection.vendor != "postgresql":
        # SQLite's shared in-memory test database locks whole tables and answers a second
        # writer "database table is locked" at once; CI runs this on PostgreSQL.
        pytest.skip(
            "needs PostgreSQL (row locks with skip_locked): "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/klientstod"
        )
    with sms_gateway() as gateway:
        settings.KLIENTSTOD_SMS_BACKEND = "http"
        settings.KLIENTSTOD_SMS_URL = gateway.url
        settings.KLIENTSTOD_SMS_USERNAME = "u"
        settings.KLIENTSTOD_SMS_TIMEOUT_SECONDS = 5
        # Each send takes a while, so that the two runs overlap throughout.
        gateway.behaviours = ["slow"]
        gateway.slow_seconds = 0.05
        meetings = [booked(process, coordinator) for _ in range(12)]
        at = due(meetings[0]) + datetime.timedelta(minutes=1)
        services.run(now=at - datetime.timedelta(hours=2))  # queue them, none due yet
        assert Reminder.objects.filter(status=ReminderStatus.QUEUED).count() == 12

        start = threading.Barrier(2)
        results: list[services.RunResult] = []
        errors: list[BaseException] = []

        def job() -> None:
            try:
                start.wait()
                results.append(services.run(now=at))
            except BaseException as error:  # reported below, in the test's own thread
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=job) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert not errors, errors
        assert sum(result.sent for result in results) == 12
        assert len(gateway.requests) == 12
        assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 12
        # Both runs took part (neither waited for the other's locks to finish).
        print(f"sent per run: {[result.sent for result in results]}")
