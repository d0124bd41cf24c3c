"""Reads of reminders."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from klientstod.roles import Role, has_role

from .choices import ReminderStatus

if TYPE_CHECKING:
    from klientstod.models import User


class ReminderQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ReminderQuerySet:
        if not has_role(user, Role.COORDINATOR):
            return self.none()
        return self.filter(meeting__case__process__members=user)

    def claimable(self, now: datetime.datetime) -> ReminderQuerySet:
        """Queued reminders whose time has come (and whose retry wait is over)."""
        return self.filter(status=ReminderStatus.QUEUED, due_at__lte=now).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )

    def not_reached(self) -> ReminderQuerySet:
        return self.filter(status=ReminderStatus.NOT_REACHED)
