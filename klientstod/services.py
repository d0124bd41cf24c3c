"""State changes of the core that span records, each in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import (
    Case,
    CaseStatus,
    Client,
    Consent,
    EnrolmentCode,
    Meeting,
    MeetingCancelReason,
    MeetingStatus,
    Organisation,
    Process,
    User,
)


def case_open(
    *, client: Client, process: Process, start_date: datetime.date, coordinator: User | None
) -> Case:
    """Open a case for a saved client; a client has at most one active case per process."""
    with transaction.atomic():
        if Case.objects.filter(client=client, process=process, status=CaseStatus.ACTIVE).exists():
            raise ValidationError(_("The client already has an active case in this process."))
        case = Case(client=client, process=process, start_date=start_date, coordinator=coordinator)
        case.full_clean(exclude=["client", "process"])
        try:
            # A savepoint, so that losing a race with another open leaves the
            # outer transaction usable.
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise ValidationError(
                _("The client already has an active case in this process.")
            ) from None
        return case


class AlreadyRegistered(ValidationError):
    """The person is in the register and the user already works with them: ``client``."""

    def __init__(self, client: Client) -> None:
        super().__init__(_("A client with this personnummer is already registered."), code="exists")
        self.client = client


def client_in_register(*, candidate: Client, controller: Organisation) -> tuple[Client, bool]:
    """The controller's record of the person ``candidate`` describes, found or made.

    Only ``controller``'s own register is searched: a record another organisation keeps
    of the same person is neither found nor touched, so nothing about it can show. Of two
    requests registering the same new person at once, the second gets the first's record
    rather than an error. The second value says whether the record was there already.
    """
    records = Client.objects.select_for_update().filter(
        controller=controller, personnummer_index=candidate.personnummer_index
    )
    known = records.first()
    if known is not None:
        return known, True
    candidate.controller = controller
    try:
        # A savepoint: losing the race leaves the outer transaction usable.
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        return records.get(), True
    return candidate, False


def client_register(
    *,
    client: Client,
    process: Process,
    start_date: datetime.date,
    coordinator: User | None,
    by: User,
) -> tuple[Case, bool]:
    """Register a client in the process owner's register and open their case.

    A person the user already works with is refused (``AlreadyRegistered``): their case
    is opened from their page. A person in the same register whom the user does not see
    (another process of the same organisation) keeps their one record, and the case is
    opened on it; the second value says so.
    """
    with transaction.atomic():
        record, known = client_in_register(candidate=client, controller=process.controller)
        if known and Client.objects.visible_to(by).filter(pk=record.pk).exists():
            raise AlreadyRegistered(record)
        case = case_open(
            client=record, process=process, start_date=start_date, coordinator=coordinator
        )
        return case, known


def meeting_book(*, case: Case, meeting: Meeting, by: User) -> Meeting:
    """Book a meeting on an active case."""
    if not case.is_active:
        raise ValidationError(_("Meetings can only be booked on an active case."))
    meeting.case = case
    meeting.status = MeetingStatus.BOOKED
    meeting.created_by = by
    meeting.save()
    return meeting


def meeting_record_outcome(
    *,
    meeting: Meeting,
    status: str,
    journal_note: str = "",
    new_starts_at: datetime.datetime | None = None,
    cancel_reason: str = "",
    by: User,
    at: datetime.datetime | None = None,
) -> Meeting | None:
    """Record what became of a booked meeting, at ``at`` (now unless given).

    What happened at a meeting (held, no-show, interpreter or third party missing) is
    recorded once its time has come; a cancellation by either side and a rebooking may be
    recorded before. A meeting we cancel ourselves says why (``cancel_reason``); "other"
    is explained in the note. A rebooking keeps the interpreter and whether one is booked.
    Returns the new meeting when the outcome is a rebooking, otherwise None.
    """
    if status == MeetingStatus.BOOKED or status not in MeetingStatus.values:
        raise ValidationError({"status": _("Choose what happened at the meeting.")})
    if status == MeetingStatus.REBOOKED and new_starts_at is None:
        raise ValidationError({"new_starts_at": _("A rebooking needs the new time.")})
    if status == MeetingStatus.HELD and not journal_note.strip():
        raise ValidationError({"journal_note": _("Write a journal note for a held meeting.")})
    _check_cancel_reason(status, cancel_reason, journal_note)
    now = timezone.now()
    moment = min(at, now) if at is not None else now
    with transaction.atomic():
        # Lock the row: two people recording the same meeting at once must not
        # both succeed.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.BOOKED:
            raise ValidationError(
                _("An outcome can only be recorded for a booked meeting; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        if status not in locked.outcome_choices(moment):
            raise ValidationError({"status": not_started_message(locked)})
        locked.status = status
        locked.cancel_reason = cancel_reason if status == MeetingStatus.CANCELLED_BY_US else ""
        locked.journal_note = journal_note.strip()
        locked.outcome_recorded_at = at or now
        locked.save()
        meeting.refresh_from_db()
        if status != MeetingStatus.REBOOKED:
            return None
        assert new_starts_at is not None
        return Meeting.objects.create(
            case=locked.case,
            kind=locked.kind,
            starts_at=new_starts_at,
            duration_minutes=locked.duration_minutes,
            location=locked.location,
            interpreter_needed=locked.interpreter_needed,
            interpreter_booked=locked.interpreter_booked,
            rebooked_from=locked,
            created_by=by,
        )


def not_started_message(meeting: Meeting) -> str:
    return _(
        "The meeting has not started yet (%(time)s): until then only a cancellation or a "
        "rebooking can be recorded."
    ) % {"time": f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}"}


def _check_cancel_reason(status: str, reason: str, note: str) -> None:
    if status != MeetingStatus.CANCELLED_BY_US:
        if reason:
            raise ValidationError(
                {"cancel_reason": _("A reason is given only for a meeting we cancel.")}
            )
        return
    if reason not in MeetingCancelReason.values:
        raise ValidationError({"cancel_reason": _("Give the reason we cancel the meeting.")})
    if reason == MeetingCancelReason.OTHER and not note.strip():
        raise ValidationError({"journal_note": _("Write what the other reason is.")})


def case_close(
    *,
    case: Case,
    closed_on: datetime.date,
    outcome: str,
    income_source_end: str,
    followup_consent: bool,
    cancel_booked: bool = False,
    by: User,
) -> Case:
    """Close an active case with its outcome; with consent, a follow-up is due six months on.

    Meetings still booked stop the closing, unless ``cancel_booked``: then those that have
    not started, or start after the closing day, are cancelled by us ("the case was
    closed") in the same transaction. A meeting that has started by the closing day has
    its outcome recorded first: it may have been held.
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.ACTIVE:
            raise ValidationError(_("The case is already closed."))
        if closed_on < locked.start_date:
            raise ValidationError({"closed_on": _("The case cannot be closed before it started.")})
        if closed_on > timezone.localdate():
            raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
        booked_meetings = list(
            locked.meetings.select_for_update().filter(status=MeetingStatus.BOOKED)
        )
        if cancel_booked:
            now = timezone.now()
            for meeting in booked_meetings:
                if cancellable_at_closing(meeting, closed_on):
                    meeting.status = MeetingStatus.CANCELLED_BY_US
                    meeting.cancel_reason = MeetingCancelReason.CASE_CLOSED
                    meeting.outcome_recorded_at = now
                    meeting.save(
                        update_fields=[
                            "status",
                            "cancel_reason",
                            "outcome_recorded_at",
                            "updated_at",
                        ]
                    )
        booked = sum(1 for m in booked_meetings if m.is_booked)
        if booked:
            raise ValidationError(
                ngettext(
                    "A meeting is still booked: record its outcome first.",
                    "%(count)d meetings are still booked: record their outcomes first.",
                    booked,
                )
                % {"count": booked}
            )
        locked.status = CaseStatus.CLOSED
        locked.closed_on = closed_on
        locked.closure_entered_at = timezone.now()
        locked.closure_outcome = outcome
        locked.income_source_end = income_source_end
        locked.full_clean()
        locked.save()
        if followup_consent:
            Consent.objects.create(
                client=locked.client,
                kind=Consent.Kind.FOLLOW_UP,
                given_on=closed_on,
                note=_("Given at closure of %(case)s") % {"case": locked.number},
            )
        case.refresh_from_db()
        return locked


def cancellable_at_closing(meeting: Meeting, closed_on: datetime.date) -> bool:
    """Whether closing on ``closed_on`` may cancel the booked meeting (see ``case_close``)."""
    return not meeting.has_started() or timezone.localtime(meeting.starts_at).date() > closed_on


def has_followup_consent(case: Case, on: datetime.date | None = None) -> bool:
    return (
        Consent.objects.in_force(on)
        .filter(client_id=case.client_id, kind=Consent.Kind.FOLLOW_UP)
        .exists()
    )


def case_follow_up(
    *, case: Case, done_on: datetime.date, result: str, by: User, income_source: str = ""
) -> Case:
    """Record the six-month follow-up of a closed case; it needs the client's consent.

    ``income_source``: the client's income source at the follow-up ("" if not asked).
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.CLOSED:
            raise ValidationError(_("Only a closed case is followed up, and only once."))
        if not has_followup_consent(locked, done_on):
            raise ValidationError(
                _("The client has not consented to a follow-up (or has withdrawn the consent).")
            )
        assert locked.closed_on is not None
        if done_on < locked.closed_on or done_on > timezone.localdate():
            raise ValidationError({"done_on": _("Give a date between the closure and today.")})
        if not result.strip():
            raise ValidationError({"result": _("Write what the follow-up showed.")})
        locked.status = CaseStatus.FOLLOWED_UP
        locked.followup_done_on = done_on
        locked.followup_entered_at = timezone.now()
        locked.followup_result = result.strip()
        locked.income_source_followup = income_source
        locked.save()
        case.refresh_from_db()
        return locked


# Logging in: enrolment codes, the authenticator app and passwords ----------


def enrolment_code_issue(*, user: User, by: User | None, reset_authenticator: bool = False) -> str:
    """Issue a new enrolment code for ``user`` and return it in clear, to be shown once.

    Earlier codes stop working, and an app set up halfway (unconfirmed) is removed. A
    user who has an app already gets a code only with ``reset_authenticator`` (a lost or
    new phone), which removes that app too, so that the user notices. An administrator
    does not issue their own code: another administrator, or the operator with
    ``manage.py enrolment_code``, does.
    """
    if by is not None and by.pk == user.pk:
        raise ValidationError(_("Another administrator issues your own enrolment code."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        devices = TOTPDevice.objects.filter(user=user)
        if not reset_authenticator and devices.filter(confirmed=True).exists():
            raise ValidationError(
                _("%(user)s has already set up an authenticator app. Reset it instead.")
                % {"user": user}
            )
        now = timezone.now()
        EnrolmentCode.objects.filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        (devices if reset_authenticator else devices.filter(confirmed=False)).delete()
        code = EnrolmentCode.generate()
        enrolment = EnrolmentCode(
            user=user,
            issued_by=by,
            issued_at=now,
            expires_at=now + datetime.timedelta(days=settings.KLIENTSTOD_ENROLMENT_CODE_DAYS),
        )
        enrolment.set_code(code)
        enrolment.save()
    return code


def enrolment_code_redeem(*, user: User, code: str) -> EnrolmentCode:
    """Check the code the user typed; if right, make a new (unconfirmed) app for them to scan.

    A wrong code counts against the user's current code, which stops working after
    ``EnrolmentCode.MAX_FAILED_ATTEMPTS`` wrong tries. Only the user's current code is
    compared, through the password hashers, so the time taken tells nothing about it.
    """
    from django.contrib.auth.hashers import make_password

    with transaction.atomic():
        current = EnrolmentCode.objects.select_for_update().usable().filter(user=user).first()
        if current is None:
            make_password(code)  # as long as a comparison takes
            matched = False
        else:
            matched = current.matches(code)
            if matched:
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                TOTPDevice.objects.create(user=user, name="Klientstöd", confirmed=False)
            else:
                current.failed_attempts += 1
                current.save(update_fields=["failed_attempts"])
    # Raised after the transaction, so that a wrong try is counted.
    if current is None or not current.is_usable():
        raise ValidationError(
            _(
                "You have no valid enrolment code: it has been used, has expired, has been "
                "replaced by a newer one or was typed wrong too many times. Ask the "
                "administrator for a new code."
            )
        )
    if not matched:
        left = EnrolmentCode.MAX_FAILED_ATTEMPTS - current.failed_attempts
        raise ValidationError(
            ngettext(
                "The code is wrong. Check it and try again (%(left)d try left).",
                "The code is wrong. Check it and try again (%(left)d tries left).",
                left,
            )
            % {"left": left}
        )
    return current


def two_factor_enrol(*, user: User, enrolment: EnrolmentCode, device: TOTPDevice) -> None:
    """Confirm the app the user has scanned (its code already checked) and use up the code."""
    with transaction.atomic():
        locked = (
            EnrolmentCode.objects.select_for_update()
            .usable()
            .filter(pk=enrolment.pk, user=user)
            .first()
        )
        if locked is None or device.user_id != user.pk:
            raise ValidationError(
                _("The enrolment code is no longer valid. Ask the administrator for a new code.")
            )
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        device.confirmed = True
        device.save(update_fields=["confirmed"])


def password_change(*, user: User, password: str) -> User:
    """The user's own new password; one the administrator set no longer has to be changed."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
    return user


def consent_withdraw(*, consent: Consent, on: datetime.date | None = None) -> bool:
    """Withdraw a consent from ``on`` (today), never before it was given; False if it was."""
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_on is not None:
            return False
        locked.withdrawn_on = max(on or timezone.localdate(), locked.given_on)
        locked.save(update_fields=["withdrawn_on"])
        consent.withdrawn_on = locked.withdrawn_on
        return True


class ChangedMeanwhile(ValidationError):
    """The record was saved by someone else after the form was opened."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved changes to this record after you opened it. Your "
                "changes have not been saved: they are still in the form. Open the "
                "record again in a new tab to see the other changes, then save yours."
            ),
            code="changed",
        )


def save_versioned(instance: Any, *, seen: str | None, save: Callable[[], Any]) -> None:
    """Save ``instance`` (by ``save``) unless its version is no longer the ``seen`` one.

    Optimistic locking: the row is locked, its version compared with the one the form
    was opened on, and raised by one with the save; ``ChangedMeanwhile`` otherwise.
    """
    model = type(instance)
    with transaction.atomic():
        current = (
            model._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or str(current) != seen:
            raise ChangedMeanwhile
        instance.version = (current or 0) + 1
        save()
