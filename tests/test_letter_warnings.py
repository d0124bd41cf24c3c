"""A letter that a posted copy cannot serve is flagged before it is printed: a welcome letter
whose first meeting comes before the post would, and a letter with no address to post to."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from klientstod.models import Role
from referrals.models import Letter

from .factories import ReferralFactory
from .test_referrals import actualise, local

pytestmark = pytest.mark.django_db

LATE = "ett brev med posten hinner inte fram"
NO_ADDRESS = "Adressfältet är tomt eller ofullständigt"


@pytest.fixture
def referral(process, users):
    referrer = users[Role.REFERRER]
    return ReferralFactory(
        process=process,
        referrer=referrer,
        street_address="Storgatan 1",
        postal_code="269 31",
        city="Båstad",
    )


@pytest.mark.parametrize(("days", "warned"), [(0, True), (1, True), (2, False), (5, False)])
def test_a_welcome_letter_warns_when_the_post_cannot_bring_it_in_time(
    referral, coordinator, days, warned
):
    moment = local(days, hour=9) if days else timezone.now() + datetime.timedelta(hours=1)
    actualise(referral, coordinator, first_meeting_at=moment)
    warnings = Letter.objects.get(referral=referral).warnings()
    assert any(LATE in w for w in warnings) is warned
    assert not any(NO_ADDRESS in w for w in warnings)


def test_the_referral_page_and_the_message_warn_before_printing(
    referral, coordinator, coordinator_client
):
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        {
            "decided_on": timezone.localdate().isoformat(),
            "start_date": timezone.localdate().isoformat(),
            "coordinator": coordinator.pk,
            "first_meeting_at": local(1, hour=9).strftime("%Y-%m-%dT%H:%M"),
            "location": "Kommunhuset",
            "duration_minutes": 60,
        },
        follow=True,
    )
    body = response.content.decode()
    assert Letter.objects.filter(referral=referral, kind=Letter.Kind.WELCOME).exists()
    # Once as the message after the decision, once beside the letter's button.
    assert body.count(LATE) == 2


def test_a_letter_to_an_empty_address_block_warns(process, users, coordinator_client):
    referral = ReferralFactory(
        process=process, referrer=users[Role.REFERRER], street_address="", postal_code=""
    )
    url = reverse("referrals:referral-decline", args=[referral.pk])
    before = coordinator_client.get(url).content.decode()
    assert "Remissen saknar fullständig postadress" in before
    detail = coordinator_client.get(reverse("referrals:referral-detail", args=[referral.pk]))
    assert "Ingen fullständig postadress" in detail.content.decode()

    response = coordinator_client.post(url, {"reason": "work", "note": ""}, follow=True)
    body = response.content.decode()
    letter = Letter.objects.get(referral=referral)
    assert letter.kind == Letter.Kind.NOT_RELEVANT
    assert body.count(NO_ADDRESS) == 2


def test_a_full_address_or_a_protected_identity_needs_no_warning(referral, coordinator):
    case = actualise(referral, coordinator, first_meeting_at=local(6))
    letter = Letter.objects.get(referral=referral)
    assert letter.warnings() == []
    client = case.client
    client.street_address = client.postal_code = client.city = ""
    client.protected_identity = True
    client.save()
    assert Letter.objects.get(referral=referral).warnings() == []
