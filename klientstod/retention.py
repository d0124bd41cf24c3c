"""Gallring: clients whose records have passed the retention period lose what identifies them.

A client is due when none of their cases is open and the newest date in their
records (a case's closure or follow-up, a meeting, a referral) is older than the
retention period (KLIENTSTOD_RETENTION_YEARS, five years by default). Erasing keeps
what the reports count — dates, statuses, outcomes, gender, date of birth, the
flags the reports group by — and removes names, personnummer, contact
details and every free text. The reports of every past period are the same after.
The audit log keeps who read or changed the client's records, and when; its entries
about them are gone over once more (``audit.scrub_client``), and the erasure is logged.

The core knows its own records (the client, cases, meetings, consents). Every other app
tells it, from its ``AppConfig.ready()``, which dates of its records count as activity
(``register_activity``), which records not yet linked to a client keep the person
(``register_keeper``) and how its records of a client are erased (``register_eraser``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Aggregate, Max, QuerySet
from django.utils import timezone

from . import ages, audit
from .choices import CaseStatus
from .models import Case, Client, Consent, Meeting, PersonnummerRecord

# The registry ---------------------------------------------------------------------------------

#: The people (data controller id, personnummer index) whom records since a day keep.
Keeper = Callable[[datetime.date], set[tuple[int, str]]]
#: Erases an app's records of a client: (the client as they were, their cases).
Eraser = Callable[[Client, QuerySet[Case]], None]

#: The newest date of the client's records, each an aggregate over the client.
_activity: dict[str, Aggregate] = {
    "last_closed": Max("cases__closed_on"),
    "last_followup": Max("cases__followup_done_on"),
    "last_meeting": Max("cases__meetings__starts_at"),
}
_keepers: list[Keeper] = []
_erasers: list[Eraser] = []


def register_activity(**latest: Aggregate) -> None:
    """Dates of an app's records that count as the client's activity (``Max("...")``)."""
    _activity.update(latest)


def register_keeper(keeper: Keeper) -> Keeper:
    if keeper not in _keepers:
        _keepers.append(keeper)
    return keeper


def register_eraser(eraser: Eraser) -> Eraser:
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


def erased_person(client: Client) -> dict[str, Any]:
    """What stands instead of the person's number, name and contact details on their records."""
    return {
        **PersonnummerRecord.erased_personnummer(client.pk),
        "first_name": "Gallrad",
        "last_name": f"#{client.pk}",
        "phone": "",
        "email": "",
        "street_address": "",
        "postal_code": "",
        "city": "",
    }


# Who is due -----------------------------------------------------------------------------------


def cutoff(today: datetime.date | None = None) -> datetime.date:
    return ages.years_before(today or timezone.localdate(), settings.KLIENTSTOD_RETENTION_YEARS)


@dataclass(frozen=True)
class Due:
    client_id: int
    last_activity: datetime.date


def _day(value: datetime.date | datetime.datetime | None) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def clients_due(today: datetime.date | None = None) -> list[Due]:
    """Clients with no open case whose newest record is older than the retention period."""
    limit = cutoff(today)
    candidates = (
        Client.objects.filter(erased_on__isnull=True)
        .exclude(cases__status=CaseStatus.ACTIVE)
        .annotate(**_activity)
        .filter(cases__isnull=False)
        .distinct()
    )
    due = []
    for client in candidates:
        dates = [_day(getattr(client, name)) for name in _activity]
        last = max(day for day in dates if day is not None) if any(dates) else None
        if last is not None and last < limit:
            due.append(Due(client.pk, last))
    # A newer record of the same person with the same controller, not yet linked to the
    # client (a referral), keeps them too.
    newer = set().union(*(keeper(limit) for keeper in _keepers))
    people = {
        pk: (controller, number)
        for pk, controller, number in Client.objects.filter(
            pk__in=[d.client_id for d in due]
        ).values_list("pk", "controller_id", "personnummer_index")
    }
    return [d for d in due if people[d.client_id] not in newer]


# Erasing --------------------------------------------------------------------------------------


def client_erase(*, client_id: int, today: datetime.date | None = None) -> None:
    """Remove what identifies the client, in one transaction; what the reports count stays."""
    day = today or timezone.localdate()
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client_id)
        # While the personnummer still finds the records not linked to the client.
        audit.scrub_client(client)
        # The birth date and gender stay: the reports' age bands and gender counts of past
        # periods are made from them. Without name, number, contact or notes they no longer
        # point to a person on their own.
        Client.objects.filter(pk=client.pk).update(
            **erased_person(client),
            mobile="",
            language="",
            protected_identity=False,
            erased_on=day,
        )
        cases = Case.objects.filter(client=client)
        cases.update(followup_result="")
        Meeting.objects.filter(case__in=cases).update(journal_note="", location="")
        Consent.objects.filter(client=client).update(note="")
        for eraser in _erasers:
            eraser(client, cases)
        audit.record_erasure(client)
