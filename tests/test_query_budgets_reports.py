"""Query budgets of the reports, exports, the SuS list, the plan page and the form pages."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from typing import Any

import pytest
from django.urls import reverse

from interventions import services as interventions
from interventions.models import BibliotherapyOffer, Questionnaire
from klientstod.models import Consent, Role
from reporting.models import Milestone

from .factories import (
    AnswerFactory,
    BibliotherapyGroupFactory,
    BibliotherapyOfferFactory,
    BudgetLineFactory,
    CaseFactory,
    ClientFactory,
    CollaborationContactFactory,
    ConsentFactory,
    CostFactory,
    FiaFactory,
    FiaStatusChangeFactory,
    InformationMeetingFactory,
    InterventionFactory,
    MeetingFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProcessFactory,
    QuestionnaireFactory,
    QuestionnaireItemFactory,
    ReferralFactory,
    ReportingDeadlineFactory,
    SelfAssessmentFactory,
    SlotFactory,
    UnitFactory,
    UserFactory,
)
from .query_budget_helpers import (
    D,
    assert_flat,
    days_ago,
    hours_from_now,
    today,
)


def grow_a_tertial(process, coordinator, n: int, start: int = 0) -> None:
    """Cases of tertial 2 of 2026 with a meeting, a referral, FIA, an intervention, an offer,
    an information meeting, self-assessments and a contact with a partner of its own, and a
    milestone, a budget line, a cost and a deadline for the process: what the report counts."""

    questionnaire = Questionnaire.objects.filter(kind="klientstod").first() or (
        QuestionnaireFactory(kind="klientstod")
    )
    item = questionnaire.items.first() or QuestionnaireItemFactory(questionnaire=questionnaire)
    for k in range(start, start + n):
        case = CaseFactory(process=process, start_date=D(2026, 5, 2))
        MeetingFactory(
            case=case,
            starts_at=datetime.datetime(2026, 6, 1 + k % 20, 10, tzinfo=datetime.UTC),
            status="no_show",
        )
        ReferralFactory(process=process, entered_by=coordinator, received_on=D(2026, 6, 2))
        fia = FiaFactory(case=case)
        FiaStatusChangeFactory(fia=fia, status="ongoing", changed_on=D(2026, 6, 3))
        InterventionFactory(case=case, kind="studies", starts_on=D(2026, 6, 4))
        BibliotherapyOfferFactory(
            case=case,
            offered_on=D(2026, 6, 5),
            response="declined",
            decline_reason="health",
            created_by=coordinator,
        )
        MilestoneFactory(
            process=process,
            metric="started",
            target=k + 1,
            deadline=D(2026, 5, 1) + datetime.timedelta(days=k),
        )
        CostFactory(
            process=process,
            period_start=D(2026, 5, 1),
            period_end=D(2026, 5, 31),
            category="other",
            amount=100,
            financing="own",
        )
        InformationMeetingFactory(
            process=process, held_on=D(2026, 6, 6), attended=[case]
        ).invited.set([case])
        for occasion, day, score in [("start", D(2026, 5, 2), 2), ("periodic", D(2026, 7, 2), 4)]:
            AnswerFactory(
                assessment=SelfAssessmentFactory(
                    case=case,
                    questionnaire=questionnaire,
                    occasion=occasion,
                    answered_on=day,
                    entered_by=coordinator,
                ),
                item=item,
                score=score,
            )
        CollaborationContactFactory(
            process=process,
            organisation=OrganisationFactory(name=f"Samverkanspart {k}"),
            held_on=D(2026, 6, 7),
            created_by=coordinator,
        )
        BudgetLineFactory(process=process, year=2030 + k, category="interpreter", financing="own")
        ReportingDeadlineFactory(
            process=process, kind="board_meeting", due_on=D(2026, 9, 1 + k % 28)
        )


def referred(table: list[list[Any]]) -> Any:
    """The last column of the row "Referred during the period" of an exported table."""
    [row] = [row for row in table if "Remitterade under perioden" in row]
    return [cell for cell in row if cell not in (None, "")][-1]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("preset", ["t2", "year"])
def test_exports_grow_with_what_the_report_counts(
    fmt, preset, evaluator_client, process, coordinator
):
    from openpyxl import load_workbook

    url = f"{reverse('reporting:report-export', args=[process.pk, fmt])}?preset={preset}&year=2026"

    def add(n):
        grow_a_tertial(process, coordinator, n, start=Milestone.objects.count())

    def shows(page, n):
        if fmt == "csv":
            text = page.response.content.decode("utf-8-sig")
            table = list(csv.reader(io.StringIO(text), delimiter=";"))
        else:
            sheet = load_workbook(io.BytesIO(page.response.content)).active
            table = [list(row) for row in sheet.iter_rows(values_only=True)]
        partners = [row for row in table if any("Samverkanspart" in str(c) for c in row[1:2])]
        return str(referred(table)) == str(n) and len(partners) == 4 * n

    # The annual report puts each tertial beside the year: five reports of some 23 queries,
    # and the sections the year's own column alone has (8, 10) some 8 more.
    assert_flat(evaluator_client, [url], add, shows, most=128 if preset == "year" else 45)


@pytest.mark.django_db
def test_sus_list_and_download_grow_with_cases(coordinator_client, coordinator, process, settings):
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({process.pk})
    start, end = days_ago(200), today()
    period = f"preset=custom&year={end.year}&start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
    urls = [
        f"{reverse('reporting:sus-list', args=[process.pk])}?{period}",
        f"{reverse('reporting:sus-download', args=[process.pk])}?{period}",
    ]

    def add(n):
        for i in range(n):
            case = CaseFactory(process=process, coordinator=coordinator)
            if i % 2:
                ConsentFactory(
                    client=case.client, kind=Consent.Kind.SUS_REGISTRATION, given_on=days_ago(5)
                )

    def shows(page, n):
        if page.response["Content-Type"].startswith("application/vnd.openxmlformats"):
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(page.response.content)).active
            return sheet.max_row - 2 == n  # the title and the headings, then a row a case
        return len(page.context("participants")) == n and len(page.context("incomplete")) == n

    assert_flat(coordinator_client, urls, add, shows, most=11)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_plan_page_grows_with_milestones_budget_costs_and_deadlines(role, role_clients, process):
    def add(n):
        start = Milestone.objects.count()
        for k in range(start, start + n):
            MilestoneFactory(
                process=process,
                metric="started",
                target=k,
                deadline=D(2026, 1, 1) + datetime.timedelta(days=k),
            )
            BudgetLineFactory(process=process, year=2000 + k, category="coordinator", granted=1000)
            CostFactory(
                process=process,
                period_start=D(2026, 1, 1),
                period_end=D(2026, 1, 31),
                category="education",
                amount=k,
                financing="forbund",
            )
            ReportingDeadlineFactory(
                process=process,
                kind="tertial_report",
                due_on=D(2026, 1, 1) + datetime.timedelta(days=k),
            )

    def shows(page, n):
        return (
            len(page.context("milestones")) == len(page.context("budget")) == n
            and len(page.context("deadlines")) == n
            and len(page.context("costs")) == min(n, 40)
        )

    url = reverse("reporting:plan", args=[process.pk])
    assert_flat(role_clients[role], [url], add, shows, most=11)


# Form pages and the lists they offer to choose from ---------------------------------------------


@pytest.fixture
def choices(process, coordinator, case, users):
    """Records for the forms to be about, and ``add(n)``: n more of everything a form lists."""
    referral = ReferralFactory(process=process)
    intervention = InterventionFactory(case=case, kind="work", starts_on=today())
    meeting = InformationMeetingFactory(process=process, held_on=today())
    offer = interventions.offer_save(
        offer=BibliotherapyOffer(case=case, offered_on=today(), response="accepted"),
        by=coordinator,
    )
    rounds = itertools.count(1)

    def add(n):
        for _ in range(n):
            k = next(rounds)
            UserFactory(role=Role.COORDINATOR, first_name="Samordnare", processes=[process])
            UserFactory(role=Role.BIBLIOTHERAPIST, first_name="Terapeut", processes=[process])
            org = OrganisationFactory(name=f"Partnerorg {k}")
            process.partners.add(org)
            UnitFactory(organisation=org, name=f"Partnerenhet {k}")
            client = ClientFactory(last_name=f"Klientsson{k}")
            meeting.invited.add(CaseFactory(process=process, client=client))
            SlotFactory(process=process, location=f"Rum {k}", starts_at=hours_from_now(48 + k))
            # Processes the referrer's organisation takes part in, which they may refer to.
            ProcessFactory(name=f"Processen {k}").partners.add(users[Role.REFERRER].organisation)
            BibliotherapyGroupFactory(process=process, name=f"Läsgrupp {k}", starts_on=today())

    return {
        "add": add,
        "client": case.client.pk,
        "case": case.pk,
        "referral": referral.pk,
        "intervention": intervention.pk,
        "information_meeting": meeting.pk,
        "offer": offer.pk,
    }


FORM_PAGES = [
    # (URL name, its argument, who opens it, what the page lists of what ``add`` makes)
    ("klientstod:client-create", None, Role.COORDINATOR, ["Samordnare"]),
    ("klientstod:case-create", "client", Role.COORDINATOR, ["Samordnare"]),
    ("klientstod:case-update", "case", Role.COORDINATOR, ["Samordnare"]),
    ("klientstod:consent-create", "client", Role.COORDINATOR, ["Partnerorg"]),
    ("referrals:referral-create", None, Role.REFERRER, ["Rum ", "Partnerorg", "Processen"]),
    ("referrals:consultation-create", None, Role.REFERRER, ["Processen"]),
    ("referrals:referral-paper-create", None, Role.COORDINATOR, ["Partnerenhet"]),
    ("referrals:referral-actualise", "referral", Role.COORDINATOR, ["Samordnare"]),
    ("interventions:intervention-create", "case", Role.COORDINATOR, ["Partnerenhet"]),
    ("interventions:intervention-update", "intervention", Role.COORDINATOR, ["Partnerenhet"]),
    ("interventions:contact-create", None, Role.COORDINATOR, ["Partnerenhet", "Klientsson"]),
    ("interventions:information-meeting-create", None, Role.COORDINATOR, ["Klientsson"]),
    (
        "interventions:information-meeting-update",
        "information_meeting",
        Role.COORDINATOR,
        ["Klientsson"],
    ),
    ("interventions:group-create", None, Role.COORDINATOR, ["Terapeut"]),
    ("interventions:group-create", None, Role.BIBLIOTHERAPIST, ["Terapeut"]),
    ("interventions:participant-detail", "offer", Role.BIBLIOTHERAPIST, ["Läsgrupp"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "argument", "role", "markers"),
    FORM_PAGES,
    ids=[f"{name}-{role}" for name, _argument, role, _markers in FORM_PAGES],
)
def test_form_pages_grow_with_their_choices(name, argument, role, markers, role_clients, choices):
    url = reverse(name, args=[choices[argument]] if argument else [])

    def shows(page, n):
        return all(page.text.count(marker) >= n for marker in markers)

    assert_flat(role_clients[role], [url], choices["add"], shows, most=13)
