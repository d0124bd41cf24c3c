"""Bad input is refused on its field with a Swedish message, and nothing typed is lost:
postal codes, "other reason" without a note, and the summary at the top of a form."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions.models import BibliotherapyOffer, FiaInterview, FiaStatus
from interventions.services import fia_set_status
from klientstod import personnummer, postal_codes
from klientstod.models import Case, Client, Role
from referrals.models import Referral

from .factories import CaseFactory, FiaFactory, ReferralFactory
from .test_clients import client_post
from .test_referrals import remiss

pytestmark = pytest.mark.django_db

POSTAL_MESSAGE = "Skriv postnumret med fem siffror, till exempel 123 45."
OTHER_MESSAGE = "Skriv vilket det andra skälet är."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12345", "123 45"), ("123 45", "123 45"), (" 269 31 ", "269 31"), ("SE-269 31", "269 31")],
)
def test_a_postal_code_is_stored_as_it_is_written_on_a_letter(typed, stored):
    assert postal_codes.normalise(typed) == stored


@pytest.mark.parametrize("typed", ["ABCDE", "1234", "123456", "12a45", "123-45-6"])
def test_a_postal_code_that_is_not_five_digits_is_refused(typed):
    with pytest.raises(ValidationError, match="fem siffror"):
        postal_codes.normalise(typed)


def test_the_personnummer_example_passes_the_apps_own_check():
    message = str(personnummer.MESSAGES["format"])
    examples = re.findall(r"\d{6,8}-\d{4}", message)
    assert len(examples) == 2
    assert all(personnummer.is_valid(example) for example in examples)


def test_a_new_client_with_a_bad_postal_code_is_refused_on_the_field(
    coordinator_client, coordinator, process
):
    data = client_post(
        **{
            "client-postal_code": "ABCDE",
            "case-process": process.pk,
            "case-coordinator": coordinator.pk,
            "case-start_date": "2026-01-01",
        }
    )
    response = coordinator_client.post(reverse("klientstod:client-create"), data)
    assert response.status_code == 200
    assert not Client.objects.exists()
    assert not Case.objects.exists()
    body = response.content.decode()
    assert POSTAL_MESSAGE in body
    assert 'value="ABCDE"' in body  # nothing typed is lost
    assert 'value="Storgatan 1"' in body
    # The summary at the top links to the field.
    summary = body[
        body.index("ks-error-summary") : body.index("</ul>", body.index("ks-error-summary"))
    ]
    assert 'href="#id_client-postal_code"' in summary
    assert "Inget sparades" in summary


def test_a_new_client_with_a_spaced_postal_code_is_stored_normalised(
    coordinator_client, coordinator, process
):
    data = client_post(
        **{
            "client-postal_code": "26931",
            "case-process": process.pk,
            "case-coordinator": coordinator.pk,
            "case-start_date": "2026-01-01",
        }
    )
    assert coordinator_client.post(reverse("klientstod:client-create"), data).status_code == 302
    assert Client.objects.get().postal_code == "269 31"


def test_a_referral_with_a_bad_postal_code_is_refused_on_the_field(role_clients, process):
    response = role_clients[Role.REFERRER].post(
        reverse("referrals:referral-create"), remiss(process, postal_code="ABCDE")
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert POSTAL_MESSAGE in response.content.decode()


def test_the_new_client_page_says_what_it_does_with_a_known_person(coordinator_client):
    body = coordinator_client.get(reverse("klientstod:client-create")).content.decode()
    assert "kopplas" not in body
    assert "registreras inte en gång till" in body


def test_a_referral_declined_for_another_reason_needs_a_note(coordinator_client, users, process):
    referrer = users[Role.REFERRER]
    referral = ReferralFactory(process=process, referrer=referrer)
    url = reverse("referrals:referral-decline", args=[referral.pk])
    response = coordinator_client.post(url, {"reason": "other", "note": "  "})
    assert response.status_code == 200
    assert OTHER_MESSAGE in response.content.decode()
    referral.refresh_from_db()
    assert referral.is_open
    assert coordinator_client.post(url, {"reason": "other", "note": "Flyttar."}).status_code == 302


def test_a_bibliotherapy_offer_declined_for_another_reason_needs_a_note(
    coordinator_client, coordinator, process
):
    case = CaseFactory(process=process, coordinator=coordinator)
    url = reverse("interventions:offer-create", args=[case.pk])
    data = {
        "offered_on": timezone.localdate().isoformat(),
        "response": "declined",
        "decline_reason": "other",
        "note": "",
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert OTHER_MESSAGE in response.content.decode()
    assert not BibliotherapyOffer.objects.exists()
    data["note"] = "Vill vänta till hösten."
    assert coordinator_client.post(url, data).status_code == 302
    assert BibliotherapyOffer.objects.get().note == "Vill vänta till hösten."


def test_a_fia_aborted_for_another_reason_needs_a_note(coordinator_client, coordinator, process):
    case = CaseFactory(process=process, coordinator=coordinator)
    fia = FiaFactory(case=case, status=FiaStatus.ONGOING, status_changed_on=case.start_date)
    url = reverse("interventions:fia", args=[case.pk])
    data = {"status": "aborted", "on": timezone.localdate().isoformat(), "abort_reason": "other"}
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert OTHER_MESSAGE in response.content.decode()
    fia.refresh_from_db()
    assert fia.status == FiaStatus.ONGOING
    with pytest.raises(ValidationError):
        fia_set_status(fia=fia, status="aborted", abort_reason="other", abort_note=" ")

    data["abort_note"] = "Familjeskäl."
    assert coordinator_client.post(url, data).status_code == 302
    fia = FiaInterview.objects.get(pk=fia.pk)
    assert (fia.status, fia.abort_note) == ("aborted", "Familjeskäl.")
    assert fia.history.last().abort_note == "Familjeskäl."
