"""Nothing of the plan or the bookable times goes with one click: a page shows what will
go, and only its confirmation (a POST) removes it, by the roles that keep it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klientstod.models import Role
from referrals.models import ReferralSlot
from reporting.models import BudgetLine, Cost, Milestone, ReportingDeadline

from .factories import (
    BudgetLineFactory,
    CostFactory,
    MilestoneFactory,
    ReferralFactory,
    ReportingDeadlineFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db

ROWS = {
    "milestone": (MilestoneFactory, Milestone),
    "budget": (BudgetLineFactory, BudgetLine),
    "cost": (CostFactory, Cost),
    "deadline": (ReportingDeadlineFactory, ReportingDeadline),
}


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_a_plan_row_is_shown_before_it_is_removed(kind, process, role_clients):
    factory, model = ROWS[kind]
    row = factory(process=process)
    url = reverse("reporting:plan-item-delete", args=[process.pk, kind, row.pk])
    plan = role_clients[Role.COORDINATOR].get(reverse("reporting:plan", args=[process.pk]))
    assert url in plan.content.decode()  # the plan links to the confirmation, no form removes

    page = role_clients[Role.COORDINATOR].get(url)
    assert page.status_code == 200
    assert model.objects.filter(pk=row.pk).exists()
    body = page.content.decode()
    assert "Ta bort" in body
    assert 'method="post"' in body

    for role in (Role.STEERING, Role.EVALUATOR, Role.REFERRER, Role.BIBLIOTHERAPIST):
        assert role_clients[role].post(url).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()

    response = role_clients[Role.COORDINATOR].post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:plan", args=[process.pk])
    assert not model.objects.filter(pk=row.pk).exists()


def test_a_row_of_another_process_is_not_found(process, other_process, coordinator_client):
    row = MilestoneFactory(process=other_process)
    url = reverse("reporting:plan-item-delete", args=[other_process.pk, "milestone", row.pk])
    assert coordinator_client.get(url).status_code == 404
    assert coordinator_client.post(url).status_code == 404
    mixed = reverse("reporting:plan-item-delete", args=[process.pk, "milestone", row.pk])
    assert coordinator_client.post(mixed).status_code == 404
    assert Milestone.objects.filter(pk=row.pk).exists()


def test_marking_a_deadline_done_no_longer_removes_it(process, coordinator_client):
    deadline = ReportingDeadlineFactory(process=process)
    url = reverse("reporting:plan-item", args=[process.pk, "deadline", deadline.pk])
    coordinator_client.post(url, {"action": "delete"})
    assert ReportingDeadline.objects.filter(pk=deadline.pk).exists()


def test_a_free_time_is_shown_before_it_is_withdrawn(process, coordinator, role_clients):
    slot = SlotFactory(process=process, created_by=coordinator)
    url = reverse("referrals:slot-delete", args=[slot.pk])
    listing = role_clients[Role.COORDINATOR].get(reverse("referrals:slot-list"))
    assert f'href="{url}"' in listing.content.decode()

    page = role_clients[Role.COORDINATOR].get(url)
    assert page.status_code == 200
    assert "Ta bort" in page.content.decode()
    assert ReferralSlot.objects.filter(pk=slot.pk).exists()
    assert role_clients[Role.REFERRER].post(url).status_code == 403

    assert role_clients[Role.COORDINATOR].post(url).status_code == 302
    assert not ReferralSlot.objects.filter(pk=slot.pk).exists()


def test_a_held_time_is_not_offered_for_withdrawal(process, users, coordinator_client):
    referrer = users[Role.REFERRER]
    referral = ReferralFactory(
        process=process, referrer=referrer, organisation=referrer.organisation
    )
    slot = SlotFactory(process=process, created_by=users[Role.COORDINATOR], referral=referral)
    url = reverse("referrals:slot-delete", args=[slot.pk])
    response = coordinator_client.get(url)
    assert response.status_code == 302
    assert coordinator_client.post(url).status_code == 302
    assert ReferralSlot.objects.filter(pk=slot.pk).exists()
