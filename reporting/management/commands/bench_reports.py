"""Time the status report (Lägesrapport) on throwaway data, at two sizes.

``manage.py bench_reports`` builds a process with ``--cases`` cases and
``--meetings`` meetings spread over the last two years, with referrals, FIA,
interventions, bibliotherapy, milestones, budget lines and costs around them.
For a tertial inside that data it times ``reporting.selectors.tertial_report``
and the PDF through the real view, each ``--repeat`` times after one warm-up,
and counts their queries. Then it does the same for a second process with
``--scale`` times the cases and meetings, and prints both and the ratio.

Everything is written in one transaction that is rolled back at the end, so
the database is left as it was; still, the command runs only with DEBUG on.
``make bench`` runs it against PostgreSQL (see bench/README.md).
"""

from __future__ import annotations

import datetime
import logging
import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries, transaction
from django.db.models import Model
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn

from interventions.models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
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
    OfferResponse,
    ParticipationStatus,
)
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    ClosureOutcome,
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
from referrals.models import NotRelevantReason, Referral, ReferralStatus
from reporting import periods, selectors
from reporting.models import BudgetLine, Cost, CostCategory, Financing, Metric, Milestone

#: Rows per INSERT; the meetings go in larger batches.
BATCH = 2000
MEETING_BATCH = 5000
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
FIRST_NAMES = ["Anna", "Omar", "Sara", "Ali", "Eva", "Johan", "Fatima", "Nils", "Leila", "Per"]


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def weighted(rng: random.Random, weights: dict[Any, int], k: int) -> list[Any]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


@dataclass
class Timing:
    median_ms: float
    queries: int


@dataclass
class Run:
    label: str
    cases: int
    meetings: int
    selectors: Timing
    pdf: Timing


