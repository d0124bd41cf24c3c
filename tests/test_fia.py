"""FIA and self-assessments: lifecycle, PDF, questionnaires and their versions, the schedule."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interventions import services
from interventions.models import (
    BibliotherapyOffer,
    FiaStatus,
    Questionnaire,
    SelfAssessment,
)
from klientstod import timeline
from klientstod.dates import months_after

from .factories import (
    CaseFactory,
    questionnaires,
)
from .intervention_helpers import (
    TODAY,
    days_ago,
    fia_session,
    pdf_text,
)

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
