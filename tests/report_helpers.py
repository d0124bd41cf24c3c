"""The status report's fixed scenario, whose every figure is known, and helpers for its pages."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from interventions.models import (
    Answer,
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    FiaInterview,
    FiaStatusChange,
    GroupSession,
    InformationMeeting,
    Intervention,
    Questionnaire,
    QuestionnaireItem,
    SelfAssessment,
)
from reporting import periods
from reporting.models import BudgetLine, Cost, Milestone, ReportingDeadline, VacationPeriod

from .factories import (
    CaseFactory,
    ClientFactory,
    MeetingFactory,
    OrganisationFactory,
    ReferralFactory,
    UnitFactory,
    make_personnummer,
)

D = datetime.date
PERIOD = periods.tertial(2026, 2)  # 2026-05-01 (a Friday) to 2026-08-31 (a Monday)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def history(case, *changes):
    fia = FiaInterview.objects.create(case=case)
    for status, day, *rest in changes:
        FiaStatusChange.objects.create(
            fia=fia, status=status, changed_on=day, abort_reason=rest[0] if rest else ""
        )
    return fia


@pytest.fixture
def scenario(process, coordinator):
    """Cases A–H and their referrals, meetings, FIA, interventions, offers, budget and costs."""
    af = OrganisationFactory(name="Arbetsförmedlingen")
    kommun = OrganisationFactory(name="Kommunen")
    amina = ClientFactory(
        first_name="Amina",
        last_name="Scenariosson",
        personnummer=make_personnummer(901, D(1990, 1, 1)),
        gender="woman",
        interpreter_needed=True,
        samsyn_participant=True,
    )
    omar = ClientFactory(
        first_name="Omar",
        last_name="Scenariosson",
        personnummer=make_personnummer(902, D(2000, 6, 1)),
        gender="man",
    )
    a = CaseFactory(process=process, client=amina, start_date=D(2026, 5, 10))
    b = CaseFactory(process=process, client=omar, start_date=D(2026, 7, 2))
    CaseFactory(  # C: closed before the period
        process=process,
        start_date=D(2026, 1, 10),
        status="closed",
        closed_on=D(2026, 4, 15),
        closure_outcome="studies",
    )
    d = CaseFactory(process=process, start_date=D(2026, 2, 1))
    e = CaseFactory(
        process=process,
        start_date=D(2026, 3, 1),
        status="closed",
        closed_on=D(2026, 6, 30),
        closure_outcome="work",
    )
    CaseFactory(  # F: the client ended it on the period's last day
        process=process,
        start_date=D(2026, 1, 1),
        status="closed",
        closed_on=D(2026, 8, 31),
        closure_outcome="client_ended",
    )
    g = CaseFactory(process=process, start_date=D(2026, 8, 20))
    h = CaseFactory(
        process=process,
        start_date=D(2026, 6, 1),
        status="closed",
        closed_on=D(2026, 7, 1),
        closure_outcome="registered_in_error",
    )
    # 1. Referrals: the first and the last day count, the day before does not; one decided
    # after the period is still waiting on its last day.
    common = {"process": process, "entered_by": coordinator}
    ReferralFactory(
        **common,
        organisation=af,
        personnummer=amina.personnummer,
        received_on=D(2026, 5, 1),
        status="actualised",
        decided_on=D(2026, 5, 10),
        client=amina,
        case=a,
    )
    ReferralFactory(
        **common,
        organisation=af,
        received_on=D(2026, 8, 31),
        status="actualised",
        decided_on=D(2026, 9, 5),
        client=ClientFactory(),
        case=CaseFactory(start_date=D(2026, 9, 5)),
    )
    ReferralFactory(
        **common,
        organisation=kommun,
        received_on=D(2026, 6, 15),
        status="not_relevant",
        not_relevant_reason="illness",
        decided_on=D(2026, 6, 20),
    )
    ReferralFactory(**common, organisation=af, received_on=D(2026, 4, 30))
    ReferralFactory(
        **common,
        organisation=kommun,
        personnummer=omar.personnummer,
        received_on=D(2026, 7, 1),
        status="actualised",
        decided_on=D(2026, 7, 2),
        client=omar,
        case=b,
    )
    # 2. FIA: A was ongoing on the last day (completed after it), B completed on the last day.
    history(
        a, ("planned", D(2026, 5, 20)), ("ongoing", D(2026, 6, 1)), ("completed", D(2026, 9, 10))
    )
    fia_b = history(b, ("completed", D(2026, 8, 31)))
    fia_b.on_site_interpreter = True
    fia_b.save()
    history(d, ("aborted", D(2026, 5, 5), "moved"))
    # 3. Interventions on the last day.
    Intervention.objects.create(
        case=a, kind="fk_application", fk_outcome="rejected", starts_on=D(2026, 6, 1)
    )
    Intervention.objects.create(case=b, kind="studies", starts_on=D(2026, 8, 31))
    Intervention.objects.create(case=b, kind="work", starts_on=D(2026, 9, 1))
    Intervention.objects.create(
        case=d,
        kind="af_municipality",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 6, 30),
        status="ended",
    )
    # 4. Meetings, with the edges of the period in local time.
    for when, status in [
        (at(D(2026, 5, 1), 0, 5), "held"),
        (at(D(2026, 5, 4), 10), "no_show"),
        (at(D(2026, 5, 5), 10), "rebooked"),
        (at(D(2026, 8, 31), 23, 30), "interpreter_missing"),
        (at(D(2026, 9, 1), 0, 30), "cancelled_by_client"),
        (at(D(2026, 4, 30), 23, 30), "no_show"),
    ]:
        MeetingFactory(case=a, starts_at=when, status=status)
    MeetingFactory(case=d, starts_at=at(D(2026, 3, 10), 10), status="held")
    MeetingFactory(case=d, starts_at=at(D(2026, 6, 1), 10), status="no_show")
    MeetingFactory(case=d, starts_at=at(D(2026, 6, 8), 10), status="no_show")
    # 5. Bibliotherapy.
    group = BibliotherapyGroup.objects.create(
        process=process, name="Grupp", starts_on=D(2026, 6, 1)
    )
    accepted = BibliotherapyOffer.objects.create(
        case=a,
        offered_on=D(2026, 5, 15),
        response="accepted",
        participation="started",
        group=group,
        created_by=coordinator,
    )
    GroupSession.objects.create(group=group, held_on=D(2026, 6, 1)).attended.add(accepted)
    BibliotherapyOffer.objects.create(
        case=b,
        offered_on=D(2026, 7, 10),
        response="declined",
        decline_reason="health",
        created_by=coordinator,
    )
    BibliotherapyOffer.objects.create(
        case=d, offered_on=D(2026, 5, 20), response="not_offered_language", created_by=coordinator
    )
    BibliotherapyOffer.objects.create(
        case=e,
        offered_on=D(2026, 9, 2),
        response="accepted",
        participation="to_be_booked",
        created_by=coordinator,
    )
    # 4. The process's own vacation: weeks 28 to 30.
    VacationPeriod.objects.create(
        process=process, starts_on=D(2026, 7, 6), ends_on=D(2026, 7, 24), note="Semester"
    )
    # 6. Milestones.
    Milestone.objects.create(process=process, metric="started", target=10, deadline=D(2026, 12, 31))
    Milestone.objects.create(
        process=process, metric="closed_to_goal", target=3, deadline=D(2026, 6, 30)
    )
    Milestone.objects.create(
        process=process, metric="bibliotherapy_started", target=5, deadline=D(2026, 12, 31)
    )
    # 7. Budget and costs.
    BudgetLine.objects.create(process=process, year=2026, category="coordinator", granted=600000)
    BudgetLine.objects.create(process=process, year=2025, category="coordinator", granted=1)
    for start, end, category, amount, financing, invoiced in [
        (D(2026, 1, 1), D(2026, 4, 30), "coordinator", 150000, "forbund", D(2026, 5, 10)),
        (D(2026, 5, 1), D(2026, 8, 31), "coordinator", 160000, "forbund", D(2026, 9, 5)),
        (D(2026, 5, 1), D(2026, 8, 31), "other", 5000, "own", None),
        (D(2026, 6, 1), D(2026, 6, 30), "education", 3000, "forbund", D(2026, 7, 1)),
    ]:
        Cost.objects.create(
            process=process,
            period_start=start,
            period_end=end,
            category=category,
            amount=amount,
            financing=financing,
            invoiced_on=invoiced,
        )
    # The process runs over three calendar years, as the seed's 2018–2021.
    process.starts_on, process.ends_on = D(2025, 9, 1), D(2027, 8, 31)
    process.save()
    cases = {"a": a, "b": b, "d": d, "e": e, "g": g, "h": h}
    information_meetings(process, cases)
    self_assessments(cases, coordinator)
    collaboration(process, af, kommun, coordinator)
    plan_ahead(process)
    return {"a": a, "b": b, "g": g, "clients": [amina, omar]}


def information_meetings(process, cases) -> None:
    """6. Held in the period: three (one before it does not count). Invited: A, B, D and E
    (A twice, H registered in error left out); came: A and E."""
    a, b, d, e, h = (cases[k] for k in "abdeh")
    for held_on, invited, came in [
        (D(2026, 5, 14), [a, b, d], [a]),
        (D(2026, 6, 10), [a, e], [a, e]),
        (D(2026, 7, 1), [h], [h]),
        (D(2026, 4, 20), [d], [d]),
    ]:
        meeting = InformationMeeting.objects.create(process=process, held_on=held_on)
        meeting.invited.set(invited)
        meeting.attended.set(came)


def self_assessments(cases, coordinator) -> None:
    """7. Klientstöd: A improves by 1.5 (the latest of the period, 4 against 2.5), D gets worse
    by 0.5, E is unchanged; B and G answered at the start only. Three answers declined (A's
    one, G's two). Bibliotherapy: A improves by 2."""
    a, b, d, e, g = (cases[k] for k in "abdeg")
    klientstod = Questionnaire.objects.create(kind="klientstod", title="Självskattning")
    first, second = (
        QuestionnaireItem.objects.create(questionnaire=klientstod, order=n, text=f"Fråga {n}")
        for n in (1, 2)
    )
    words = QuestionnaireItem.objects.create(
        questionnaire=klientstod, order=3, text="Egna ord", kind="text"
    )
    reading = Questionnaire.objects.create(kind="bibliotherapy", title="Biblioterapi")
    book = QuestionnaireItem.objects.create(questionnaire=reading, order=1, text="Mående")

    def answer(case, questionnaire, occasion, day, *scores, text=""):
        assessment = SelfAssessment.objects.create(
            case=case,
            questionnaire=questionnaire,
            occasion=occasion,
            answered_on=day,
            entered_by=coordinator,
        )
        items = [book] if questionnaire == reading else [first, second]
        for item, score in zip(items, scores, strict=True):
            if score is None:
                Answer.objects.create(assessment=assessment, item=item, declined=True)
            else:
                Answer.objects.create(assessment=assessment, item=item, score=score)
        if text:
            Answer.objects.create(assessment=assessment, item=words, text=text)

    answer(a, klientstod, "start", D(2026, 5, 12), 2, 3)
    answer(a, klientstod, "periodic", D(2026, 7, 12), 3, 4, text="Bättre")
    answer(a, klientstod, "periodic", D(2026, 8, 20), 4, None)
    answer(b, klientstod, "start", D(2026, 7, 3), 3, 3)
    answer(d, klientstod, "start", D(2026, 2, 5), 4, 4)
    answer(d, klientstod, "periodic", D(2026, 6, 5), 3, 4)
    answer(d, klientstod, "periodic", D(2026, 9, 10), 5, 5)  # after the period
    answer(e, klientstod, "start", D(2026, 3, 5), 3, 3)
    answer(e, klientstod, "periodic", D(2026, 6, 20), 3, 3)
    answer(g, klientstod, "start", D(2026, 8, 25), None, None)
    answer(a, reading, "start", D(2026, 6, 1), 2)
    answer(a, reading, "periodic", D(2026, 8, 1), 4)


def collaboration(process, af, kommun, coordinator) -> None:
    """8. In the period: Arbetsförmedlingen a case consultation and a joint planning,
    Vuxenpsykiatri an information meeting; a unit of Kommunen was informed before it."""
    psychiatry = OrganisationFactory(name="Vuxenpsykiatri")
    unit = UnitFactory(organisation=kommun, name="ekonomiskt bistånd")
    for organisation, partner_unit, day, kind, state in [
        (af, None, D(2026, 4, 10), "information_meeting", "informed"),
        (af, None, D(2026, 5, 20), "case_consultation", "established"),
        (af, None, D(2026, 6, 15), "joint_planning", "established"),
        (af, None, D(2026, 9, 3), "joint_planning", "not_interested"),  # after the period
        (psychiatry, None, D(2026, 7, 1), "information_meeting", "awaiting_reply"),
        (kommun, unit, D(2026, 3, 1), "information_meeting", "informed"),
    ]:
        CollaborationContact.objects.create(
            process=process,
            organisation=organisation,
            unit=partner_unit,
            held_on=day,
            kind=kind,
            state=state,
            created_by=coordinator,
        )


def plan_ahead(process) -> None:
    """9, 10 and 12: a milestone of the next year, the budget of every year with the interpreter
    as own financing, a cost of the year before, and the reporting calendar."""
    Milestone.objects.create(process=process, metric="started", target=20, deadline=D(2027, 6, 30))
    for year, category, financing, granted in [
        (2027, "coordinator", "forbund", 400000),
        (2026, "other", "forbund", 5000),
        (2026, "interpreter", "own", 15000),
    ]:
        BudgetLine.objects.create(
            process=process, year=year, category=category, financing=financing, granted=granted
        )
    Cost.objects.create(
        process=process,
        period_start=D(2026, 5, 1),
        period_end=D(2026, 8, 31),
        category="interpreter",
        description="Tolk",
        amount=12330,
        financing="own",
    )
    Cost.objects.create(
        process=process,
        period_start=D(2025, 9, 1),
        period_end=D(2025, 12, 31),
        category="coordinator",
        amount=100000,
        financing="forbund",
    )
    for day, kind, description, done_on in [
        (D(2026, 8, 31), "tertial_report", "", None),  # the period's last day: not to come
        (D(2026, 9, 14), "tertial_report", "Tertialrapport maj–augusti", D(2026, 9, 10)),
        (D(2026, 10, 6), "board_meeting", "Styrelsemöte", None),
        (D(2026, 12, 31), "annual_report", "", None),
        (D(2027, 1, 15), "board_meeting", "", None),  # more than four months ahead
    ]:
        ReportingDeadline.objects.create(
            process=process, kind=kind, due_on=day, description=description, done_on=done_on
        )


def report_url(name: str, process, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"preset": "t2", "year": 2026, **params}.items())
    return f"{reverse(name, args=[process.pk])}?{query}"


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())
