"""Panels that other apps add to the core's pages.

"Min dag" shows what needs doing besides the day's meetings; the case page and
the client page show what the other apps know of the case or the client. Each
app registers a provider for a page; it returns a Panel, or None when it has
nothing to say, so the core shows them without importing the apps. A provider
makes a fixed number of queries whatever the number of cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import dates
from .models import FOLLOWUP_MONTHS, Case, CaseStatus, Consent, User


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


Provider = Callable[[User, Any], Panel | None]
PAGES = ("my_day", "case", "client")
_providers: dict[str, list[Provider]] = {page: [] for page in PAGES}

#: How far ahead a due task shows up.
LOOKAHEAD = datetime.timedelta(days=14)


def register(page: str) -> Callable[[Provider], Provider]:
    def decorator(provider: Provider) -> Provider:
        if provider not in _providers[page]:
            _providers[page].append(provider)
        return provider

    return decorator


def build(page: str, user: User, obj: Any = None) -> list[Panel]:
    panels = [panel for provider in _providers[page] if (panel := provider(user, obj)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


@register("my_day")
def follow_ups_due(user: User, obj: Any = None) -> Panel | None:
    """Closed cases whose six-month follow-up is due, where the client consented."""
    today = timezone.localdate()
    horizon = today + LOOKAHEAD
    consent = Consent.objects.in_force().filter(
        client=OuterRef("client"), kind=Consent.Kind.FOLLOW_UP
    )
    cases = list(
        Case.objects.visible_to(user)
        .filter(
            Q(coordinator=user) | Q(coordinator__isnull=True),
            status=CaseStatus.CLOSED,
            closed_on__lte=dates.months_after(horizon, -FOLLOWUP_MONTHS),
        )
        .filter(Exists(consent))
        .select_related("client")
        .order_by("closed_on")[:20]
    )
    if not cases:
        return None
    return Panel(
        "klientstod/partials/panel_follow_ups.html",
        {"follow_up_cases": cases, "today": today},
        order=30,
    )
