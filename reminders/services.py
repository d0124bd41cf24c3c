"""The reminder job: queue a reminder for each booked meeting, send it one working day
before, at most once.

``run`` is what ``manage.py send_reminders`` does each time the scheduler starts it:

1. Reminders whose meeting was cancelled or moved since they were queued are skipped;
   a reminder left "being sent" by a run that crashed is marked not reached, never sent
   again (it may have gone).
2. Each booked meeting of an active case that starts within ``LOOKAHEAD`` gets a queued
   reminder of its time, due at ``SEND_AT`` on the working day before (catching up:
   a meeting booked late or a job that was down is reminded as soon as it runs, unless
   the meeting is less than ``MIN_LEAD`` away).
3. Between ``QUIET_UNTIL`` and ``QUIET_FROM`` o'clock, due reminders are claimed one at a
   time (a row lock with ``skip_locked`` on PostgreSQL, and a status change that only one
   run can make, on any database) and sent; a temporary failure is tried again after
   ``RETRY_DELAYS``, then the reminder is "not reached" and the coordinator is told.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from klientstod import dates
from klientstod.models import CaseStatus, Client, Consent, Meeting, MeetingStatus
from messaging import sms
from messaging.errors import DeliveryError
from messaging.mail import send_email

from . import texts
from .choices import Channel, ReminderStatus, SkipReason
from .models import Reminder, ReminderTemplate

logger = logging.getLogger(__name__)

#: How far ahead reminders are queued (a week covers the longest holiday run of days off).
LOOKAHEAD = datetime.timedelta(days=10)
#: The time of day on the working day before at which a reminder is due.
SEND_AT = datetime.time(9, 0)
#: No SMS or e-mail at night: sending waits between these hours.
QUIET_FROM = datetime.time(20, 0)
QUIET_UNTIL = datetime.time(8, 0)
#: A reminder this close to the meeting is not worth sending.
MIN_LEAD = datetime.timedelta(hours=2)
#: The waits before each new attempt after a temporary failure; then "not reached".
RETRY_DELAYS = (
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=20),
    datetime.timedelta(hours=1),
)
#: A reminder claimed this long ago by a run that never finished.
STALE_CLAIM = datetime.timedelta(minutes=30)


@dataclasses.dataclass
class RunResult:
    queued: int = 0
    sent: int = 0
    retrying: int = 0
    not_reached: int = 0
    skipped: int = 0


def due_at(starts_at: datetime.datetime) -> datetime.datetime:
    """``SEND_AT`` on the working day before the meeting's local day."""
    day = dates.working_day_before(timezone.localtime(starts_at).date())
    return dates.local_time(day, SEND_AT)


def is_quiet(now: datetime.datetime) -> bool:
    local = timezone.localtime(now).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def run(*, now: datetime.datetime | None = None, limit: int | None = None) -> RunResult:
    """One run of the job; ``limit`` stops after that many reminders were handled."""
    now = now or timezone.now()
    result = RunResult()
    result.skipped += reminders_tidy(now=now)
    result.queued += reminders_queue(now=now)
    if is_quiet(now):
        return result
    handled = 0
    while limit is None or handled < limit:
        reminder = reminder_claim(now=now)
        if reminder is None:
            break
        handled += 1
        status = reminder_deliver(reminder=reminder, now=now)
        if status == ReminderStatus.SENT:
            result.sent += 1
        elif status == ReminderStatus.QUEUED:
            result.retrying += 1
        elif status == ReminderStatus.NOT_REACHED:
            result.not_reached += 1
        else:
            result.skipped += 1
    return result


