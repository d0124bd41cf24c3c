"""The status report's exports, PDF and dashboard, the SuS list and the coordinator's planning.

The fixed scenario is in tests/report_helpers.py.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting import selectors
from reporting.models import Cost, Milestone

from .factories import (
    CaseFactory,
    MeetingFactory,
)
from .report_helpers import (
    PERIOD,
    D,
    at,
    pdf_text,
    report_url,
)


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
    coordinator_client, evaluator_client, coordinator, process, scenario, settings
):
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({process.pk})
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
