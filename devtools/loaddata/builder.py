"""The load-data builder, all its parts together, and ``generate`` for many processes."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from devtools.loaddata.people import PeopleBuilder
from devtools.loaddata.records import RecordsBuilder
from devtools.loaddata.shapes import CASES_PER_COORDINATOR, Made
from devtools.loaddata.work import WorkBuilder
from klientstod.models import (
    Organisation,
    Process,
    User,
)


class Builder(PeopleBuilder, WorkBuilder, RecordsBuilder):
    """Makes one process's data with bulk_create; one seeded generator for all of it.

    ``password``: the password of every user made (hashed once); without it they
    cannot log in.
    """

    def build(self, n_cases: int, n_meetings: int, name: str | None = None) -> Made:
        """A process called ``name`` (usernames start with it, in lower case)."""
        name = name or f"Bench {uuid.uuid4().hex[:8]}"
        owner, financier, *sources = Organisation.objects.bulk_create(
            [
                Organisation(name=f"{name} kommun", kind=Organisation.Kind.MUNICIPALITY),
                Organisation(
                    name=f"{name} samordningsförbund",
                    kind=Organisation.Kind.COORDINATION_ASSOCIATION,
                ),
                Organisation(
                    name=f"{name} Arbetsförmedlingen",
                    kind=Organisation.Kind.EMPLOYMENT_SERVICE,
                ),
                Organisation(
                    name=f"{name} Försäkringskassan", kind=Organisation.Kind.SOCIAL_INSURANCE
                ),
                Organisation(name=f"{name} region", kind=Organisation.Kind.REGION),
            ]
        )
        process = Process.objects.create(
            name=name,
            owner=owner,
            financier=financier,
            starts_on=self.first_day,
            ends_on=self.today + datetime.timedelta(days=365),
        )
        process.partners.set(sources)
        coordinators = max(1, -(-n_cases // self.cases_per_coordinator))
        made = self.people(process, name, [owner, *sources], coordinators)
        cases = self.cases(process, n_cases, made.coordinators)
        self.referrals(process, cases, made.referrers)
        self.meetings(cases, n_meetings)
        self.fia(cases)
        self.assessments(cases)
        self.consents(cases, [owner, *sources])
        self.interventions(cases, sources)
        self.bibliotherapy(process, cases, made.coordinator)
        self.contacts(process, cases, sources, made.coordinator)
        self.slots(process, made.coordinator)
        self.plan(process, n_cases)
        return made


def generate(
    admin: User,
    processes: int,
    clients: int,
    meetings_per_client: int,
    password: str | None = None,
    on_process: Any = None,
    cases_per_coordinator: int = CASES_PER_COORDINATOR,
) -> list[Made]:
    """``processes`` processes named "Process 01", … with ``clients`` spread over them.

    Users are called ``process-01-coordinator-1`` (one for every hundred clients),
    ``process-01-steering``, ``process-01-evaluator`` and ``process-01-referrer-1``
    to ``-4`` (the municipality, Arbetsförmedlingen, Försäkringskassan, the region).
    """
    builder = Builder(
        admin, timezone.localdate(), password, cases_per_coordinator=cases_per_coordinator
    )
    width = max(2, len(str(processes)))
    made = []
    for index in range(processes):
        n = clients // processes + (1 if index < clients % processes else 0)
        name = f"Process {index + 1:0{width}d}"
        made.append(builder.build(n, n * meetings_per_client, name=name))
        if on_process is not None:
            on_process(made[-1], n)
    return made
