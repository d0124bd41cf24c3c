"""The status report: a fixed scenario whose every figure is known, period edges included."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from interventions.models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    FiaInterview,
    FiaStatusChange,
    GroupSession,
    Intervention,
)
from klientstod.models import Role
from referrals.models import Referral
from reporting import periods, selectors
from reporting.models import BudgetLine, Cost, Milestone, VacationPeriod

from .factories import (
    CaseFactory,
    ClientFactory,
    MeetingFactory,
    OrganisationFactory,
    ReferralFactory,
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
    CaseFactory(
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
    return {"a": a, "b": b, "g": g, "clients": [amina, omar]}


@pytest.mark.django_db
def test_every_figure_of_the_scenario(process, scenario):
    report = selectors.tertial_report(process, PERIOD)

    r = report.referrals
    assert (r.received, r.actualised, r.not_relevant, r.waiting) == (4, 2, 1, 1)
    assert dict(r.not_relevant_by_reason)["Sjukdom"] == 1
    assert sum(n for _label, n in r.not_relevant_by_reason) == 1
    assert r.by_source == [("Arbetsförmedlingen", 1), ("Kommunen", 1)]
    assert (r.women, r.men, r.other_gender) == (1, 1, 0)
    assert [n for _label, n in r.by_age] == [1, 1, 0, 0]
    assert (r.interpreter, r.samsyn, r.samsyn_women, r.samsyn_men) == (1, 1, 1, 0)

    fia = report.fia
    # Open during the period: A, B, D, E, F and G; the case registered in error never counts.
    assert fia.by_status == {"not_started": 3, "ongoing": 1, "completed": 1, "aborted": 1}
    assert fia.completed_with_interpreter == 1
    assert dict(fia.aborted_by_reason)["Flyttat"] == 1

    i = report.interventions
    assert (i.fk_applications, dict(i.fk_by_outcome)["Avslag"]) == (1, 1)
    assert i.by_kind == {"fk_application": 1, "studies": 1}
    assert (i.unclear_no_first_meeting, i.unclear_recently_started) == (1, 0)
    assert (i.unclear_repeatedly_absent, i.ended_planning) == (1, 1)

    m = report.meetings
    assert (m.booked, m.held, m.not_held) == (6, 1, 5)
    assert [n for _label, n in m.by_cause] == [0, 1, 3, 1, 0]
    # Working days, not whole ISO weeks: 87 weekdays, less 1 May, Ascension Day and Midsummer Eve,
    # less the 15 days of vacation; 69 days are 13.8 weeks, 5 cancellations 0.4 a week.
    assert (m.working_days, m.working_weeks, m.not_held_per_week) == (
        69,
        Decimal("13.8"),
        Decimal("0.4"),
    )
    assert m.per_week[:2] == [(D(2026, 4, 27), 1, 0), (D(2026, 5, 4), 0, 2)]
    assert m.per_week[-1] == (D(2026, 8, 31), 0, 1)

    b = report.bibliotherapy
    assert (b.offered, b.accepted, b.started, b.to_be_rebooked, b.completed) == (2, 1, 1, 0, 0)
    assert (b.declined, dict(b.declined_by_reason)["Hälsa"]) == (1, 1)
    assert (b.not_offered_language, b.still_to_offer) == (1, 1)

    assert [(row.target, row.actual, row.met) for row in report.milestones] == [
        (3, 2, False),  # closed to the goal by 30 June: C and E
        (5, 1, False),  # bibliotherapy started by the period's end: A
        (10, 7, False),  # started by the period's end: A to G, not H registered in error
    ]

    rows = {row.category: row for row in report.budget.rows}
    coordinator_row = rows["Personal: klientsamordnare"]
    assert report.budget.year == 2026
    assert (coordinator_row.granted, coordinator_row.forbund, coordinator_row.invoiced) == (
        600000,
        160000,
        0,
    )
    assert (rows["Utbildning"].forbund, rows["Utbildning"].invoiced) == (3000, 3000)
    assert rows["Övriga kostnader"].own == 5000
    total = report.budget.total
    assert (total.granted, total.forbund, total.own, total.invoiced) == (600000, 163000, 5000, 3000)

    o = report.outcome
    assert (o.closed, o.reached, o.share) == (2, 1, 50)
    assert (o.closed_total, o.reached_total, o.share_total, o.goal_percent) == (3, 2, 67, 30)


@pytest.mark.django_db
def test_an_empty_period_is_all_zeros(process):
    report = selectors.tertial_report(process, periods.tertial(2020, 1))
    assert report.referrals.received == 0
    assert report.meetings.not_held_per_week == 0
    assert report.outcome.share is None
    assert report.milestones == []


def report_url(name: str, process, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"preset": "t2", "year": 2026, **params}.items())
    return f"{reverse(name, args=[process.pk])}?{query}"


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STEERING, Role.EVALUATOR])
def test_the_report_shows_figures_and_no_person(role, role_clients, process, scenario):
    http = role_clients[role]
    page = http.get(report_url("reporting:report", process)).content.decode()
    pdf = pdf_text(http.get(report_url("reporting:report-pdf", process)))
    for text in (page, pdf):
        for client in scenario["clients"]:
            assert client.last_name not in text
            assert client.personnummer not in text
            assert client.personnummer[2:8] not in text
    for heading in (
        "1. Remisser",
        "2. FIA",
        "3.",
        "4.",
        "5. Biblioterapi",
        "6.",
        "7.",
        "8.",
        process.name,
        "2026-05-01 – 2026-08-31",
    ):
        assert heading in pdf, heading
    assert "Sida 1 /" in pdf
    # The scenario's figures, as the PDF prints them.
    for line in (
        "Remitterade under perioden 4",
        "Ej aktuella i dagsläget 1",
        "Ännu inte beslutade 1",
        "Pågående 1",
        "med tolk på plats 1",
        "Avbokade eller ombokade 5",
        "Arbetsdagar 69",
        "Arbetsveckor 13,8",
        "Avbokade eller ombokade per vecka 0,4",
        "Semesterperioder som räknats bort: 2026-07-06 – 2026-07-24",
        "Ännu inte erbjudna 1",
        "Avslutade under perioden 2",
        "Andel som nått målet (%) 50",
        "Mål (%) 30",
    ):
        if role == Role.EVALUATOR:
            assert line in pdf, line


@pytest.mark.django_db
def test_small_counts_are_masked_for_the_steering_group(
    steering_client, coordinator_client, process, scenario
):
    process.suppress_small_counts = True
    process.save()
    masked = steering_client.get(report_url("reporting:report", process)).content.decode()
    assert "&lt;3" in masked
    plain = coordinator_client.get(report_url("reporting:report", process)).content.decode()
    assert "&lt;3" not in plain


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"preset": "custom", "start": "2026-08-01", "end": "2026-05-01"}, "end"),
        ({"preset": "custom", "start": "1900-01-01", "end": "1901-01-01"}, "start"),
        ({"preset": "custom", "start": "2020-01-01", "end": "2026-12-31"}, "end"),
        ({"preset": "t2", "year": "1800"}, "year"),
    ],
)
def test_a_reversed_or_absurd_period_is_refused(params, field, evaluator_client, process):
    url = reverse("reporting:report", args=[process.pk])
    response = evaluator_client.get(url, {"year": "2026", **params})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "report" not in response.context
    assert (
        evaluator_client.get(
            reverse("reporting:report-pdf", args=[process.pk]), {"year": "2026", **params}
        ).status_code
        == 400
    )


@pytest.mark.django_db
def test_report_queries_do_not_grow_with_cases(evaluator_client, process, coordinator):
    def add(n):
        for k in range(n):
            case = CaseFactory(process=process, start_date=D(2026, 5, 2))
            MeetingFactory(case=case, starts_at=at(D(2026, 6, 1 + k % 20), 10), status="no_show")
            ReferralFactory(process=process, entered_by=coordinator, received_on=D(2026, 6, 2))

    add(5)
    with CaptureQueriesContext(connection) as few:
        evaluator_client.get(report_url("reporting:report", process))
    add(45)
    with CaptureQueriesContext(connection) as many:
        evaluator_client.get(report_url("reporting:report", process))
    assert len(few) == len(many) <= 30
    assert Referral.objects.count() == 50


@pytest.mark.django_db
def test_near_and_overdue_deadlines_show_on_min_dag(coordinator_client, process):
    from reporting.models import ReportingDeadline

    today = timezone.localdate()
    ReportingDeadline.objects.create(
        process=process, kind="tertial_report", due_on=today + datetime.timedelta(days=10)
    )
    ReportingDeadline.objects.create(
        process=process, kind="board_meeting", due_on=today - datetime.timedelta(days=2)
    )
    ReportingDeadline.objects.create(
        process=process, kind="annual_report", due_on=today + datetime.timedelta(days=90)
    )
    ReportingDeadline.objects.create(
        process=process,
        kind="process_plan",
        due_on=today - datetime.timedelta(days=5),
        done_on=today - datetime.timedelta(days=6),
    )
    response = coordinator_client.get("/")
    [panel] = [p for p in response.context["panels"] if "deadlines" in p.context]
    assert [d.kind for d in panel.context["deadlines"]] == ["board_meeting", "tertial_report"]
    assert panel.context["deadlines"][0].is_overdue


@pytest.mark.django_db
def test_the_annual_report_puts_each_tertial_beside_the_year(evaluator_client, process, scenario):
    response = evaluator_client.get(report_url("reporting:report", process, preset="year"))
    columns = response.context["columns"]
    assert [c.period.label for c in columns] == [
        "Tertial 1 2026",
        "Tertial 2 2026",
        "Tertial 3 2026",
        "2026",
    ]
    [referred] = [
        row
        for row in response.context["sections"][0].rows
        if row.label == "Remitterade under perioden"
    ]
    assert referred.values == [1, 4, 0, 5]  # the referral of 30 April falls in tertial 1


@pytest.mark.django_db
def test_exports_hold_the_figures_and_no_person(evaluator_client, process, scenario):
    import csv as csv_module

    from openpyxl import load_workbook

    response = evaluator_client.get(
        reverse("reporting:report-export", args=[process.pk, "csv"]) + "?preset=t2&year=2026"
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = list(csv_module.reader(io.StringIO(text), delimiter=";"))
    assert ["1. Remisser", "Remitterade under perioden", "4"] in lines
    workbook = load_workbook(
        io.BytesIO(
            evaluator_client.get(
                reverse("reporting:report-export", args=[process.pk, "xlsx"])
                + "?preset=t2&year=2026"
            ).content
        )
    )
    cells = [
        str(c.value) for row in workbook.active.iter_rows() for c in row if c.value is not None
    ]
    assert "Remitterade under perioden" in cells
    for blob in (text, " ".join(cells)):
        for client in scenario["clients"]:
            assert client.last_name not in blob
            assert client.personnummer not in blob
    assert (
        evaluator_client.get(
            reverse("reporting:report-export", args=[process.pk, "pdf"])
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_sus_list_is_the_coordinators_and_every_download_is_recorded(
    coordinator_client, evaluator_client, coordinator, process, scenario
):
    from openpyxl import load_workbook

    from klientstod.models import Consent
    from reporting.models import Download

    amina = scenario["clients"][0]
    Consent.objects.create(client=amina, kind="sus_registration", given_on=D(2026, 5, 10))
    url = reverse("reporting:sus-list", args=[process.pk]) + "?preset=t2&year=2026"
    page = coordinator_client.get(url)
    incomplete = {p.case for p in page.context["incomplete"]}
    assert scenario["g"] in incomplete  # no SUS consent
    download = reverse("reporting:sus-download", args=[process.pk]) + "?preset=t2&year=2026"
    assert evaluator_client.get(download).status_code == 403
    assert not Download.objects.exists()
    response = coordinator_client.get(download)
    sheet = load_workbook(io.BytesIO(response.content)).active
    numbers = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert amina.personnummer in numbers
    assert len(numbers) == 6  # A, B, D, E, F and G were open during the period
    logged = Download.objects.get()
    assert (logged.user, logged.process, logged.rows) == (coordinator, process, 6)
    assert (logged.period_start, logged.period_end) == (D(2026, 5, 1), D(2026, 8, 31))


@pytest.mark.django_db
def test_the_coordinator_keeps_milestones_costs_and_the_calendar(coordinator_client, process):
    from reporting.models import ReportingDeadline

    url = reverse("reporting:plan", args=[process.pk])
    response = coordinator_client.post(
        url,
        {
            "save": "milestone",
            "milestone-metric": "started",
            "milestone-target": "28",
            "milestone-deadline": "2026-12-31",
        },
    )
    assert response.status_code == 302
    assert Milestone.objects.get().target == 28
    response = coordinator_client.post(
        url,
        {
            "save": "cost",
            "cost-period_start": "2026-08-31",
            "cost-period_end": "2026-05-01",
            "cost-category": "coordinator",
            "cost-amount": "177522",
            "cost-financing": "forbund",
            "cost-description": "Klientsamordnare 100 %",
        },
    )
    assert response.status_code == 200
    assert "period_end" in response.context["forms"]["cost"].errors
    assert "Klientsamordnare 100 %" in response.content.decode()
    assert not Cost.objects.exists()
    coordinator_client.post(
        url,
        {"save": "deadline", "deadline-kind": "tertial_report", "deadline-due_on": "2026-09-14"},
    )
    deadline = ReportingDeadline.objects.get()
    coordinator_client.post(
        reverse("reporting:plan-item", args=[process.pk, "deadline", deadline.pk]),
        {"action": "done"},
    )
    deadline.refresh_from_db()
    assert deadline.done_on == timezone.localdate()


@pytest.mark.django_db
def test_pdf_and_dashboard_queries_do_not_grow_with_cases(steering_client, process, coordinator):
    Milestone.objects.create(process=process, metric="started", target=10, deadline=D(2026, 12, 31))

    def add(n):
        for k in range(n):
            case = CaseFactory(process=process, start_date=D(2026, 5, 2))
            MeetingFactory(case=case, starts_at=at(D(2026, 6, 1 + k % 20), 10), status="held")

    urls = [
        report_url("reporting:report-pdf", process),
        reverse("reporting:dashboard", args=[process.pk]),
    ]

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert steering_client.get(url).status_code == 200
        return len(queries)

    add(5)
    few = [count(url) for url in urls]
    add(45)
    assert [count(url) for url in urls] == few


@pytest.mark.django_db
def test_our_own_cancellations_are_counted_apart(evaluator_client, process, scenario):
    """The scenario's key figure stays 5 (0.4 a week) with two meetings we cancelled in the
    period: they are planned meetings, shown in their own rows by reason."""
    a = scenario["a"]
    MeetingFactory(
        case=a, starts_at=at(D(2026, 6, 2), 10), status="cancelled_by_us", cancel_reason="clash"
    )
    MeetingFactory(
        case=a,
        starts_at=at(D(2026, 8, 31), 14),
        status="cancelled_by_us",
        cancel_reason="coordinator_ill",
    )
    # Outside the period: not counted.
    MeetingFactory(
        case=a, starts_at=at(D(2026, 9, 1), 9), status="cancelled_by_us", cancel_reason="other"
    )
    m = selectors.tertial_report(process, PERIOD).meetings
    assert (m.booked, m.held, m.not_held, m.cancelled_by_us) == (8, 1, 5, 2)
    assert [n for _label, n in m.by_cause] == [0, 1, 3, 1, 0]
    assert m.not_held_per_week == Decimal("0.4")
    assert m.per_week[-1] == (D(2026, 8, 31), 0, 1)
    assert dict(m.cancelled_by_us_by_reason) == {
        "Samordnaren sjuk": 1,
        "Krock med annat": 1,
        "Ärendet avslutades": 0,
        "Annat skäl": 0,
    }
    pdf = pdf_text(evaluator_client.get(report_url("reporting:report-pdf", process)))
    page = evaluator_client.get(report_url("reporting:report", process)).content.decode()
    for line in (
        "Avbokade eller ombokade 5",
        "Avbokade eller ombokade per vecka 0,4",
        "Inställt av oss 2",
        "Samordnaren sjuk 1",
        "Krock med annat 1",
    ):
        assert line in pdf, line
    assert "Inställt av oss" in page
    assert "räknas för sig" in page
