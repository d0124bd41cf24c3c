"""Who reaches which referral, bookable time and consultation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from klientstod.roles import Role, has_role

from .choices import ReferralStatus

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


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ConsultationQuerySet:
        if has_role(user, Role.COORDINATOR):
            return self.filter(process__members=user)
        if has_role(user, Role.REFERRER):
            return self.filter(asked_by=user)
        return self.none()
