"""The client's address, in the audit log and for the login lockout: the trusted hop only."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from axes.helpers import get_client_ip_address


def read_of(case) -> LogEntry:
    return LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(case.client_id))


@pytest.mark.django_db
def test_a_forged_forwarded_for_is_ignored_without_a_proxy(coordinator_client, case, settings, rf):
    settings.KLIENTSTOD_PROXY_COUNT = 0
    coordinator_client.get(
        case.get_absolute_url(), REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="10.66.66.66"
    )
    read = read_of(case)
    assert read.remote_addr == "10.1.1.1"
    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="10.66.66.66")
    assert get_client_ip_address(request) == "10.1.1.1"  # the login lockout counts the same


@pytest.mark.django_db
def test_behind_one_proxy_the_address_it_saw_is_taken(coordinator_client, case, settings, rf):
    settings.KLIENTSTOD_PROXY_COUNT = 1
    # The client forged a first hop; our proxy (10.0.0.2) appended the address it saw.
    coordinator_client.get(
        case.get_absolute_url(),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="10.66.66.66, 192.0.2.44",
        HTTP_X_FORWARDED_PORT="4444",
    )
    read = read_of(case)
    assert (read.remote_addr, read.remote_port) == ("192.0.2.44", None)
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.66.66.66, 192.0.2.44")
    assert get_client_ip_address(request) == "192.0.2.44"
    settings.KLIENTSTOD_PROXY_COUNT = 2
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="10.66.66.66, 192.0.2.44, 10.0.0.2"
    )
    assert get_client_ip_address(request) == "192.0.2.44"
    missing = rf.get("/", REMOTE_ADDR="10.0.0.3")  # not through the proxies: the peer
    assert get_client_ip_address(missing) == "10.0.0.3"


@pytest.mark.django_db
def test_a_download_records_the_trusted_address(coordinator_client, case, settings):
    from django.urls import reverse

    from reporting.models import Download

    settings.KLIENTSTOD_PROXY_COUNT = 1
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({case.process_id})
    url = reverse("reporting:sus-download", args=[case.process_id]) + "?preset=year&year=2026"
    coordinator_client.get(
        url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.66.66.66, 192.0.2.45"
    )
    assert Download.objects.get().ip_address == "192.0.2.45"
