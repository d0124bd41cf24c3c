"""Who reaches which referral, bookable time and consultation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from klientstod.choices import CaseStatus, MeetingStatus
from klientstod.roles import Role, has_role

from .choices import ReferralStatus

#: A first meeting that did not take place, by either side's doing.
CANCELLED_MEETING = [
    MeetingStatus.CANCELLED_BY_CLIENT,
    MeetingStatus.CANCELLED_BY_US,
    MeetingStatus.INTERPRETER_MISSING,
    MeetingStatus.THIRD_PARTY_MISSING,
]

if TYPE_CHECKING:
    from klientstod.models import User


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ReferralQuerySet:
        """Coordinators see their processes' referrals; a referrer sees those they sent."""
        if has_role(user, Role.COORDINATOR):
            return self.filter(process__members=user)
        if has_role(user, Role.REFERRER):
            return self.filter(referrer=user)
        return self.none()

    def waiting(self) -> ReferralQuerySet:
        return self.filter(status=ReferralStatus.RECEIVED)

    def with_related(self) -> ReferralQuerySet:
        return self.select_related("process", "organisation", "unit__organisation", "referrer")

    def of_person(self, index: str) -> ReferralQuerySet:
        """Referrals of the person with this personnummer index (``personnummer_index``)."""
        return self.filter(personnummer_index=index)


class SlotQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SlotQuerySet:
        """Coordinators manage their processes' times; referrers see the free ones to pick."""
        if has_role(user, Role.COORDINATOR):
            return self.filter(process__members=user)
        if has_role(user, Role.REFERRER):
            return self.free()
        return self.none()

    def free(self) -> SlotQuerySet:
        return self.filter(
            referral__isnull=True, meeting__isnull=True, starts_at__gt=timezone.now()
        )

    def listed(self) -> SlotQuerySet:
        """The coordinator's list of times, less those whose first meeting was cancelled
        on a case that has since closed: nothing remains to be done with them."""
        return self.exclude(
            Q(meeting__status__in=CANCELLED_MEETING) & ~Q(meeting__case__status=CaseStatus.ACTIVE)
        )


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ConsultationQuerySet:
        if has_role(user, Role.COORDINATOR):
            return self.filter(process__members=user)
        if has_role(user, Role.REFERRER):
            return self.filter(asked_by=user)
        return self.none()
