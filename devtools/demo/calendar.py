"""Days and plans: weekdays, board meetings, milestone deadlines, and the order of a case's
meetings.
"""

import datetime
import random
import unicodedata
from dataclasses import dataclass

from klientstod.models import (
    Case,
    MeetingKind,
    User,
)


def ascii_slug(text: str) -> str:
    """'Lars-Göran' -> 'larsgoran', for fictional e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def next_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def previous_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def board_day(day: datetime.date) -> datetime.date:
    """The first Tuesday from ``day`` outside July and the Christmas and New Year weeks."""
    day = weekday_on_or_after(day, 1)
    while day.month == 7 or (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 6):
        day += datetime.timedelta(days=7)
    return day


def end_of_february(year: int) -> datetime.date:
    return datetime.date(year, 3, 1) - datetime.timedelta(days=1)


def milestone_deadlines(today: datetime.date) -> list[datetime.date]:
    """The two half-year ends before today, the next one, and the end of February after it.

    In the second half of the year: the end of last year, the end of June, the end of
    this year and the end of next February, like the process plan's milestones.
    """
    ends = [
        datetime.date(year, month, day)
        for year in (today.year - 1, today.year)
        for month, day in ((6, 30), (12, 31))
    ]
    past = [day for day in ends if day < today][-2:]
    coming = next(day for day in ends if day >= today)
    return [*past, coming, end_of_february(coming.year + 1)]


#: A case closed this recently still shows its closure self-assessment on Min dag.
RECENT_CLOSURE = datetime.timedelta(days=42)


@dataclass
class Answering:
    """A self-assessment to be made: the answers lean to ``level`` plus each question's spread."""

    case: Case
    kind: str
    occasion: str
    period: int
    day: datetime.date
    level: float
    spread: list[float]
    entered_by: User | None = None


@dataclass
class KindPlan:
    """Which kind of meeting a case needs next: first, then alliance, FIA, joint."""

    fia_after: int | None
    first_done: bool = False
    held: int = 0
    fia_left: int = 3
    fia_started: bool = False

    @property
    def in_fia(self) -> bool:
        return self.fia_started and self.fia_left > 0

    def next_kind(self, rng: random.Random) -> str:
        if not self.first_done:
            return MeetingKind.FIRST
        if self.fia_after is not None and self.fia_left > 0 and self.held >= self.fia_after:
            self.fia_started = True
            return MeetingKind.FIA_SESSION
        return MeetingKind.JOINT if rng.random() < 0.12 else MeetingKind.ALLIANCE

    def advance(self, kind: str, *, held: bool) -> None:
        if not held:
            return
        self.held += 1
        if kind == MeetingKind.FIRST:
            self.first_done = True
        elif kind == MeetingKind.FIA_SESSION:
            self.fia_left -= 1
