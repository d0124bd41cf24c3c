"""Every state change carries the day it took effect, entered by the user, and when it was
entered: a coordinator who catches up on last week's work dates it as it happened."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions import services as interventions
from interventions.models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    FiaStatusChange,
    Intervention,
    InterventionChange,
)
from klientstod import services as core
from klientstod.models import Case, Consent, Meeting, Role
from referrals import services as referrals
from referrals.models import Letter

from .factories import CaseFactory, InterventionFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def local(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def actualise_data(**changes: str) -> dict[str, str]:
    data = {
        "decided_on": today().isoformat(),
        "start_date": today().isoformat(),
        "first_meeting_at": f"{local(today() + days(3)):%Y-%m-%dT%H:%M}",
        "duration_minutes": "60",
        "location": "Kommunhuset",
    }
    data.update(changes)
    return data


# Triage ----------------------------------------------------------------------


def test_a_decline_entered_late_keeps_its_day_and_when_it_was_entered(process, coordinator):
    referral = ReferralFactory(process=process, received_on=today() - days(20))
    before = timezone.now()
    referrals.referral_decline(
        referral=referral, reason="work", note="", by=coordinator, on=today() - days(12)
    )
    referral.refresh_from_db()
    assert referral.decided_on == today() - days(12)
    assert referral.decided_entered_at is not None
    assert referral.decided_entered_at >= before


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_decision_is_never_before_receipt_nor_in_the_future(process, coordinator, offset):
    received = today() - days(5)
    referral = ReferralFactory(process=process, received_on=received)
    on = received - days(1) if offset < 0 else today() + days(1)
    with pytest.raises(ValidationError) as refused:
        referrals.referral_decline(referral=referral, reason="work", note="", by=coordinator, on=on)
    assert "decided_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        referrals.referral_actualise(
            referral=referral,
            by=coordinator,
            start_date=today(),
            coordinator=coordinator,
            first_meeting_at=local(today() + days(3)),
            location="Kommunhuset",
            on=on,
        )
    assert "decided_on" in refused.value.message_dict
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == ("received", None)


def test_a_case_cannot_start_before_its_referral_was_received(process, coordinator):
    referral = ReferralFactory(process=process, received_on=today() - days(10))
    with pytest.raises(ValidationError) as refused:
        referrals.referral_actualise(
            referral=referral,
            by=coordinator,
            start_date=today() - days(11),
            coordinator=coordinator,
            first_meeting_at=local(today() + days(3)),
            location="Kommunhuset",
        )
    assert "start_date" in refused.value.message_dict
    assert not Case.objects.exists()


def test_the_decline_form_takes_the_decision_day(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(30))
    url = reverse("referrals:referral-decline", args=[referral.pk])
    early = coordinator_client.post(
        url, {"reason": "work", "decided_on": (today() - days(31)).isoformat()}
    )
    assert early.status_code == 200
    assert early.context["form"].errors["decided_on"]
    ahead = coordinator_client.post(
        url, {"reason": "work", "decided_on": (today() + days(1)).isoformat()}
    )
    assert ahead.context["form"].errors["decided_on"]
    response = coordinator_client.post(
        url, {"reason": "work", "decided_on": (today() - days(25)).isoformat()}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == ("not_relevant", today() - days(25))


def test_the_actualise_form_refuses_a_start_before_receipt(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(10))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(start_date=(today() - days(40)).isoformat()),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start_date"]
    assert not Case.objects.exists()


def test_the_actualise_form_takes_the_decision_day(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(10))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(
            decided_on=(today() - days(6)).isoformat(),
            start_date=(today() - days(6)).isoformat(),
        ),
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.decided_on == today() - days(6)
    assert referral.case.start_date == today() - days(6)


# Actualising with a first meeting already held ----------------------------------


def test_a_first_meeting_in_the_past_is_recorded_held_with_its_note_and_no_letter(
    coordinator_client, process
):
    referral = ReferralFactory(process=process, received_on=today() - days(20))
    held_at = local(today() - days(8))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(
            decided_on=(today() - days(8)).isoformat(),
            start_date=(today() - days(8)).isoformat(),
            first_meeting_at=f"{timezone.localtime(held_at):%Y-%m-%dT%H:%M}",
            first_meeting_note="Första samtalet: mål och samtycken.",
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.status, meeting.starts_at) == ("first", "held", held_at)
    assert meeting.journal_note == "Första samtalet: mål och samtycken."
    assert meeting.outcome_recorded_at is not None
    assert not Letter.objects.exists()


def test_a_past_first_meeting_needs_its_note(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(20))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(
            start_date=(today() - days(8)).isoformat(),
            first_meeting_at=f"{local(today() - days(8)):%Y-%m-%dT%H:%M}",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_meeting_note"]
    assert not Case.objects.exists()


def test_a_future_first_meeting_is_booked_with_a_welcome_letter(coordinator_client, process):
    referral = ReferralFactory(process=process)
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]), actualise_data()
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.status == "booked"
    assert Letter.objects.get().meeting == meeting


def test_a_first_meeting_is_not_before_the_referral(coordinator_client, process):
    referral = ReferralFactory(process=process, received_on=today() - days(5))
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        actualise_data(
            first_meeting_at=f"{local(today() - days(9)):%Y-%m-%dT%H:%M}",
            first_meeting_note="Samtal.",
        ),
    )
    assert response.context["form"].errors["first_meeting_at"]


# FIA, bibliotherapy, closure and follow-up ----------------------------------------------------


@pytest.fixture
def old_case(process, coordinator):
    return CaseFactory(process=process, coordinator=coordinator, start_date=today() - days(60))


def test_a_fia_step_entered_late_keeps_its_day_and_when_it_was_entered(
    coordinator_client, old_case
):
    url = reverse("interventions:fia", args=[old_case.pk])
    before = timezone.now()
    response = coordinator_client.post(
        url, {"status": "planned", "on": (today() - days(40)).isoformat()}
    )
    assert response.status_code == 302
    change = FiaStatusChange.objects.get()
    assert (change.status, change.changed_on) == ("planned", today() - days(40))
    assert change.entered_at >= before


@pytest.mark.parametrize("offset", [-61, 1])
def test_a_fia_step_is_never_before_the_case_nor_in_the_future(
    coordinator_client, old_case, offset
):
    response = coordinator_client.post(
        reverse("interventions:fia", args=[old_case.pk]),
        {"status": "planned", "on": (today() + days(offset)).isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["on"]
    assert not FiaStatusChange.objects.exists()


def test_a_fia_step_is_not_before_its_previous_step(old_case):
    fia = interventions.fia_set_status(
        fia=interventions.fia_for(old_case), status="planned", on=today() - days(10)
    )
    with pytest.raises(ValidationError) as refused:
        interventions.fia_set_status(fia=fia, status="ongoing", on=today() - days(20))
    assert "on" in refused.value.message_dict
    assert list(FiaStatusChange.objects.values_list("status", flat=True)) == ["planned"]


def test_a_participation_entered_late_keeps_its_day(client, process, coordinator, old_case):
    offer = interventions.offer_save(
        offer=BibliotherapyOffer(case=old_case, offered_on=today() - days(50), response="accepted"),
        by=coordinator,
        on=today() - days(50),
    )
    group = BibliotherapyGroup.objects.create(
        process=process, name="Läsgruppen", starts_on=today() - days(45)
    )
    librarian = UserFactory(role=Role.BIBLIOTHERAPIST)
    librarian.processes.add(process)
    client.force_login(librarian)
    url = reverse("interventions:participant-detail", args=[offer.pk])
    early = client.post(
        url,
        {"participation": "started", "group": group.pk, "on": (today() - days(51)).isoformat()},
    )
    assert early.status_code == 200
    assert early.context["form"].errors["on"]
    before = timezone.now()
    response = client.post(
        url,
        {"participation": "started", "group": group.pk, "on": (today() - days(44)).isoformat()},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.participation, offer.participation_changed_on) == (
        "started",
        today() - days(44),
    )
    assert offer.participation_entered_at is not None
    assert offer.participation_entered_at >= before


def test_an_acceptance_is_lined_up_from_the_day_of_the_offer(coordinator_client, old_case):
    response = coordinator_client.post(
        reverse("interventions:offer-create", args=[old_case.pk]),
        {"offered_on": (today() - days(30)).isoformat(), "response": "accepted"},
    )
    assert response.status_code == 302
    offer = BibliotherapyOffer.objects.get()
    assert (offer.participation, offer.participation_changed_on) == (
        "to_be_booked",
        today() - days(30),
    )


def test_a_changed_answer_to_an_offer_is_dated_by_the_coordinator(coordinator_client, old_case):
    """Declined at the offer, accepted three weeks later, entered today."""
    offer = interventions.offer_save(
        offer=BibliotherapyOffer(
            case=old_case,
            offered_on=today() - days(40),
            response="declined",
            decline_reason="health",
        ),
        by=old_case.coordinator,
    )
    url = reverse("interventions:offer-update", args=[offer.pk])
    data = {"offered_on": offer.offered_on.isoformat(), "response": "accepted"}
    ahead = coordinator_client.post(url, {**data, "answered_on": (today() + days(1)).isoformat()})
    assert ahead.status_code == 200
    assert "answered_on" in ahead.context["form"].errors
    response = coordinator_client.post(
        url, {**data, "answered_on": (today() - days(19)).isoformat()}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.response, offer.participation, offer.participation_changed_on) == (
        "accepted",
        "to_be_booked",
        today() - days(19),
    )


def test_closure_and_follow_up_keep_their_day_and_when_they_were_entered(old_case, coordinator):
    before = timezone.now()
    core.case_close(
        case=old_case,
        closed_on=today() - days(20),
        outcome="work",
        income_source_end="employment",
        followup_consent=True,
        by=coordinator,
    )
    core.case_follow_up(
        case=old_case, done_on=today() - days(2), result="Arbetar kvar.", by=coordinator
    )
    old_case.refresh_from_db()
    assert (old_case.closed_on, old_case.followup_done_on) == (
        today() - days(20),
        today() - days(2),
    )
    assert old_case.closure_entered_at is not None
    assert old_case.closure_entered_at >= before
    assert old_case.followup_entered_at is not None
    assert old_case.followup_entered_at >= before
    assert Consent.objects.get(client=old_case.client).given_on == today() - days(20)


# Interventions ------------------------------------------------------------------------------


def intervention_data(**changes: str) -> dict[str, str]:
    data = {
        "kind": "fk_application",
        "starts_on": (today() - days(40)).isoformat(),
        "status": "ongoing",
        "fk_outcome": "applied",
    }
    data.update(changes)
    return data


def test_an_intervention_keeps_each_status_and_outcome_with_its_day(coordinator_client, old_case):
    created = coordinator_client.post(
        reverse("interventions:intervention-create", args=[old_case.pk]), intervention_data()
    )
    assert created.status_code == 302
    intervention = Intervention.objects.get()
    url = reverse("interventions:intervention-update", args=[intervention.pk])
    unchanged = coordinator_client.post(
        url, intervention_data(changed_on=(today() - days(5)).isoformat())
    )
    assert unchanged.status_code == 302
    before = timezone.now()
    rejected = coordinator_client.post(
        url,
        intervention_data(fk_outcome="rejected", changed_on=(today() - days(10)).isoformat()),
    )
    assert rejected.status_code == 302
    history = list(InterventionChange.objects.values_list("fk_outcome", "changed_on"))
    assert history == [("applied", today() - days(40)), ("rejected", today() - days(10))]
    assert InterventionChange.objects.get(fk_outcome="rejected").entered_at >= before


@pytest.mark.parametrize("offset", [-41, 1])
def test_an_intervention_change_is_never_before_its_start_nor_ahead(
    coordinator_client, old_case, offset
):
    intervention = InterventionFactory(
        case=old_case, kind="fk_application", fk_outcome="applied", starts_on=today() - days(40)
    )
    response = coordinator_client.post(
        reverse("interventions:intervention-update", args=[intervention.pk]),
        intervention_data(fk_outcome="granted", changed_on=(today() + days(offset)).isoformat()),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["changed_on"]
    intervention.refresh_from_db()
    assert intervention.fk_outcome == "applied"
    assert not InterventionChange.objects.exists()


def test_the_referral_page_says_a_decision_was_entered_afterwards(
    coordinator_client, coordinator, process
):
    referral = ReferralFactory(process=process, received_on=today() - days(20))
    referrals.referral_decline(
        referral=referral, reason="work", note="", by=coordinator, on=today() - days(12)
    )
    page = coordinator_client.get(referral.get_absolute_url()).content.decode()
    assert f"Registrerat i efterhand, den {today():%Y-%m-%d}" in page


def test_an_offer_or_intervention_is_not_dated_before_its_case(coordinator_client, old_case):
    early = (old_case.start_date - days(1)).isoformat()
    offer = coordinator_client.post(
        reverse("interventions:offer-create", args=[old_case.pk]),
        {"offered_on": early, "response": "accepted"},
    )
    assert offer.context["form"].errors["offered_on"]
    intervention = coordinator_client.post(
        reverse("interventions:intervention-create", args=[old_case.pk]),
        intervention_data(starts_on=early),
    )
    assert intervention.context["form"].errors["starts_on"]
    assert not BibliotherapyOffer.objects.exists()
    assert not Intervention.objects.exists()
