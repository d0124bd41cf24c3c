"""Who reaches which record of the work with the client.

Coordinators reach everything of their processes' cases. The bibliotherapist
reaches only clients who accepted bibliotherapy, and of them only the
bibliotherapy records: never FIA, journal notes or other self-assessments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from klientstod.querysets import has_role

if TYPE_CHECKING:
    from klientstod.models import User


class CaseChildQuerySet(models.QuerySet):
    """Records that belong to one case: the coordinator's alone."""

    def visible_to(self, user: User) -> CaseChildQuerySet:
        if has_role(user, "coordinator"):
            return self.filter(case__process__members=user)
        return self.none()


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AssessmentQuerySet:
        if has_role(user, "coordinator"):
            return self.filter(case__process__members=user)
        if has_role(user, "bibliotherapist"):
            return self.filter(
                questionnaire__kind="bibliotherapy",
                case__process__members=user,
                case__bibliotherapy_offers__response="accepted",
            ).distinct()
        return self.none()


class BibliotherapyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> BibliotherapyQuerySet:
        if has_role(user, "coordinator"):
            return self.filter(case__process__members=user)
        if has_role(user, "bibliotherapist"):
            return self.filter(case__process__members=user, response="accepted")
        return self.none()

    def accepted(self) -> BibliotherapyQuerySet:
        return self.filter(response="accepted")


class ProcessChildQuerySet(models.QuerySet):
    """Records of a process that both the coordinator and the bibliotherapist work with."""

    def visible_to(self, user: User) -> ProcessChildQuerySet:
        if has_role(user, "coordinator") or has_role(user, "bibliotherapist"):
            return self.filter(process__members=user)
        return self.none()


class CollaborationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CollaborationQuerySet:
        if has_role(user, "coordinator"):
            return self.filter(process__members=user)
        return self.none()