def reminders_tidy(*, now: datetime.datetime) -> int:
    """Skip queued reminders of meetings cancelled or moved; close crashed claims."""
    with transaction.atomic():
        queued = Reminder.objects.filter(status=ReminderStatus.QUEUED)
        cancelled = queued.exclude(meeting__status=MeetingStatus.BOOKED).update(
            status=ReminderStatus.SKIPPED, skip_reason=SkipReason.CANCELLED, updated_at=now
        )
        moved = (
            queued.filter(meeting__status=MeetingStatus.BOOKED)
            .exclude(meeting__starts_at=F("starts_at"))
            .update(status=ReminderStatus.SKIPPED, skip_reason=SkipReason.MOVED, updated_at=now)
        )
        # A meeting moved back to a time it was reminded of: that reminder is queued again.
        Reminder.objects.filter(
            status=ReminderStatus.SKIPPED,
            skip_reason=SkipReason.MOVED,
            meeting__status=MeetingStatus.BOOKED,
            meeting__starts_at=F("starts_at"),
            starts_at__gt=now + MIN_LEAD,
        ).update(status=ReminderStatus.QUEUED, skip_reason="", updated_at=now)
        Reminder.objects.filter(
            status=ReminderStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
        ).update(
            status=ReminderStatus.NOT_REACHED,
            error="The sending was interrupted; it may not have gone.",
            updated_at=now,
        )
    return cancelled + moved


def reminders_queue(*, now: datetime.datetime) -> int:
    """A queued reminder for each booked meeting soon that has none for its time."""
    reminded = Reminder.objects.filter(meeting=OuterRef("pk"), starts_at=OuterRef("starts_at"))
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.BOOKED,
            case__status=CaseStatus.ACTIVE,
            starts_at__gt=now + MIN_LEAD,
            starts_at__lte=now + LOOKAHEAD,
        )
        .filter(~Exists(reminded))
        .values_list("pk", "starts_at")
    )
    new = [
        Reminder(meeting_id=pk, starts_at=starts_at, due_at=due_at(starts_at))
        for pk, starts_at in meetings
    ]
    # Two runs queueing at once: the unique (meeting, time) keeps one.
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def reminder_claim(*, now: datetime.datetime) -> Reminder | None:
    """Take one due reminder for this run: no other run will send it."""
    while True:
        with transaction.atomic():
            reminder = (
                Reminder.objects.claimable(now)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("due_at", "pk")
                .first()
            )
            if reminder is None:
                return None
            # The row lock keeps other runs off it on PostgreSQL; on a database without row
            # locks, only the run whose update finds it still queued has it.
            taken = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.QUEUED).update(
                status=ReminderStatus.SENDING,
                claimed_at=now,
                attempts=reminder.attempts + 1,
                updated_at=now,
            )
        if taken:
            reminder.refresh_from_db()
            return reminder


def reminder_deliver(*, reminder: Reminder, now: datetime.datetime) -> str:
    """Send a claimed reminder, or say why not; its new status."""
    meeting = Meeting.objects.select_related("case__client", "case__coordinator").get(
        pk=reminder.meeting_id
    )
    skip = _reason_not_to_send(reminder, meeting, now)
    channel = ""
    if not skip:
        channel, skip = _channel(meeting)
    if skip:
        return _finish(reminder, status=ReminderStatus.SKIPPED, skip_reason=skip, now=now)
    subject, text = compose(meeting)
    try:
        if channel == Channel.SMS:
            receipt = sms.send_sms(meeting.case.client.mobile, text)
            provider_id = receipt.provider_id
        else:
            send_email(meeting.case.client.email, subject, text)
            provider_id = ""
    except DeliveryError as error:
        return _failed(reminder, error=error, channel=channel, now=now)
    except Exception as error:
        # Whatever else went wrong, the reminder may have gone: never try it again.
        logger.exception("Reminder %s: sending failed unexpectedly", reminder.pk)
        return _finish(
            reminder,
            status=ReminderStatus.NOT_REACHED,
            channel=channel,
            error=f"Unexpected error: {type(error).__name__}",
            now=now,
        )
    return _finish(
        reminder,
        status=ReminderStatus.SENT,
        channel=channel,
        provider_id=provider_id,
        sent_at=now,
        now=now,
    )


def _reason_not_to_send(reminder: Reminder, meeting: Meeting, now: datetime.datetime) -> str:
    if meeting.status != MeetingStatus.BOOKED or meeting.case.status != CaseStatus.ACTIVE:
        return SkipReason.CANCELLED
    if meeting.starts_at != reminder.starts_at:
        return SkipReason.MOVED
    if meeting.starts_at - now < MIN_LEAD:
        return SkipReason.TOO_LATE
    consent = Consent.objects.in_force(timezone.localdate(now)).filter(
        client_id=meeting.case.client_id, kind=Consent.Kind.REMINDERS
    )
    if not consent.exists():
        return SkipReason.NO_CONSENT
    return ""


