"""State changes of the work with the client, each in one transaction, and what is due."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klientstod import audit
from klientstod.models import Case, Consent, MeetingKind, MeetingStatus, User

from .assessment_services import (
    DECLINED,
    ONCE_PER_CASE,
    SCHEDULED_KINDS,
    Due,
    assessment_record,
    assessment_taken,
    assessment_update,
    assessments_due,
    current_questionnaire,
    months_between,
    questionnaire_save,
)
from .link_services import (
    NewLink,
    link_answer,
    link_create,
    link_find,
    link_open,
    link_revoke,
    link_send,
)
from .models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    ContactKind,
    FiaAbortReason,
    FiaInterview,
    FiaStatus,
    FiaStatusChange,
    GroupSession,
    Intervention,
    InterventionChange,
    OfferResponse,
    ParticipationStatus,
    PlanItem,
)

__all__ = [
    "DECLINED",
    "FIA_TRANSITIONS",
    "ONCE_PER_CASE",
    "PARTICIPATION_TRANSITIONS",
    "SCHEDULED_KINDS",
    "Due",
    "NewLink",
    "assessment_record",
    "assessment_taken",
    "assessment_update",
    "assessments_due",
    "contact_record",
    "current_questionnaire",
    "effective_date",
    "fia_for",
    "fia_save_summary",
    "fia_set_status",
    "held_fia_sessions",
    "intervention_save",
    "link_answer",
    "link_create",
    "link_find",
    "link_open",
    "link_revoke",
    "link_send",
    "months_between",
    "offer_save",
    "participation_set",
    "questionnaire_save",
    "session_record",
    "sharing_consent_missing",
]

# FIA -----------------------------------------------------------------------------

#: The FIA's lifecycle: from each status, where it may go next.
FIA_TRANSITIONS: dict[str, set[str]] = {
    FiaStatus.NOT_STARTED: {
        FiaStatus.NOT_RELEVANT_HEALTH,
        FiaStatus.NEEDS_RELATION,
        FiaStatus.PLANNED,
        FiaStatus.ONGOING,
    },
    FiaStatus.NOT_RELEVANT_HEALTH: {
        FiaStatus.NOT_STARTED,
        FiaStatus.NEEDS_RELATION,
        FiaStatus.PLANNED,
    },
    FiaStatus.NEEDS_RELATION: {
        FiaStatus.NOT_RELEVANT_HEALTH,
        FiaStatus.PLANNED,
        FiaStatus.ONGOING,
    },
    FiaStatus.PLANNED: {
        FiaStatus.NOT_RELEVANT_HEALTH,
        FiaStatus.NEEDS_RELATION,
        FiaStatus.ONGOING,
        FiaStatus.ABORTED,
    },
    FiaStatus.ONGOING: {FiaStatus.COMPLETED, FiaStatus.ABORTED},
    FiaStatus.ABORTED: {FiaStatus.PLANNED},
    FiaStatus.COMPLETED: set(),
}


def fia_for(case: Case) -> FiaInterview:
    """The case's FIA; an unsaved, not-started one until something is recorded."""
    return FiaInterview.objects.filter(case=case).first() or FiaInterview(case=case)


def held_fia_sessions(case: Case) -> int:
    return case.meetings.filter(kind=MeetingKind.FIA_SESSION, status=MeetingStatus.HELD).count()


def effective_date(
    on: datetime.date | None,
    *,
    field: str,
    not_before: datetime.date | None,
    message: str,
) -> datetime.date:
    """The day a change takes effect: today unless given, never ahead, never before
    ``not_before`` (the start of the record it belongs to, or its previous change)."""
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError({field: message % {"day": not_before.isoformat()}})
    return day


