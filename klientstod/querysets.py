"""Row-level access and reusable filters for the core models.

Every view reaches a record through ``visible_to(user)``: a record outside the
user's scope simply is not in the queryset, so a lookup by id answers 404.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import crypto, personnummer
from .choices import CaseStatus, MeetingStatus
from .dates import local_time
from .roles import Role, has_role

#: The longest a meeting may last (the model's validator says the same).
MAX_MEETING_MINUTES = 480

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


def related_model(queryset: models.QuerySet, field: str) -> Any:
    """The model at the other end of ``field``, without importing it here."""
    return queryset.model._meta.get_field(field).related_model


class ProcessQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ProcessQuerySet:
        if has_role(user, Role.ADMIN):
            return self.all()
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(members=user)


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ClientQuerySet:
        """Coordinators see the clients who have a case in one of their processes."""
        if not has_role(user, Role.COORDINATOR):
            return self.none()
        cases = related_model(self, "cases")._default_manager
        return self.filter(Exists(cases.filter(client=OuterRef("pk"), process__members=user)))

    def with_personnummer(self, number: str) -> ClientQuerySet:
        """The client with this personnummer (any accepted form), found by its keyed hash."""
        return self.filter(personnummer_index=crypto.index(personnummer.normalise(number)))

    def in_registers(self, number: str) -> ClientQuerySet:
        """Each register's record of the person with this personnummer, the oldest first;
        none for a text that is no personnummer."""
        try:
            personnummer.normalise(number)
        except ValidationError:
            return self.none()
        return self.with_personnummer(number).order_by("pk").select_related("controller")

    def search(self, text: str) -> ClientQuerySet:
        """Exact personnummer (any accepted form), or every word in the first or last name."""
        text = (text or "").strip()
        if not text:
            return self
        if personnummer.is_valid(text):
            return self.with_personnummer(text)
        q = Q()
        for word in text.split():
            q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return self.filter(q)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CaseQuerySet:
        if not has_role(user, Role.COORDINATOR):
            return self.none()
        return self.filter(process__members=user)

    def active(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.ACTIVE)

    def with_related(self) -> CaseQuerySet:
        return self.select_related("client", "process", "coordinator")


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MeetingQuerySet:
        if not has_role(user, Role.COORDINATOR):
            return self.none()
        return self.filter(case__process__members=user)

    def booked(self) -> MeetingQuerySet:
        return self.filter(status=MeetingStatus.BOOKED)

    def between(self, start: datetime.date, end: datetime.date) -> MeetingQuerySet:
        """Meetings on the local days from ``start`` up to, not including, ``end``."""
        return self.filter(starts_at__gte=local_time(start), starts_at__lt=local_time(end))

    def awaiting_outcome(self) -> MeetingQuerySet:
        return self.booked().filter(starts_at__lte=timezone.now())

    def awaiting_note(self) -> MeetingQuerySet:
        """Held meetings whose journal note is still to be written."""
        return self.filter(status=MeetingStatus.HELD, journal_note="")

    def of_coordinator(self, user: Any) -> MeetingQuerySet:
        """The meetings in ``user``'s calendar: of their cases, and of their processes'
        cases that have no coordinator yet."""
        # The processes as a subquery: a join on their members would repeat the meetings.
        return self.filter(
            Q(case__coordinator=user)
            | Q(case__coordinator__isnull=True, case__process__in=user.processes.values("pk"))
        )

    def taking_place(self) -> MeetingQuerySet:
        """Booked or held: the meetings that take (or took) the coordinator's time."""
        return self.filter(status__in=[MeetingStatus.BOOKED, MeetingStatus.HELD])

    def overlapping(self, start: datetime.datetime, end: datetime.datetime) -> list[Any]:
        """The meetings that share a moment with the time from ``start`` to ``end``.

        A meeting lasts at most ``MAX_MEETING_MINUTES``, so only those that start that
        long before ``start`` can reach into it; their ends are compared here, which
        keeps the query the same on every database.
        """
        earliest = start - datetime.timedelta(minutes=MAX_MEETING_MINUTES)
        candidates = self.filter(starts_at__lt=end, starts_at__gt=earliest).order_by("starts_at")
        return [m for m in candidates if cast(Any, m).ends_at > start]

    def with_related(self) -> MeetingQuerySet:
        return self.select_related("case__client", "case__process", "rebooked_to")


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ConsentQuerySet:
        clients = related_model(self, "client")._default_manager
        return self.filter(client__in=clients.visible_to(user))

    def in_force(self, on: datetime.date | None = None) -> ConsentQuerySet:
        day = on or timezone.localdate()
        return self.filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day), given_on__lte=day
        )


class EnrolmentCodeQuerySet(models.QuerySet):
    def usable(self, now: datetime.datetime | None = None) -> EnrolmentCodeQuerySet:
        """Codes that may still be redeemed: unused, not replaced, not expired, not worn out."""
        return self.filter(
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now or timezone.now(),
            failed_attempts__lt=cast(Any, self.model).MAX_FAILED_ATTEMPTS,
        )
