"""Bibliotherapy: offers, the bibliotherapist's lists, sessions, participation and bounds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interventions import services
from interventions.models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    Intervention,
    SelfAssessment,
)
from klientstod.models import Role

from .factories import (
    CaseFactory,
    ClientFactory,
    MeetingFactory,
    OrganisationFactory,
    questionnaires,
)
from .intervention_helpers import (
    TODAY,
    fia_session,
    queries,
)


@pytest.fixture
def library(process, coordinator):
    """A group with one accepted participant, one declined client and one not offered."""
    accepted = CaseFactory(process=process, client=ClientFactory(first_name="Accepterad"))
    declined = CaseFactory(process=process, client=ClientFactory(first_name="Avböjd"))
    group = BibliotherapyGroup.objects.create(process=process, name="Läsgruppen", starts_on=TODAY())
    offer = services.offer_save(
        offer=BibliotherapyOffer(case=accepted, offered_on=TODAY(), response="accepted"),
        by=coordinator,
    )
    services.offer_save(
        offer=BibliotherapyOffer(
            case=declined, offered_on=TODAY(), response="declined", decline_reason="health"
        ),
        by=coordinator,
    )
    return {"group": group, "offer": offer, "accepted": accepted, "declined": declined}


@pytest.mark.django_db
def test_bibliotherapist_sees_only_those_who_accepted(bibliotherapist_client, library, coordinator):
    page = bibliotherapist_client.get(reverse("interventions:bibliotherapy"))
    assert [offer.case for offer in page.context["participants"]] == [library["accepted"]]
    assert "Avböjd" not in page.content.decode()
    accepted = library["accepted"]
    assert bibliotherapist_client.get(accepted.get_absolute_url()).status_code == 403
    assert (
        bibliotherapist_client.get(reverse("interventions:fia", args=[accepted.pk])).status_code
        == 403
    )
    detail = bibliotherapist_client.get(
        reverse("interventions:participant-detail", args=[library["offer"].pk])
    )
    assert detail.status_code == 200
    declined_offer = BibliotherapyOffer.objects.get(case=library["declined"])
    assert (
        bibliotherapist_client.get(
            reverse("interventions:participant-detail", args=[declined_offer.pk])
        ).status_code
        == 404
    )
    # A klientstöd self-assessment or a journal note never reaches the bibliotherapist.
    forms = questionnaires()
    private = services.assessment_record(
        case=accepted,
        questionnaire=forms["klientstod"],
        occasion="start",
        answered_on=accepted.start_date,
        answers={forms["klientstod"].items.first().pk: 1},
        by=coordinator,
    )
    MeetingFactory(case=accepted, status="held", journal_note="Hemlig journalanteckning")
    assert (
        bibliotherapist_client.get(
            reverse("interventions:assessment-detail", args=[private.pk])
        ).status_code
        == 404
    )
    assert "Hemlig" not in detail.content.decode()


@pytest.mark.django_db
def test_bibliotherapist_records_a_session_and_a_self_assessment(bibliotherapist_client, library):
    offer, group = library["offer"], library["group"]
    services.participation_set(offer=offer, status="to_be_booked", group=group)
    response = bibliotherapist_client.post(
        reverse("interventions:group-detail", args=[group.pk]),
        {"held_on": TODAY().isoformat(), "theme": "Dikter om hav", "attended": [offer.pk]},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.participation == "started"
    form = questionnaires()["bibliotherapy"]
    response = bibliotherapist_client.post(
        reverse("interventions:assessment-create", args=[offer.case_id]) + "?kind=klientstod",
        {
            "occasion": "start",
            "answered_on": TODAY().isoformat(),
            f"item_{form.items.first().pk}": "4",
        },
    )
    assert response.status_code == 302
    assert SelfAssessment.objects.get().questionnaire.kind == "bibliotherapy"


@pytest.mark.django_db
def test_participation_follows_its_lifecycle(library):
    offer, group = library["offer"], library["group"]
    with pytest.raises(ValidationError):
        services.participation_set(offer=offer, status="started", group=None)
    services.participation_set(offer=offer, status="started", group=group)
    services.participation_set(offer=offer, status="completed", group=None)
    with pytest.raises(ValidationError):
        services.participation_set(offer=offer, status="started", group=None)


@pytest.mark.django_db
def test_only_the_invited_can_have_come(coordinator_client, library, process):
    response = coordinator_client.post(
        reverse("interventions:information-meeting-create"),
        {
            "process": process.pk,
            "held_on": TODAY().isoformat(),
            "place": "Biblioteket",
            "invited": [library["accepted"].pk],
            "attended": [library["declined"].pk],
        },
    )
    assert "attended" in response.context["form"].errors


# Interventions ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_several_interventions_at_once_and_fk_rules(coordinator_client, case):
    url = reverse("interventions:intervention-create", args=[case.pk])
    fk = OrganisationFactory(name="Försäkringskassan")
    response = coordinator_client.post(
        url,
        {
            "kind": "fk_application",
            "organisation": fk.pk,
            "starts_on": TODAY().isoformat(),
            "status": "ongoing",
        },
    )
    assert "fk_outcome" in response.context["form"].errors
    response = coordinator_client.post(
        url,
        {
            "kind": "studies",
            "starts_on": TODAY().isoformat(),
            "status": "ongoing",
            "fk_outcome": "granted",
        },
    )
    assert "fk_outcome" in response.context["form"].errors
    response = coordinator_client.post(
        url, {"kind": "work", "starts_on": TODAY().isoformat(), "status": "ended"}
    )
    assert "ends_on" in response.context["form"].errors
    for data in (
        {"kind": "fk_application", "organisation": fk.pk, "fk_outcome": "rejected"},
        {"kind": "af_municipality"},
    ):
        response = coordinator_client.post(
            url, {"starts_on": TODAY().isoformat(), "status": "ongoing", **data}
        )
        assert response.status_code == 302
    assert sorted(Intervention.objects.values_list("kind", flat=True)) == [
        "af_municipality",
        "fk_application",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BIBLIOTHERAPIST])
def test_bibliotherapy_pages_are_bounded(role, role_clients, process, coordinator):
    group = BibliotherapyGroup.objects.create(process=process, name="Grupp", starts_on=TODAY())

    def add(n):
        for _ in range(n):
            offer = services.offer_save(
                offer=BibliotherapyOffer(
                    case=CaseFactory(process=process), offered_on=TODAY(), response="accepted"
                ),
                by=coordinator,
            )
            services.participation_set(offer=offer, status="started", group=group)
            services.session_record(group=group, held_on=TODAY(), theme="", attended=[offer])

    http = role_clients[role]
    urls = [
        reverse("interventions:bibliotherapy"),
        reverse("interventions:group-detail", args=[group.pk]),
    ]
    add(5)
    few = [queries(http, url) for url in urls]
    add(45)
    assert [queries(http, url) for url in urls] == few
    assert max(few) <= 14


@pytest.mark.django_db
def test_fia_and_partner_pages_are_bounded(coordinator_client, case, coordinator, process):
    def add(n):
        for _ in range(n):
            fia_session(case)
            CollaborationContact.objects.create(
                process=process,
                organisation=OrganisationFactory(),
                held_on=TODAY(),
                kind="joint_planning",
                state="informed",
                created_by=coordinator,
            )
            Intervention.objects.create(case=case, kind="other", starts_on=TODAY())

    urls = [
        reverse("interventions:fia", args=[case.pk]),
        reverse("interventions:partner-overview"),
        reverse("klientstod:case-detail", args=[case.pk]),
    ]
    add(5)
    few = [queries(coordinator_client, url) for url in urls]
    add(45)
    assert [queries(coordinator_client, url) for url in urls] == few


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BIBLIOTHERAPIST])
def test_participant_and_assessment_pages_are_bounded(role, role_clients, library):
    offer, group = library["offer"], library["group"]
    services.participation_set(offer=offer, status="started", group=group)
    form = questionnaires()["bibliotherapy"]

    def add(n):
        for _ in range(n):
            services.session_record(group=group, held_on=TODAY(), theme="", attended=[offer])
            services.assessment_record(
                case=offer.case,
                questionnaire=form,
                occasion="other",
                answered_on=TODAY(),
                answers={
                    item.pk: 3 if item.kind == "scale" else "Bra" for item in form.items.all()
                },
                by=offer.created_by,
            )

    http = role_clients[role]
    add(5)
    latest = SelfAssessment.objects.latest("pk")
    urls = [
        reverse("interventions:participant-detail", args=[offer.pk]),
        reverse("interventions:assessment-detail", args=[latest.pk]),
    ]
    few = [queries(http, url) for url in urls]
    add(45)
    assert [queries(http, url) for url in urls] == few
