"""The status report: a fixed scenario whose every figure is known, period edges included.

The scenario and helpers are in tests/report_helpers.py; exports, the SuS list, the
coordinator's planning pages and the PDF are in tests/test_report_exports.py.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klientstod.models import Role
from referrals.models import Referral
from reporting import periods, selectors

from .factories import (
    CaseFactory,
    MeetingFactory,
    ReferralFactory,
)
from .report_helpers import (
    PERIOD,
    D,
    at,
    pdf_text,
    report_url,
)


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
        (20, 7, False),  # next year's: counted up to the period's end
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
    assert (rows["Övriga kostnader"].granted, rows["Övriga kostnader"].own) == (5000, 5000)
    # The interpreter's own financing is not granted by the förbund: not in "granted".
    assert (rows["Tolk"].granted, rows["Tolk"].own) == (0, 12330)
    total = report.budget.total
    assert (total.granted, total.forbund, total.own, total.invoiced) == (
        605000,
        163000,
        17330,
        3000,
    )

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
    # Some 24 for sections 1–9 and 11, and one or two for each of sections 6–8, 10 and 12.
    assert len(few) == len(many) <= 37
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
