"""Gallring of the work with the client: the free text goes, the plan's items with it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Coalesce, Now

from klientstod import retention
from klientstod.models import Case, Client

from .models import (
    Answer,
    AssessmentLink,
    BibliotherapyOffer,
    CollaborationContact,
    FiaInterview,
    FiaStatusChange,
    Intervention,
    PlanItem,
)


@retention.register_eraser
def erase_interventions(client: Client, cases: QuerySet[Case]) -> None:
    FiaInterview.objects.filter(case__in=cases).update(
        summary={}, client_goals="", assessment="", abort_note=""
    )
    FiaStatusChange.objects.filter(fia__case__in=cases).update(abort_note="")
    PlanItem.objects.filter(fia__case__in=cases).delete()
    Answer.objects.filter(assessment__case__in=cases).update(text="")
    BibliotherapyOffer.objects.filter(case__in=cases).update(note="")
    Intervention.objects.filter(case__in=cases).update(note="")
    CollaborationContact.objects.filter(case__in=cases).update(note="")
    # A link's address hash goes, and no link of an erased client can be used any more.
    AssessmentLink.objects.filter(case__in=cases).update(
        recipient_hash="", revoked_at=Coalesce("revoked_at", Now())
    )
