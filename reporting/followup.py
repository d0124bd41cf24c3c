"""The annual report's before/after follow-up as the reader may see it (``SmallCounts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from klientstod.smallcounts import Shown, SmallCounts

from .selectors.followup import FollowupFigures


@dataclass
class FollowupShown:
    closed: Shown
    followed_up: Shown
    income: list[tuple[Any, Shown, Shown, Shown]]
    end_reasons: list[tuple[Any, Shown]]


def shown(figures: FollowupFigures, counts: SmallCounts) -> FollowupShown:
    """Every count of people through the small-count rule."""
    c = counts.count
    return FollowupShown(
        closed=c(figures.closed),
        followed_up=c(figures.followed_up),
        income=[(label, c(a), c(b), c(d)) for label, a, b, d in figures.income],
        end_reasons=[(label, c(n)) for label, n in figures.end_reasons],
    )
