"""The first chapters: the partners, the process, the users, and each client's case.

A case is walked through the services in the order it happened: the referral is
sent and actualised (which opens the case and books the first meeting), the
meetings are booked and their outcomes recorded week by week, the FIA is taken to
its status, and a case that ended is closed and perhaps followed up.
"""

import datetime
import random
import unicodedata
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from devtools.demo.people import (
    CLIENTS,
    DEFAULT_LOCATION,
    DEMO_PASSWORD,
    EDUCATION,
    INCOME_AT_END,
    INCOMES,
    JOINT_LOCATION,
    ORGANISATIONS,
    OUTCOME_OF,
    OUTCOMES,
    SEED,
    SLOTS,
    USERS,
    M,
    Row,
)
from devtools.demo.referred import (
    PAPER_SOURCES,
    REFERRAL_EXPECTATIONS,
    REFERRAL_REASONS,
    TRIED_BEFORE,
)
from devtools.demo.texts import (
    FIA_NOTES,
    FIA_TEXTS,
    FOLLOWUP_RESULTS,
    HELD_NOTES,
    NOT_HELD_NOTES,
    PLACES,
)
from devtools.factories import ClientFactory, ProcessFactory, ProcessPhaseFactory, fake_personnummer
from interventions.models import FiaAbortReason, FiaInterview, FiaStatus
from interventions.services import fia_save_summary, fia_set_status
from klientstod import ages
from klientstod.models import (
    Case,
    Client,
    IncomeSource,
    Meeting,
    MeetingCancelReason,
    MeetingKind,
    MeetingStatus,
    Organisation,
    Process,
    ProcessPhase,
    Role,
    Unit,
    User,
)
from klientstod.services import case_close, case_follow_up, meeting_book, meeting_record_outcome
from referrals.models import Referral
from referrals.services import referral_actualise, referral_submit

DAY = datetime.timedelta(days=1)