def _channel(meeting: Meeting) -> tuple[str, str]:
    """How the client is reached (SMS, else e-mail), or why not."""
    client = meeting.case.client
    coordinator = meeting.case.coordinator
    if coordinator is None or not coordinator.phone.strip():
        return "", SkipReason.NO_COORDINATOR_PHONE
    if client.mobile and sms.is_configured():
        return Channel.SMS, ""
    if client.email:
        return Channel.EMAIL, ""
    return "", SkipReason.NO_CONTACT


def compose(meeting: Meeting) -> tuple[str, str]:
    """The e-mail subject and the text: in the client's language where the process has
    a template in it, above the Swedish."""
    client = meeting.case.client
    language = client.language.strip().lower()
    templates = {
        t.language: t
        for t in ReminderTemplate.objects.filter(
            process_id=meeting.case.process_id, language__in=["svenska", language]
        )
    }
    swedish = templates.get("svenska") or ReminderTemplate(language="svenska")
    versions = [swedish]
    if language and language != "svenska" and language in templates:
        versions.insert(0, templates[language])
    coordinator = meeting.case.coordinator
    texts_ = []
    for template in versions:
        values = texts.meeting_values(
            starts_at=meeting.starts_at,
            place=meeting.location,
            interpreter_booked=meeting.interpreter_booked,
            interpreter_line=template.interpreter_line,
            coordinator=coordinator.first_name if coordinator else "",
            phone=coordinator.phone if coordinator else "",
        )
        texts_.append(texts.render(template.text, values))
    subject_values = texts.meeting_values(
        starts_at=meeting.starts_at,
        place="",
        interpreter_booked=False,
        interpreter_line="",
        coordinator="",
        phone="",
    )
    subject = texts.render(versions[0].email_subject, subject_values).replace("\n", " ")
    return subject or "Påminnelse", "\n\n".join(texts_)


def _failed(
    reminder: Reminder, *, error: DeliveryError, channel: str, now: datetime.datetime
) -> str:
    if error.temporary and reminder.attempts <= len(RETRY_DELAYS):
        wait = RETRY_DELAYS[reminder.attempts - 1]
        return _finish(
            reminder,
            status=ReminderStatus.QUEUED,
            channel=channel,
            error=str(error)[:300],
            next_attempt_at=now + wait,
            now=now,
        )
    return _finish(
        reminder,
        status=ReminderStatus.NOT_REACHED,
        channel=channel,
        error=str(error)[:300],
        now=now,
    )


def _finish(reminder: Reminder, *, status: str, now: datetime.datetime, **fields: object) -> str:
    fields.setdefault("skip_reason", "")
    Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.SENDING).update(
        status=status, updated_at=now, **fields
    )
    return status


def reminder_delivery_report(*, provider_id: str, delivered: bool, at: datetime.datetime) -> bool:
    """The SMS gateway's report on a message it was given: delivered, or failed."""
    reminders = Reminder.objects.filter(
        provider_id=provider_id, status__in=[ReminderStatus.SENT, ReminderStatus.DELIVERED]
    )
    if delivered:
        return bool(
            reminders.update(status=ReminderStatus.DELIVERED, delivered_at=at, updated_at=at)
        )
    return bool(
        reminders.update(
            status=ReminderStatus.NOT_REACHED, error="The gateway reports it failed.", updated_at=at
        )
    )


def why_no_reminders(*, client: Client) -> str:
    """Why this client gets no reminders, or "" when they do (the case page says it)."""
    consented = Consent.objects.in_force().filter(client=client, kind=Consent.Kind.REMINDERS)
    if not consented.exists():
        return str(SkipReason.NO_CONSENT.label)
    if not (client.mobile and sms.is_configured()) and not client.email:
        return str(SkipReason.NO_CONTACT.label)
    return ""
