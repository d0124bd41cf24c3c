"""What every part of the load-data builder shares: the generator, the dates, the numbers."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password

from devtools.factories import (
    fake_personnummer,
)
from devtools.loaddata.shapes import BORN_FROM, BORN_SPAN, CASES_PER_COORDINATOR, SEED, WINDOW_DAYS
from interventions.models import (
    Questionnaire,
    QuestionnaireItem,
)
from klientstod.models import (
    Case,
    Client,
    User,
)


class BaseBuilder:
    """Makes one process's data with bulk_create; one seeded generator for all of it.

    ``password``: the password of every user made (hashed once); without it they
    cannot log in.
    """

    def __init__(
        self,
        admin: User,
        today: datetime.date,
        password: str | None = None,
        cases_per_coordinator: int = CASES_PER_COORDINATOR,
    ) -> None:
        self.admin = admin
        self.cases_per_coordinator = cases_per_coordinator
        self.today = today
        self.first_day = today - datetime.timedelta(days=WINDOW_DAYS)
        self.rng = random.Random(SEED)
        self.used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}
        self.counter = 0
        self.password = make_password(password) if password else None
        self.questionnaires: dict[str, tuple[Questionnaire, list[QuestionnaireItem]]] = {}

    def personnummer(self) -> tuple[str, datetime.date]:
        """A valid personnummer in normal form, new to the database and to this command."""
        while True:
            k = self.counter
            self.counter += 1
            birth = BORN_FROM + datetime.timedelta(days=(k * 7919) % BORN_SPAN)
            number = fake_personnummer(birth, (k // BORN_SPAN) % 999 + 1)
            if number not in self.used:
                self.used.add(number)
                return number, birth

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def end_of(self, case: Case) -> datetime.date:
        """The last day the case has meetings: its closing day, or some weeks ahead."""
        return case.closed_on or self.today + datetime.timedelta(days=45)
