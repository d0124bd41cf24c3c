"""What the tests of the audit log share: the dates, and how to read an entry."""

from __future__ import annotations

import datetime
import json

from auditlog.models import LogEntry
from django.utils import timezone

from klientstod import crypto

ACCESS = LogEntry.Action.ACCESS
TODAY = timezone.localdate

#: The user page lists the enrolment codes issued (an inline formset, none added here).
NO_ENROLMENT_CODES = {"enrolment_codes-TOTAL_FORMS": "0", "enrolment_codes-INITIAL_FORMS": "0"}


def days_ago(n: int) -> str:
    return (TODAY() - datetime.timedelta(days=n)).isoformat()


def stored(entry: LogEntry) -> str:
    """Everything an entry holds about its record, as one text."""
    return " ".join(
        json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        for value in (
            entry.changes,
            entry.changes_text,
            entry.object_repr,
            entry.additional_data,
            entry.serialized_data,
        )
    )


def personnummer_forms(number: str) -> list[str]:
    """Every way a personnummer can be written, and its index."""
    digits = number.replace("-", "")
    return [number, digits, digits[2:], f"{digits[2:8]}-{digits[8:]}", crypto.index(number)]
