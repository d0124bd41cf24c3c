"""Referral state changes: submit, actualise, decline. Each runs in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klientstod import audit, personnummer
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    Consent,
    Gender,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organisation,
    Role,
    User,
)
from klientstod.services import case_open, client_in_register, meeting_book

from .models import (
    Consultation,
    ConsultationMessage,
    Letter,
    Referral,
    ReferralSlot,
    ReferralStatus,
)


class ActiveCaseExists(ValidationError):
    """The person already has an active case in the process; ``case`` is that case."""

    def __init__(self, case: Case) -> None:
        super().__init__(
            _("%(name)s already has an active case in this process (%(number)s).")
            % {"name": case.client.full_name, "number": case.number},
            code="active_case",
        )
        self.case = case


def referral_submit(
    *,
    referral: Referral,
    by: User,
    sharing: Iterable[Organisation] = (),
    slot: ReferralSlot | None = None,
) -> Referral:
    """Send a referral; a chosen free time is held for it until the coordinator decides."""
    with transaction.atomic():
        if by.role == Role.REFERRER:
            # A referrer always refers as their own organisation and unit.
            if by.organisation_id is None:
                raise ValidationError(
                    _("Your account is not linked to an organisation. Ask the administrator.")
                )
            referral.referrer = by
            referral.organisation_id = by.organisation_id
            referral.unit_id = by.unit_id
            referral.referrer_name = by.get_full_name()
        referral.entered_by = by
        referral.status = ReferralStatus.RECEIVED
        referral.save()
        referral.sharing_consents.set(sharing)
        if slot is not None:
            locked = ReferralSlot.objects.select_for_update().get(pk=slot.pk)
            if not locked.is_free or locked.starts_at <= timezone.now():
                raise ValidationError(
                    {"slot": _("That time was just taken. Choose another, or none.")}
                )
            if locked.process_id != referral.process_id:
                raise ValidationError({"slot": _("The time belongs to another process.")})
            locked.referral = referral
            locked.save(update_fields=["referral"])
        return referral


def _lock_open(referral: Referral) -> Referral:
    locked = Referral.objects.select_for_update().select_related("process").get(pk=referral.pk)
    if locked.status != ReferralStatus.RECEIVED:
        raise ValidationError(_("The referral has already been decided."))
    return locked


def _decision_date(referral: Referral, on: datetime.date | None) -> datetime.date:
    """The day a decision takes effect: today unless given; never ahead, never before receipt."""
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision cannot be dated in the future.")})
    if day < referral.received_on:
        raise ValidationError(
            {
                "decided_on": _(
                    "The decision cannot be dated before the referral was received (%(day)s)."
                )
                % {"day": referral.received_on.isoformat()}
            }
        )
    return day


def _client_from(referral: Referral) -> Client:
    """A new, unsaved client record with what the referral says of the person."""
    client = Client(
        first_name=referral.first_name,
        last_name=referral.last_name,
        gender=Gender.WOMAN
        if personnummer.legal_gender(referral.personnummer) == "F"
        else Gender.MAN,
        language=referral.language,
        interpreter_needed=referral.interpreter_needed,
        phone=referral.phone,
        email=referral.email,
        street_address=referral.street_address,
        postal_code=referral.postal_code,
        city=referral.city,
        income_source=referral.income_source,
        income_source_months=referral.income_source_months,
    )
    client.personnummer = referral.personnummer
    return client


def referral_actualise(
    *,
    referral: Referral,
    by: User,
    start_date: datetime.date,
    coordinator: User | None,
    first_meeting_at: datetime.datetime | None,
    location: str,
    duration_minutes: int = 60,
    interpreter_booked: bool = False,
    first_meeting_note: str = "",
    on: datetime.date | None = None,
) -> Case:
    """Take the person on: client (found or new), case, first meeting and welcome letter.

    The decision is dated ``on`` (today unless given); the case starts no earlier than
    the referral was received. A first meeting in the future is booked and a welcome
    letter written; one already past is recorded as held with ``first_meeting_note``, and
    no letter is written (without a note it stays booked, awaiting its outcome, as when the
    decision is replayed on its own day).

    All or nothing: a refusal at any step leaves no client, case, meeting or letter behind.
    """
    with transaction.atomic():
        locked = _lock_open(referral)
        decided_on = _decision_date(locked, on)
        if start_date < locked.received_on:
            raise ValidationError(
                {
                    "start_date": _(
                        "The case cannot start before the referral was received (%(day)s)."
                    )
                    % {"day": locked.received_on.isoformat()}
                }
            )
        if locked.enhanced_collaboration:
            raise ValidationError(
                _(
                    "The person is in the enhanced collaboration between the social insurance "
                    "agency and the employment service and cannot be actualised: they would be "
                    "registered twice in SUS. Decline the referral, or wait until that "
                    "collaboration has ended."
                ),
                code="enhanced_collaboration",
            )
        client, _known = client_in_register(
            candidate=_client_from(locked), controller=locked.process.controller
        )
        active = (
            Case.objects.filter(client=client, process=locked.process, status=CaseStatus.ACTIVE)
            .select_related("client")
            .first()
        )
        if active is not None:
            raise ActiveCaseExists(active)
        case = case_open(
            client=client, process=locked.process, start_date=start_date, coordinator=coordinator
        )
        slot = ReferralSlot.objects.select_for_update().filter(referral=locked).first()
        starts_at = slot.starts_at if slot else first_meeting_at
        if starts_at is None:
            raise ValidationError({"first_meeting_at": _("Give the time of the first meeting.")})
        now = timezone.now()
        held = starts_at <= now and bool(first_meeting_note.strip())
        if held and timezone.localtime(starts_at).date() < locked.received_on:
            raise ValidationError(
                {
                    "first_meeting_at": _(
                        "The first meeting cannot have been held before the referral was "
                        "received (%(day)s)."
                    )
                    % {"day": locked.received_on.isoformat()}
                }
            )
        meeting = meeting_book(
            case=case,
            meeting=Meeting(
                kind=MeetingKind.FIRST,
                starts_at=starts_at,
                duration_minutes=slot.duration_minutes if slot else duration_minutes,
                location=location or (slot.location if slot else ""),
                interpreter_needed=locked.interpreter_needed or client.interpreter_needed,
                interpreter_booked=interpreter_booked,
            ),
            by=by,
            # The first meeting's time is the triage's decision (often the referrer's
            # pick of a bookable time); the coordinator books around it.
            allow_overlap=True,
        )
        if held:
            meeting.status = MeetingStatus.HELD
            meeting.journal_note = first_meeting_note.strip()
            meeting.outcome_recorded_at = now
            meeting.save(update_fields=["status", "journal_note", "outcome_recorded_at"])
        if slot is not None:
            slot.meeting = meeting
            slot.save(update_fields=["meeting"])
        already = set(
            Consent.objects.in_force()
            .filter(client=client, kind=Consent.Kind.INFORMATION_SHARING)
            .values_list("organisation_id", flat=True)
        )
        given = Consent.objects.bulk_create(
            Consent(
                client=client,
                kind=Consent.Kind.INFORMATION_SHARING,
                organisation=organisation,
                given_on=locked.received_on,
                note=_("Given with referral %(reference)s") % {"reference": locked.reference},
            )
            for organisation in locked.sharing_consents.all()
            if organisation.pk not in already
        )
        audit.record_created(given)
        if not held:
            # A welcome letter invites to the meeting; none for one already held.
            Letter.objects.create(
                referral=locked, kind=Letter.Kind.WELCOME, meeting=meeting, created_by=by
            )
        locked.status = ReferralStatus.ACTUALISED
        locked.client = client
        locked.case = case
        locked.decided_on = decided_on
        locked.decided_entered_at = now
        locked.decided_by = by
        locked.save()
        referral.refresh_from_db()
        return case


def referral_decline(
    *, referral: Referral, reason: str, note: str, by: User, on: datetime.date | None = None
) -> Letter:
    """Not relevant now: the reason is recorded, a held time freed, and a letter written.

    The decision is dated ``on`` (today unless given).
    """
    with transaction.atomic():
        locked = _lock_open(referral)
        if not reason:
            raise ValidationError({"reason": _("Choose why the referral is not relevant.")})
        locked.status = ReferralStatus.NOT_RELEVANT
        locked.not_relevant_reason = reason
        locked.decision_note = note
        locked.decided_on = _decision_date(locked, on)
        locked.decided_entered_at = timezone.now()
        locked.decided_by = by
        locked.save()
        ReferralSlot.objects.filter(referral=locked, meeting__isnull=True).update(referral=None)
        referral.refresh_from_db()
        return Letter.objects.create(referral=locked, kind=Letter.Kind.NOT_RELEVANT, created_by=by)


def consultation_ask(*, consultation: Consultation, body: str, by: User) -> Consultation:
    with transaction.atomic():
        consultation.asked_by = by
        consultation.save()
        ConsultationMessage.objects.create(consultation=consultation, author=by, body=body)
        return consultation


def consultation_reply(*, consultation: Consultation, body: str, by: User) -> ConsultationMessage:
    """A message in the thread; the coordinator's reply marks the question answered."""
    with transaction.atomic():
        message = ConsultationMessage.objects.create(
            consultation=consultation, author=by, body=body
        )
        answered = by.role == Role.COORDINATOR
        if consultation.answered != answered:
            consultation.answered = answered
            consultation.save(update_fields=["answered"])
        return message


def slot_publish(*, slot: ReferralSlot, by: User) -> ReferralSlot:
    """Publish a time that referrers may book a first meeting in."""
    slot.created_by = by
    slot.save()
    return slot


def slot_withdraw(*, slot: ReferralSlot) -> bool:
    """Withdraw a time nobody holds; False, and nothing done, when a referral holds it."""
    with transaction.atomic():
        locked = ReferralSlot.objects.select_for_update().get(pk=slot.pk)
        if not locked.is_free:
            return False
        locked.delete()
        return True