def ascii_slug(text: str) -> str:
    """'Lars-Göran' -> 'larsgoran', for fictional e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def weekday(day: datetime.date, step: datetime.timedelta = -DAY) -> datetime.date:
    """``day``, or the nearest weekday before it (after it with ``step=DAY``)."""
    while day.weekday() >= 5:
        day += step
    return day


class Story:
    """The demo's people and cases; ``devtools.demo.work`` and ``records`` go on from here."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.taken: set[tuple[datetime.date, datetime.time]] = set()
        self.organisations: dict[str, Organisation] = {}
        self.units: dict[str, Unit] = {}
        self.notes: list[str] = []
        #: Every client's row, case and FIA, in the order of ``CLIENTS``.
        self.cases: list[tuple[Row, Case]] = []
        self.fias: dict[int, FiaInterview] = {}
        self.coordinator: User

    # -- days --------------------------------------------------------------

    def ago(self, days: int) -> datetime.date:
        return weekday(self.today - days * DAY)

    def at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time, tzinfo=self.tz)

    def local_day(self, meeting: Meeting) -> datetime.date:
        return timezone.localtime(meeting.starts_at, self.tz).date()

    def between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A random weekday from ``first`` to ``last`` (``first`` if there is none)."""
        days = [first + n * DAY for n in range((last - first).days + 1)]
        return self.rng.choice([d for d in days if d.weekday() < 5] or [first])

    def find_slot(
        self, day: datetime.date, before: datetime.date | None = None
    ) -> datetime.datetime | None:
        """A free weekday time from ``day`` on (never today), or None from ``before`` on."""
        while before is None or day < before:
            if day.weekday() < 5 and day != self.today:
                free = [time for time in SLOTS if (day, time) not in self.taken]
                if free:
                    time = self.rng.choice(free)
                    self.taken.add((day, time))
                    return self.at(day, time)
            day += DAY
        return None

    # -- who ---------------------------------------------------------------

    def build_organisations(self) -> None:
        for name, short_name, kind, unit_names in ORGANISATIONS:
            organisation, _ = Organisation.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "kind": kind}
            )
            self.organisations[name] = organisation
            for unit_name in unit_names:
                self.units[unit_name], _ = Unit.objects.get_or_create(
                    organisation=organisation, name=unit_name
                )

    def build_process(self) -> Process:
        """The plan ran 2018-09-01 to 2021-09-01; the demo runs it on to a year from today."""
        orgs = self.organisations
        ends_on = max(datetime.date(2021, 9, 1), self.today + 365 * DAY)
        process = ProcessFactory.create(
            name="Klientstöd Båstad",
            owner=orgs["Båstads kommun"],
            financier=orgs["Samordningsförbundet NNV Skåne"],
            starts_on=datetime.date(2018, 9, 1),
            ends_on=ends_on,
            capacity=15,
            outcome_goal_percent=30,
        )
        partners = ["Båstads kommun", "Arbetsförmedlingen", "Försäkringskassan", "Region Skåne"]
        process.partners.set([orgs[name] for name in partners])
        # Planning, implementation, then ordinary work: each phase ends the day before the next.
        kinds = [
            ProcessPhase.Kind.PLANNING,
            ProcessPhase.Kind.IMPLEMENTATION,
            ProcessPhase.Kind.ORDINARY,
        ]
        starts = [datetime.date(2018, 9, 1), datetime.date(2018, 11, 2), datetime.date(2021, 3, 1)]
        for kind, starts_on, after in zip(kinds, starts, [*starts[1:], ends_on + DAY], strict=True):
            ProcessPhaseFactory.create(
                process=process, kind=kind, starts_on=starts_on, ends_on=after - DAY
            )
        return process

    def build_users(self, process: Process) -> dict[str, User]:
        password = make_password(DEMO_PASSWORD)  # hashed once, for all of them
        users: dict[str, User] = {}
        for number, spec in enumerate(USERS):
            existing = User.objects.filter(username=spec.username).first()
            if existing is not None:
                # Someone made this user by hand; leave it (and its password) alone.
                self.notes.append(f"User {spec.username!r} already existed and was left as it is.")
                users[spec.role] = existing
                continue
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{ascii_slug(spec.first_name)}.{ascii_slug(spec.last_name)}@example.se",
                role=spec.role,
                organisation=self.organisations.get(spec.organisation or ""),
                unit=self.units.get(spec.unit or ""),
                # 040-628 04 00 to 040-628 04 99 is a PTS range for fiction.
                phone=f"040-628 04 {10 + number:02d}",
                is_staff=spec.role == Role.ADMIN,
                is_superuser=spec.role == Role.ADMIN,
                password=password,
            )
            user.save()
            if spec.member:
                user.processes.add(process)
            users[spec.role] = user
        self.coordinator = users[Role.COORDINATOR]
        return users

    def personnummer(self, age: int, gender: str, coordination: bool, used: set[str]) -> str:
        """A valid number for a fictional person: random birth number, right check digit."""
        while True:
            birth = ages.years_before(self.today, age) - self.rng.randint(1, 360) * DAY
            # The third digit of the birth number is odd for men and even for women.
            digit = self.rng.choice([1, 3, 5, 7, 9] if gender == M else [0, 2, 4, 6, 8])
            number = fake_personnummer(
                birth, self.rng.randint(2, 98) * 10 + digit, coordination=coordination
            )
            if number not in used:
                used.add(number)
                return number

    def build_client(self, row: Row, index: int, process: Process, used: set[str]) -> Client:
        rng = self.rng
        city, postal_codes, streets = rng.choices(PLACES, weights=[6, 3, 2])[0]
        incomes, education = list(INCOMES), list(EDUCATION)
        income = rng.choices(incomes, weights=list(INCOMES.values()))[0]
        months = {IncomeSource.ECONOMIC_ASSISTANCE: rng.randint(6, 120), IncomeSource.NONE: None}
        return ClientFactory.create(
            controller=process.controller,
            personnummer=self.personnummer(row.age, row.gender, "c" in row.marks, used),
            first_name=row.first_name,
            last_name=row.last_name,
            gender=row.gender,
            born_abroad="b" in row.marks,
            language=row.language,
            interpreter_needed="i" in row.marks,
            # 070-174 06 05 to 070-174 06 99 is a PTS range for fiction.
            phone=f"070-174 06 {5 + index:02d}",
            mobile=f"+467017406{5 + index:02d}" if index % 3 else "",
            email=f"{ascii_slug(row.first_name)}.{ascii_slug(row.last_name)}@example.se"
            if index % 2 == 0
            else "",
            street_address=f"{rng.choice(streets)} {rng.randint(1, 40)}",
            postal_code=rng.choice(postal_codes),
            city=city,
            protected_identity="p" in row.marks,
            income_source=income,
            income_source_months=months.get(income, rng.randint(3, 36)),
            education_level=rng.choices(education, weights=list(EDUCATION.values()))[0],
            samsyn_participant="s" in row.marks,
        )

    # -- a case, from referral to follow-up ----------------------------------

    def sender(self, index: int, referrer: User, coordinator: User) -> dict[str, Any]:
        """Half the referrals came from the demo referrer; the others on paper."""
        if index % 2 == 0:
            return {
                "referrer": referrer,
                "organisation": referrer.organisation or self.organisations["Båstads kommun"],
                "unit": referrer.unit or self.units["Individ och familj"],
                "referrer_name": referrer.get_full_name(),
                "entered_by": referrer,
            }
        organisation, unit, name = PAPER_SOURCES[index // 2 % len(PAPER_SOURCES)]
        return {
            "referrer": None,
            "organisation": self.organisations[organisation],
            "unit": self.units[unit],
            "referrer_name": name,
            "entered_by": coordinator,
        }

    def refer(
        self,
        process: Process,
        sender: dict[str, Any],
        received_on: datetime.date,
        person: dict[str, Any],
        sharing: list[Organisation] | None = None,
        slot: Any = None,
    ) -> Referral:
        """A referral as the referrer wrote it, sent through the service."""
        referral = Referral(  # type: ignore[misc]  # personnummer is a property
            process=process,
            **sender,
            received_on=received_on,
            tried_before=self.rng.choice(TRIED_BEFORE),
            expectations=self.rng.choice(REFERRAL_EXPECTATIONS),
            consent_to_referral=True,
            **{"reason": self.rng.choice(REFERRAL_REASONS), **person},
        )
        return referral_submit(
            referral=referral, by=sender["entered_by"], sharing=sharing or [], slot=slot
        )

    def about(self, client: Client) -> dict[str, Any]:
        """What a referral says about a client (a referrer leaves out a protected address)."""
        fields = "personnummer first_name last_name phone email language interpreter_needed"
        fields += " income_source income_source_months"
        address = ["street_address", "postal_code", "city"]
        return {
            **{field: getattr(client, field) for field in fields.split()},
            **{
                field: "" if client.protected_identity else getattr(client, field)
                for field in address
            },
        }

    def open_case(
        self, row: Row, index: int, client: Client, users: dict[str, User], process: Process
    ) -> Case:
        """The referral, sent and actualised: the case opens with its first meeting booked."""
        coordinator = users[Role.COORDINATOR]
        start = self.ago(row.start)
        end = self.ago(row.end) if row.end is not None else None
        referral = self.refer(
            process,
            self.sender(index, users[Role.REFERRER], coordinator),
            self.between(start - 21 * DAY, start - 3 * DAY),
            self.about(client),
        )
        first = self.find_slot(weekday(start + self.rng.randint(2, 10) * DAY, DAY), before=end)
        return referral_actualise(
            referral=referral,
            by=coordinator,
            start_date=start,
            coordinator=coordinator,
            first_meeting_at=first,
            location=DEFAULT_LOCATION,
            duration_minutes=90,
            interpreter_booked=client.interpreter_needed,
            on=start,
        )

    def book(
        self, case: Case, kind: str, when: datetime.datetime, interpreter: bool | None = None
    ) -> Meeting:
        needed = case.client.interpreter_needed
        meeting = Meeting(
            kind=kind,
            starts_at=when,
            duration_minutes=90 if kind in (MeetingKind.FIRST, MeetingKind.FIA_SESSION) else 60,
            location=JOINT_LOCATION if kind == MeetingKind.JOINT else DEFAULT_LOCATION,
            interpreter_needed=needed,
            interpreter_booked=needed if interpreter is None else interpreter,
        )
        return meeting_book(case=case, meeting=meeting, by=self.coordinator)

    def record(
        self, meeting: Meeting, status: str, note: str = "", new_at: datetime.datetime | None = None
    ) -> Meeting | None:
        """The outcome of a past meeting, recorded a few hours after it (never after now)."""
        if status == MeetingStatus.HELD:
            note = note or self.rng.choice(HELD_NOTES[meeting.kind])
        recorded = meeting.starts_at + self.rng.randint(2, 26) * datetime.timedelta(hours=1)
        return meeting_record_outcome(
            meeting=meeting,
            status=status,
            journal_note=note or NOT_HELD_NOTES[status],
            new_starts_at=new_at,
            cancel_reason=MeetingCancelReason.COORDINATOR_ILL
            if status == MeetingStatus.CANCELLED_BY_US
            else "",
            by=self.coordinator,
            at=min(recorded, self.now),
        )

    def fia_begins(self, row: Row, meeting: Meeting, held: int) -> bool:
        """Whether the FIA sessions have begun by this meeting (after ``held`` held ones)."""
        day = self.local_day(meeting)
        if row.fia in (FiaStatus.COMPLETED, FiaStatus.ABORTED):
            return held >= 2
        if row.fia == FiaStatus.ONGOING:
            return day >= self.today - 12 * DAY
        return row.fia == FiaStatus.PLANNED and day > self.today

    def walk_meetings(self, row: Row, index: int, case: Case) -> list[Meeting]:
        """The meetings of the case, week by week, to its closing day or two weeks ahead.

        Past meetings get their outcome in turn from ``OUTCOMES``; a rebooking makes
        the next meeting. The FIA sessions come weekly, three of them at most.
        """
        rng, end = self.rng, (self.ago(row.end) if row.end is not None else None)
        horizon = self.today + 14 * DAY
        sessions = 2 if row.fia == FiaStatus.ABORTED else 3
        meetings: list[Meeting] = []
        meeting: Meeting | None = Meeting.objects.get(case=case)
        held = fia_held = turn = 0
        gap = "g" in row.marks
        while meeting is not None:
            meetings.append(meeting)
            day = self.local_day(meeting)
            status = MeetingStatus.BOOKED
            if day < self.today:
                status = OUTCOME_OF[OUTCOMES[(index * 7 + turn) % len(OUTCOMES)]]
                turn += 1
                if status == MeetingStatus.INTERPRETER_MISSING and not meeting.interpreter_needed:
                    status = MeetingStatus.HELD
            if status == MeetingStatus.REBOOKED:
                new_at = self.find_slot(weekday(day + rng.randint(1, 6) * DAY, DAY), before=end)
                if new_at is not None:
                    meeting = self.record(meeting, status, new_at=new_at)
                    continue
                status = MeetingStatus.CANCELLED_BY_CLIENT
            fia = meeting.kind == MeetingKind.FIA_SESSION
            if status != MeetingStatus.BOOKED:
                note = FIA_NOTES[fia_held] if fia and status == MeetingStatus.HELD else ""
                self.record(meeting, status, note)
            if status == MeetingStatus.HELD:
                held += 1
                fia_held += fia
            in_fia = fia and fia_held < sessions
            step = 7 if in_fia else rng.choice([7, 7, 7, 10, 14, 14, 21])
            when = self.find_slot(weekday(day + step * DAY, DAY), before=end or horizon + DAY)
            if when is None and end is None and day < self.today:
                # Every active case has its next meeting booked.
                when = self.find_slot(self.today + rng.randint(1, 10) * DAY)
            if when is None:
                break
            meeting = Meeting(starts_at=when)
            kind = MeetingKind.ALLIANCE
            if fia_held < sessions and self.fia_begins(row, meeting, held):
                kind = MeetingKind.FIA_SESSION
            elif rng.random() < 0.12:
                kind = MeetingKind.JOINT
            future = when.date() > self.today
            meeting = self.book(case, kind, when, False if gap and future else None)
            gap = gap and not future
        return meetings

    def take_fia(self, row: Row, case: Case, meetings: list[Meeting], texts: list[int]) -> None:
        """The FIA through the service, step by dated step; a completed one gets its plan."""
        if row.fia == FiaStatus.NOT_STARTED:
            self.fias[case.pk] = fia_set_status(fia=FiaInterview(case=case), status=row.fia)
            return
        past = [m for m in meetings if self.local_day(m) < self.today]
        held = [self.local_day(m) for m in past if m.status == MeetingStatus.HELD]
        sessions = [
            self.local_day(m)
            for m in meetings
            if m.kind == MeetingKind.FIA_SESSION
            and m.status in (MeetingStatus.HELD, MeetingStatus.BOOKED)
        ] or [self.today]
        first = held[0] if held else case.start_date
        steps_of: dict[str, list[tuple[str, datetime.date]]] = {
            FiaStatus.NEEDS_RELATION: [(FiaStatus.NEEDS_RELATION, first)],
            FiaStatus.NOT_RELEVANT_HEALTH: [
                (FiaStatus.NOT_RELEVANT_HEALTH, held[min(2, len(held) - 1)] if held else first)
            ],
            FiaStatus.PLANNED: [(FiaStatus.PLANNED, held[-1] if held else first)],
            FiaStatus.ONGOING: [(FiaStatus.ONGOING, min(sessions[0], self.today))],
            FiaStatus.COMPLETED: [
                (FiaStatus.ONGOING, sessions[0]),
                (
                    FiaStatus.COMPLETED,
                    min(weekday(sessions[-1] + self.rng.randint(0, 3) * DAY, DAY), self.today),
                ),
            ],
            FiaStatus.ABORTED: [
                (FiaStatus.PLANNED, first),
                (FiaStatus.ABORTED, case.closed_on or self.today),
            ],
        }
        steps = steps_of[row.fia]
        fia = FiaInterview(case=case)
        for status, on in steps:
            fia_set_status(
                fia=fia,
                status=status,
                abort_reason=FiaAbortReason.MOVED if status == FiaStatus.ABORTED else "",
                on_site_interpreter=case.client.interpreter_needed
                if status == FiaStatus.COMPLETED
                else None,
                on=on,
            )
        if row.fia == FiaStatus.COMPLETED:
            # The first two texts are of interviews held with an interpreter.
            number = texts.pop(0 if case.client.interpreter_needed else -1)
            summary, goals, assessment, plan = FIA_TEXTS[number]
            fia_save_summary(
                fia=fia,
                summary=summary,
                client_goals=goals,
                assessment=assessment,
                plan=[
                    {
                        "goal": goal,
                        "sub_goal": sub_goal,
                        "activity": activity,
                        "responsible": responsible,
                        "follow_up_on": weekday(self.today + weeks * 7 * DAY, DAY),
                    }
                    for goal, sub_goal, activity, responsible, weeks in plan
                ],
            )
        self.fias[case.pk] = fia

    def end_case(self, row: Row, case: Case) -> None:
        """Close the case; a followed-up one has its follow-up meeting and result."""
        assert row.end is not None
        closed_on = self.ago(row.end)
        followed_up = "u" in row.marks
        done_on = weekday(closed_on + self.rng.randint(182, 195) * DAY, DAY)
        if followed_up:
            time = next(t for t in SLOTS if (done_on, t) not in self.taken)
            self.taken.add((done_on, time))
            meeting = self.book(case, MeetingKind.FOLLOW_UP, self.at(done_on, time))
            self.record(meeting, MeetingStatus.HELD)
        case_close(
            case=case,
            closed_on=closed_on,
            outcome=row.outcome,
            income_source_end=INCOME_AT_END.get(row.outcome, case.client.income_source),
            followup_consent=followed_up or "k" in row.marks,
            by=self.coordinator,
        )
        if followed_up:
            case_follow_up(
                case=case,
                done_on=done_on,
                result=FOLLOWUP_RESULTS[row.outcome],
                by=self.coordinator,
            )

    def today_and_awaiting(self) -> None:
        """Meetings today at 09:00, 13:00 and 14:30 (one already past is held), and one of
        the last few days whose outcome is still to be recorded, for each marked client."""
        times = iter([SLOTS[0], SLOTS[2], SLOTS[3]])
        kinds = iter([MeetingKind.ALLIANCE, MeetingKind.JOINT, MeetingKind.ALLIANCE])
        recorded_one = False
        for row, case in self.cases:
            if "t" in row.marks:
                meeting = self.book(case, next(kinds), self.at(self.today, next(times)))
                if meeting.starts_at <= self.now and not recorded_one:
                    self.record(meeting, MeetingStatus.HELD)
                    recorded_one = True
            if "a" in row.marks:
                day = self.today - DAY
                while day.weekday() >= 5 or all((day, t) in self.taken for t in SLOTS):
                    day -= DAY
                self.book(case, MeetingKind.ALLIANCE, self.find_slot(day) or self.now)

    def build_cases(self, process: Process, users: dict[str, User]) -> None:
        used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}
        texts = list(range(len(FIA_TEXTS)))
        for index, row in enumerate(CLIENTS):
            client = self.build_client(row, index, process, used)
            case = self.open_case(row, index, client, users, process)
            meetings = self.walk_meetings(row, index, case)
            self.take_fia(row, case, meetings, texts)
            if row.end is not None:
                self.end_case(row, case)
            case.refresh_from_db()
            self.cases.append((row, case))
        self.today_and_awaiting()
