"""The people: users, clients, cases, their referrals, meetings, consents and bookable times."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from devtools.factories import (
    CaseFactory,
    ClientFactory,
    ReferralFactory,
)
from devtools.loaddata.base import BaseBuilder
from devtools.loaddata.shapes import (
    BATCH,
    CAPACITY_PER_COORDINATOR,
    CLOSURE_WEIGHTS,
    FIRST_NAMES,
    MEETING_BATCH,
    MEETING_KIND_WEIGHTS,
    PAST_MEETING_WEIGHTS,
    Made,
    weighted,
)
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    Consent,
    Gender,
    IncomeSource,
    Meeting,
    MeetingStatus,
    Organisation,
    Process,
    Role,
    User,
)
from referrals.models import NotRelevantReason, Referral, ReferralSlot, ReferralStatus


class PeopleBuilder(BaseBuilder):
    """The people: users, clients, cases, their referrals, meetings, consents and bookable times."""

    def people(
        self, process: Process, name: str, organisations: list[Organisation], coordinators: int
    ) -> Made:
        """Coordinators, a steering-group member and an evaluator of the process, and a
        referrer at each organisation that refers."""
        prefix = name.lower().replace(" ", "-")
        owner = organisations[0]
        specs = (
            [
                ("steering", Role.STEERING, owner),
                ("evaluator", Role.EVALUATOR, None),
            ]
            + [
                (f"coordinator-{number}", Role.COORDINATOR, owner)
                for number in range(1, coordinators + 1)
            ]
            + [
                (f"referrer-{number}", Role.REFERRER, organisation)
                for number, organisation in enumerate(organisations, start=1)
            ]
        )
        users = User.objects.bulk_create(
            User(
                username=f"{prefix}-{suffix}",
                first_name=suffix.split("-")[0].capitalize(),
                last_name=name,
                role=role,
                organisation=organisation,
                password=self.password or make_password(None),
            )
            for suffix, role, organisation in specs
        )
        steering, evaluator = users[:2]
        staff = users[: 2 + coordinators]
        referrers = users[2 + coordinators :]
        User.processes.through.objects.bulk_create(
            User.processes.through(user_id=user.pk, process_id=process.pk) for user in staff
        )
        process.capacity = CAPACITY_PER_COORDINATOR * coordinators
        process.save(update_fields=["capacity"])
        return Made(process, staff[2:], steering, evaluator, referrers)

    def cases(self, process: Process, n: int, coordinators: list[User]) -> list[Case]:
        """``n`` clients, each with a case; the coordinators share the cases in turn."""
        rng = self.rng
        clients = []
        for i in range(n):
            number, birth = self.personnummer()
            clients.append(
                ClientFactory.build(
                    controller=process.owner,
                    personnummer=number,
                    birth_date=birth,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=f"Benchsson{i:06d}",
                    gender=rng.choices(Gender.values, weights=[48, 48, 4])[0],
                    language=rng.choice(["svenska", "svenska", "svenska", "arabiska", "somaliska"]),
                    interpreter_needed=rng.random() < 0.2,
                    born_abroad=rng.random() < 0.4,
                    samsyn_participant=rng.random() < 0.15,
                    income_source=rng.choice(IncomeSource.values),
                )
            )
        Client.objects.bulk_create(clients, batch_size=BATCH)
        outcomes = weighted(rng, CLOSURE_WEIGHTS, n)
        cases = []
        for index, (client, outcome) in enumerate(zip(clients, outcomes, strict=True)):
            coordinator = coordinators[index % len(coordinators)]
            start = self.day_between(self.first_day, self.today - datetime.timedelta(days=1))
            case = CaseFactory.build(
                client=client, process=process, coordinator=coordinator, start_date=start
            )
            closed = start + datetime.timedelta(days=rng.randint(30, 540))
            if closed < self.today and rng.random() < 0.6:
                case.closed_on = closed
                case.closure_outcome = outcome
                case.income_source_end = rng.choice(IncomeSource.values)
                followup = closed + datetime.timedelta(days=183)
                if followup < self.today and rng.random() < 0.5:
                    case.status = CaseStatus.FOLLOWED_UP
                    case.followup_done_on = followup
                else:
                    case.status = CaseStatus.CLOSED
            cases.append(case)
        Case.objects.bulk_create(cases, batch_size=BATCH)
        return cases

    def referrals(self, process: Process, cases: list[Case], referrers: list[User]) -> None:
        """About one referral per case: most actualised into it, the rest declined or waiting.

        Each is sent by one of the process's referrers, from that referrer's organisation.
        """
        rng = self.rng

        def sender() -> dict[str, Any]:
            referrer = rng.choice(referrers)
            return {
                "referrer": referrer,
                "entered_by": referrer,
                "organisation": referrer.organisation,
            }

        common = {
            "process": process,
            "reason": "Långvarigt ekonomiskt bistånd, behöver samordnat stöd.",
            "expectations": "Kartläggning och stöd mot arbete.",
            "consent_to_referral": True,
        }
        rows = []
        for case in cases:
            if rng.random() < 0.7:
                client = case.client
                rows.append(
                    ReferralFactory.build(
                        **common,
                        **sender(),
                        received_on=case.start_date - datetime.timedelta(days=rng.randint(3, 30)),
                        personnummer=client.personnummer,
                        first_name=client.first_name,
                        last_name=client.last_name,
                        interpreter_needed=client.interpreter_needed,
                        status=ReferralStatus.ACTUALISED,
                        decided_on=case.start_date,
                        decided_by_id=case.coordinator_id,
                        client=client,
                        case=case,
                    )
                )
        for i in range(len(cases) - len(rows)):
            number, _birth = self.personnummer()
            received = self.day_between(self.first_day, self.today)
            referral = ReferralFactory.build(
                **common,
                **sender(),
                received_on=received,
                personnummer=number,
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"Remitterad{i:06d}",
            )
            if rng.random() < 0.8:
                referral.status = ReferralStatus.NOT_RELEVANT
                referral.not_relevant_reason = rng.choice(NotRelevantReason.values)
                referral.decided_on = min(
                    received + datetime.timedelta(days=rng.randint(1, 20)), self.today
                )
                referral.decided_by = self.admin if not cases else cases[0].coordinator
            rows.append(referral)
        Referral.objects.bulk_create(rows, batch_size=BATCH)

    def meetings(self, cases: list[Case], n: int) -> None:
        """``n`` meetings on random cases, each on a weekday hour within its case's time."""
        rng = self.rng
        now = timezone.now()
        zone = timezone.get_current_timezone()
        spans = [
            (case.start_date.toordinal(), (self.end_of(case) - case.start_date).days)
            for case in cases
        ]
        outcomes = weighted(rng, PAST_MEETING_WEIGHTS, n)
        kinds = weighted(rng, MEETING_KIND_WEIGHTS, n)
        hour = datetime.timedelta(hours=1)
        rows = []
        for i in range(n):
            index = rng.randrange(len(cases))
            first, span = spans[index]
            day = datetime.date.fromordinal(first + rng.randint(0, span))
            starts_at = datetime.datetime.combine(
                day, datetime.time(8 + rng.randrange(8), rng.choice((0, 30))), tzinfo=zone
            )
            past = starts_at < now
            status = outcomes[i] if past else MeetingStatus.BOOKED
            # Plain rows: at twenty meetings a client, a factory's overhead would double the run.
            rows.append(
                Meeting(
                    case_id=cases[index].pk,
                    kind=kinds[i],
                    starts_at=starts_at,
                    status=status,
                    interpreter_needed=rng.random() < 0.15,
                    outcome_recorded_at=starts_at + hour
                    if status != MeetingStatus.BOOKED
                    else None,
                    created_by_id=cases[index].coordinator_id,
                )
            )
        Meeting.objects.bulk_create(rows, batch_size=MEETING_BATCH)

    def consents(self, cases: list[Case], organisations: list[Organisation]) -> None:
        """Sharing with one or two partners, SUS registration, reminders, and follow-up at
        closure."""
        rng = self.rng
        rows: list[Consent] = []
        for case in cases:
            rows.extend(
                Consent(
                    client=case.client,
                    kind=Consent.Kind.INFORMATION_SHARING,
                    organisation=partner,
                    given_on=case.start_date,
                    withdrawn_on=self.day_between(case.start_date, self.today)
                    if rng.random() < 0.05
                    else None,
                )
                for partner in rng.sample(organisations, k=rng.choice((1, 1, 2)))
            )
            if rng.random() < 0.8:
                rows.append(
                    Consent(
                        client=case.client,
                        kind=Consent.Kind.SUS_REGISTRATION,
                        given_on=case.start_date,
                    )
                )
            if rng.random() < 0.7:
                rows.append(
                    Consent(
                        client=case.client, kind=Consent.Kind.REMINDERS, given_on=case.start_date
                    )
                )
            if case.closed_on and rng.random() < 0.6:
                rows.append(
                    Consent(
                        client=case.client, kind=Consent.Kind.FOLLOW_UP, given_on=case.closed_on
                    )
                )
        Consent.objects.bulk_create(rows, batch_size=BATCH)

    def slots(self, process: Process, coordinator: User) -> None:
        """Free times for first meetings over the coming four weeks, for referrers to pick."""
        zone = timezone.get_current_timezone()
        ReferralSlot.objects.bulk_create(
            ReferralSlot(
                process=process,
                starts_at=datetime.datetime.combine(
                    self.today + datetime.timedelta(days=days), datetime.time(10), tzinfo=zone
                ),
                location="Mottagningen",
                created_by=coordinator,
            )
            for days in (3, 6, 10, 13, 17, 20, 24, 27)
        )
