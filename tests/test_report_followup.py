"""The annual report's local before/after follow-up: aggregates under the small-count rule."""

from __future__ import annotations

import pytest

from reporting.models import SentReport  # noqa: F401  (the annual page lists sent reports)

from .factories import CaseFactory, ClientFactory
from .report_helpers import D, report_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_2025(process):
    def closed(start_income, end_income, outcome, followup=None, later_income=""):
        return CaseFactory(
            process=process,
            client=ClientFactory(income_source=start_income),
            start_date=D(2025, 1, 10),
            status="followed_up" if followup else "closed",
            closed_on=D(2025, 3, 1),
            closure_outcome=outcome,
            income_source_end=end_income,
            followup_done_on=followup,
            income_source_followup=later_income,
        )

    for _n in range(3):
        closed("economic_assistance", "employment", "work", D(2025, 9, 1), "employment")
    closed("economic_assistance", "study_support", "studies", D(2026, 1, 20), "study_support")
    closed("none", "", "client_ended")
    closed("none", "", "registered_in_error")  # never a case: not counted


def rows(page) -> dict:
    return {str(label): (a, b, c) for label, a, b, c in page.context["followup"].income}


def test_the_annual_report_counts_income_before_and_after(coordinator_client, process, closed_2025):
    page = coordinator_client.get(report_url("reporting:report", process, preset="year", year=2025))
    followup = page.context["followup"]
    assert (followup.closed, followup.followed_up) == (5, 3)  # one followed up after the year
    income = rows(page)
    assert income["Ekonomiskt bistånd"] == (4, 0, 0)
    assert income["Lön från arbete"] == (0, 3, 3)
    assert income["Studiemedel"] == (0, 1, 0)
    assert income["Ingen inkomst"] == (1, 0, 0)
    assert income["Okänd eller inte registrerad"] == (0, 1, 2)
    reasons = {str(label): n for label, n in followup.end_reasons}
    assert (reasons["Arbete"], reasons["Studier"], reasons["Avslutat av klienten"]) == (3, 1, 1)
    html = page.content.decode()
    assert "Före och efter: försörjning och avslutsorsaker" in html


def test_the_steering_group_reads_small_counts_masked(steering_client, process, closed_2025):
    process.suppress_small_counts = True
    process.save()
    page = steering_client.get(report_url("reporting:report", process, preset="year", year=2025))
    income = rows(page)
    assert income["Ekonomiskt bistånd"] == (4, 0, 0)
    assert income["Studiemedel"] == (0, "<3", 0)
    assert income["Lön från arbete"] == (0, 3, 3)
    for client_name in ("Scenariosson",):
        assert client_name not in page.content.decode()


def test_the_tertial_report_has_no_follow_up_section(coordinator_client, process, closed_2025):
    page = coordinator_client.get(report_url("reporting:report", process, preset="t1", year=2025))
    assert "followup" not in page.context
