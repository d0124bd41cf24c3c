"""Several interventions at once, FK rules, case consultations and the partner overview."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interventions.models import (
    CollaborationContact,
)
from klientstod.models import Consent

from .factories import (
    OrganisationFactory,
)
from .intervention_helpers import (
    TODAY,
    days_ago,
)

# Samverkan -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_case_consultation_without_sharing_consent_needs_confirmation(
    coordinator_client, case, process
):
    partner = OrganisationFactory(name="Capio Båstad")
    data = {
        "process": process.pk,
        "organisation": partner.pk,
        "held_on": TODAY().isoformat(),
        "kind": "case_consultation",
        "state": "established",
        "case": case.pk,
        "note": "Planering kring sjukskrivning",
    }
    url = reverse("interventions:contact-create")
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert response.context["needs_confirmation"]
    assert "Planering kring sjukskrivning" in response.content.decode()
    assert not CollaborationContact.objects.exists()
    Consent.objects.create(
        client=case.client, kind="information_sharing", organisation=partner, given_on=days_ago(5)
    )
    assert coordinator_client.post(url, data).status_code == 302
    overview = coordinator_client.get(reverse("interventions:partner-overview"))
    [row] = overview.context["partners"]
    assert (row["organisation__name"], row["state"], row["count"]) == (
        "Capio Båstad",
        "established",
        1,
    )


@pytest.mark.django_db
def test_partner_overview_shows_the_newest_state(coordinator_client, coordinator, process):
    partner = OrganisationFactory(name="Vårdcentralen")
    for days, state in ((30, "informed"), (2, "not_interested"), (10, "awaiting_reply")):
        CollaborationContact.objects.create(
            process=process,
            organisation=partner,
            held_on=days_ago(days),
            kind="information_meeting",
            state=state,
            created_by=coordinator,
        )
    [row] = coordinator_client.get(reverse("interventions:partner-overview")).context["partners"]
    assert (row["state"], row["count"], row["last_on"]) == ("not_interested", 3, days_ago(2))
