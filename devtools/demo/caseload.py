"""The first chapter: partners, the process, the demo users, the clients, their cases, meetings."""

import copy
import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from devtools.demo.calendar import (
    KindPlan,
    ascii_slug,
    next_weekday,
)
from devtools.demo.people import (
    ACTIVE,
    CLIENTS,
    DEFAULT_LOCATION,
    DEMO_PASSWORD,
    FIA_NOTES,
    FOLLOWED_UP,
    FOLLOWUP_RESULTS,
    HELD_NOTES,
    INCOME_AT_END,
    LOCATIONS,
    NOT_HELD_NOTES,
    ORGANISATIONS,
    PLACES,
    SEED,
    SLOTS,
    USERS,
    ClientSpec,
    M,
)
from devtools.factories import ClientFactory, ProcessFactory, ProcessPhaseFactory, fake_personnummer
from klientstod import ages
from klientstod.models import (
    NOT_HELD_STATUSES,
    Case,
    CaseStatus,
    Client,
    EducationLevel,
    IncomeSource,
    Meeting,
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


class CaseloadBuilder:
    """Builds the demo in the current transaction; each chapter adds its own methods."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.horizon = self.today + datetime.timedelta(days=14)
        self.taken: set[tuple[datetime.date, datetime.time]] = set()
        self.meetings: list[Meeting] = []
        self.organisations: dict[str, Organisation] = {}
        self.units: dict[str, Unit] = {}
        self.notes: list[str] = []
        self.consents_added = 0
        self.plan_items = 0

    # -- organisations, process, users -------------------------------------

    def build_organisations(self) -> None:
        for name, short_name, kind, unit_names in ORGANISATIONS:
            organisation, _ = Organisation.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "kind": kind}
            )
            self.organisations[name] = organisation
            for unit_name in unit_names:
                unit, _ = Unit.objects.get_or_create(organisation=organisation, name=unit_name)
                self.units[unit_name] = unit

    def build_process(self) -> Process:
        orgs = self.organisations
        # The plan ran 2018-09-01 to 2021-09-01. The demo extends the period
        # (and its last phase) to a year from today, so that today's meetings
        # and the referral form fall inside a running process.
        ends_on = max(datetime.date(2021, 9, 1), self.today + datetime.timedelta(days=365))
        process = ProcessFactory.create(
            name="Klientstöd Båstad",
            owner=orgs["Båstads kommun"],
            financier=orgs["Samordningsförbundet NNV Skåne"],
            starts_on=datetime.date(2018, 9, 1),
            ends_on=ends_on,
            capacity=15,
            outcome_goal_percent=30,
        )
        process.partners.set(
            [
                orgs["Båstads kommun"],
                orgs["Arbetsförmedlingen"],
                orgs["Försäkringskassan"],
                orgs["Region Skåne"],
            ]
        )
        phases = [
            (ProcessPhase.Kind.PLANNING, datetime.date(2018, 9, 1), datetime.date(2018, 11, 1)),
            (
                ProcessPhase.Kind.IMPLEMENTATION,
                datetime.date(2018, 11, 2),
                datetime.date(2021, 2, 28),
            ),
            (ProcessPhase.Kind.ORDINARY, datetime.date(2021, 3, 1), ends_on),
        ]
        ProcessPhase.objects.bulk_create(
            ProcessPhaseFactory.build(process=process, kind=kind, starts_on=start, ends_on=end)
            for kind, start, end in phases
        )
        return process

    def build_users(self, process: Process) -> dict[str, User]:
        users: dict[str, User] = {}
        # One hash for the one demo password: hashing is slow by design.
        password = make_password(DEMO_PASSWORD)
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
            )
            user.password = password
            user.save()
            if spec.member:
                user.processes.add(process)
            users[spec.role] = user
        return users

    # -- clients -----------------------------------------------------------

    def personnummer_for(self, birth: datetime.date, gender: str, coordination: bool) -> str:
        """A valid number for a fictional person: random birth number, right check digit."""
        # The third digit of the birth number is odd for men and even for women.
        gender_digit = self.rng.choice([1, 3, 5, 7, 9] if gender == M else [0, 2, 4, 6, 8])
        serial = self.rng.randint(2, 98) * 10 + gender_digit
        return fake_personnummer(birth, serial, coordination=coordination)

    def build_clients(self, process: Process) -> list[tuple[ClientSpec, Client]]:
        rng = self.rng
        used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}
        samsyn = set(rng.sample(range(len(CLIENTS)), k=len(CLIENTS) // 3))
        made: list[tuple[ClientSpec, Client]] = []
        for index, spec in enumerate(CLIENTS):
            while True:
                birth = ages.years_before(self.today, spec.age) - datetime.timedelta(
                    days=rng.randint(1, 360)
                )
                number = self.personnummer_for(birth, spec.gender, spec.coordination_number)
                if number not in used:
                    used.add(number)
                    break
            city, postal_codes, streets = rng.choices(PLACES, weights=[6, 3, 2])[0]
            income = rng.choices(
                [
                    IncomeSource.ECONOMIC_ASSISTANCE,
                    IncomeSource.OTHER_PUBLIC,
                    IncomeSource.ACTIVITY_SUPPORT,
                    IncomeSource.NONE,
                ],
                weights=[22, 5, 2, 1],
            )[0]
            months = (
                rng.randint(6, 120)
                if income == IncomeSource.ECONOMIC_ASSISTANCE
                else rng.randint(3, 36)
                if income != IncomeSource.NONE
                else None
            )
            client = ClientFactory.create(
                controller=process.controller,
                personnummer=number,
                first_name=spec.first_name,
                last_name=spec.last_name,
                gender=spec.gender,
                born_abroad=spec.born_abroad,
                language=spec.language,
                interpreter_needed=spec.interpreter,
                # 070-174 06 05 to 070-174 06 99 is a PTS range for fiction.
                phone=f"070-174 06 {5 + index:02d}",
                email=(
                    f"{ascii_slug(spec.first_name)}.{ascii_slug(spec.last_name)}@example.se"
                    if index % 2 == 0
                    else ""
                ),
                street_address=f"{rng.choice(streets)} {rng.randint(1, 40)}",
                postal_code=rng.choice(postal_codes),
                city=city,
                protected_identity=spec.protected_identity,
                income_source=income,
                income_source_months=months,
                education_level=rng.choices(
                    [
                        EducationLevel.PRIMARY,
                        EducationLevel.UPPER_SECONDARY,
                        EducationLevel.POST_SECONDARY,
                        EducationLevel.UNKNOWN,
                    ],
                    weights=[10, 10, 3, 2],
                )[0],
                samsyn_participant=index in samsyn,
            )
            made.append((spec, client))
        return made

    # -- cases -------------------------------------------------------------

    def days_ago(self, low: int, high: int) -> datetime.date:
        """A weekday between ``low`` and about ``high`` days ago."""
        day = self.today - datetime.timedelta(days=self.rng.randint(low, high))
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        return day

    def plan_case(self, spec: ClientSpec, client: Client, process: Process) -> Case:
        """The case as it will have gone, not saved: its start and, if it ended, how.

        The case itself is opened by its referral (``open_case``) and closed and
        followed up by the services once its meetings are in (``close_cases``).
        """
        rng = self.rng
        if spec.plan == ACTIVE:
            return Case(client=client, process=process, start_date=self.days_ago(30, 270))
        followed_up = spec.plan.startswith(FOLLOWED_UP)
        outcome = spec.plan.removeprefix(FOLLOWED_UP)
        closed_on = self.days_ago(215, 280) if followed_up else self.days_ago(20, 600)
        case = Case(
            client=client,
            process=process,
            start_date=next_weekday(closed_on - datetime.timedelta(days=rng.randint(120, 420))),
            status=CaseStatus.FOLLOWED_UP if followed_up else CaseStatus.CLOSED,
            closed_on=closed_on,
            closure_outcome=outcome,
            income_source_end=INCOME_AT_END.get(outcome, client.income_source),
        )
        if followed_up:
            case.followup_done_on = next_weekday(
                closed_on + datetime.timedelta(days=rng.randint(182, 195))
            )
            case.followup_result = FOLLOWUP_RESULTS[outcome]
        return case

    def first_meeting_time(self, case: Case) -> datetime.datetime:
        """When the welcome letter asks the client to come: a few days after the start."""
        cursor = self.spread(case.start_date + datetime.timedelta(days=self.rng.randint(2, 10)))
        when = self.find_slot(cursor, before=case.closed_on)
        assert when is not None
        local = timezone.localtime(when, self.tz)
        self.taken.add((local.date(), local.time()))
        return when

    def close_cases(self, cases: list[tuple[Case, Client]], coordinator: User) -> int:
        """Close the cases that ended, and follow up those followed up, through the services.

        Each case still carries its plan (``plan_case``). The followed-up clients and
        those of the two latest closures consented to a follow-up; returns how many.
        """
        plans = [(case, copy.copy(case)) for case, _ in cases]
        ended = [(case, plan) for case, plan in plans if plan.status != CaseStatus.ACTIVE]
        latest = sorted(
            (pair for pair in ended if pair[1].status == CaseStatus.CLOSED),
            key=lambda pair: pair[1].closed_on or self.today,
            reverse=True,
        )[:2]
        consenting = {id(case) for case, plan in ended if plan.status == CaseStatus.FOLLOWED_UP}
        consenting |= {id(case) for case, _ in latest}
        for case, plan in sorted(ended, key=lambda pair: pair[1].closed_on or self.today):
            assert plan.closed_on is not None
            case_close(
                case=case,
                closed_on=plan.closed_on,
                outcome=plan.closure_outcome,
                income_source_end=plan.income_source_end,
                followup_consent=id(case) in consenting,
                by=coordinator,
            )
            if plan.status == CaseStatus.FOLLOWED_UP:
                assert plan.followup_done_on is not None
                case_follow_up(
                    case=case,
                    done_on=plan.followup_done_on,
                    result=plan.followup_result,
                    by=coordinator,
                )
        return len(consenting)

    # -- meetings ----------------------------------------------------------

    def at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time, tzinfo=self.tz)

    def spread(self, day: datetime.date) -> datetime.date:
        """A weekend day becomes any weekday of the next week, not always the Monday."""
        if day.weekday() < 5:
            return day
        return day + datetime.timedelta(days=7 - day.weekday() + self.rng.randint(0, 4))

    def find_slot(
        self, day: datetime.date, before: datetime.date | None = None
    ) -> datetime.datetime | None:
        """The first free weekday time from ``day`` on (never today), or None at ``before``."""
        while before is None or day < before:
            if day.weekday() < 5 and day != self.today:
                free = [time for time in SLOTS if (day, time) not in self.taken]
                if free:
                    return self.at(day, self.rng.choice(free))
            day += datetime.timedelta(days=1)
        return None

    def new_meeting(
        self,
        case: Case,
        client: Client,
        kind: str,
        when: datetime.datetime,
        coordinator: User,
        rebooked_from: Meeting | None = None,
    ) -> Meeting:
        local = timezone.localtime(when, self.tz)
        self.taken.add((local.date(), local.time()))
        meeting = Meeting(
            case=case,
            kind=kind,
            starts_at=when,
            duration_minutes=90 if kind in (MeetingKind.FIRST, MeetingKind.FIA_SESSION) else 60,
            location=LOCATIONS.get(kind, DEFAULT_LOCATION),
            interpreter_needed=client.interpreter_needed,
            interpreter_booked=client.interpreter_needed,
            rebooked_from=rebooked_from,
            created_by=coordinator,
        )
        self.meetings.append(meeting)
        return meeting

    def record(self, meeting: Meeting, status: str, note: str | None = None) -> None:
        """Give a past meeting its outcome, as the coordinator would have that day."""
        meeting.status = status
        if status == MeetingStatus.HELD:
            meeting.journal_note = note or self.rng.choice(HELD_NOTES[meeting.kind])
        else:
            meeting.journal_note = NOT_HELD_NOTES[status]
        recorded = meeting.starts_at + datetime.timedelta(hours=self.rng.randint(2, 26))
        meeting.outcome_recorded_at = min(recorded, self.now)

    def past_outcome(self, kind: str, interpreter: bool) -> str:
        weights = {
            MeetingStatus.HELD: 74,
            MeetingStatus.CANCELLED_BY_CLIENT: 7,
            MeetingStatus.REBOOKED: 7,
            MeetingStatus.NO_SHOW: 6,
            MeetingStatus.INTERPRETER_MISSING: 4 if interpreter else 0,
            MeetingStatus.THIRD_PARTY_MISSING: 12 if kind == MeetingKind.JOINT else 1,
        }
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def walk(self, case: Case, client: Client, coordinator: User, first: Meeting) -> None:
        """Meetings from the first one, booked with the referral, to the case's closure or
        to two weeks ahead. The case carries its plan: its status says how it will end.
        """
        rng = self.rng
        active = case.status == CaseStatus.ACTIVE
        end = None if active else case.closed_on
        plan = KindPlan(fia_after=rng.randint(2, 4) if rng.random() < 0.5 else None)
        first.case = case
        self.meetings.append(first)
        pending: Meeting | None = first
        cursor = case.start_date
        forced: tuple[str, Meeting] | None = None
        while True:
            if pending is not None:
                meeting, kind, pending = pending, pending.kind, None
                when = timezone.localtime(meeting.starts_at, self.tz)
            else:
                found = self.find_slot(cursor, before=end)
                if found is None:
                    break
                when = found
                if forced is None:
                    kind = plan.next_kind(rng)
                    meeting = self.new_meeting(case, client, kind, when, coordinator)
                else:
                    kind, parent = forced
                    meeting = self.new_meeting(case, client, kind, when, coordinator, parent)
                    forced = None
            day = when.date()
            if day < self.today:
                status = self.past_outcome(kind, client.interpreter_needed)
                if status == MeetingStatus.REBOOKED:
                    target = self.find_slot(
                        self.spread(day + datetime.timedelta(days=rng.randint(1, 6))), before=end
                    )
                    if target is None:
                        status = MeetingStatus.CANCELLED_BY_CLIENT
                    else:
                        self.record(meeting, status)
                        forced = (kind, meeting)
                        cursor = target.date()
                        continue
                note = None
                if kind == MeetingKind.FIA_SESSION:
                    note = FIA_NOTES[3 - plan.fia_left]
                self.record(meeting, status, note)
                plan.advance(kind, held=status == MeetingStatus.HELD)
            else:
                plan.advance(kind, held=True)
            step = 7 if plan.in_fia else rng.choice([7, 7, 7, 10, 14, 14, 21])
            cursor = self.spread(day + datetime.timedelta(days=step))
            if active and day < self.today and cursor > self.horizon:
                # Every active case has its next meeting booked.
                cursor = self.spread(self.today + datetime.timedelta(days=rng.randint(1, 10)))
            if active and cursor > self.horizon:
                break
        if case.status == CaseStatus.FOLLOWED_UP and case.followup_done_on:
            day = case.followup_done_on
            free = [time for time in SLOTS if (day, time) not in self.taken]
            when = self.at(day, free[0] if free else SLOTS[1])
            meeting = self.new_meeting(case, client, MeetingKind.FOLLOW_UP, when, coordinator)
            self.record(meeting, MeetingStatus.HELD)

    def book_today(self, cases: list[tuple[Case, Client]], coordinator: User) -> None:
        """Three meetings today, at 09:00, 13:00 and 14:30; the first one already past is held."""
        by_case: dict[int, list[datetime.date]] = {}
        for meeting in self.meetings:
            by_case.setdefault(meeting.case.pk, []).append(meeting.starts_at.date())
        quiet = [
            (case, client)
            for case, client in cases
            if all(abs((day - self.today).days) >= 3 for day in by_case.get(case.pk, []))
        ]
        chosen = self.rng.sample(quiet if len(quiet) >= 3 else cases, k=3)
        recorded_one = False
        for (case, client), time, kind in zip(
            chosen,
            [SLOTS[0], SLOTS[2], SLOTS[3]],
            [MeetingKind.ALLIANCE, MeetingKind.JOINT, MeetingKind.ALLIANCE],
            strict=True,
        ):
            meeting = self.new_meeting(case, client, kind, self.at(self.today, time), coordinator)
            if meeting.starts_at <= self.now and not recorded_one:
                self.record(meeting, MeetingStatus.HELD)
                recorded_one = True

    def leave_awaiting(self, active_cases: list[tuple[Case, Client]], coordinator: User) -> None:
        """Two meetings of the past week stay booked: their outcome is still to be recorded."""
        week_ago = self.today - datetime.timedelta(days=7)
        active_ids = {case.pk for case, _ in active_cases}
        rebooked_parents = {id(m.rebooked_from) for m in self.meetings if m.rebooked_from}
        candidates = sorted(
            (
                m
                for m in self.meetings
                if m.case.pk in active_ids
                and m.status == MeetingStatus.HELD
                and m.kind == MeetingKind.ALLIANCE
                and m.rebooked_from is None
                and id(m) not in rebooked_parents
                and week_ago <= timezone.localtime(m.starts_at, self.tz).date() < self.today
            ),
            key=lambda m: m.starts_at,
            reverse=True,
        )[:2]
        for meeting in candidates:
            meeting.status = MeetingStatus.BOOKED
            meeting.journal_note = ""
            meeting.outcome_recorded_at = None
        # Hardly ever needed: too few meetings last week to choose from.
        day = self.today
        for case, client in active_cases[: 2 - len(candidates)]:
            when = None
            while when is None:
                day -= datetime.timedelta(days=1)
                free = [t for t in SLOTS if (day, t) not in self.taken]
                if day.weekday() < 5 and free:
                    when = self.at(day, free[0])
            self.new_meeting(case, client, MeetingKind.ALLIANCE, when, coordinator)

    def cover_every_status(self) -> None:
        """Make sure the demo shows every outcome, whatever today's date did to the dice."""
        present = {m.status for m in self.meetings}
        rebooked_parents = {id(m.rebooked_from) for m in self.meetings if m.rebooked_from}
        for status in NOT_HELD_STATUSES:
            if status in present:
                continue
            candidates = [
                m
                for m in self.meetings
                if m.status == MeetingStatus.HELD
                and m.kind == MeetingKind.ALLIANCE
                and m.rebooked_from is None
                and id(m) not in rebooked_parents
                and (status != MeetingStatus.INTERPRETER_MISSING or m.interpreter_needed)
                # A rebooking needs room for the new time: only on an active case.
                and (status != MeetingStatus.REBOOKED or m.case.status == CaseStatus.ACTIVE)
            ]
            if not candidates:
                continue
            meeting = self.rng.choice(candidates)
            self.record(meeting, status)
            if status == MeetingStatus.REBOOKED:
                local = timezone.localtime(meeting.starts_at, self.tz)
                when = self.find_slot(local.date() + datetime.timedelta(days=1))
                assert when is not None
                client = meeting.case.client
                assert meeting.created_by is not None
                new = self.new_meeting(
                    meeting.case, client, meeting.kind, when, meeting.created_by, meeting
                )
                if when.date() < self.today:
                    self.record(new, MeetingStatus.HELD)

    def interpreter_gap(self) -> None:
        """One coming meeting needs an interpreter who is not yet booked."""
        coming = sorted(
            (
                m
                for m in self.meetings
                if m.status == MeetingStatus.BOOKED
                and m.interpreter_needed
                and timezone.localtime(m.starts_at, self.tz).date() > self.today
            ),
            key=lambda m: m.starts_at,
        )
        if coming:
            coming[0].interpreter_booked = False

    def save_meetings(self) -> None:
        """Book each planned meeting and record its outcome, through the services, in time order.

        The cases are all still open here (``close_cases`` closes them after). A
        rebooking makes the new meeting itself; the planned one stands in for it.
        """
        cases = {
            case.pk: case for case in Case.objects.filter(pk__in={m.case.pk for m in self.meetings})
        }
        rebooked_to = {id(m.rebooked_from): m for m in self.meetings if m.rebooked_from is not None}
        made_by_rebooking: dict[int, Meeting] = {}
        saved: list[Meeting] = []
        for planned in sorted(self.meetings, key=lambda m: m.starts_at):
            status, note, at = planned.status, planned.journal_note, planned.outcome_recorded_at
            planned_case, by = planned.case, planned.created_by
            assert by is not None
            meeting = made_by_rebooking.pop(id(planned), None)
            if meeting is None and planned.pk is None:
                planned.rebooked_from = None
                planned.journal_note, planned.outcome_recorded_at = "", None
                meeting = meeting_book(case=cases[planned_case.pk], meeting=planned, by=by)
            elif meeting is None:
                meeting = planned  # the first meeting, booked with the referral
                if meeting.interpreter_booked != planned.interpreter_booked:
                    meeting.save(update_fields=["interpreter_booked"])
            if status != MeetingStatus.BOOKED:
                new = meeting_record_outcome(
                    meeting=meeting,
                    status=status,
                    journal_note=note,
                    new_starts_at=rebooked_to[id(planned)].starts_at
                    if status == MeetingStatus.REBOOKED
                    else None,
                    by=by,
                    at=at,
                )
                if new is not None:
                    made_by_rebooking[id(rebooked_to[id(planned)])] = new
            meeting.case = planned_case
            saved.append(meeting)
        assert not made_by_rebooking
        self.meetings = saved