def fia_set_status(
    *,
    fia: FiaInterview,
    status: str,
    abort_reason: str = "",
    abort_note: str = "",
    on_site_interpreter: bool | None = None,
    on: datetime.date | None = None,
) -> FiaInterview:
    """Move the FIA on, dated ``on`` (today unless given; not before the case started or
    the FIA's previous step); the history keeps the date and when it was entered."""
    with transaction.atomic():
        if fia.pk is None:
            fia.save()
        locked = FiaInterview.objects.select_for_update().select_related("case").get(pk=fia.pk)
        if status != locked.status:
            previous = max(
                filter(None, [locked.case.start_date, locked.status_changed_on]),
                default=None,
            )
            on = effective_date(
                on,
                field="on",
                not_before=previous,
                message=_(
                    "The change cannot be dated before the case started or the FIA's "
                    "previous step (%(day)s)."
                ),
            )
            if status not in FIA_TRANSITIONS[locked.status]:
                raise ValidationError(
                    {
                        "status": _("A FIA cannot go from “%(old)s” to “%(new)s”.")
                        % {
                            "old": locked.get_status_display(),
                            "new": FiaStatus(status).label,
                        }
                    }
                )
            if status == FiaStatus.COMPLETED and not held_fia_sessions(locked.case):
                raise ValidationError(
                    {
                        "status": _(
                            "A FIA is completed only after at least one FIA session was held. "
                            "Book the sessions as meetings of kind FIA session."
                        )
                    }
                )
            locked.status_changed_on = on
        if status == FiaStatus.ABORTED and not abort_reason:
            raise ValidationError({"abort_reason": _("Give the reason the FIA was aborted.")})
        abort_note = abort_note.strip() if abort_reason == FiaAbortReason.OTHER else ""
        if status == FiaStatus.ABORTED and abort_reason == FiaAbortReason.OTHER and not abort_note:
            raise ValidationError({"abort_note": _("Write what the other reason is.")})
        changed = status != locked.status or (
            status == FiaStatus.ABORTED
            and (abort_reason, abort_note) != (locked.abort_reason, locked.abort_note)
        )
        locked.status = status
        locked.abort_reason = abort_reason if status == FiaStatus.ABORTED else ""
        locked.abort_note = abort_note if status == FiaStatus.ABORTED else ""
        if on_site_interpreter is not None:
            locked.on_site_interpreter = on_site_interpreter
        locked.save()
        if changed:
            FiaStatusChange.objects.create(
                fia=locked,
                status=locked.status,
                abort_reason=locked.abort_reason,
                abort_note=locked.abort_note,
                changed_on=locked.status_changed_on or timezone.localdate(),
                entered_at=timezone.now(),
            )
        fia.refresh_from_db()
        return locked


def fia_save_summary(
    *,
    fia: FiaInterview,
    summary: Mapping[str, str],
    client_goals: str,
    assessment: str,
    plan: Sequence[Mapping[str, object]],
) -> FiaInterview:
    """Replace the summary and the genomförandeplan in one go."""
    with transaction.atomic():
        fia.summary = {key: text.strip() for key, text in summary.items() if text.strip()}
        fia.client_goals = client_goals.strip()
        fia.assessment = assessment.strip()
        fia.save()
        fia.plan.all().delete()
        audit.record_created(
            PlanItem.objects.bulk_create(
                PlanItem(fia=fia, order=index, **row) for index, row in enumerate(plan)
            )
        )
        return fia


# Bibliotherapy ---------------------------------------------------------------------------

#: Where a participant may go next.
PARTICIPATION_TRANSITIONS: dict[str, set[str]] = {
    ParticipationStatus.TO_BE_BOOKED: {
        ParticipationStatus.STARTED,
        ParticipationStatus.TO_BE_REBOOKED,
        ParticipationStatus.DROPPED,
    },
    ParticipationStatus.TO_BE_REBOOKED: {ParticipationStatus.STARTED, ParticipationStatus.DROPPED},
    ParticipationStatus.STARTED: {ParticipationStatus.COMPLETED, ParticipationStatus.DROPPED},
    ParticipationStatus.COMPLETED: set(),
    ParticipationStatus.DROPPED: {ParticipationStatus.TO_BE_BOOKED},
}


def offer_save(
    *, offer: BibliotherapyOffer, by: User, on: datetime.date | None = None
) -> BibliotherapyOffer:
    """Record an offer or change its response; accepting puts the client in line to be booked.

    A participation that starts here is dated ``on`` (today unless given).
    """
    if offer.offered_on and offer.offered_on < offer.case.start_date:
        raise ValidationError(
            {
                "offered_on": _("The offer cannot be dated before the case started (%(day)s).")
                % {"day": offer.case.start_date.isoformat()}
            }
        )
    with transaction.atomic():
        if offer.response == OfferResponse.ACCEPTED and not offer.participation:
            offer.participation = ParticipationStatus.TO_BE_BOOKED
            offer.participation_changed_on = effective_date(
                on,
                field="offered_on",
                not_before=offer.offered_on,
                message=_("The answer cannot be dated before the offer (%(day)s)."),
            )
            offer.participation_entered_at = timezone.now()
        if offer.response != OfferResponse.ACCEPTED:
            offer.participation = ""
            offer.group = None
        if offer.response != OfferResponse.DECLINED:
            offer.decline_reason = ""
        if not offer.pk:
            offer.created_by = by
        offer.full_clean(exclude=["created_by"])
        offer.save()
        return offer


