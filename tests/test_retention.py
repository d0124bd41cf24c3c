"""Gallring: clients past the retention period lose what identifies them; reports stay the same."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from klientstod import retention
from klientstod.models import Case, Client, Meeting
from referrals.models import Referral
from reporting import periods, selectors, tables

from .factories import MeetingFactory, ReminderFactory
from .report_helpers import D, at


def figures(process) -> list:
    """Every figure of every report of 2026: the tertials and the year."""
    reports = [selectors.tertial_report(process, p) for p in periods.tertials_of(2026)]
    reports.append(selectors.tertial_report(process, periods.calendar_year(2026)))
    values = [[row.values for row in section.rows] for section in tables.sections(reports)]
    for report in reports:
        values.append([(m.target, m.actual) for m in report.milestones])
        values.append([(r.granted, r.forbund, r.own, r.invoiced) for r in report.budget.rows])
        values.append(report.meetings.per_week)
    return values


@pytest.mark.django_db
def test_erasing_keeps_every_report_the_same(process, scenario, settings):
    settings.KLIENTSTOD_RETENTION_YEARS = 0  # everything closed before today is due
    due = retention.clients_due()
    assert due, "the scenario has closed cases"
    # A reminder sent before a meeting of an erased client: it stays for the report (with
    # and without a reminder), the gateway's id of the message goes.
    erased_case = Case.objects.filter(client_id__in=[d.client_id for d in due]).first()
    meeting = MeetingFactory(case=erased_case, starts_at=at(D(2026, 6, 15), 10), status="no_show")
    reminded = ReminderFactory(meeting=meeting, status="sent", provider_id="s00000042")
    before = figures(process)
    names = {
        c.pk: (c.last_name, c.personnummer)
        for c in Client.objects.filter(pk__in=[d.client_id for d in due])
    }
    for item in due:
        retention.client_erase(client_id=item.client_id)
    assert figures(process) == before
    for client in Client.objects.filter(pk__in=names):
        assert client.erased_on is not None
        assert (client.last_name, client.personnummer) != names[client.pk]
        assert client.first_name == "Gallrad"
        assert not client.phone
        assert not client.mobile
    from klientstod import crypto

    gone = [crypto.index(number) for _name, number in names.values()]
    assert not Referral.objects.filter(personnummer_index__in=gone).exists()
    assert not Meeting.objects.filter(case__client__in=names).exclude(journal_note="").exists()
    assert retention.clients_due() == []
    reminded.refresh_from_db()
    assert (reminded.status, reminded.provider_id) == ("sent", "")


@pytest.mark.django_db
def test_open_cases_and_recent_records_are_kept(process, scenario, settings):
    settings.KLIENTSTOD_RETENTION_YEARS = 0
    open_clients = set(Client.objects.filter(cases__status="active").values_list("pk", flat=True))
    assert not open_clients & {d.client_id for d in retention.clients_due()}
    settings.KLIENTSTOD_RETENTION_YEARS = 5
    assert retention.clients_due() == []


@pytest.mark.django_db
def test_the_command_is_a_dry_run_until_told_to_apply(process, scenario, settings):
    settings.KLIENTSTOD_RETENTION_YEARS = 0
    due = retention.clients_due()
    out = io.StringIO()
    call_command("gallra", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Client.objects.filter(erased_on__isnull=False).exists()
    for client in Client.objects.filter(pk__in=[d.client_id for d in due]):
        assert client.last_name not in out.getvalue()  # ids only in the output
    call_command("gallra", "--apply", stdout=io.StringIO())
    assert Client.objects.filter(erased_on__isnull=False).count() == len(due)


@pytest.mark.django_db
def test_the_admin_confirms_before_anything_is_erased(admin_client_, process, scenario, settings):
    settings.KLIENTSTOD_RETENTION_YEARS = 0
    url = reverse("klientstod:retention")
    page = admin_client_.get(url)
    assert page.context["due"]
    admin_client_.post(url, {})
    assert not Client.objects.filter(erased_on__isnull=False).exists()
    admin_client_.post(url, {"confirm": "yes"})
    assert Client.objects.filter(erased_on__isnull=False).count() == len(page.context["due"])
