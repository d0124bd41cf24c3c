"""Uppföljning Finsam for a scenario year, and the retired per-person SUS list.

The fixed scenario is in tests/report_helpers.py; its cases started in 2026 are A–H,
of which H was registered in error.
"""

from __future__ import annotations

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from klientstod.models import Case, Client
from reporting.models import BudgetLine, Cost, Download

from .factories import CaseFactory, ClientFactory, ProcessFactory
from .report_helpers import D

pytestmark = pytest.mark.django_db

FINSAM = reverse("reporting:finsam")
EXPORT = reverse("reporting:finsam-export")


def genders(process) -> None:
    """The scenario's clients without a set gender get one, so that every count is known."""
    by_start = {
        D(2026, 1, 1): "woman",  # F
        D(2026, 1, 10): "woman",  # C
        D(2026, 2, 1): "other",  # D
        D(2026, 3, 1): "man",  # E
        D(2026, 8, 20): "woman",  # G
        D(2026, 6, 1): "man",  # H, registered in error: not counted
    }
    for day, gender in by_start.items():
        case = Case.objects.get(process=process, start_date=day)
        Client.objects.filter(pk=case.client_id).update(gender=gender)


def lines(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_export_for_the_scenario_year_holds_exactly_the_expected_counts(
    admin_client_, process, scenario
):
    genders(process)
    # A second insats of the same förbund: the förbund's line sums both.
    second = ProcessFactory(name="Andra insatsen", financier=process.financier)
    CaseFactory(process=second, client=ClientFactory(gender="man"), start_date=D(2026, 3, 3))
    CaseFactory(process=second, client=ClientFactory(gender="man"), start_date=D(2025, 3, 3))
    BudgetLine.objects.create(process=second, year=2026, category="other", granted=100000)
    Cost.objects.create(
        process=second,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
        category="other",
        amount=12345,
        financing="forbund",
    )
    rows = lines(admin_client_.get(EXPORT + "?year=2026"))
    assert rows[0] == [
        "Samordningsförbund",
        "Insats",
        "Insatsen från",
        "Insatsen till",
        "År",
        "Deltagare som påbörjat under året: kvinnor",
        "Deltagare som påbörjat under året: män",
        "Deltagare som påbörjat under året: annat/ej uppgett",
        "Deltagare som påbörjat under året: totalt",
        "Budget för året (kr)",
        "Utfall för året (kr)",
        "Egen finansiering, ingår ej i utfallet (kr)",
    ]
    forbund = process.financier.name
    mine = [row for row in rows if row[0] == forbund]
    by_insats = {row[1]: row[4:] for row in mine}
    # A (woman), B (man), C, F, G (women), D (other), E (man); H left out.
    assert by_insats[process.name] == ["2026", "4", "2", "1", "7", "605000", "313000", "17330"]
    assert by_insats["Andra insatsen"] == ["2026", "0", "1", "0", "1", "100000", "12345", "0"]
    assert by_insats["Förbundet totalt"] == [
        "2026",
        "4",
        "3",
        "1",
        "8",
        "705000",
        "325345",
        "17330",
    ]
    # The form's order: the insatser, then the förbund's sum.
    assert [row[1] for row in mine] == [
        *sorted([process.name, "Andra insatsen"]),
        "Förbundet totalt",
    ]
    text = "\n".join(";".join(row) for row in rows)
    for client in Client.objects.all():
        assert client.personnummer not in text
        assert client.last_name not in text


def test_the_page_shows_the_same_figures_for_the_coordinators_processes(
    coordinator_client, process, other_process, scenario
):
    genders(process)
    page = coordinator_client.get(FINSAM + "?year=2026")
    assert page.status_code == 200
    [entry] = page.context["forbund"]
    [insats] = entry.insatser
    assert insats.process == process  # not the other process, which is not theirs
    figures = insats.figures
    assert (figures.women, figures.men, figures.other, figures.participants) == (4, 2, 1, 7)
    assert (figures.granted, figures.outcome, figures.own) == (605000, 313000, 17330)
    html = page.content.decode()
    assert "605 000" in html or "605\xa0000" in html
    for client in scenario["clients"]:
        assert client.last_name not in html


def test_the_page_opens_on_the_last_whole_year(coordinator_client, process):
    from django.utils import timezone

    page = coordinator_client.get(FINSAM)
    assert page.context["year"] == timezone.localdate().year - 1


def test_a_wrong_year_gets_a_message_on_the_field(coordinator_client, process):
    response = coordinator_client.get(EXPORT + "?year=abc")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Fyll i ett heltal." in html
    assert 'value="abc"' in html  # what was typed stays
    assert not Download.objects.exists()


def test_every_export_is_recorded(coordinator_client, coordinator, process, scenario):
    coordinator_client.get(EXPORT + "?year=2026")
    logged = Download.objects.get()
    assert (logged.user, logged.process, logged.kind) == (coordinator, process, "finsam")
    assert (logged.period_start, logged.period_end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Download), object_pk=str(logged.pk)
    ).exists()


