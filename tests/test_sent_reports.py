"""Reports sent to the board: kept byte for byte, their figures compared with the live report.

The fixed scenario is in tests/report_helpers.py (tertial 2 of 2026, which has ended).
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from reporting.models import Download, ReportingDeadline, SentReport

from .factories import ReferralFactory
from .report_helpers import D, report_url

pytestmark = pytest.mark.django_db

T2 = {"preset": "t2", "year": "2026"}


def send(http, process, data=T2, token: str | None = None):
    body = dict(data)
    if token:
        body["submission_token"] = token
    return http.post(reverse("reporting:report-send", args=[process.pk]), body)


def download(http, report):
    return http.get(reverse("reporting:sent-report-download", args=[report.process_id, report.pk]))


def test_a_sent_report_comes_back_byte_for_byte_after_the_data_change(
    coordinator_client, evaluator_client, coordinator, users, process, scenario
):
    response = send(coordinator_client, process)
    assert response.status_code == 302
    assert response["Location"].endswith("?preset=t2&year=2026")
    report = SentReport.objects.get()
    pdf = bytes(report.pdf)
    assert pdf.startswith(b"%PDF")
    assert report.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (report.kind, report.period_start, report.period_end) == (
        "tertial_report",
        D(2026, 5, 1),
        D(2026, 8, 31),
    )
    assert (report.sent_by, report.sent_on) == (coordinator, timezone.localdate())

    # A referral entered late, inside the period: the live report changes, the sent does not.
    ReferralFactory(process=process, entered_by=coordinator, received_on=D(2026, 6, 10))
    live = evaluator_client.get(report_url("reporting:report-pdf", process)).content
    assert live != pdf

    got = download(evaluator_client, report)
    assert got.status_code == 200
    assert got.content == pdf
    assert hashlib.sha256(got.content).hexdigest() == report.sha256
    assert (
        got["Repr-Digest"] == f"sha-256=:{base64.b64encode(hashlib.sha256(pdf).digest()).decode()}:"
    )
    assert "attachment" in got["Content-Disposition"]

    # Every download is recorded, and the record is in the audit log.
    logged = Download.objects.get()
    assert (logged.user, logged.kind, logged.sent_report) == (
        users["evaluator"],
        "sent_report",
        report,
    )
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Download),
        object_pk=str(logged.pk),
        action=LogEntry.Action.CREATE,
        actor=users["evaluator"],
    ).exists()


def test_sending_ticks_the_matching_deadline_and_no_other(coordinator_client, process, scenario):
    ReportingDeadline.objects.filter(process=process).delete()  # this test's calendar only
    t1_report = ReportingDeadline.objects.create(
        process=process, kind="tertial_report", due_on=D(2026, 5, 20)
    )
    t2_report = ReportingDeadline.objects.create(
        process=process, kind="tertial_report", due_on=D(2026, 9, 20)
    )
    annual = ReportingDeadline.objects.create(
        process=process, kind="annual_report", due_on=D(2026, 9, 25)
    )
    page = coordinator_client.get(send(coordinator_client, process)["Location"])
    assert "Fristen 2026-09-20 är markerad som klar" in page.content.decode()
    for deadline in (t1_report, t2_report, annual):
        deadline.refresh_from_db()
    assert t2_report.done_on == timezone.localdate()
    assert t1_report.done_on is None
    assert annual.done_on is None
    assert SentReport.objects.get().deadline == t2_report


def test_a_double_click_sends_once_and_a_second_sending_keeps_both(
    coordinator_client, steering_client, process, scenario
):
    send(coordinator_client, process, token="one-click")
    send(coordinator_client, process, token="one-click")
    assert SentReport.objects.count() == 1
    send(coordinator_client, process, token="another-day")
    assert SentReport.objects.count() == 2
    page = steering_client.get(report_url("reporting:report", process)).content.decode()
    for report in SentReport.objects.all():
        assert reverse("reporting:sent-report-download", args=[process.pk, report.pk]) in page
    # The steering group reads the sender's role, not their name.
    assert "Klientsamordnare" in page


def test_the_live_report_marks_what_changed_since_it_was_sent(
    coordinator_client, coordinator, process, scenario
):
    send(coordinator_client, process)
    sent_on = f"{timezone.localdate():%Y-%m-%d}"
    same = coordinator_client.get(report_url("reporting:report", process))
    assert same.context["sent_changes"] == []
    assert (
        "Siffrorna är desamma som i rapporten som skickades till styrelsen" in same.content.decode()
    )
    assert "ändrad sedan rapporten skickades" not in same.content.decode()

    ReferralFactory(process=process, entered_by=coordinator, received_on=D(2026, 6, 10))
    page = coordinator_client.get(report_url("reporting:report", process))
    changes = page.context["sent_changes"]
    received = [c for c in changes if c.label == "Remitterade under perioden"]
    assert [(c.sent, c.now) for c in received] == [("4", "5")]
    [referrals] = [s for s in page.context["sections"] if s.number == 1]
    marked = {str(row.label) for row in referrals.rows if row.changed_since}
    assert "Remitterade under perioden" in marked
    assert "Aktualiserade" not in marked  # the new referral is still waiting
    assert referrals.changed_since == timezone.localdate()
    [fia] = [s for s in page.context["sections"] if s.number == 2]
    assert fia.changed_since is None
    html = page.content.decode()
    assert f"ändrad sedan rapporten skickades {sent_on}" in html
    assert f"Ändrat sedan rapporten skickades {sent_on}" in html


def test_the_board_reads_small_counts_as_the_steering_group_does(
    coordinator_client, process, scenario
):
    process.suppress_small_counts = True
    process.save()
    send(coordinator_client, process)
    rows = SentReport.objects.get().figures["rows"]
    samsyn = [values for section, label, values in rows if label == "Ingår i SAMSYN"]
    assert samsyn == [["<3"]]
    # The coordinator sees the exact count, but nothing has changed for the board.
    page = coordinator_client.get(report_url("reporting:report", process))
    assert page.context["sent_changes"] == []


def test_only_an_ended_tertial_or_year_can_be_sent_and_only_by_the_coordinator(
    coordinator_client, steering_client, process, scenario
):
    today = timezone.localdate()
    custom = {"preset": "custom", "year": "2026", "start": "2026-05-01", "end": "2026-05-31"}
    running = {"preset": "year", "year": str(today.year + 1)}
    for data in (custom, running):
        response = send(coordinator_client, process, data)
        assert response.status_code == 302
    assert not SentReport.objects.exists()
    page = coordinator_client.get(
        report_url(
            "reporting:report", process, preset="custom", start="2026-05-01", end="2026-05-31"
        )
    )
    assert "Skicka till styrelsen" not in page.content.decode()
    page = coordinator_client.get(report_url("reporting:report", process))
    assert "Skicka till styrelsen" in page.content.decode()
    assert send(steering_client, process).status_code == 403
    assert (
        "Skicka till styrelsen"
        not in steering_client.get(report_url("reporting:report", process)).content.decode()
    )
    assert not SentReport.objects.exists()


def test_an_annual_report_is_sent_with_each_tertial_beside_the_year(
    coordinator_client, process, scenario
):
    send(coordinator_client, process, {"preset": "year", "year": "2025"})
    report = SentReport.objects.get()
    assert report.kind == "annual_report"
    assert len(report.figures["rows"][0][2]) == 4  # three tertials and the year


def test_a_sent_report_that_fails_its_checksum_is_not_served(
    coordinator_client, evaluator_client, process, scenario
):
    send(coordinator_client, process)
    report = SentReport.objects.get()
    SentReport.objects.filter(pk=report.pk).update(pdf=bytes(report.pdf) + b"tampered")
    response = download(evaluator_client, report)
    assert response.status_code == 500
    assert b"%PDF" not in response.content
    assert not Download.objects.exists()


def test_a_sent_report_of_another_process_is_out_of_reach(
    coordinator_client, evaluator_client, process, other_process, scenario
):
    send(coordinator_client, process)
    report = SentReport.objects.get()
    wrong = reverse("reporting:sent-report-download", args=[other_process.pk, report.pk])
    assert evaluator_client.get(wrong).status_code == 404


def test_the_report_page_makes_the_same_queries_however_many_reports_were_sent(
    steering_client, coordinator, process
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def sent(n: int) -> None:
        for _i in range(n):
            SentReport.objects.create(
                process=process,
                kind="tertial_report",
                period_start=D(2026, 5, 1),
                period_end=D(2026, 8, 31),
                period_label="Tertial 2 2026",
                sent_on=D(2026, 9, 10),
                sent_by=coordinator,
                pdf=b"%PDF-1.7",
                sha256=hashlib.sha256(b"%PDF-1.7").hexdigest(),
                figures={"format": 1, "rows": []},
            )

    url = report_url("reporting:report", process)
    sent(1)
    with CaptureQueriesContext(connection) as one:
        steering_client.get(url)
    sent(6)
    with CaptureQueriesContext(connection) as seven:
        page = steering_client.get(url)
    assert len(page.context["sent_reports"]) == 7
    assert len(seven) == len(one)
