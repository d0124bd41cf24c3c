"""Gallring of reminders: the rows stay for the report's figures (with and without a
reminder); the SMS gateway's message id, which leads to the number in the gateway's own
records, and the delivery error go."""

from __future__ import annotations

from django.db.models import QuerySet

from klientstod import retention
from klientstod.models import Case, Client

from .models import Reminder


@retention.register_eraser
def erase_reminders(client: Client, cases: QuerySet[Case]) -> None:
    Reminder.objects.filter(meeting__case__in=cases).update(provider_id="", error="")
