"""State changes of the core that span records, each in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, bookings, closure
from .calendar_feed import RENEWED, REVOKED
from .models import (
    CalendarFeed,
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
    Role,
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


class Overlap(ValidationError):
    """The time overlaps other meetings in the coordinator's calendar: ``meetings``."""

    def __init__(self, meetings: list[Meeting]) -> None:
        super().__init__(
            ngettext(
                "The time overlaps another of the coordinator's meetings.",
                "The time overlaps %(count)d of the coordinator's meetings.",
                len(meetings),
            )
            % {"count": len(meetings)},
            code="overlap",
        )
        self.meetings = meetings


def calendar_owner(case: Case, by: User) -> User:
    """Whose calendar a meeting of ``case`` is in: the case's coordinator, or the booker's."""
    return case.coordinator or by


def _claim_time(
    *,
    coordinator: User,
    starts_at: datetime.datetime,
    duration_minutes: int,
    allow_overlap: bool,
    exclude: int | None = None,
) -> None:
    """Lock the coordinator's calendar and refuse a time taken by another meeting in it.

    The coordinator's row is locked for the rest of the transaction, so that two
    bookings at once cannot both find the time free. ``allow_overlap``: the booker has
    seen the warning and books anyway.
    """
    User.objects.select_for_update().filter(pk=coordinator.pk).first()
    if allow_overlap:
        return
    others = Meeting.objects.of_coordinator(coordinator).taking_place().exclude(pk=exclude)
    overlaps = others.select_related("case").overlapping(
        starts_at, starts_at + datetime.timedelta(minutes=duration_minutes)
    )
    if overlaps:
        raise Overlap(overlaps)


def meeting_book(*, case: Case, meeting: Meeting, by: User, allow_overlap: bool = False) -> Meeting:
    """Book a meeting on an active case, in its coordinator's calendar.

    A time that overlaps another of the coordinator's booked or held meetings is refused
    (``Overlap``) unless ``allow_overlap``; a bookable time of the coordinator's that the
    meeting fills is taken by it (``bookings.on_booked``), in the same transaction.
    """
    if not case.is_active:
        raise ValidationError(_("Meetings can only be booked on an active case."))
    with transaction.atomic():
        coordinator = calendar_owner(case, by)
        _claim_time(
            coordinator=coordinator,
            starts_at=meeting.starts_at,
            duration_minutes=meeting.duration_minutes,
            allow_overlap=allow_overlap,
        )
        meeting.case = case
        meeting.status = MeetingStatus.BOOKED
        meeting.created_by = by
        meeting.save()
        bookings.booked(meeting, coordinator)
    return meeting


def meeting_change(*, meeting: Meeting, by: User, allow_overlap: bool = False) -> Meeting:
    """Save the changes to a booked meeting (its form's instance), checked as a booking is:
    a new time must not overlap the coordinator's other meetings unless ``allow_overlap``."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
        if not locked.is_booked:
            raise ValidationError(_("Only a booked meeting can be changed."))
        coordinator = calendar_owner(locked.case, by)
        _claim_time(
            coordinator=coordinator,
            starts_at=meeting.starts_at,
            duration_minutes=meeting.duration_minutes,
            allow_overlap=allow_overlap,
            exclude=meeting.pk,
        )
        meeting.save()
        bookings.booked(meeting, coordinator)
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
    note_later: bool = False,
    allow_overlap: bool = False,
) -> Meeting | None:
    """Record what became of a booked meeting, at ``at`` (now unless given).

    What happened at a meeting (held, no-show, interpreter or third party missing) is
    recorded once its time has come; a cancellation by either side and a rebooking may be
    recorded before. A meeting we cancel ourselves says why (``cancel_reason``); "other"
    is explained in the note. A rebooking keeps the interpreter and whether one is booked.
    A held meeting's note may be written later (``note_later``): it then awaits its note
    (``meeting_write_note``). A rebooking is checked against the coordinator's other
    meetings as a booking is (``Overlap`` unless ``allow_overlap``).
    Returns the new meeting when the outcome is a rebooking, otherwise None.
    """
    if status == MeetingStatus.BOOKED or status not in MeetingStatus.values:
        raise ValidationError({"status": _("Choose what happened at the meeting.")})
    if status == MeetingStatus.REBOOKED and new_starts_at is None:
        raise ValidationError({"new_starts_at": _("A rebooking needs the new time.")})
    if status == MeetingStatus.HELD and not journal_note.strip() and not note_later:
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
        coordinator = calendar_owner(locked.case, by)
        _claim_time(
            coordinator=coordinator,
            starts_at=new_starts_at,
            duration_minutes=locked.duration_minutes,
            allow_overlap=allow_overlap,
            exclude=locked.pk,
        )
        new = Meeting.objects.create(
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
        bookings.booked(new, coordinator)
        return new


def meeting_write_note(*, meeting: Meeting, journal_note: str, by: User) -> Meeting:
    """Write the journal note of a meeting recorded as held without one.

    The note is written once: a meeting that has its note (a second sending, another
    tab) is refused, and the note first written stands.
    """
    if not journal_note.strip():
        raise ValidationError({"journal_note": _("Write a journal note for a held meeting.")})
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.awaits_note:
            raise ValidationError(_("The meeting has its journal note already."))
        locked.journal_note = journal_note.strip()
        locked.save(update_fields=["journal_note", "updated_at"])
        meeting.refresh_from_db()
        return locked


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
    endings: Mapping[str, str] | None = None,
    cancel_booked: bool = False,
    by: User,
) -> Case:
    """Close an active case with its outcome; with consent, a follow-up is due six months on.

    What is still open on the case (``closure.open_items``: booked meetings, and what the
    apps register, such as an ongoing FIA, interventions and bibliotherapy) stops the
    closing unless ``endings`` says how each is ended ({item key: choice}); each is then
    ended, dated the closing day, in the same transaction as the closing, so that a
    failure half-way saves nothing. ``cancel_booked`` chooses the cancelling for every
    booked meeting that may be cancelled: one that has started by the closing day has its
    outcome recorded first, as it may have been held.
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.ACTIVE:
            raise ValidationError(_("The case is already closed."))
        if closed_on < locked.start_date:
            raise ValidationError({"closed_on": _("The case cannot be closed before it started.")})
        if closed_on > timezone.localdate():
            raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
        items = closure.open_items(locked, closed_on)
        chosen = dict(endings or {})
        if cancel_booked:
            for item in items:
                if item.key.startswith("meeting-") and item.choices:
                    chosen.setdefault(item.key, item.choices[0][0])
        closure.end_items(items, chosen, closed_on, by)
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


# The calendar subscription ------------------------------------------------------------------


def calendar_feed_renew(*, user: User) -> str:
    """A new secret address for the user's calendar feed, returned in clear to be shown once.

    Only the token's hash is kept; the address the user had before stops working.
    """
    if user.role != Role.COORDINATOR:
        raise ValidationError(_("Only a coordinator has meetings to subscribe to."))
    token = CalendarFeed.generate()
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=user,
            defaults={"token_hash": CalendarFeed.hash(token), "created_at": timezone.now()},
        )
        audit.record_event(RENEWED, user=user)
    return token


def calendar_feed_revoke(*, user: User) -> bool:
    """Turn the user's calendar subscription off; False if there was none."""
    with transaction.atomic():
        deleted, _kinds = CalendarFeed.objects.filter(user=user).delete()
        if deleted:
            audit.record_event(REVOKED, user=user)
    return bool(deleted)