def participation_set(
    *,
    offer: BibliotherapyOffer,
    status: str,
    group: BibliotherapyGroup | None,
    on: datetime.date | None = None,
) -> BibliotherapyOffer:
    """Move an accepted offer's participation on, dated ``on`` (today unless given)."""
    with transaction.atomic():
        locked = BibliotherapyOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.response != OfferResponse.ACCEPTED:
            raise ValidationError(_("Only a client who accepted bibliotherapy takes part."))
        if status != locked.participation:
            if status not in PARTICIPATION_TRANSITIONS[locked.participation]:
                raise ValidationError(
                    {
                        "participation": _("A participant cannot go from “%(old)s” to “%(new)s”.")
                        % {
                            "old": locked.get_participation_display(),
                            "new": ParticipationStatus(status).label,
                        }
                    }
                )
            locked.participation = status
            locked.participation_changed_on = effective_date(
                on,
                field="on",
                not_before=max(
                    filter(None, [locked.offered_on, locked.participation_changed_on]),
                    default=None,
                ),
                message=_(
                    "The change cannot be dated before the offer or the participation's "
                    "previous step (%(day)s)."
                ),
            )
            locked.participation_entered_at = timezone.now()
        if status == ParticipationStatus.STARTED and group is None and locked.group is None:
            raise ValidationError({"group": _("Choose the group the client started in.")})
        if group is not None:
            locked.group = group
        locked.save()
        offer.refresh_from_db()
        return locked


def session_record(
    *,
    group: BibliotherapyGroup,
    held_on: datetime.date,
    theme: str,
    attended: Iterable[BibliotherapyOffer],
) -> GroupSession:
    with transaction.atomic():
        attended = list(attended)
        strangers = [offer for offer in attended if offer.group_id != group.pk]
        if strangers:
            raise ValidationError({"attended": _("Only the group's participants can attend.")})
        session = GroupSession.objects.create(group=group, held_on=held_on, theme=theme)
        session.attended.set(attended)
        # Coming to a first session starts the participation.
        waiting = [ParticipationStatus.TO_BE_BOOKED, ParticipationStatus.TO_BE_REBOOKED]
        started = {
            "participation": ParticipationStatus.STARTED,
            "participation_changed_on": held_on,
        }
        starting = list(
            BibliotherapyOffer.objects.select_for_update().filter(
                pk__in=[offer.pk for offer in attended], participation__in=waiting
            )
        )
        BibliotherapyOffer.objects.filter(pk__in=[offer.pk for offer in starting]).update(**started)
        audit.record_updated(starting, **started)
        return session


# Interventions ----------------------------------------------------------------------------


def intervention_save(
    *, intervention: Intervention, on: datetime.date | None = None
) -> Intervention:
    """Save an intervention; a new status or FK outcome is dated ``on`` (today unless given).

    The date is never in the future, never before the intervention started or its
    previous change; the history keeps it and when it was entered.
    """
    with transaction.atomic():
        stored = (
            Intervention.objects.select_for_update().filter(pk=intervention.pk).first()
            if intervention.pk
            else None
        )
        case_start = intervention.case.start_date
        if intervention.starts_on and intervention.starts_on < case_start:
            raise ValidationError(
                {
                    "starts_on": _(
                        "The intervention cannot start before the case started (%(day)s)."
                    )
                    % {"day": case_start.isoformat()}
                }
            )
        changed = stored is None or (stored.status, stored.fk_outcome) != (
            intervention.status,
            intervention.fk_outcome,
        )
        intervention.full_clean()
        intervention.save()
        if changed:
            last = intervention.history.order_by("-changed_on", "-pk").first()
            day = effective_date(
                on or (intervention.starts_on if stored is None else None),
                field="changed_on",
                not_before=max(
                    filter(None, [intervention.starts_on, last.changed_on if last else None])
                ),
                message=_(
                    "The change cannot be dated before the intervention started or its "
                    "previous change (%(day)s)."
                ),
            )
            InterventionChange.objects.create(
                intervention=intervention,
                status=intervention.status,
                fk_outcome=intervention.fk_outcome,
                changed_on=day,
                entered_at=timezone.now(),
            )
        return intervention


# Samverkan ----------------------------------------------------------------------------------


def sharing_consent_missing(contact: CollaborationContact) -> bool:
    """A case consultation names the client to the partner: that needs their consent."""
    case = contact.case if contact.case_id else None
    if contact.kind != ContactKind.CASE_CONSULTATION or case is None:
        return False
    return (
        not Consent.objects.in_force(contact.held_on)
        .filter(
            client_id=case.client_id,
            kind=Consent.Kind.INFORMATION_SHARING,
            organisation_id=contact.organisation_id,
        )
        .exists()
    )


def contact_record(
    *, contact: CollaborationContact, by: User, confirmed_without_consent: bool = False
) -> CollaborationContact:
    with transaction.atomic():
        if sharing_consent_missing(contact) and not confirmed_without_consent:
            raise ValidationError(
                _(
                    "The client has no consent in force to share information with %(partner)s. "
                    "Discuss the case without naming the client, or record the consent first."
                )
                % {"partner": contact.organisation},
                code="no_consent",
            )
        contact.created_by = by
        contact.full_clean(exclude=["created_by"])
        contact.save()
        return contact
