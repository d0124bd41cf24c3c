"""Query budgets of FIA, self-assessment, bibliotherapy and partner overview pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interventions import services as interventions
from interventions.models import BibliotherapyOffer, Questionnaire
from klientstod.models import Process, Role

from .factories import (
    BibliotherapyGroupFactory,
    CaseFactory,
    CollaborationContactFactory,
    InformationMeetingFactory,
    OrganisationFactory,
    ProcessFactory,
    UnitFactory,
)
from .query_budget_helpers import (
    FEW,
    MANY,
    assert_flat,
    assert_same_queries,
    days_ago,
    logged_in,
    measure,
    today,
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BIBLIOTHERAPIST])
def test_self_assessment_pages_grow_with_questions(role, role_clients, coordinator, case):
    """The answer form has a field per question, the answers page a row per answer."""
    kind = "bibliotherapy" if role == Role.BIBLIOTHERAPIST else "klientstod"
    interventions.offer_save(
        offer=BibliotherapyOffer(case=case, offered_on=case.start_date, response="accepted"),
        by=coordinator,
    )
    texts: list[str] = []
    answered: dict[str, int] = {}

    def add(n):
        start = len(texts)
        texts.extend(f"Fråga nummer {start + i}" for i in range(n))
        form = interventions.questionnaire_save(
            questionnaire=Questionnaire(kind=kind, title="Självskattning"),
            items=[(text, "scale" if i % 2 else "text") for i, text in enumerate(texts)],
        )
        assessment = interventions.assessment_record(
            case=case,
            questionnaire=form,
            occasion="other",
            answered_on=today(),
            answers={item.pk: 2 if item.kind == "scale" else "Svar" for item in form.items.all()},
            by=coordinator,
        )
        answered["pk"] = assessment.pk

    def shows(page, n):
        return page.text.count("Fråga nummer ") == n

    # The answers page of the newest assessment: its questionnaire grows with each round.
    http = role_clients[role]
    create = f"{reverse('interventions:assessment-create', args=[case.pk])}?kind={kind}"
    add(FEW)
    detail = reverse("interventions:assessment-detail", args=[answered["pk"]])
    update = reverse("interventions:assessment-update", args=[answered["pk"]])
    http.get(detail)
    few = {url: measure(http, url) for url in (create, detail, update)}
    assert all(shows(page, FEW) for page in few.values())
    add(MANY - FEW)
    detail_many = reverse("interventions:assessment-detail", args=[answered["pk"]])
    update_many = reverse("interventions:assessment-update", args=[answered["pk"]])
    for url, then in ((create, create), (detail_many, detail), (update_many, update)):
        many = measure(http, url)
        assert shows(many, MANY), url
        assert_same_queries(url, few[then], many, most=9)


@pytest.mark.django_db
def test_bibliotherapy_page_grows_with_the_coordinators_lists(
    coordinator_client, coordinator, process, users
):
    """Still to be offered, declined, groups and information meetings (the participants
    are grown in tests/test_bibliotherapy.py)."""
    therapist = users[Role.BIBLIOTHERAPIST]

    def add(n):
        for i in range(n):
            CaseFactory(process=process, coordinator=coordinator)  # still to be offered
            declined = CaseFactory(process=process, coordinator=coordinator)
            interventions.offer_save(
                offer=BibliotherapyOffer(
                    case=declined,
                    offered_on=days_ago(i % 30),
                    response="declined",
                    decline_reason="health",
                ),
                by=coordinator,
            )
            group = BibliotherapyGroupFactory(
                process=process, name=f"Grupp {i}", starts_on=today(), therapist=therapist
            )
            offer = interventions.offer_save(
                offer=BibliotherapyOffer(
                    case=CaseFactory(process=process), offered_on=today(), response="accepted"
                ),
                by=coordinator,
            )
            interventions.participation_set(offer=offer, status="started", group=group)
            interventions.session_record(group=group, held_on=today(), theme="", attended=[offer])
            meeting = InformationMeetingFactory(process=process, held_on=days_ago(i))
            meeting.invited.add(declined)
            meeting.attended.add(declined)

    def shows(page, n):
        return (
            len(page.context("to_offer")) == n
            and len(page.context("declined")) == min(n, 25)
            and len(page.context("groups")) == n
            and len(page.context("meetings")) == min(n, 10)
            and len(page.context("participants")) == n
        )

    url = reverse("interventions:bibliotherapy")
    assert_flat(coordinator_client, [url], add, shows, most=11)


@pytest.mark.django_db
def test_partner_overview_grows_with_contacts_of_partner_units(
    coordinator_client, coordinator, process
):
    def add(n):
        for i in range(n):
            org = OrganisationFactory()
            CollaborationContactFactory(
                process=process,
                organisation=org,
                unit=UnitFactory(organisation=org),
                case=CaseFactory(process=process),
                held_on=days_ago(i % 30),
                kind="case_consultation",
                state="informed",
                created_by=coordinator,
            )

    def shows(page, n):
        return len(page.context("partners")) == n and page.text.count("Enhet ") >= min(n, 30)

    url = reverse("interventions:partner-overview")
    assert_flat(coordinator_client, [url], add, shows, most=10)


# Reports --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.STEERING, Role.EVALUATOR, Role.ADMIN])
def test_report_index_grows_with_processes(role, users, process):
    user = users[role]

    def add(n):
        for _ in range(n):
            user.processes.add(ProcessFactory())

    def shows(page, n):
        listed = len(page.context("processes"))
        return listed == (Process.objects.count() if role == Role.ADMIN else n + 1) > n

    assert_flat(logged_in(user), [reverse("reporting:report-index")], add, shows, most=7)
