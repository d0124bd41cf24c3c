"""Realistic made-up data in bulk, for benchmarks and load tests.

``Builder.build`` makes one process with its own organisations and users (a
coordinator, a steering-group member, an evaluator and a referrer at each
referring organisation) and ``n`` clients, each with a case in some state:
referrals, meetings with every outcome, FIA with its status history,
self-assessments with answers, consents, interventions, bibliotherapy with
reading groups and attendance, partner contacts, bookable times, milestones,
budget lines, costs and the reporting calendar. Everything goes in with
``bulk_create``; one seeded generator makes it all, so a run is repeatable.

``generate`` spreads clients over many processes; ``manage.py
generate_load_data``, ``bench_reports`` and ``bench_pages`` use it.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from devtools.factories import (
    CaseFactory,
    ClientFactory,
    ReferralFactory,
    fake_personnummer,
)
from interventions.models import (
    Answer,
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    ContactKind,
    DeclineReason,
    FiaAbortReason,
    FiaInterview,
    FiaStatus,
    FiaStatusChange,
    FkOutcome,
    GroupSession,
    Intervention,
    InterventionKind,
    InterventionStatus,
    Occasion,
    OfferResponse,
    ParticipationStatus,
    PartnerState,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireKind,
    SelfAssessment,
)
from interventions.services import questionnaire_save
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    ClosureOutcome,
    Consent,
    Gender,
    IncomeSource,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organisation,
    Process,
    Role,
    User,
)
from referrals.models import NotRelevantReason, Referral, ReferralSlot, ReferralStatus
from reporting.models import (
    BudgetLine,
    Cost,
    CostCategory,
    DeadlineKind,
    Financing,
    Metric,
    Milestone,
    ReportingDeadline,
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


class Builder:
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

    def fia(self, cases: list[Case]) -> None:
        """A FIA with its status history for half the cases."""
        rng = self.rng
        paths = [path for path, _weight in FIA_PATHS]
        weights = [weight for _path, weight in FIA_PATHS]
        interviews, histories = [], []
        for case in rng.sample(cases, k=len(cases) // 2):
            last = min(self.end_of(case), self.today)
            day, steps = case.start_date, []
            for status in rng.choices(paths, weights=weights)[0]:
                day += datetime.timedelta(days=rng.randint(5, 45))
                if day > last:
                    break
                steps.append((status, day))
            aborted = bool(steps) and steps[-1][0] == FiaStatus.ABORTED
            interviews.append(
                FiaInterview(
                    case=case,
                    status=steps[-1][0] if steps else FiaStatus.NOT_STARTED,
                    abort_reason=rng.choice(FiaAbortReason.values) if aborted else "",
                    status_changed_on=steps[-1][1] if steps else None,
                    on_site_interpreter=rng.random() < 0.15,
                )
            )
            histories.append(steps)
        FiaInterview.objects.bulk_create(interviews, batch_size=BATCH)
        FiaStatusChange.objects.bulk_create(
            [
                FiaStatusChange(
                    fia=fia,
                    status=status,
                    abort_reason=fia.abort_reason if status == FiaStatus.ABORTED else "",
                    changed_on=day,
                )
                for fia, steps in zip(interviews, histories, strict=True)
                for status, day in steps
            ],
            batch_size=BATCH,
        )

    def questionnaire(self, kind: str) -> tuple[Questionnaire, list[QuestionnaireItem]]:
        """The current questionnaire of ``kind`` and its scale questions (made if missing)."""
        if kind not in self.questionnaires:
            current = Questionnaire.objects.filter(kind=kind, is_current=True).first()
            if current is None:
                current = questionnaire_save(
                    questionnaire=Questionnaire(kind=kind, title=f"Självskattning ({kind})"),
                    items=[(text, QuestionnaireItem.Kind.SCALE) for text in QUESTIONS],
                )
            items = [
                item for item in current.items.all() if item.kind == QuestionnaireItem.Kind.SCALE
            ]
            self.questionnaires[kind] = (current, items)
        return self.questionnaires[kind]

    def assessments(self, cases: list[Case]) -> None:
        """Self-assessments at the start, every two months and at closure, with answers.

        Most clients answer at the start; some two-month marks and closures are missed.
        """
        rng = self.rng
        start_form, start_items = self.questionnaire(QuestionnaireKind.KLIENTSTOD)
        closure_form, closure_items = self.questionnaire(QuestionnaireKind.CLOSURE)
        rows: list[tuple[SelfAssessment, list[QuestionnaireItem]]] = []

        def add(form: Questionnaire, items: list[QuestionnaireItem], **fields: Any) -> None:
            rows.append((SelfAssessment(questionnaire=form, **fields), items))

        for case in cases:
            entered_by = case.coordinator_id
            last = min(case.closed_on or self.today, self.today)

            if rng.random() < 0.85:
                add(
                    start_form,
                    start_items,
                    case=case,
                    entered_by_id=entered_by,
                    occasion=Occasion.START,
                    answered_on=min(
                        case.start_date + datetime.timedelta(days=rng.randint(0, 14)), last
                    ),
                )
            mark, day = 1, case.start_date + datetime.timedelta(days=61)
            while day <= last:
                if rng.random() < 0.7:
                    add(
                        start_form,
                        start_items,
                        case=case,
                        entered_by_id=entered_by,
                        occasion=Occasion.PERIODIC,
                        period=mark,
                        answered_on=day,
                    )
                mark, day = mark + 1, day + datetime.timedelta(days=61)
            if case.closed_on and rng.random() < 0.6:
                add(
                    closure_form,
                    closure_items,
                    case=case,
                    entered_by_id=entered_by,
                    occasion=Occasion.CLOSURE,
                    answered_on=case.closed_on,
                )
        SelfAssessment.objects.bulk_create([row for row, _items in rows], batch_size=BATCH)
        Answer.objects.bulk_create(
            (
                Answer(assessment_id=assessment.pk, item_id=item.pk, score=rng.randint(1, 5))
                for assessment, items in rows
                for item in items
            ),
            batch_size=ANSWER_BATCH,
        )

    def consents(self, cases: list[Case], organisations: list[Organisation]) -> None:
        """Sharing with one or two partners, SUS registration, and follow-up at closure."""
        rng = self.rng
        rows = []
        for case in cases:
            for partner in rng.sample(organisations, k=rng.choice((1, 1, 2))):
                rows.append(
                    Consent(
                        client=case.client,
                        kind=Consent.Kind.INFORMATION_SHARING,
                        organisation=partner,
                        given_on=case.start_date,
                        withdrawn_on=self.day_between(case.start_date, self.today)
                        if rng.random() < 0.05
                        else None,
                    )
                )
            if rng.random() < 0.8:
                rows.append(
                    Consent(
                        client=case.client,
                        kind=Consent.Kind.SUS_REGISTRATION,
                        given_on=case.start_date,
                    )
                )
            if case.closed_on and rng.random() < 0.6:
                rows.append(
                    Consent(
                        client=case.client, kind=Consent.Kind.FOLLOW_UP, given_on=case.closed_on
                    )
                )
        Consent.objects.bulk_create(rows, batch_size=BATCH)

    def contacts(
        self,
        process: Process,
        cases: list[Case],
        partners: list[Organisation],
        coordinator: User,
    ) -> None:
        """Partner contacts: about one for every five cases, half of them about a case."""
        rng = self.rng
        rows = []
        for _ in range(max(len(cases) // 5, 1)):
            case = rng.choice(cases) if cases and rng.random() < 0.5 else None
            rows.append(
                CollaborationContact(
                    process=process,
                    organisation=rng.choice(partners),
                    held_on=self.day_between(
                        case.start_date if case else self.first_day, self.today
                    ),
                    kind=ContactKind.CASE_CONSULTATION
                    if case
                    else rng.choice((ContactKind.INFORMATION_MEETING, ContactKind.JOINT_PLANNING)),
                    case=case,
                    state=rng.choice(PartnerState.values),
                    created_by=coordinator,
                )
            )
        CollaborationContact.objects.bulk_create(rows, batch_size=BATCH)

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

    def interventions(self, cases: list[Case], partners: list[Organisation]) -> None:
        """One or two interventions for a third of the cases."""
        rng = self.rng
        statuses = {
            InterventionStatus.PLANNED: 1,
            InterventionStatus.ONGOING: 5,
            InterventionStatus.ENDED: 3,
            InterventionStatus.CANCELLED: 1,
        }
        rows = []
        for case in rng.sample(cases, k=len(cases) // 3):
            for _ in range(rng.choice((1, 1, 2))):
                kind = rng.choice(InterventionKind.values)
                starts = min(
                    case.start_date + datetime.timedelta(days=rng.randint(14, 150)), self.today
                )
                status = weighted(rng, statuses, 1)[0]
                ends = None
                if status == InterventionStatus.ENDED:
                    ends = min(starts + datetime.timedelta(days=rng.randint(30, 240)), self.today)
                elif status == InterventionStatus.ONGOING and rng.random() < 0.4:
                    ends = starts + datetime.timedelta(days=rng.randint(60, 365))
                rows.append(
                    Intervention(
                        case=case,
                        kind=kind,
                        organisation=rng.choice(partners),
                        starts_on=starts,
                        ends_on=ends,
                        status=status,
                        fk_outcome=rng.choice(FkOutcome.values)
                        if kind == InterventionKind.FK_APPLICATION
                        else "",
                    )
                )
        Intervention.objects.bulk_create(rows, batch_size=BATCH)

    def bibliotherapy(self, process: Process, cases: list[Case], coordinator: User) -> None:
        """Offers for a quarter of the cases; those who took part read in groups of ten."""
        rng = self.rng
        responses = {
            OfferResponse.PENDING: 15,
            OfferResponse.ACCEPTED: 50,
            OfferResponse.DECLINED: 25,
            OfferResponse.NOT_OFFERED_LANGUAGE: 10,
        }
        participations = {
            ParticipationStatus.TO_BE_BOOKED: 2,
            ParticipationStatus.TO_BE_REBOOKED: 1,
            ParticipationStatus.STARTED: 3,
            ParticipationStatus.COMPLETED: 3,
            ParticipationStatus.DROPPED: 1,
        }
        offers = []
        for case in rng.sample(cases, k=len(cases) // 4):
            offered = min(
                case.start_date + datetime.timedelta(days=rng.randint(10, 90)), self.today
            )
            response = weighted(rng, responses, 1)[0]
            offer = BibliotherapyOffer(
                case=case,
                offered_on=offered,
                response=response,
                decline_reason=rng.choice(DeclineReason.values)
                if response == OfferResponse.DECLINED
                else "",
                created_by=coordinator,
            )
            if response == OfferResponse.ACCEPTED:
                offer.participation = weighted(rng, participations, 1)[0]
                offer.participation_changed_on = min(
                    offered + datetime.timedelta(days=rng.randint(7, 120)), self.today
                )
            offers.append(offer)
        readers = sorted(
            (offer for offer in offers if offer.participation in TOOK_PART),
            key=lambda offer: offer.offered_on,
        )
        chunks = [readers[i : i + 10] for i in range(0, len(readers), 10)]
        groups = []
        for number, chunk in enumerate(chunks, start=1):
            starts = max(offer.offered_on for offer in chunk) + datetime.timedelta(days=7)
            groups.append(
                BibliotherapyGroup(
                    process=process,
                    name=f"Läsgrupp {number}",
                    starts_on=starts,
                    ends_on=starts + datetime.timedelta(weeks=5),
                )
            )
        BibliotherapyGroup.objects.bulk_create(groups, batch_size=BATCH)
        for group, chunk in zip(groups, chunks, strict=True):
            for offer in chunk:
                offer.group = group
        BibliotherapyOffer.objects.bulk_create(offers, batch_size=BATCH)
        sessions = [
            [
                GroupSession(group=group, held_on=group.starts_on + datetime.timedelta(weeks=week))
                for week in range(6)
            ]
            for group in groups
        ]
        GroupSession.objects.bulk_create(
            [session for weekly in sessions for session in weekly], batch_size=BATCH
        )
        through = GroupSession.attended.through
        attended: list[Any] = []
        for weekly, chunk in zip(sessions, chunks, strict=True):
            held = [session for session in weekly if session.held_on <= self.today]
            for offer in chunk:
                dropped = offer.participation == ParticipationStatus.DROPPED
                came = held[: rng.randint(1, 2)] if dropped else held
                attended.extend(
                    through(groupsession_id=session.pk, bibliotherapyoffer_id=offer.pk)
                    for session in came
                    if rng.random() < 0.85
                )
        through.objects.bulk_create(attended, batch_size=BATCH)

    def plan(self, process: Process, n_cases: int) -> None:
        """Milestones at each year's end, budget lines for each year, and monthly costs."""
        rng = self.rng
        years = list(range(self.first_day.year, self.today.year + 1))
        shares = {
            Metric.STARTED: 1.0,
            Metric.CLOSED_TO_GOAL: 0.15,
            Metric.BIBLIOTHERAPY_STARTED: 0.1,
            Metric.BIBLIOTHERAPY_COMPLETED: 0.05,
        }
        Milestone.objects.bulk_create(
            Milestone(
                process=process,
                metric=metric,
                deadline=datetime.date(year, 12, 31),
                target=max(1, round(n_cases * share * (number / len(years)))),
            )
            for metric, share in shares.items()
            for number, year in enumerate(years, start=1)
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                process=process,
                year=year,
                category=category,
                granted=Decimal(rng.randrange(100_000, 900_000, 1000)),
            )
            for year in years
            for category in CostCategory.values
        )
        costs = []
        month = self.first_day.replace(day=1)
        while month <= self.today:
            last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            invoiced = last + datetime.timedelta(days=20)
            for category in CostCategory.values:
                costs.append(
                    Cost(
                        process=process,
                        period_start=month,
                        period_end=last,
                        category=category,
                        amount=Decimal(rng.randrange(5_000, 60_000, 100)),
                        financing=Financing.FORBUND if rng.random() < 0.8 else Financing.OWN,
                        invoiced_on=invoiced if invoiced <= self.today else None,
                    )
                )
            month = last + datetime.timedelta(days=1)
        Cost.objects.bulk_create(costs, batch_size=BATCH)
        ReportingDeadline.objects.bulk_create(
            ReportingDeadline(
                process=process,
                kind=kind,
                due_on=due,
                done_on=due if due < self.today else None,
            )
            for year in years
            for kind, due in (
                (DeadlineKind.TERTIAL_REPORT, datetime.date(year, 5, 15)),
                (DeadlineKind.TERTIAL_REPORT, datetime.date(year, 9, 15)),
                (DeadlineKind.ANNUAL_REPORT, datetime.date(year + 1, 1, 31)),
                (DeadlineKind.BOARD_MEETING, datetime.date(year, 11, 30)),
            )
        )


#: Every table the builder fills, for ANALYZE after a build.
TOUCHED: list[type[Model]] = [
    User,
    Organisation,
    Process,
    Client,
    Case,
    Meeting,
    Referral,
    ReferralSlot,
    Consent,
    FiaInterview,
    FiaStatusChange,
    SelfAssessment,
    Answer,
    Intervention,
    BibliotherapyOffer,
    BibliotherapyGroup,
    GroupSession,
    GroupSession.attended.through,
    CollaborationContact,
    Milestone,
    BudgetLine,
    Cost,
    ReportingDeadline,
]


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


def vacuum_analyze(models: list[type[Model]]) -> None:
    """Planner statistics and the visibility map, as a live database has them.

    PostgreSQL only. Inside a transaction VACUUM cannot run; then only ANALYZE,
    whose statistics go with the transaction.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")
