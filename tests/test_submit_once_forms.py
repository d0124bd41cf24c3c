"""A double click makes one record: every POST form carries a one-time token.

The second sending of a form with the same token (a double click, a resubmitting
reload, a second tab) does not run the view again but ends where the first ended.
These tests post without JavaScript: the server holds the rule on its own.

This module: every form that makes a record, posted twice, and every POST form carries the token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from interventions.models import (
    AssessmentLink,
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    GroupSession,
    InformationMeeting,
    Intervention,
    PlanItem,
    SelfAssessment,
)
from klientstod.models import Case, Client, Consent, FormSubmission, Meeting, Role
from referrals.models import (
    Consultation,
    ConsultationMessage,
    Letter,
    Referral,
    ReferralSlot,
)
from reporting.models import BudgetLine, Cost, Milestone, ReportingDeadline, VacationPeriod

from .factories import (
    CaseFactory,
    ConsentFactory,
    ConsultationFactory,
    MeetingFactory,
    ReferralFactory,
    SlotFactory,
    questionnaires,
    work_with_client,
)
from .submit_once_helpers import FORM, POST_FORM, TOKEN, later, today, token_of_form
from .test_access import named_urls
from .test_clients import client_post
from .test_fuzz_forms import form_pages, questionnaire_versions
from .test_referrals import remiss

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def form_errors(response: Any) -> list[Any]:
    """The errors of the forms on a page that came back, to say why a sending failed."""
    return [
        form.errors
        for context in response.context or []
        for value in context.flatten().values()
        for form in (value.values() if isinstance(value, dict) else [value])
        if getattr(form, "errors", None)
    ]


# Every form that makes a record, posted twice ------------------------------------------


@dataclass
class Sending:
    role: str
    url: Callable[[dict[str, Any]], str]
    data: Callable[[dict[str, Any]], dict[str, Any]]
    #: The records the form makes; one sending adds one.
    count: Callable[[], int]


SENDINGS: dict[str, Sending] = {
    "referrals:referral-create": Sending(
        Role.REFERRER,
        lambda o: reverse("referrals:referral-create"),
        lambda o: remiss(o["process"]),
        Referral.objects.count,
    ),
    "referrals:referral-paper-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:referral-paper-create"),
        lambda o: remiss(
            o["process"],
            organisation=o["partner"].pk,
            referrer_name="Handläggare på FK",
            received_on=today(-3),
        ),
        Referral.objects.count,
    ),
    "referrals:referral-actualise": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:referral-actualise", args=[o["referral"].pk]),
        lambda o: {
            "start_date": today(),
            "coordinator": o["coordinator"].pk,
            "first_meeting_at": later(4),
            "duration_minutes": "60",
            "location": "Kommunhuset",
        },
        Case.objects.count,
    ),
    "referrals:referral-decline": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:referral-decline", args=[o["referral"].pk]),
        lambda o: {"reason": "illness", "note": "Återkom efter behandling."},
        Letter.objects.count,
    ),
    "referrals:slot-list": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:slot-list"),
        lambda o: {
            "process": o["process"].pk,
            "starts_at": later(5),
            "duration_minutes": "60",
            "location": "Kommunhuset",
        },
        ReferralSlot.objects.count,
    ),
    "referrals:consultation-create": Sending(
        Role.REFERRER,
        lambda o: reverse("referrals:consultation-create"),
        lambda o: {
            "process": o["process"].pk,
            "subject": "Fråga",
            "body": "Kvinna 40 år, lång sjukskrivning.",
        },
        Consultation.objects.count,
    ),
    "referrals:consultation-detail": Sending(
        Role.COORDINATOR,
        lambda o: reverse("referrals:consultation-detail", args=[o["consultation"].pk]),
        lambda o: {"body": "Ja, skicka gärna en remiss."},
        ConsultationMessage.objects.count,
    ),
    "klientstod:client-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:client-create"),
        lambda o: client_post(
            **{
                "case-process": o["process"].pk,
                "case-coordinator": o["coordinator"].pk,
                "case-start_date": today(),
            }
        ),
        Client.objects.count,
    ),
    "klientstod:case-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:case-create", args=[o["closed"].client_id]),
        lambda o: {"case-process": o["process"].pk, "case-start_date": today()},
        Case.objects.count,
    ),
    "klientstod:meeting-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:meeting-create", args=[o["case"].pk]),
        lambda o: {
            "kind": "alliance",
            "starts_at": later(3),
            "duration_minutes": "60",
            "location": "Kommunhuset",
        },
        Meeting.objects.count,
    ),
    "klientstod:meeting-outcome": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:meeting-outcome", args=[o["meeting"].pk]),
        lambda o: {"status": "rebooked", "journal_note": "Sjuk", "new_starts_at": later(9)},
        Meeting.objects.count,
    ),
    "klientstod:consent-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("klientstod:consent-create", args=[o["case"].client_id]),
        lambda o: {
            "kind": "information_sharing",
            "organisation": o["partner"].pk,
            "given_on": today(),
        },
        Consent.objects.count,
    ),
    "interventions:fia-edit": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:fia-edit", args=[o["case"].pk]),
        lambda o: {
            "area_housing": "Bor i hyresrätt.",
            "client_goals": "Få en praktikplats.",
            "assessment": "Motiverad.",
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-0-goal": "Arbete",
            "plan-0-activity": "Praktik",
            "plan-0-follow_up_on": today(30),
        },
        PlanItem.objects.count,
    ),
    "interventions:assessment-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:assessment-create", args=[o["case"].pk]),
        lambda o: {
            "occasion": "periodic",
            "answered_on": today(),
            f"item_{o['forms']['klientstod'].items.first().pk}": "3",
        },
        SelfAssessment.objects.count,
    ),
    "interventions:link-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:link-create", args=[o["case"].pk]),
        lambda o: {"occasion": "other", "channel": "qr", "language": "sv"},
        AssessmentLink.objects.count,
    ),
    "interventions:offer-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:offer-create", args=[o["case"].pk]),
        lambda o: {"offered_on": today(), "response": "declined", "decline_reason": "disability"},
        BibliotherapyOffer.objects.count,
    ),
    "interventions:intervention-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:intervention-create", args=[o["case"].pk]),
        lambda o: {"kind": "studies", "starts_on": today(), "status": "ongoing"},
        Intervention.objects.count,
    ),
    "interventions:group-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:group-create"),
        lambda o: {"process": o["process"].pk, "name": "Grupp 2", "starts_on": today()},
        BibliotherapyGroup.objects.count,
    ),
    "interventions:group-detail": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:group-detail", args=[o["group"].pk]),
        lambda o: {"held_on": today(), "theme": "Dikter om hav", "attended": [o["offer"].pk]},
        GroupSession.objects.count,
    ),
    "interventions:information-meeting-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:information-meeting-create"),
        lambda o: {"process": o["process"].pk, "held_on": today(), "place": "Biblioteket"},
        InformationMeeting.objects.count,
    ),
    "interventions:contact-create": Sending(
        Role.COORDINATOR,
        lambda o: reverse("interventions:contact-create"),
        lambda o: {
            "process": o["process"].pk,
            "organisation": o["partner"].pk,
            "held_on": today(),
            "kind": "information_meeting",
            "state": "informed",
            "note": "Presenterade Klientstöd.",
        },
        CollaborationContact.objects.count,
    ),
    "reporting:plan milestone": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "milestone",
            "milestone-metric": "started",
            "milestone-target": "28",
            "milestone-deadline": today(200),
        },
        Milestone.objects.count,
    ),
    "reporting:plan budget": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "budget",
            "budget-year": "2026",
            "budget-category": "coordinator",
            "budget-granted": "500000",
            "budget-financing": "forbund",
        },
        BudgetLine.objects.count,
    ),
    "reporting:plan cost": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "cost",
            "cost-period_start": "2026-05-01",
            "cost-period_end": "2026-08-31",
            "cost-category": "coordinator",
            "cost-amount": "177522",
            "cost-financing": "forbund",
        },
        Cost.objects.count,
    ),
    "reporting:plan deadline": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "deadline",
            "deadline-kind": "tertial_report",
            "deadline-due_on": today(40),
        },
        ReportingDeadline.objects.count,
    ),
    "reporting:plan vacation": Sending(
        Role.COORDINATOR,
        lambda o: reverse("reporting:plan", args=[o["process"].pk]),
        lambda o: {
            "save": "vacation",
            "vacation-starts_on": "2026-07-06",
            "vacation-ends_on": "2026-07-24",
            "vacation-note": "Semester",
        },
        VacationPeriod.objects.count,
    ),
    "admin:reporting_milestone_add": Sending(
        Role.ADMIN,
        lambda o: reverse("admin:reporting_milestone_add"),
        lambda o: {
            "process": o["process"].pk,
            "metric": "started",
            "target": "30",
            "deadline": today(100),
        },
        Milestone.objects.count,
    ),
}

#: Forms that make records without "create" in their URL's name.
ALSO_CREATING = {
    "referrals:referral-actualise",
    "referrals:referral-decline",
    "referrals:slot-list",
    "referrals:consultation-detail",
    "klientstod:meeting-outcome",
    "interventions:fia-edit",
    "interventions:group-detail",
    "reporting:plan",
}


@pytest.fixture
def objects(case, users, process, coordinator):
    referrer = users[Role.REFERRER]
    partner = referrer.organisation
    closed = CaseFactory(
        process=process,
        coordinator=coordinator,
        status="closed",
        closed_on=timezone.localdate(),
        closure_outcome="moved",
    )
    work = work_with_client(case, coordinator)
    work["offer"].group = work["group"]
    work["offer"].save()
    return {
        "case": case,
        "closed": closed,
        "process": process,
        "coordinator": coordinator,
        "partner": partner,
        "meeting": MeetingFactory(case=case),
        "referral": ReferralFactory(process=process, referrer=referrer, organisation=partner),
        "consultation": ConsultationFactory(process=process, asked_by=referrer),
        "forms": questionnaires(),
        "questionnaire_versions": questionnaire_versions(),
        **work,
    }


def test_every_form_that_makes_records_is_posted_twice():
    creating = {name for name in named_urls() if name.endswith("-create")} | ALSO_CREATING
    tested = {name.split()[0] for name in SENDINGS}
    assert not creating - tested, f"add a double sending for {sorted(creating - tested)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SENDINGS))
def test_a_double_sending_makes_one_record(name, role_clients, objects):
    sending = SENDINGS[name]
    http = role_clients[sending.role]
    url, data = sending.url(objects), sending.data(objects)
    page = http.get(url)
    assert page.status_code == 200
    token = token_of_form(page.content.decode(), next(iter(data)))
    before = sending.count()

    first = http.post(url, {**data, "submission_token": token})
    assert first.status_code == 302, form_errors(first)
    assert sending.count() == before + 1
    second = http.post(url, {**data, "submission_token": token})
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert sending.count() == before + 1
    # A new sending (a fresh page, a new token) is a new record where the form allows one.
    assert FormSubmission.objects.get().location == first["Location"]


# Every POST form carries the token -----------------------------------------------------------


def test_every_post_form_in_the_templates_carries_the_token():
    missing = [
        f"{path.relative_to(TEMPLATES)}: {form[:80]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for form in re.findall(r"<form\b.*?</form>", path.read_text(), re.S | re.I)
        if POST_FORM.match(form) and "{% submission_token %}" not in form
    ]
    assert not missing, "POST forms without {% submission_token %}:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_every_post_form_on_the_pages_carries_a_token_of_its_own(role_clients, objects):
    ConsentFactory(client=objects["case"].client)  # its withdraw button is a form
    SlotFactory(process=objects["process"], created_by=objects["coordinator"])
    ReportingDeadline.objects.create(
        process=objects["process"], kind="tertial_report", due_on=timezone.localdate()
    )
    pages = [
        *form_pages(objects),
        (Role.COORDINATOR, reverse("klientstod:client-detail", args=[objects["case"].client_id])),
        (Role.COORDINATOR, reverse("referrals:slot-list")),
        (
            Role.COORDINATOR,
            reverse("referrals:consultation-detail", args=[objects["consultation"].pk]),
        ),
        (Role.COORDINATOR, reverse("klientstod:case-list")),
        (Role.ADMIN, reverse("klientstod:audit-log")),
        (Role.ADMIN, reverse("admin:reporting_budgetline_add")),
        (Role.ADMIN, reverse("admin:klientstod_user_add")),
    ]
    # The admin's own logout button: a logout is sent any number of times (the middleware).
    admin_logout = f'action="{reverse("admin:logout")}"'
    for role, url in pages:
        html = role_clients[role].get(url).content.decode()
        forms = [f for f in FORM.findall(html) if POST_FORM.match(f) and admin_logout not in f]
        assert forms, url
        tokens = [TOKEN.findall(form) for form in forms]
        assert all(len(found) == 1 for found in tokens), (url, tokens)
        assert len({found[0] for found in tokens}) == len(forms), url
