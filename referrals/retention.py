"""Gallring of the referrals: what of them counts as activity, keeps the person, and is erased."""

from __future__ import annotations

import datetime

from django.db.models import Max, Q, QuerySet

from klientstod import retention
from klientstod.models import Case, Client

from .models import Referral

retention.register_activity(last_referral=Max("referrals__received_on"))


@retention.register_keeper
def newer_referrals(since: datetime.date) -> set[tuple[int, str]]:
    """A newer referral of the same person to the same controller keeps them."""
    return set(
        Referral.objects.filter(received_on__gte=since).values_list(
            "process__owner_id", "personnummer_index"
        )
    )


@retention.register_eraser
def erase_referrals(client: Client, cases: QuerySet[Case]) -> None:
    # The person's referrals to this controller's processes; another controller's
    # records of the same person are theirs to keep or erase.
    Referral.objects.filter(
        Q(client=client)
        | Q(personnummer_index=client.personnummer_index, process__owner_id=client.controller_id)
    ).update(
        **retention.erased_person(client),
        tried_before="",
        reason="",
        expectations="",
        decision_note="",
        referrer_name="",
    )
