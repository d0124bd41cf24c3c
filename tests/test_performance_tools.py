"""The tools behind the performance numbers: load data, page benchmark, chart cache, health."""

from __future__ import annotations

import datetime
import warnings
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F
from django.test import Client as HttpClient
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devtools.loaddata import CASES_PER_COORDINATOR
from devtools.loaddata.builder import generate
from devtools.management.commands import bench_pages
from interventions.models import Answer, CollaborationContact, Occasion, SelfAssessment
from klientstod import charts
from klientstod.charts import Series, bar_chart, date_ticks, line_chart
from klientstod.models import Case, Consent, Role, User
from referrals.models import Referral, ReferralSlot
from reporting.models import ReportingDeadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> User:
    return User.objects.create(username="load-admin", role=Role.ADMIN, is_superuser=True)


def test_generated_processes_have_their_people_and_every_kind_of_record(admin) -> None:
    made = generate(
        admin, processes=2, clients=2 * CASES_PER_COORDINATOR + 10, meetings_per_client=3
    )

    first = made[0]
    assert first.process.name == "Process 01"
    assert [user.username for user in first.coordinators] == [
        "process-01-coordinator-1",
        "process-01-coordinator-2",
    ]
    assert set(first.process.members.values_list("role", flat=True)) == {
        Role.COORDINATOR,
        Role.STEERING,
        Role.EVALUATOR,
    }
    # The coordinators share the cases; every referral is sent by a referrer of the process.
    per_coordinator = Case.objects.filter(process=first.process).values("coordinator")
    assert sorted(row["n"] for row in per_coordinator.annotate(n=Count("pk"))) == [52, 53]
    referrals = Referral.objects.filter(process=first.process)
    assert not referrals.filter(referrer__isnull=True).exists()
    assert set(referrals.values_list("referrer__role", flat=True)) == {Role.REFERRER}
    assert not referrals.exclude(organisation=F("referrer__organisation")).exists()
    # Self-assessments at every occasion, with an answer to each scale question.
    occasions = set(SelfAssessment.objects.values_list("occasion", flat=True))
    assert occasions == {Occasion.START, Occasion.PERIODIC, Occasion.CLOSURE}
    assessment = SelfAssessment.objects.select_related("questionnaire").first()
    assert assessment is not None
    scale_items = assessment.questionnaire.items.filter(kind="scale")
    assert scale_items.exists()
    assert set(Answer.objects.filter(assessment=assessment).values_list("item", flat=True)) == set(
        scale_items.values_list("pk", flat=True)
    )
    assert set(Consent.objects.values_list("kind", flat=True)) == set(Consent.Kind.values)
    for model in (CollaborationContact, ReferralSlot, ReportingDeadline):
        assert model.objects.exists(), model.__name__


@override_settings(DEBUG=True)
def test_the_generated_people_log_in_with_the_password(admin) -> None:
    call_command(
        "generate_load_data",
        "--processes",
        "1",
        "--clients",
        "4",
        "--meetings-per-client",
        "2",
        "--password",
        "a-long-load-test-password",
        stdout=StringIO(),
    )
    people = User.objects.filter(username__startswith="process-01-")
    assert people.count() == 7  # a coordinator, steering, evaluator and four referrers
    for person in people:
        assert person.check_password("a-long-load-test-password"), person.username
        assert not person.check_password("wrong")


@override_settings(DEBUG=True)
def test_load_data_is_made_once_per_database(admin) -> None:
    args = ["generate_load_data", "--processes", "1", "--clients", "2"]
    call_command(*args, stdout=StringIO())
    with pytest.raises(CommandError, match="already holds load data"):
        call_command(*args, stdout=StringIO())


@override_settings(DEBUG=False)
def test_bench_pages_is_refused_without_debug() -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("bench_pages", stdout=StringIO())


@override_settings(KLIENTSTOD_REQUIRE_2FA=False)
def test_every_benchmarked_page_answers_on_generated_data(admin) -> None:
    """The benchmark's requests all answer 200 for their users; its timings are numbers."""
    made = generate(admin, processes=2, clients=30, meetings_per_client=4)
    requests = bench_pages.requests_for(made[0], timezone.localdate())
    assert set(requests) == {page.key for page in bench_pages.PAGES}

    results = bench_pages.Command().time_pages(made[0], repeat=2)

    assert set(results) == set(requests)
    for key, result in results.items():
        assert result.median_ms > 0, key
        assert result.first_ms > 0, key
    assert results["trivial"].queries < results["caseload"].queries


