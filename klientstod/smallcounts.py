"""What a reader may see of a count of people: the one place that decides it.

A process may ask (``Process.suppress_small_counts``) that the steering group and
the evaluator, who may see aggregates only, never read a count of one or two
people: in a small municipality one person can be recognised. Every figure shown
to them goes through ``SmallCounts``: the report's tables, its sentences, the
milestone table, the exports and the values the charts draw. A derived figure
must not undo it, so a share is computed only from what may be shown.

The charts get the shown values too (a ``Masked`` value is drawn as a band up to
``THRESHOLD``), so the exact count never reaches the drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The smallest count of people shown as it is.
THRESHOLD = 3


class Masked(str):
    """A figure replaced by what may be shown of it: "<3", or a share's bound "<75"."""

    __slots__ = ()


#: A count of one or two people.
SMALL = Masked(f"<{THRESHOLD}")

Shown = int | Masked


@dataclass(frozen=True)
class SmallCounts:
    """How counts of people are shown to one reader: exactly, or with 1–2 as "<3"."""

    suppress: bool = False

    def hides(self, count: object) -> bool:
        return self.suppress and isinstance(count, int) and 0 < count < THRESHOLD

    def count(self, count: int) -> Shown:
        """A count of people as the reader may see it."""
        return SMALL if self.hides(count) else count

    def share(
        self, exact: int | None, *, part: int, whole: int, whole_is_people: bool = True
    ) -> Shown | None:
        """A percentage ``part`` of ``whole`` (``exact``, as the selector computed it).

        From a hidden part, only what "<3" tells is shown: the bound "<3 of whole"
        gives ("<75" for a whole of four). A share of a hidden whole is not shown
        at all, unless its part is none (0 of "<3" is 0 %). ``whole_is_people``:
        false when the whole is a target, not a count.
        """
        if exact is None:
            return None
        hidden_whole = whole_is_people and self.hides(whole)
        if self.hides(part):
            if hidden_whole or whole <= 0:
                return None
            return Masked(f"<{math.ceil(100 * THRESHOLD / whole)}")
        if hidden_whole and part:
            return None
        return exact

    def reached(self, count: int, target: int) -> bool:
        """Whether ``count`` has reached ``target``, said only when the shown count says it."""
        return not self.hides(count) and count >= target
