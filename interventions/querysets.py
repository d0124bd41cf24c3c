"""Who reaches which record of the work with the client.

Coordinators reach everything of their processes' cases. The bibliotherapist
reaches only clients who accepted bibliotherapy, and of them only the
bibliotherapy records: never FIA, journal notes or other self-assessments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from klientstod.roles import LIBRARY, Role, has_role

from .choices import OfferResponse, QuestionnaireKind

if TYPE_CHECKING:
    from klientstod.models import User


class CaseChildQuerySet(models.QuerySet):
    """Records that belong to one case: the coordinator's alone."""

    def visible_to(self, user: User) -> CaseChildQuerySet:
        if has_role(user, Role.COORDINATOR):
            return self.filter(case__process__members=user)
        return self.none()


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AssessmentQuerySet:
        if has_role(user, Role.COORDINATOR):
            return self.filter(case__process__members=user)
        if has_role(user, Role.BIBLIOTHERAPIST):
            return self.filter(
                questionnaire__kind=QuestionnaireKind.BIBLIOTHERAPY,
                case__process__members=user,
                case__bibliotherapy_offers__response=OfferResponse.ACCEPTED,
            ).distinct()
        return self.none()


class BibliotherapyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> BibliotherapyQuerySet:
        if has_role(user, Role.COORDINATOR):
            return self.filter(case__process__members=user)
        if has_role(user, Role.BIBLIOTHERAPIST):
            return self.filter(case__process__members=user, response=OfferResponse.ACCEPTED)
        return self.none()

    def accepted(self) -> BibliotherapyQuerySet:
        return self.filter(response=OfferResponse.ACCEPTED)


class ProcessChildQuerySet(models.QuerySet):
    """Records of a process that both the coordinator and the bibliotherapist work with."""

    def visible_to(self, user: User) -> ProcessChildQuerySet:
        if has_role(user, *LIBRARY):
            return self.filter(process__members=user)
        return self.none()


class CollaborationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CollaborationQuerySet:
        if has_role(user, Role.COORDINATOR):
            return self.filter(process__members=user)
        return self.none()

    def per_partner(self) -> models.QuerySet:
        """Each partner (organisation and unit): its number of contacts, the date of the
        latest, and the state the latest left (of these contacts)."""
        partner = Coalesce("unit", Value(0))
        latest = (
            self.annotate(partner_unit=partner)
            .filter(organisation=OuterRef("organisation"), partner_unit=OuterRef("partner_unit"))
            .order_by("-held_on", "-pk")
            .values("state")[:1]
        )
        return (
            self.annotate(partner_unit=partner)
            .values("organisation", "organisation__name", "unit", "unit__name", "partner_unit")
            .annotate(count=Count("pk"), last_on=Max("held_on"), state=Subquery(latest))
            .order_by("organisation__name", "unit__name")
        )
