"""The demo seed: refused without DEBUG, complete and alive today, and idempotent."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from klientstod import personnummer
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    Gender,
    Meeting,
    MeetingStatus,
    Process,
    Role,
    User,
)

DEMO_PASSWORD = "klientstod-demo"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_refuses_without_debug(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        seed()
    assert not User.objects.exists()
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_creates_a_living_demo(settings) -> None:
    settings.DEBUG = True
    output = seed()
    assert "samordnare / klientstod-demo" in output

    for role in Role.values:
        users = User.objects.filter(role=role)
        assert users.count() == 1, role
        assert users.get().check_password(DEMO_PASSWORD), role
    admin = User.objects.get(role=Role.ADMIN)
    assert admin.is_staff and admin.is_superuser

    process = Process.objects.get()
    coordinator = User.objects.get(username="samordnare")
    assert coordinator.processes.filter(pk=process.pk).exists()
    assert not User.objects.get(role=Role.REFERRER).processes.exists()
    assert process.ends_on > timezone.localdate()

    clients = list(Client.objects.all())
    assert 25 <= len(clients) <= 35
    for client in clients:
        legal = personnummer.legal_gender(client.personnummer)
        assert client.gender == (Gender.MAN if legal == "M" else Gender.WOMAN)
        assert "Back" not in client.last_name and "Grubb" not in client.last_name

    active = Case.objects.filter(process=process, status=CaseStatus.ACTIVE).count()
    assert 10 <= active <= process.capacity
    assert Case.objects.filter(status=CaseStatus.CLOSED).exists()
    assert Case.objects.filter(status=CaseStatus.FOLLOWED_UP).exists()

    statuses = set(Meeting.objects.values_list("status", flat=True).distinct())
    assert statuses == set(MeetingStatus.values)

    today = timezone.localdate()
    assert Meeting.objects.between(today, today + datetime.timedelta(days=1)).exists()
    assert Meeting.objects.awaiting_outcome().exists()
    coming = Meeting.objects.booked().filter(starts_at__gt=timezone.now())
    assert coming.filter(interpreter_needed=True, interpreter_booked=False).exists()

    rebooked = Meeting.objects.filter(status=MeetingStatus.REBOOKED)
    assert rebooked.exists()
    for meeting in rebooked.select_related("rebooked_to"):
        new = meeting.rebooked_to
        assert new.case_id == meeting.case_id
        assert new.starts_at > meeting.starts_at


@pytest.mark.django_db
def test_second_run_changes_nothing(settings) -> None:
    settings.DEBUG = True
    seed()
    counts = (Client.objects.count(), Case.objects.count(), Meeting.objects.count())
    output = seed()
    assert "already there" in output
    assert (Client.objects.count(), Case.objects.count(), Meeting.objects.count()) == counts
    assert User.objects.filter(username="samordnare").count() == 1