def test_the_page_benchmark_counts_queries_and_times_every_request() -> None:
    calls = []

    def get() -> None:
        calls.append(1)
        list(User.objects.all())

    result = bench_pages.time_page(get, repeat=4)

    assert len(calls) == 6  # the first, the counted one and four timed
    assert result.queries == 1


def test_a_cold_page_is_timed_with_an_empty_cache() -> None:
    seen = []

    def get() -> None:
        seen.append(cache.get("marker"))
        cache.set("marker", 1)

    bench_pages.time_page(get, repeat=3, cold=True)

    # The first request, the counted one (the cache kept), then three with it emptied.
    assert seen == [None, 1, None, None, None]


def test_the_health_check_answers_without_the_database() -> None:
    with CaptureQueriesContext(connection) as queries:
        response = HttpClient().get(reverse("klientstod:health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert len(queries) == 0


# Charts --------------------------------------------------------------------------


SERIES = [
    Series("Utfall", [(datetime.date(2025, 1, 31), 3), (datetime.date(2025, 6, 30), 9)]),
    Series("Mål", [(datetime.date(2025, 12, 31), 20)], dashed=True),
]


def test_a_cached_chart_is_drawn_once_for_the_same_figures() -> None:
    cache.clear()
    with mock.patch.object(charts, "_render", wraps=charts._render) as render:
        first = line_chart(SERIES, title="Startade", cached=True)
        second = line_chart(SERIES, title="Startade", cached=True)
        changed = line_chart(
            [SERIES[0], Series("Mål", [(datetime.date(2025, 12, 31), 21)], dashed=True)],
            title="Startade",
            cached=True,
        )
    assert first == second
    assert changed != first
    assert render.call_count == 2


def test_a_chart_of_a_persons_data_is_not_cached() -> None:
    with (
        mock.patch.object(charts, "_render", wraps=charts._render) as render,
        mock.patch.object(charts.cache, "set") as cache_set,
    ):
        line_chart(SERIES, title="Självskattning för Anna")
        line_chart(SERIES, title="Självskattning för Anna")
    assert render.call_count == 2
    cache_set.assert_not_called()


def test_charts_keep_their_text_and_title() -> None:
    svg = line_chart(SERIES, title="Startade <mot> mål", y_label="Antal")
    assert svg.startswith("<svg")
    assert 'aria-label="Startade &lt;mot&gt; mål"' in svg
    for text in ("Utfall", "Mål", "Antal", "2025-03"):
        assert text in svg


def test_month_labels_on_a_bar_chart_are_labels_not_dates() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = bar_chart([("2025-01", 3), ("2025-02", 5)], title="Inflöde")
    assert "2025-01" in svg
    assert "2025-02" in svg


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # A quarter: every month.
        (datetime.date(2025, 1, 10), datetime.date(2025, 3, 31), ["2025-02", "2025-03"]),
        # Two years: every fourth month, at most seven ticks.
        (
            datetime.date(2024, 11, 16),
            datetime.date(2026, 12, 15),
            ["2025-01", "2025-05", "2025-09", "2026-01", "2026-05", "2026-09"],
        ),
        # Inside one month: no month start, no ticks (the chart then marks its dates).
        (datetime.date(2025, 3, 5), datetime.date(2025, 3, 20), []),
    ],
)
def test_date_ticks(first, last, expected) -> None:
    ticks = date_ticks(first, last)
    assert [f"{day:%Y-%m}" for day in ticks] == expected
    assert len(ticks) <= charts.MAX_TICKS


# The printed status report ----------------------------------------------------------


def test_the_same_status_report_is_printed_once(steering_client, process, coordinator) -> None:
    """The PDF is kept under a hash of its HTML: the same page prints once, a changed one
    prints anew."""
    from klientstod import pdf

    from .factories import CaseFactory

    url = reverse("reporting:report-pdf", args=[process.pk]) + "?preset=t2&year=2026"
    cache.clear()
    with mock.patch.object(pdf, "_print", wraps=pdf._print) as printer:
        first = steering_client.get(url)
        again = steering_client.get(url)
        CaseFactory(process=process, coordinator=coordinator, start_date=datetime.date(2026, 6, 1))
        changed = steering_client.get(url)
    assert first["Content-Type"] == again["Content-Type"] == "application/pdf"
    assert again.content == first.content
    assert changed.content != first.content
    assert printer.call_count == 2
