"""The roles a user can have, the groups of roles that pages serve, and the one role check.

A page names the roles it serves (``access.role_required`` / ``RoleRequiredMixin``);
querysets and services ask ``has_role``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Client coordinator")
    BIBLIOTHERAPIST = "bibliotherapist", _("Bibliotherapist")
    REFERRER = "referrer", _("Referring caseworker")
    STEERING = "steering", _("Steering group")
    EVALUATOR = "evaluator", _("Evaluator")
    ADMIN = "admin", _("Administrator")


#: Roles that see aggregated figures only, never a person.
AGGREGATES_ONLY = (Role.STEERING, Role.EVALUATOR)

#: Groups of roles that pages serve.
COORDINATOR = (Role.COORDINATOR,)
REFERRER = (Role.REFERRER,)
#: The coordinator and the referrer: the two sides of a referral.
REFERRAL_PARTIES = (Role.COORDINATOR, Role.REFERRER)
#: Bibliotherapy: the coordinator and the bibliotherapist.
LIBRARY = (Role.COORDINATOR, Role.BIBLIOTHERAPIST)
#: Who reads the process's figures and reports.
REPORT_READERS = (Role.STEERING, Role.EVALUATOR, Role.COORDINATOR, Role.ADMIN)
#: Who keeps the process's milestones, budget and reporting calendar.
PLANNERS = (Role.COORDINATOR, Role.ADMIN)


def has_role(user: Any, *roles: str) -> bool:
    """True for an active, logged-in user with one of ``roles``."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in roles)
