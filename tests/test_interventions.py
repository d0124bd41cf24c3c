"""The work with the client: FIA, self-assessments, bibliotherapy, interventions, samverkan."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from interventions import services
from interventions.models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    FiaStatus,
    Intervention,
    Questionnaire,
    SelfAssessment,
)
from klientstod import timeline
from klientstod.dates import months_after
from klientstod.models import Consent, Role

from .factories import (
    CaseFactory,
    ClientFactory,
    MeetingFactory,
    OrganisationFactory,
    questionnaires,
)

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def fia_session(case, *, held: bool = True):
    return MeetingFactory(
        case=case,
        kind="fia_session",
        status="held" if held else "booked",
        journal_note="FIA del 1",
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    # Table cells wrap; compare the words, not the line breaks.
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# FIA ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_fia_follows_its_lifecycle(case):
    fia = services.fia_for(case)
    services.fia_set_status(fia=fia, status=FiaStatus.PLANNED)
    with pytest.raises(ValidationError, match=r"cannot go from|kan inte ändras från"):
        services.fia_set_status(fia=fia, status=FiaStatus.COMPLETED)
    services.fia_set_status(fia=fia, status=FiaStatus.ONGOING)
    with pytest.raises(ValidationError) as error:
        services.fia_set_status(fia=fia, status=FiaStatus.COMPLETED)
    assert "status" in error.value.error_dict
    fia_session(case)
    services.fia_set_status(fia=fia, status=FiaStatus.COMPLETED, on_site_interpreter=True)
    fia.refresh_from_db()
    assert (fia.status, fia.on_site_interpreter, fia.status_changed_on) == (
        "completed",
        True,
        TODAY(),
    )
    with pytest.raises(ValidationError):
        services.fia_set_status(fia=fia, status=FiaStatus.ONGOING)


@pytest.mark.django_db
def test_an_aborted_fia_needs_its_reason(coordinator_client, case):
    fia = services.fia_for(case)
    services.fia_set_status(fia=fia, status=FiaStatus.ONGOING)
    url = reverse("interventions:fia", args=[case.pk])
    response = coordinator_client.post(url, {"status": "aborted"})
    assert "abort_reason" in response.context["form"].errors
    response = coordinator_client.post(url, {"status": "aborted", "abort_reason": "moved"})
    fia.refresh_from_db()
    assert (fia.status, fia.abort_reason) == ("aborted", "moved")
    events = [event.title for event in timeline.build(case)]
    assert "FIA: Avbruten" in events


@pytest.mark.django_db
def test_fia_summary_and_plan_print_as_a_pdf(coordinator_client, case):
    fia_session(case)
    url = reverse("interventions:fia-edit", args=[case.pk])
    response = coordinator_client.post(
        url,
        {
            "area_housing": "Bor i hyresrätt i Båstad.",
            "area_mental_health": "Oro och sömnsvårigheter.",
            "area_work_goals": "Vill arbeta inom handel.",
            "area_support_needs": "Stöd i kontakten med vården.",
            "client_goals": "Få en praktikplats till våren.",
            "assessment": "Motiverad men behöver tid.",
            "plan-TOTAL_FORMS": "2",
            "plan-INITIAL_FORMS": "0",
            "plan-0-goal": "Praktik inom handel",
            "plan-0-sub_goal": "Besöka två butiker",
            "plan-0-activity": "Samordnaren kontaktar AF",
            "plan-0-responsible": "Klientsamordnaren",
            "plan-0-follow_up_on": (TODAY() + datetime.timedelta(days=30)).isoformat(),
            "plan-1-goal": "",
        },
    )
    assert response.status_code == 302
    fia = services.fia_for(case)
    assert fia.summary["housing"] == "Bor i hyresrätt i Båstad."
    assert [item.goal for item in fia.plan.all()] == ["Praktik inom handel"]
    text = pdf_text(coordinator_client.get(reverse("interventions:fia-pdf", args=[case.pk])))
    for expected in (
        "FIA – sammanfattning och genomförandeplan",
        "Social livssituation",
        "Mål och arbete",
        "Arbetsmarknadsinsatser och krav",
        "Bor i hyresrätt i Båstad.",
        "Praktik inom handel",
        "Få en praktikplats till våren.",
        case.client.full_name,
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_fia_form_keeps_what_was_typed_when_the_plan_is_wrong(coordinator_client, case):
    response = coordinator_client.post(
        reverse("interventions:fia-edit", args=[case.pk]),
        {
            "area_housing": "Bor hos sin bror.",
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-0-goal": "Arbete",
            "plan-0-follow_up_on": "2026-13-45",
        },
    )
    assert response.status_code == 200
    assert "Bor hos sin bror." in response.content.decode()
    assert not services.fia_for(case).summary


# Self-assessments ----------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_an_answered_questionnaire_makes_a_new_version(case, coordinator):
    form = questionnaires()["klientstod"]
    first_item = form.items.first()
    old = services.assessment_record(
        case=case,
        questionnaire=form,
        occasion="start",
        answered_on=case.start_date,
        answers={first_item.pk: 2},
        by=coordinator,
    )
    form.title = "Självskattning, enklare frågor"
    new = services.questionnaire_save(
        questionnaire=form, items=[("Hur mår du?", "scale"), ("Vad hjälper dig?", "text")]
    )
    old_version = Questionnaire.objects.get(pk=old.questionnaire_id)
    assert new.pk != old_version.pk
    assert new.version == old_version.version + 1
    assert new.is_current
    assert not old_version.is_current
    assert old_version.items.first().text == "Hur mår du i dag?"
    assert old.answers.get().item.questionnaire == old_version
    assert [i.text for i in new.items.all()] == ["Hur mår du?", "Vad hjälper dig?"]


@pytest.mark.django_db
def test_an_unanswered_questionnaire_is_changed_in_place():
    form = questionnaires()["work"]
    services.questionnaire_save(questionnaire=form, items=[("Trivs du på praktiken?", "scale")])
    assert Questionnaire.objects.filter(kind="work").count() == 1
    assert form.items.get().text == "Trivs du på praktiken?"


@pytest.mark.django_db
def test_the_admin_edits_questions_and_versions_follow(admin_client_, case, coordinator):
    form = questionnaires()["klientstod"]
    services.assessment_record(
        case=case,
        questionnaire=form,
        occasion="start",
        answered_on=case.start_date,
        answers={form.items.first().pk: 4},
        by=coordinator,
    )
    url = reverse("admin:interventions_questionnaire_change", args=[form.pk])
    response = admin_client_.post(
        url,
        {
            "kind": "klientstod",
            "title": "Klientstöd v2",
            "instructions": "",
            "questions": "Jag vet vad nästa steg är\ntext: Något mer?",
        },
    )
    assert response.status_code == 302
    assert Questionnaire.objects.filter(kind="klientstod").count() == 2
    current = Questionnaire.objects.get(kind="klientstod", is_current=True)
    assert [(i.text, i.kind) for i in current.items.all()] == [
        ("Jag vet vad nästa steg är", "scale"),
        ("Något mer?", "text"),
    ]


@pytest.mark.django_db
def test_occasions_are_start_every_two_months_and_closure(process):
    today = datetime.date(2026, 11, 22)
    fresh = CaseFactory(process=process, start_date=today - datetime.timedelta(days=3))
    older = CaseFactory(process=process, start_date=months_after(today, -4))
    closed = CaseFactory(
        process=process,
        start_date=months_after(today, -8),
        status="closed",
        closed_on=today - datetime.timedelta(days=2),
        closure_outcome="work",
    )
    due = services.assessments_due([fresh, older, closed], [(older.pk, "start", 0)], today)
    # Soonest due first.
    assert [(d.case, d.occasion, d.period, d.due_on) for d in due] == [
        (fresh, "start", 0, fresh.start_date),
        (closed, "closure", 0, closed.closed_on),
        (older, "periodic", 2, months_after(older.start_date, 4)),
    ]
    answered = [(older.pk, "start", 0), (older.pk, "periodic", 2), (closed.pk, "closure", 0)]
    assert [d.case for d in services.assessments_due([older, closed], answered, today)] == []


@pytest.mark.django_db
def test_coordinator_enters_answers_and_sees_the_trend(coordinator_client, case):
    form = questionnaires()["klientstod"]
    scale, text = form.items.all()
    url = reverse("interventions:assessment-create", args=[case.pk])
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = coordinator_client.post(
        url,
        {
            "occasion": "start",
            "answered_on": future,
            f"item_{scale.pk}": "2",
            f"item_{text.pk}": "Trött",
        },
    )
    assert "answered_on" in response.context["form"].errors
    assert "Trött" in response.content.decode()
    for days, score in ((40, "2"), (20, "3"), (1, "4")):
        coordinator_client.post(
            url,
            {
                # One assessment per occasion: the third is on an occasion of its own.
                "occasion": {40: "start", 20: "periodic", 1: "other"}[days],
                "answered_on": days_ago(days).isoformat(),
                f"item_{scale.pk}": score,
            },
        )
    assert SelfAssessment.objects.filter(case=case).count() == 3
    page = coordinator_client.get(reverse("klientstod:client-detail", args=[case.client_id]))
    body = page.content.decode()
    assert "<svg" in body
    assert 'role="img"' in body
    assert body.count("<tr><td>") >= 3  # the table behind the chart


@pytest.mark.django_db
def test_min_dag_lists_self_assessments_due(coordinator_client, process, coordinator):
    questionnaires()
    CaseFactory(process=process, coordinator=coordinator, start_date=days_ago(70))
    body = coordinator_client.get("/").content.decode()
    assert "Självskattningar att göra" in body


# Bibliotherapy --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_offer_declined_needs_a_reason_and_accepting_lines_up_a_booking(
    coordinator_client, case
):
    url = reverse("interventions:offer-create", args=[case.pk])
    response = coordinator_client.post(
        url, {"offered_on": TODAY().isoformat(), "response": "declined", "note": "Vill inte"}
    )
    assert "decline_reason" in response.context["form"].errors
    assert "Vill inte" in response.content.decode()
    coordinator_client.post(
        url,
        {"offered_on": TODAY().isoformat(), "response": "declined", "decline_reason": "disability"},
    )
    coordinator_client.post(url, {"offered_on": TODAY().isoformat(), "response": "accepted"})
    declined, accepted = BibliotherapyOffer.objects.order_by("pk")
    assert (declined.response, declined.decline_reason, declined.participation) == (
        "declined",
        "disability",
        "",
    )
    assert accepted.participation == "to_be_booked"


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


# Query counts --------------------------------------------------------------------------------


def queries(http, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


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
def test_without_a_questionnaire_the_coordinator_is_told_and_sent_back(coordinator_client, case):
    response = coordinator_client.get(reverse("interventions:assessment-create", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()


@pytest.mark.django_db
def test_a_bibliotherapy_assessment_does_not_count_for_the_schedule(
    coordinator_client, process, coordinator
):
    forms = questionnaires()
    case = CaseFactory(process=process, coordinator=coordinator, start_date=days_ago(3))
    services.assessment_record(
        case=case,
        questionnaire=forms["bibliotherapy"],
        occasion="start",
        answered_on=days_ago(1),
        answers={forms["bibliotherapy"].items.first().pk: 4},
        by=coordinator,
    )
    response = coordinator_client.get("/")
    [panel] = [p for p in response.context["panels"] if "due" in p.context]
    assert [(d.case, d.occasion) for d in panel.context["due"]] == [(case, "start")]


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
