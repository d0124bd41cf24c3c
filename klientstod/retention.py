"""Gallring: clients whose records have passed the retention period lose what identifies them.

A client is due when none of their cases is open and the newest date in their
records (a case's closure or follow-up, a meeting, a referral) is older than the
retention period (KLIENTSTOD_RETENTION_YEARS, five years by default). Erasing keeps
what the reports count — dates, statuses, outcomes, gender, date of birth, the
flags the reports group by — and removes names, personnummer, contact
details and every free text. The reports of every past period are the same after.
The audit log keeps who read or changed the client's records, and when; its entries
about them are gone over once more (``audit.scrub_client``), and the erasure is logged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from . import ages, audit, crypto
from .models import Case, CaseStatus, Client, Consent, Meeting


def cutoff(today: datetime.date | None = None) -> datetime.date:
    return ages.years_before(today or timezone.localdate(), settings.KLIENTSTOD_RETENTION_YEARS)


@dataclass(frozen=True)
class Due:
    client_id: int
    last_activity: datetime.date


def clients_due(today: datetime.date | None = None) -> list[Due]:
    """Clients with no open case whose newest record is older than the retention period."""
    limit = cutoff(today)
    Referral = apps.get_model("referrals", "Referral")
    candidates = (
        Client.objects.filter(erased_on__isnull=True)
        .exclude(cases__status=CaseStatus.ACTIVE)
        .annotate(
            last_closed=Max("cases__closed_on"),
            last_followup=Max("cases__followup_done_on"),
            last_meeting=Max("cases__meetings__starts_at"),
            last_referral=Max("referrals__received_on"),
        )
        .filter(cases__isnull=False)
        .distinct()
    )
    due = []
    for client in candidates:
        dates = [
            client.last_closed,
            client.last_followup,
            client.last_referral,
            timezone.localtime(client.last_meeting).date() if client.last_meeting else None,
        ]
        last = max(day for day in dates if day is not None) if any(dates) else None
        if last is not None and last < limit:
            due.append(Due(client.pk, last))
    # A newer referral of the same person to the same controller, not yet linked to the
    # client, keeps them too.
    newer = set(
        Referral.objects.filter(received_on__gte=limit).values_list(
            "process__owner_id", "personnummer_index"
        )
    )
    people = {
        pk: (controller, number)
        for pk, controller, number in Client.objects.filter(
            pk__in=[d.client_id for d in due]
        ).values_list("pk", "controller_id", "personnummer_index")
    }
    return [d for d in due if people[d.client_id] not in newer]


def client_erase(*, client_id: int, today: datetime.date | None = None) -> None:
    """Remove what identifies the client, in one transaction; what the reports count stays."""
    day = today or timezone.localdate()
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client_id)
        index = client.personnummer_index
        # While the personnummer still finds the referrals not linked to the client.
        audit.scrub_client(client)
        erased = f"X{client.pk:012d}"  # not a personnummer: the record no longer has one
        gone = {
            "personnummer_encrypted": crypto.encrypt(erased),
            "personnummer_index": crypto.index(erased),
        }
        # The birth date and gender stay: the reports' age bands and gender counts of past
        # periods are made from them. Without name, number, contact or notes they no longer
        # point to a person on their own.
        Client.objects.filter(pk=client.pk).update(
            **gone,
            first_name="Gallrad",
            last_name=f"#{client.pk}",
            language="",
            phone="",
            email="",
            street_address="",
            postal_code="",
            city="",
            protected_identity=False,
            erased_on=day,
        )
        cases = Case.objects.filter(client=client)
        cases.update(followup_result="")
        Meeting.objects.filter(case__in=cases).update(journal_note="", location="")
        Consent.objects.filter(client=client).update(note="")
        Referral = apps.get_model("referrals", "Referral")
        # The person's referrals to this controller's processes; another controller's
        # records of the same person are theirs to keep or erase.
        Referral.objects.filter(
            Q(client=client) | Q(personnummer_index=index, process__owner_id=client.controller_id)
        ).update(
            **gone,
            first_name="Gallrad",
            last_name=f"#{client.pk}",
            phone="",
            email="",
            street_address="",
            postal_code="",
            city="",
            tried_before="",
            reason="",
            expectations="",
            decision_note="",
            referrer_name="",
        )
        model = apps.get_model
        model("interventions", "FiaInterview").objects.filter(case__in=cases).update(
            summary={}, client_goals="", assessment=""
        )
        model("interventions", "PlanItem").objects.filter(fia__case__in=cases).delete()
        model("interventions", "Answer").objects.filter(assessment__case__in=cases).update(text="")
        model("interventions", "BibliotherapyOffer").objects.filter(case__in=cases).update(note="")
        model("interventions", "Intervention").objects.filter(case__in=cases).update(note="")
        model("interventions", "CollaborationContact").objects.filter(case__in=cases).update(
            note=""
        )
        audit.record_erasure(client)
