"""Load data: refused without DEBUG; with it, every kind of record, spread over the processes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings

from interventions.models import BibliotherapyOffer, FiaInterview, Intervention
from klientstod.models import Case, CaseStatus, Client, Meeting, Process
from referrals.models import Referral
from reporting.models import BudgetLine, Milestone

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_refused_without_debug() -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_load_data", "--processes", "1", "--clients", "5")
    assert not Client.objects.exists()


@override_settings(DEBUG=True)
def test_more_processes_than_clients_is_refused() -> None:
    with pytest.raises(CommandError, match="--clients"):
        call_command("generate_load_data", "--processes", "3", "--clients", "2")


@override_settings(DEBUG=True)
def test_fills_every_kind_spread_over_the_processes() -> None:
    out = StringIO()
    call_command(
        "generate_load_data",
        "--processes",
        "3",
        "--clients",
        "40",
        "--meetings-per-client",
        "10",
        stdout=out,
    )
    per_process = dict(Process.objects.annotate(n=Count("cases")).values_list("name", "n"))
    assert sorted(per_process.values()) == [13, 13, 14]
    assert Client.objects.count() == 40
    assert Meeting.objects.count() == 400
    assert len(set(Meeting.objects.values_list("status", flat=True))) > 3
    assert set(Case.objects.values_list("status", flat=True)) >= {
        CaseStatus.CLOSED,
        CaseStatus.FOLLOWED_UP,
    }
    for model in (Referral, FiaInterview, Intervention, BibliotherapyOffer, Milestone, BudgetLine):
        assert model.objects.exists(), model.__name__
    assert "Made 3 processes, 40 clients and 400 meetings" in out.getvalue()
