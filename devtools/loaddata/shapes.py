"""The load data's shapes and sizes (no factories here: the commands read them without DEBUG)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from interventions.models import (
    FiaStatus,
    ParticipationStatus,
)
from klientstod.models import (
    ClosureOutcome,
    MeetingKind,
    MeetingStatus,
    Process,
    User,
)

BATCH = 2000
MEETING_BATCH = 5000
ANSWER_BATCH = 10000
#: A coordinator has this many cases over the two years of data, 55-70 of them active at
#: the end: a heavy caseload, some four times the usual capacity of 15 at a time.
CASES_PER_COORDINATOR = 100
CAPACITY_PER_COORDINATOR = 15
#: The data covers this many days up to today.
WINDOW_DAYS = 730
#: Birth dates run over this many days from BORN_FROM (ages about 18 to 70).
BORN_FROM = datetime.date(1956, 6, 1)
BORN_SPAN = 17_500
SEED = 2026

CLOSURE_WEIGHTS = {
    ClosureOutcome.WORK: 20,
    ClosureOutcome.STUDIES: 10,
    ClosureOutcome.SICKNESS_COMPENSATION: 8,
    ClosureOutcome.OTHER_INTERVENTION: 25,
    ClosureOutcome.MOVED: 10,
    ClosureOutcome.CLIENT_ENDED: 22,
    ClosureOutcome.REGISTERED_IN_ERROR: 5,
}
#: What became of a meeting whose time has passed (BOOKED: no outcome recorded yet).
PAST_MEETING_WEIGHTS = {
    MeetingStatus.HELD: 62,
    MeetingStatus.BOOKED: 4,
    MeetingStatus.CANCELLED_BY_CLIENT: 9,
    MeetingStatus.REBOOKED: 8,
    MeetingStatus.NO_SHOW: 9,
    MeetingStatus.INTERPRETER_MISSING: 4,
    MeetingStatus.THIRD_PARTY_MISSING: 4,
}
MEETING_KIND_WEIGHTS = {
    MeetingKind.FIRST: 1,
    MeetingKind.ALLIANCE: 6,
    MeetingKind.FIA_SESSION: 2,
    MeetingKind.JOINT: 2,
    MeetingKind.FOLLOW_UP: 1,
}
#: The statuses a FIA goes through, and how often each path is taken.
FIA_PATHS: list[tuple[tuple[FiaStatus, ...], int]] = [
    ((FiaStatus.NOT_RELEVANT_HEALTH,), 1),
    ((FiaStatus.NEEDS_RELATION,), 1),
    ((FiaStatus.PLANNED,), 2),
    ((FiaStatus.PLANNED, FiaStatus.ONGOING), 3),
    ((FiaStatus.PLANNED, FiaStatus.ONGOING, FiaStatus.COMPLETED), 4),
    ((FiaStatus.PLANNED, FiaStatus.ONGOING, FiaStatus.ABORTED), 1),
]
TOOK_PART = (
    ParticipationStatus.STARTED,
    ParticipationStatus.COMPLETED,
    ParticipationStatus.DROPPED,
)
#: The scale questions of a questionnaire the builder makes when none is current.
QUESTIONS = [
    "Jag vet vad nästa steg är för mig",
    "Jag orkar med min vardag",
    "Jag har någon att prata med när det är svårt",
    "Jag tror att jag kan nå mina mål",
    "Samarbetet mellan myndigheterna fungerar för mig",
]
FIRST_NAMES = ["Anna", "Omar", "Sara", "Ali", "Eva", "Johan", "Fatima", "Nils", "Leila", "Per"]


def weighted(rng: random.Random, weights: dict[Any, int], k: int) -> list[Any]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def positive(value: str) -> int:
    """An argparse type: a whole number of at least one."""
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


@dataclass
class Made:
    """One built process and the people who work with it."""

    process: Process
    coordinators: list[User]
    steering: User
    evaluator: User
    referrers: list[User] = field(default_factory=list)

    @property
    def coordinator(self) -> User:
        return self.coordinators[0]
