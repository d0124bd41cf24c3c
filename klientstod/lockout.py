"""Lockout after failed logins: each way of counting has its own limit.

django-axes counts failures in groups (``AXES_LOCKOUT_PARAMETERS``): here by username
and address together, by username across addresses, and by address across usernames.
Axes compares every group with one limit, ``AXES_FAILURE_LIMIT``; neither a callable
limit nor a callable parameter list is told which group is being compared. An office
behind one NAT address would then be locked out by five typos among its staff, so the
address alone gets a higher limit through this handler (axes's documented way to change
how failures are counted, ``AXES_HANDLER``):

- ``get_failures`` answers, for the group nearest its own limit, its failures on the
  scale of ``AXES_FAILURE_LIMIT``: ``failures * AXES_FAILURE_LIMIT // own limit``. That
  value reaches ``AXES_FAILURE_LIMIT`` exactly when the group's failures reach its own
  limit, so axes's comparison (in ``is_locked`` and after each failure) stays as it is.
- A successful login clears only the failures of its own username from its own address.
  Axes would clear every group that matches the login, so anyone with one working
  password could wipe a spraying run's count for their address, or the failures of
  someone guessing their username elsewhere, by logging in now and then.
"""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def group_limit(parameters: str | list[str], default: int) -> int:
    """The failure limit of one group of lockout parameters."""
    if parameters == "username":
        return int(settings.KLIENTSTOD_LOGIN_USERNAME_FAILURE_LIMIT)
    if parameters == "ip_address":
        return int(settings.KLIENTSTOD_LOGIN_ADDRESS_FAILURE_LIMIT)
    return default


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        groups = get_lockout_parameters(request, credentials)
        nearest = 0
        for parameters, attempts in zip(
            groups, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            nearest = max(nearest, failures * limit // max(group_limit(parameters, limit), 1))
        return nearest

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address  # type: ignore[attr-defined]
        count, _deleted = AccessAttempt.objects.filter(
            username=username, ip_address=address
        ).delete()
        return count


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The lockout page, saying how long the lockout lasts (``AXES_LOCKOUT_CALLABLE``)."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
