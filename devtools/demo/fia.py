"""The work with the client: FIA interviews and bibliotherapy."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from devtools.demo.calendar import (
    RECENT_CLOSURE,
    Answering,
    next_weekday,
    previous_weekday,
)
from devtools.demo.people import (
    FIA_NOTES,
    HELD_NOTES,
    Out,
)
from devtools.demo.referrals import ReferralBuilder
from devtools.demo.texts import (
    BIBLIOTHERAPY_PLACE,
    DECLINE_NOTES,
    DECLINE_REASONS,
    FIA_TEXTS,
    GROUP_NAME,
    GROUP_THEMES,
    QK,
)
from devtools.factories import BibliotherapyGroupFactory, InformationMeetingFactory
from interventions.models import (
    FIA_AREAS,
    BibliotherapyOffer,
    FiaAbortReason,
    FiaInterview,
    FiaStatus,
    Occasion,
    OfferResponse,
    ParticipationStatus,
)
from interventions.services import (
    fia_save_summary,
    fia_set_status,
    offer_save,
    participation_set,
    session_record,
)
from klientstod.dates import months_after
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Process,
    Role,
    User,
)

#: The status a FIA had before it reached these (the service allows no shortcut).
STEP_BEFORE: dict[str, str] = {
    FiaStatus.COMPLETED: FiaStatus.ONGOING,
    FiaStatus.ABORTED: FiaStatus.PLANNED,
}


class FiaBuilder(ReferralBuilder):
    # -- the work with the client: FIA ---------------------------------------

    def close_one_lately(self, cases: list[tuple[Case, Client]]) -> None:
        """One case closed in the past few weeks: its closure self-assessment shows as due.

        Runs on the plans, before the cases are opened.
        """
        closed = [
            case
            for case, _ in cases
            if case.status == CaseStatus.CLOSED
            and case.closure_outcome != Out.REGISTERED_IN_ERROR
            and case.closed_on is not None
        ]
        if not closed or any(
            self.today - (c.closed_on or self.today) <= RECENT_CLOSURE for c in closed
        ):
            return
        case = max(closed, key=lambda c: c.closed_on or self.today)
        closed_on = self.days_ago(20, 40)
        if closed_on > case.start_date:
            case.closed_on = closed_on

    def day_of(self, meeting: Meeting) -> datetime.date:
        return timezone.localtime(meeting.starts_at, self.tz).date()

    def as_alliance(self, meetings: Iterable[Meeting]) -> None:
        for meeting in list(meetings):
            if meeting.kind != MeetingKind.FIA_SESSION:
                continue
            meeting.kind = MeetingKind.ALLIANCE
            meeting.duration_minutes = 60
            if meeting.status == MeetingStatus.HELD:
                meeting.journal_note = self.rng.choice(HELD_NOTES[MeetingKind.ALLIANCE])

    def as_fia(self, meeting: Meeting, number: int) -> None:
        meeting.kind = MeetingKind.FIA_SESSION
        meeting.duration_minutes = 90
        if meeting.status == MeetingStatus.HELD:
            meeting.journal_note = FIA_NOTES[min(number, len(FIA_NOTES) - 1)]

    def plan_fia(self, cases: list[tuple[Case, Client]]) -> dict[str, list[Case]]:
        """Every case's FIA status, spread like the status report of the process plan.

        The case's meetings are made to agree: a completed FIA has three held FIA
        sessions (the walk's runs of three are used where they exist), an ongoing or
        planned one has a FIA session booked, and one that never started has none.
        Runs before the meetings are saved.
        """
        by_case: dict[int, list[Meeting]] = {}
        for meeting in sorted(self.meetings, key=lambda m: m.starts_at):
            by_case.setdefault(meeting.case.pk, []).append(meeting)

        def held_fia(case: Case) -> int:
            return sum(
                m.kind == MeetingKind.FIA_SESSION and m.status == MeetingStatus.HELD
                for m in by_case.get(case.pk, [])
            )

        def fia_booked(case: Case) -> bool:
            return any(
                m.kind == MeetingKind.FIA_SESSION
                and m.status == MeetingStatus.BOOKED
                and self.day_of(m) > self.today
                for m in by_case.get(case.pk, [])
            )

        plan: dict[str, list[Case]] = {status: [] for status in FiaStatus.values}
        taken: set[int] = set()

        def pick(status: str, pool: Iterable[Case], count: int) -> None:
            for case in pool:
                if count <= 0:
                    return
                if case.pk not in taken:
                    plan[status].append(case)
                    taken.add(case.pk)
                    count -= 1

        active = sorted(
            (case for case, _ in cases if case.status == CaseStatus.ACTIVE),
            key=lambda c: (c.start_date, c.pk),
        )
        ended = [case for case, _ in cases if case.status != CaseStatus.ACTIVE]
        # Two of the completed interviews were held with an on-site interpreter.
        for interpreted in (True, False):
            pool = [
                case
                for case in active
                if case.client.interpreter_needed == interpreted
                and (held_fia(case) >= 3 or len(self.past_alliance(by_case.get(case.pk, []))) >= 4)
            ]
            pick(FiaStatus.COMPLETED, sorted(pool, key=lambda c: held_fia(c) < 3), 2)
        pick(FiaStatus.ONGOING, sorted(active, key=lambda c: held_fia(c) == 0), 1)
        pick(FiaStatus.PLANNED, sorted(active, key=lambda c: not fia_booked(c)), 3)
        newest = sorted(active, key=lambda c: c.start_date, reverse=True)
        pick(FiaStatus.NEEDS_RELATION, newest, 3)
        pick(FiaStatus.NOT_RELEVANT_HEALTH, active, len(active))
        moved = [case for case in ended if case.closure_outcome == Out.MOVED]
        pick(FiaStatus.ABORTED, sorted(moved, key=held_fia, reverse=True), 1)
        pick(
            FiaStatus.NOT_RELEVANT_HEALTH,
            [c for c in ended if c.closure_outcome == Out.SICKNESS_COMPENSATION]
            + [c for c in ended if c.closure_outcome == Out.OTHER_INTERVENTION],
            3,
        )
        pick(
            FiaStatus.NEEDS_RELATION,
            [c for c in ended if c.closure_outcome == Out.CLIENT_ENDED],
            2,
        )
        pick(FiaStatus.NOT_STARTED, ended, len(ended))
        for status, chosen in plan.items():
            for case in chosen:
                self.shape_fia(status, by_case.get(case.pk, []))
        return plan

    def past_alliance(self, meetings: list[Meeting]) -> list[Meeting]:
        """Held alliance meetings before today that are not rebookings, oldest first."""
        return [
            m
            for m in meetings
            if m.kind == MeetingKind.ALLIANCE
            and m.status == MeetingStatus.HELD
            and m.rebooked_from is None
            and self.day_of(m) < self.today
        ]

    def shape_fia(self, status: str, meetings: list[Meeting]) -> None:
        """Make one case's FIA sessions agree with its FIA status."""
        fia = [m for m in meetings if m.kind == MeetingKind.FIA_SESSION]
        held = [m for m in fia if m.status == MeetingStatus.HELD]
        coming = next(
            (
                m
                for m in meetings
                if m.status == MeetingStatus.BOOKED
                and m.kind in (MeetingKind.ALLIANCE, MeetingKind.FIA_SESSION)
                and self.day_of(m) > self.today
            ),
            None,
        )
        if status == FiaStatus.COMPLETED:
            if len(held) >= 3:
                self.as_alliance(m for m in fia if m.starts_at > held[2].starts_at)
                return
            self.as_alliance(fia)
            weeks_ago = self.today - datetime.timedelta(days=21)
            window = [m for m in self.past_alliance(meetings) if self.day_of(m) <= weeks_ago]
            for number, meeting in enumerate(window[-3:]):
                self.as_fia(meeting, number)
        elif status == FiaStatus.ONGOING:
            if not held:
                self.as_alliance(fia)
                for meeting in self.past_alliance(meetings)[-1:]:
                    self.as_fia(meeting, 0)
            if coming is not None:
                self.as_fia(coming, 0)
        elif status == FiaStatus.PLANNED:
            self.as_alliance(m for m in fia if self.day_of(m) <= self.today)
            if coming is not None:
                self.as_fia(coming, 0)
        elif status == FiaStatus.ABORTED:
            if len(held) > 2:
                self.as_alliance(m for m in fia if m.starts_at > held[1].starts_at)
            elif not held:
                for number, meeting in enumerate(self.past_alliance(meetings)[-2:]):
                    self.as_fia(meeting, number)
        else:
            self.as_alliance(fia)

    def fia_day(self, status: str, case: Case, meetings: list[Meeting]) -> datetime.date | None:
        """When the FIA got its status, from the meetings that led there."""
        held = [
            self.day_of(m)
            for m in meetings
            if m.status == MeetingStatus.HELD and self.day_of(m) < self.today
        ]
        held_fia = [
            self.day_of(m)
            for m in meetings
            if m.status == MeetingStatus.HELD
            and m.kind == MeetingKind.FIA_SESSION
            and self.day_of(m) < self.today
        ]
        if status == FiaStatus.NOT_STARTED:
            return None
        if status == FiaStatus.ABORTED:
            return case.closed_on or self.today
        if status == FiaStatus.COMPLETED and held_fia:
            last = held_fia[min(2, len(held_fia) - 1)]
            return min(
                next_weekday(last + datetime.timedelta(days=self.rng.randint(0, 3))), self.today
            )
        if status == FiaStatus.ONGOING and held_fia:
            return held_fia[0]
        if not held:
            return case.start_date
        if status == FiaStatus.PLANNED:
            return held[-1]
        if status == FiaStatus.NOT_RELEVANT_HEALTH:
            return held[min(2, len(held) - 1)]
        return held[0]

    def build_fia(self, plan: dict[str, list[Case]]) -> dict[int, FiaInterview]:
        """Every case's FIA, taken to its status through the service, step by dated step.

        A completed FIA went ongoing at its first FIA session; an aborted one had
        been planned. The completed ones have their summary and genomförandeplan.
        """
        by_case: dict[int, list[Meeting]] = {}
        for meeting in sorted(self.meetings, key=lambda m: m.starts_at):
            by_case.setdefault(meeting.case.pk, []).append(meeting)
        interviews: dict[int, FiaInterview] = {}
        for status, chosen in plan.items():
            for number, case in enumerate(chosen):
                meetings = by_case.get(case.pk, [])
                day = self.fia_day(status, case, meetings)
                fia = FiaInterview(case=case)
                before = STEP_BEFORE.get(status)
                if before is not None:
                    assert day is not None
                    earlier = self.fia_day(before, case, meetings) or case.start_date
                    fia_set_status(fia=fia, status=before, on=min(earlier, day))
                fia_set_status(
                    fia=fia,
                    status=status,
                    abort_reason=FiaAbortReason.MOVED if status == FiaStatus.ABORTED else "",
                    on_site_interpreter=case.client.interpreter_needed
                    if status == FiaStatus.COMPLETED
                    else None,
                    on=day,
                )
                if status == FiaStatus.COMPLETED:
                    summary, goals, assessment, rows = FIA_TEXTS[number % len(FIA_TEXTS)]
                    assert set(summary) <= set(FIA_AREAS), set(summary) - set(FIA_AREAS)
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
                                "follow_up_on": next_weekday(
                                    self.today + datetime.timedelta(weeks=weeks)
                                ),
                            }
                            for goal, sub_goal, activity, responsible, weeks in rows
                        ],
                    )
                    self.plan_items += len(rows)
                interviews[case.pk] = fia
        return interviews

    # -- the work with the client: bibliotherapy -----------------------------

    def during(self, case: Case, after: int, before: int) -> datetime.date:
        """A weekday ``after`` to ``before`` days into the case, never past its end or today."""
        end = case.closed_on or self.today
        first = min(case.start_date + datetime.timedelta(days=after), end)
        last = min(case.start_date + datetime.timedelta(days=before), end)
        return min(self.weekday_between(first, last), end)

    def build_bibliotherapy(
        self,
        cases: list[tuple[Case, Client]],
        process: Process,
        users: dict[str, User],
        keep_out: set[int],
    ) -> tuple[dict[str, Any], list[Answering]]:
        """Offers like the process plan's report, one group, and an information meeting.

        Returns the counts and the bibliotherapy self-assessments of the participants.
        """
        rng = self.rng
        coordinator = users[Role.COORDINATOR]
        therapist = users[Role.BIBLIOTHERAPIST]
        info_day = previous_weekday(months_after(self.today, -3))
        group_start = previous_weekday(months_after(self.today, -2))
        everyone = [case for case, _ in cases if case.closure_outcome != Out.REGISTERED_IN_ERROR]
        swedish = [case for case in everyone if not case.client.interpreter_needed]
        two_weeks = datetime.timedelta(days=14)
        participants = [
            case
            for case in swedish
            if case.status == CaseStatus.ACTIVE
            and case.start_date <= info_day - two_weeks
            and case.pk not in keep_out
        ]
        started = sorted(
            rng.sample(participants, k=min(2, len(participants))), key=lambda c: c.start_date
        )
        later = [
            case
            for case in swedish
            if case.status == CaseStatus.ACTIVE and case not in started and case.pk not in keep_out
        ]
        booked = [c for c in later if c.start_date <= group_start - two_weeks] or later
        rebooked = [rng.choice(booked)] if booked else []
        accepted = started + rebooked
        declined = rng.sample(
            [case for case in swedish if case not in accepted],
            k=min(len(DECLINE_REASONS), len(swedish) - len(accepted)),
        )
        interpreted = [case for case in everyone if case.client.interpreter_needed]
        language = rng.sample(interpreted, k=min(5, len(interpreted)))

        group = BibliotherapyGroupFactory.create(
            process=process,
            name=GROUP_NAME,
            starts_on=group_start,
            ends_on=group_start + datetime.timedelta(weeks=2 * (len(GROUP_THEMES) - 1)),
            therapist=therapist,
            place=BIBLIOTHERAPY_PLACE,
        )
        session_days = [
            group_start + datetime.timedelta(weeks=2 * n)
            for n in range(len(GROUP_THEMES))
            if group_start + datetime.timedelta(weeks=2 * n) < self.today
        ]
        offers: list[BibliotherapyOffer] = []

        def make_offer(case: Case, offered_on: datetime.date, **answer: Any) -> BibliotherapyOffer:
            made = offer_save(
                offer=BibliotherapyOffer(case=case, offered_on=offered_on, **answer),
                by=coordinator,
                on=offered_on,
            )
            offers.append(made)
            return made

        members = [
            make_offer(
                case,
                self.weekday_between(
                    case.start_date + two_weeks, info_day - datetime.timedelta(days=7)
                ),
                response=OfferResponse.ACCEPTED,
                note="Kom på informationsträffen och ville börja i läsgruppen.",
                group=group,
            )
            for case in started
        ]
        for case in rebooked:
            offered_on = self.during(case, 10, max(10, (group_start - case.start_date).days - 5))
            participation_set(
                offer=make_offer(
                    case,
                    offered_on,
                    response=OfferResponse.ACCEPTED,
                    note="Kunde inte börja i gruppen på grund av sjukdom; bokas om till ett "
                    "samtal med biblioterapeuten.",
                ),
                status=ParticipationStatus.TO_BE_REBOOKED,
                group=None,
                on=max(group_start, offered_on),
            )
        for case, reason in zip(declined, DECLINE_REASONS, strict=False):
            make_offer(
                case,
                self.during(case, 14, 120),
                response=OfferResponse.DECLINED,
                decline_reason=reason,
                note=DECLINE_NOTES[reason],
            )
        for case in language:
            make_offer(
                case,
                self.during(case, 7, 30),
                response=OfferResponse.NOT_OFFERED_LANGUAGE,
                note="Läsgruppen samtalar på svenska; erbjuds när det finns en grupp på "
                f"{case.client.language}.",
            )

        # Coming to the first session starts a participation (``session_record``).
        absent = (
            (rng.randrange(1, len(session_days)), rng.randrange(len(members)))
            if len(session_days) > 1 and members
            else None
        )
        attended_on: dict[int, list[datetime.date]] = {offer.pk: [] for offer in members}
        for number, day in enumerate(session_days):
            came = [
                offer
                for index, offer in enumerate(members)
                if absent is None or (number, index) != absent
            ]
            session_record(group=group, held_on=day, theme=GROUP_THEMES[number], attended=came)
            for offer in came:
                attended_on[offer.pk].append(day)

        around = [
            case
            for case in everyone
            if case.start_date <= info_day - datetime.timedelta(days=7)
            and (case.closed_on is None or case.closed_on > info_day)
        ]
        invited = started + [
            case
            for case in sorted(around, key=lambda c: c.client.interpreter_needed)
            if case not in started
        ]
        meeting = InformationMeetingFactory.create(
            process=process,
            held_on=info_day,
            place=BIBLIOTHERAPY_PLACE,
            note="Informationsträff om biblioterapi för klienterna i Klientstöd. "
            "Biblioterapeuten berättade om läsgruppen och läste en kort text högt.",
        )
        meeting.invited.set(invited[:10])
        meeting.attended.set(started)

        # The participants answer at their first session and again after a few more.
        answering: list[Answering] = []
        for offer in members:
            days = attended_on[offer.pk]
            if not days:
                continue
            base = rng.uniform(2.2, 2.9)
            spread = [rng.uniform(-0.4, 0.4) for _ in range(5)]
            answering.append(
                Answering(
                    offer.case,
                    QK.BIBLIOTHERAPY,
                    Occasion.START,
                    0,
                    days[0],
                    base,
                    spread,
                    therapist,
                )
            )
            if len(days) >= 3:
                answering.append(
                    Answering(
                        offer.case,
                        QK.BIBLIOTHERAPY,
                        Occasion.OTHER,
                        0,
                        days[-1],
                        base + rng.uniform(0.8, 1.3),
                        spread,
                        therapist,
                    )
                )
        counts = {
            "offers": {
                response: sum(o.response == response for o in offers)
                for response in OfferResponse.values
            },
            "group_participants": len(members),
            "group_sessions": len(session_days),
            "info_invited": len(invited[:10]),
            "info_attended": len(started),
        }
        return counts, answering
