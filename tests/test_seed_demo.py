"""The demo seed: refused without DEBUG, complete and alive today, and idempotent."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
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
from referrals.models import (
    Consultation,
    InformationPage,
    Letter,
    NotRelevantReason,
    Referral,
    ReferralSlot,
    ReferralStatus,
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
def test_demo_has_referrals_times_and_consultations(settings) -> None:
    settings.DEBUG = True
    output = seed()
    assert "referrals:" in output and "bookable times:" in output
    today = timezone.localdate()
    process = Process.objects.get()
    coordinator = User.objects.get(role=Role.COORDINATOR)
    referrer = User.objects.get(role=Role.REFERRER)

    page = InformationPage.objects.get(process=process)
    assert page.published
    assert coordinator.get_full_name() in page.contact
    assert coordinator.phone in page.contact and coordinator.email in page.contact

    statuses = set(Referral.objects.values_list("status", flat=True).distinct())
    assert statuses == set(ReferralStatus.values)

    # Every case came from a referral that was actualised, with a welcome letter.
    assert Referral.objects.filter(status=ReferralStatus.ACTUALISED).count() == Case.objects.count()
    for referral in Referral.objects.filter(status=ReferralStatus.ACTUALISED).select_related(
        "case", "client", "letter__meeting"
    ):
        assert referral.case is not None and referral.client is not None
        assert referral.case.client_id == referral.client_id
        assert referral.personnummer == referral.client.personnummer
        assert referral.decided_on == referral.case.start_date
        assert referral.decided_by == coordinator
        assert referral.received_on < referral.case.start_date
        assert referral.letter.kind == Letter.Kind.WELCOME
        assert referral.letter.meeting is not None
        assert referral.letter.meeting.case_id == referral.case_id
    actualised = Referral.objects.filter(status=ReferralStatus.ACTUALISED)
    assert actualised.filter(referrer=referrer).exists()
    assert (
        actualised.filter(referrer__isnull=True, entered_by=coordinator)
        .exclude(referrer_name="")
        .exists()
    )

    declined = Referral.objects.filter(status=ReferralStatus.NOT_RELEVANT)
    assert set(declined.values_list("not_relevant_reason", flat=True)) == set(
        NotRelevantReason.values
    )
    client_numbers = set(Client.objects.values_list("personnummer", flat=True))
    for referral in declined.select_related("letter"):
        assert referral.decided_on is not None and referral.decided_on < today
        assert referral.decision_note
        assert referral.letter.kind == Letter.Kind.NOT_RELEVANT
        assert referral.client_id is None and referral.case_id is None
        assert referral.personnummer not in client_numbers
        assert personnummer.normalise(referral.personnummer) == referral.personnummer

    waiting = Referral.objects.filter(status=ReferralStatus.RECEIVED)
    assert waiting.filter(enhanced_collaboration=True).exists()
    assert waiting.filter(interpreter_needed=True, language="arabiska").exists()
    for referral in waiting:
        assert 1 <= (today - referral.received_on).days <= 20
        assert not Letter.objects.filter(referral=referral).exists()
    assert not waiting.filter(personnummer__in=client_numbers).exists()

    # Someone declined earlier and referred again: the referral page shows the history.
    twice = (
        Referral.objects.values("personnummer")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values_list("personnummer", flat=True)
    )
    assert len(twice) == 1
    history = Referral.objects.filter(personnummer=twice[0])
    assert {r.status for r in history} == {ReferralStatus.NOT_RELEVANT, ReferralStatus.RECEIVED}

    free = ReferralSlot.objects.free()
    assert free.count() >= 1
    assert {timezone.localtime(slot.starts_at).weekday() for slot in free} <= set(range(5))
    held = ReferralSlot.objects.filter(referral__isnull=False, meeting__isnull=True)
    assert held.count() == 1
    assert held.get().referral.status == ReferralStatus.RECEIVED
    assert held.get().starts_at > timezone.now()

    consultations = Consultation.objects.filter(asked_by=referrer)
    answered = consultations.get(answered=True)
    assert answered.messages.filter(author=coordinator).exists()
    waiting_answer = consultations.get(answered=False)
    assert not waiting_answer.messages.filter(author=coordinator).exists()
    assert waiting_answer.messages.exists()

    names = Referral.objects.values_list("first_name", "last_name", "referrer_name")
    for first, last, referrer_name in names:
        for real in ("Lisa Back", "Fredrik Grubb"):
            assert real not in f"{first} {last}" and real not in referrer_name


@pytest.mark.django_db
def test_second_run_changes_nothing(settings) -> None:
    settings.DEBUG = True
    seed()
    models = (Client, Case, Meeting, Referral, Letter, ReferralSlot, Consultation, InformationPage)
    counts = [model.objects.count() for model in models]
    output = seed()
    assert "already there" in output
    assert [model.objects.count() for model in models] == counts
    assert User.objects.filter(username="samordnare").count() == 1