class Builder:
    """Makes one process's throwaway data with bulk_create; one seeded generator for all of it."""

    def __init__(self, admin: User, today: datetime.date) -> None:
        self.admin = admin
        self.today = today
        self.first_day = today - datetime.timedelta(days=WINDOW_DAYS)
        self.rng = random.Random(SEED)
        self.used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}
        self.counter = 0

    def personnummer(self) -> tuple[str, datetime.date]:
        """A valid personnummer in normal form, new to the database and to this command."""
        while True:
            k = self.counter
            self.counter += 1
            birth = BORN_FROM + datetime.timedelta(days=(k * 7919) % BORN_SPAN)
            serial = f"{(k // BORN_SPAN) % 999 + 1:03d}"
            check = luhn.calc_check_digit(f"{birth:%y%m%d}{serial}")
            number = f"{birth:%Y%m%d}-{serial}{check}"
            if number not in self.used:
                self.used.add(number)
                return number, birth

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def end_of(self, case: Case) -> datetime.date:
        """The last day the case has meetings: its closing day, or some weeks ahead."""
        return case.closed_on or self.today + datetime.timedelta(days=45)

    def build(self, n_cases: int, n_meetings: int) -> Process:
        tag = uuid.uuid4().hex[:8]
        owner, financier, *sources = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Bench {tag} kommun", kind=Organisation.Kind.MUNICIPALITY),
                Organisation(
                    name=f"Bench {tag} samordningsförbund",
                    kind=Organisation.Kind.COORDINATION_ASSOCIATION,
                ),
                Organisation(
                    name=f"Bench {tag} Arbetsförmedlingen",
                    kind=Organisation.Kind.EMPLOYMENT_SERVICE,
                ),
                Organisation(
                    name=f"Bench {tag} Försäkringskassan", kind=Organisation.Kind.SOCIAL_INSURANCE
                ),
                Organisation(name=f"Bench {tag} region", kind=Organisation.Kind.REGION),
            ]
        )
        process = Process.objects.create(
            name=f"Bench {tag}",
            owner=owner,
            financier=financier,
            starts_on=self.first_day,
            ends_on=self.today + datetime.timedelta(days=365),
        )
        process.partners.set(sources)
        cases = self.cases(process, n_cases)
        self.referrals(process, cases, [owner, *sources])
        self.meetings(cases, n_meetings)
        self.fia(cases)
        self.interventions(cases, sources)
        self.bibliotherapy(process, cases)
        self.plan(process, n_cases)
        return process

    def cases(self, process: Process, n: int) -> list[Case]:
        rng = self.rng
        clients = []
        for i in range(n):
            number, birth = self.personnummer()
            clients.append(
                Client(  # type: ignore[misc]  # personnummer is a property
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
        for client, outcome in zip(clients, outcomes, strict=True):
            start = self.day_between(self.first_day, self.today - datetime.timedelta(days=1))
            case = Case(client=client, process=process, start_date=start)
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

    def referrals(self, process: Process, cases: list[Case], sources: list[Organisation]) -> None:
        """About one referral per case: most actualised into it, the rest declined or waiting."""
        rng = self.rng
        common = {
            "process": process,
            "entered_by": self.admin,
            "reason": "Långvarigt ekonomiskt bistånd, behöver samordnat stöd.",
            "expectations": "Kartläggning och stöd mot arbete.",
            "consent_to_referral": True,
        }
        rows = []
        for case in cases:
            if rng.random() < 0.7:
                client = case.client
                rows.append(
                    Referral(  # type: ignore[misc]  # personnummer is a property
                        **common,
                        organisation=rng.choice(sources),
                        received_on=case.start_date - datetime.timedelta(days=rng.randint(3, 30)),
                        personnummer=client.personnummer,
                        first_name=client.first_name,
                        last_name=client.last_name,
                        interpreter_needed=client.interpreter_needed,
                        status=ReferralStatus.ACTUALISED,
                        decided_on=case.start_date,
                        decided_by=self.admin,
                        client=client,
                        case=case,
                    )
                )
        for i in range(len(cases) - len(rows)):
            number, _birth = self.personnummer()
            received = self.day_between(self.first_day, self.today)
            referral = Referral(  # type: ignore[misc]  # personnummer is a property
                **common,
                organisation=rng.choice(sources),
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
                referral.decided_by = self.admin
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
                    created_by_id=self.admin.pk,
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

    def bibliotherapy(self, process: Process, cases: list[Case]) -> None:
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
                created_by=self.admin,
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


def tertial_inside(first_day: datetime.date, today: datetime.date) -> periods.Period:
    """The latest second tertial that lies wholly inside the data."""
    for year in range(today.year, first_day.year - 1, -1):
        period = periods.tertial(year, 2)
        if first_day <= period.start and period.end <= today:
            return period
    raise CommandError("No second tertial lies inside the generated data.")  # pragma: no cover


def measure(work: Callable[[], object], repeat: int) -> Timing:
    """The median time of ``repeat`` runs after one warm-up, and the most queries one run made."""
    work()
    times, counts = [], []
    for _ in range(repeat):
        reset_queries()  # the log is capped: an almost full one would hide the captured queries
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            work()
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(captured.captured_queries))
    return Timing(statistics.median(times), max(counts))


def analyze(models: Sequence[type[Model]]) -> None:
    """Fresh planner statistics, as a live database would have (PostgreSQL only).

    ANALYZE inside the transaction sees the rows it has just written, and its
    statistics are rolled back with them.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def database_description() -> str:
    if connection.vendor == "postgresql":
        version = getattr(connection, "pg_version", 0)
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return str(connection.display_name)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


TOUCHED: list[type[Model]] = [
    Client,
    Case,
    Meeting,
    Referral,
    FiaInterview,
    FiaStatusChange,
    Intervention,
    BibliotherapyOffer,
    BibliotherapyGroup,
    GroupSession,
    GroupSession.attended.through,
    Milestone,
    BudgetLine,
    Cost,
]


class Command(BaseCommand):
    help = (
        "Time the status report (selectors and PDF) on throwaway data at two sizes. "
        "Needs DEBUG; writes only inside a transaction that is rolled back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=positive, default=1000, help="Cases in the small run.")
        parser.add_argument(
            "--meetings", type=positive, default=20_000, help="Meetings in the small run."
        )
        parser.add_argument(
            "--scale", type=positive, default=10, help="How many times larger the second run is."
        )
        parser.add_argument(
            "--repeat", type=positive, default=5, help="Timed runs after the warm-up."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "bench_reports writes throwaway data and runs only with DEBUG on "
                "(DJANGO_DEBUG=1); point DATABASE_URL at a database for benchmarks."
            )
        # WeasyPrint warns of every SVG property of the charts it ignores, hundreds of lines
        # per PDF; only its errors are shown here (the time spent logging them is small).
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        cases, meetings = options["cases"], options["meetings"]
        scale, repeat = options["scale"], options["repeat"]
        today = timezone.localdate()
        period = tertial_inside(today - datetime.timedelta(days=WINDOW_DAYS), today)
        self.machine(period, repeat)
        with transaction.atomic():
            try:
                admin = User(
                    username=f"bench-admin-{uuid.uuid4().hex[:8]}",
                    role=Role.ADMIN,
                    is_staff=True,
                    is_superuser=True,
                )
                admin.set_unusable_password()
                admin.save()
                builder = Builder(admin, today)
                runs = [
                    self.run("small", builder, cases, meetings, period, repeat),
                    self.run(
                        f"large (x{scale})",
                        builder,
                        cases * scale,
                        meetings * scale,
                        period,
                        repeat,
                    ),
                ]
            finally:
                transaction.set_rollback(True)
        self.table(runs)
        self.stdout.write("The data was rolled back.")

    def machine(self, period: periods.Period, repeat: int) -> None:
        write = self.stdout.write
        write(f"Machine:  {platform.platform()}, {os.cpu_count()} CPUs, {cpu_model()}")
        write(
            f"Software: Python {platform.python_version()}, Django {django.get_version()}, "
            f"{database_description()} ({connection.vendor})"
        )
        write(
            f"Period:   {period}; median of {repeat} timed runs after one warm-up "
            f"(DEBUG on, so every query is logged)"
        )
        write("")

    def run(
        self,
        label: str,
        builder: Builder,
        n_cases: int,
        n_meetings: int,
        period: periods.Period,
        repeat: int,
    ) -> Run:
        self.stdout.write(f"{label}: generating {n_cases} cases and {n_meetings} meetings …")
        started = time.perf_counter()
        process = builder.build(n_cases, n_meetings)
        analyze(TOUCHED)
        self.stdout.write(f"{label}: generated in {time.perf_counter() - started:.1f} s; timing …")
        selectors_timing = measure(lambda: selectors.tertial_report(process, period), repeat)

        browser = TestClient(raise_request_exception=True)
        browser.force_login(builder.admin)
        url = reverse("reporting:report-pdf", args=[process.pk])
        url += f"?preset=t2&year={period.start.year}"

        def pdf() -> None:
            response = browser.get(url)
            if response.status_code != 200 or response["Content-Type"] != "application/pdf":
                raise CommandError(f"GET {url} answered {response.status_code}, not a PDF.")

        # The test client's host is "testserver", which the settings need not allow.
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            pdf_timing = measure(pdf, repeat)
        return Run(label, n_cases, n_meetings, selectors_timing, pdf_timing)

    def table(self, runs: list[Run]) -> None:
        small, large = runs
        header = (
            f"{'':<18} {'cases':>8} {'meetings':>9} {'selectors ms':>13} {'PDF ms':>9} "
            f"{'queries sel/PDF':>16}"
        )
        lines = ["", header, "-" * len(header)]
        for run in runs:
            lines.append(
                f"{run.label:<18} {run.cases:>8} {run.meetings:>9} "
                f"{run.selectors.median_ms:>13.1f} {run.pdf.median_ms:>9.1f} "
                f"{f'{run.selectors.queries} / {run.pdf.queries}':>16}"
            )

        def ratio(a: float, b: float) -> str:
            return f"{a / b:.2f}" if b else "-"

        queries = (
            f"{ratio(large.selectors.queries, small.selectors.queries)} / "
            f"{ratio(large.pdf.queries, small.pdf.queries)}"
        )
        lines.append(
            f"{'ratio large/small':<18} {ratio(large.cases, small.cases):>8} "
            f"{ratio(large.meetings, small.meetings):>9} "
            f"{ratio(large.selectors.median_ms, small.selectors.median_ms):>13} "
            f"{ratio(large.pdf.median_ms, small.pdf.median_ms):>9} {queries:>16}"
        )
        self.stdout.write("\n".join(lines))
