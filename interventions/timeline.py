"""The work with the client on the case timeline."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Avg
from django.utils.translation import gettext as _

from klientstod.dates import local_time
from klientstod.models import Case
from klientstod.timeline import TimelineEvent, register

from .models import (
    BibliotherapyOffer,
    CollaborationContact,
    FiaInterview,
    FiaStatus,
    Intervention,
    SelfAssessment,
)


def _at(day: datetime.date) -> datetime.datetime:
    return local_time(day, datetime.time(12))


@register
def fia_events(case: Case) -> Iterable[TimelineEvent]:
    fia = FiaInterview.objects.filter(case=case).first()
    if fia is None or fia.status == FiaStatus.NOT_STARTED or not fia.status_changed_on:
        return
    details = [fia.get_abort_reason_display()] if fia.abort_reason else []
    if fia.abort_note:
        details.append(fia.abort_note)
    if fia.on_site_interpreter:
        details.append(_("with an on-site interpreter"))
    yield TimelineEvent(
        at=_at(fia.status_changed_on),
        title=_("FIA: %(status)s") % {"status": fia.get_status_display()},
        kind="fia",
        details=details,
        all_day=True,
    )


@register
def assessment_events(case: Case) -> Iterable[TimelineEvent]:
    assessments = (
        SelfAssessment.objects.filter(case=case)
        .select_related("questionnaire")
        .annotate(mean=Avg("answers__score"))
    )
    for assessment in assessments:
        details = [assessment.get_occasion_display()]
        if assessment.answered_by_client:
            details.append(_("answered by the client"))
        if assessment.mean is not None:
            details.append(_("mean %(mean).1f of 5") % {"mean": assessment.mean})
        yield TimelineEvent(
            at=_at(assessment.answered_on),
            title=_("Self-assessment: %(title)s") % {"title": assessment.questionnaire.title},
            kind="assessment",
            details=details,
            all_day=True,
        )


@register
def bibliotherapy_events(case: Case) -> Iterable[TimelineEvent]:
    for offer in BibliotherapyOffer.objects.filter(case=case):
        details = [offer.get_decline_reason_display()] if offer.decline_reason else []
        if offer.participation:
            details.append(offer.get_participation_display())
        yield TimelineEvent(
            at=_at(offer.offered_on),
            title=_("Bibliotherapy: %(response)s") % {"response": offer.get_response_display()},
            kind="bibliotherapy",
            details=details,
            text=offer.note,
            all_day=True,
        )


@register
def intervention_events(case: Case) -> Iterable[TimelineEvent]:
    for intervention in Intervention.objects.filter(case=case).select_related("organisation"):
        details = [intervention.get_status_display()]
        if intervention.fk_outcome:
            details.append(intervention.get_fk_outcome_display())
        if intervention.organisation_id:
            details.append(str(intervention.organisation))
        yield TimelineEvent(
            at=_at(intervention.starts_on),
            title=_("Intervention: %(kind)s") % {"kind": intervention.get_kind_display()},
            kind="intervention",
            details=details,
            text=intervention.note,
            all_day=True,
        )


@register
def collaboration_events(case: Case) -> Iterable[TimelineEvent]:
    contacts = CollaborationContact.objects.filter(case=case).select_related(
        "organisation", "unit__organisation"
    )
    for contact in contacts:
        yield TimelineEvent(
            at=_at(contact.held_on),
            title=_("Samverkan: %(kind)s") % {"kind": contact.get_kind_display()},
            kind="collaboration",
            details=[str(contact.unit or contact.organisation)],
            text=contact.note,
            all_day=True,
        )