def test_the_steering_group_and_the_evaluator_do_not_fill_in_the_form(
    steering_client, evaluator_client
):
    for http in (steering_client, evaluator_client):
        assert http.get(FINSAM).status_code == 403
        assert http.get(EXPORT).status_code == 403


def test_the_export_makes_the_same_queries_for_more_processes(admin_client_, process):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CaseFactory(process=process, start_date=D(2026, 3, 3))
    with CaptureQueriesContext(connection) as few:
        admin_client_.get(EXPORT + "?year=2026")
    for _n in range(4):
        more = ProcessFactory()
        CaseFactory(process=more, start_date=D(2026, 3, 3))
        BudgetLine.objects.create(process=more, year=2026, category="other", granted=1)
    with CaptureQueriesContext(connection) as many:
        admin_client_.get(EXPORT + "?year=2026")
        admin_client_.get(FINSAM + "?year=2026")
    assert len(many) - len(few) <= len(few) + 2  # the page's own queries, not one per process
    with CaptureQueriesContext(connection) as again:
        admin_client_.get(EXPORT + "?year=2026")
    assert len(again) == len(few)


# The SUS participant list: retired unless a process opts in ----------------------------------


def sus_urls(process) -> list[str]:
    query = "?preset=t2&year=2026"
    return [
        reverse("reporting:sus-list", args=[process.pk]) + query,
        reverse("reporting:sus-download", args=[process.pk]) + query,
    ]


def test_the_sus_list_answers_404_and_its_link_is_gone_when_off(
    coordinator_client, process, scenario
):
    for url in sus_urls(process):
        assert coordinator_client.get(url).status_code == 404
    page = coordinator_client.get(reverse("reporting:report", args=[process.pk]))
    assert reverse("reporting:sus-list", args=[process.pk]) not in page.content.decode()
    assert not Download.objects.exists()


def test_a_process_that_opts_in_gets_the_list_and_each_download_is_audited(
    settings, coordinator_client, coordinator, process, other_process, scenario
):
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({process.pk})
    page = coordinator_client.get(reverse("reporting:report", args=[process.pk]))
    assert reverse("reporting:sus-list", args=[process.pk]) in page.content.decode()
    listing, xlsx = sus_urls(process)
    assert coordinator_client.get(listing).status_code == 200
    response = coordinator_client.get(xlsx)
    assert response.status_code == 200
    logged = Download.objects.get()
    assert (logged.user, logged.kind, logged.rows) == (coordinator, "sus_participants", 6)
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Download), object_pk=str(logged.pk)
    ).exists()
    # Each person on the list is a read of their own.
    amina = scenario["clients"][0]
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client),
        object_pk=str(amina.pk),
        additional_data__page="SUS download",
    ).exists()
    # Another process has not opted in.
    assert coordinator_client.get(sus_urls(other_process)[0]).status_code == 404
