"""Reminders on the case timeline."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from klientstod.models import Case
from klientstod.timeline import TimelineEvent, register

from .choices import ReminderStatus
from .models import Reminder


@register
def reminder_events(case: Case) -> Iterable[TimelineEvent]:
    reminders = Reminder.objects.filter(meeting__case=case).exclude(
        status__in=[ReminderStatus.QUEUED, ReminderStatus.SENDING]
    )
    for reminder in reminders:
        meeting_time = f"{timezone.localtime(reminder.starts_at):%Y-%m-%d %H:%M}"
        details = [_("Meeting %(time)s") % {"time": meeting_time}]
        if reminder.channel:
            details.append(str(reminder.get_channel_display()))
        if reminder.status == ReminderStatus.SKIPPED:
            details.append(str(reminder.get_skip_reason_display()))
        if reminder.status == ReminderStatus.NOT_REACHED:
            details.append(
                _("Tried %(count)d times; call the client instead.") % {"count": reminder.attempts}
            )
        yield TimelineEvent(
            at=reminder.sent_at or reminder.updated_at,
            title=_("Reminder: %(status)s") % {"status": reminder.get_status_display()},
            kind="reminder",
            status=reminder.status,
            status_label=str(reminder.get_status_display()),
            details=details,
        )
