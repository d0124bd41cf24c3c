"""Consents and the referral side: the information page, referrals, letters, bookable times and
consultations.
"""

import datetime
from typing import Any

from django.utils import timezone

from devtools.demo.calendar import (
    ascii_slug,
    next_weekday,
)
from devtools.demo.caseload import CaseloadBuilder
from devtools.demo.people import (
    DEFAULT_LOCATION,
    PLACES,
)
from devtools.demo.referred import (
    CONSULTATIONS,
    DECLINED,
    FREE_SLOTS,
    INFORMATION_HOW_TO_REFER,
    INFORMATION_OFFER,
    INFORMATION_TARGET_GROUP,
    PAPER_SOURCES,
    REFERRAL_EXPECTATIONS,
    REFERRAL_REASONS,
    REREFERRAL_REASON,
    REREFERRED,
    SLOT_TIMES,
    TRIED_BEFORE,
    WAITING,
    ReferredSpec,
)
from klientstod import ages
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    Consent,
    IncomeSource,
    Meeting,
    MeetingKind,
    Process,
    Role,
    User,
)
from referrals.models import (
    Consultation,
    ConsultationMessage,
    InformationPage,
    Letter,
    Referral,
    ReferralSlot,
    ReferralStatus,
)


class ReferralBuilder(CaseloadBuilder):
    # -- consents ----------------------------------------------------------

    def build_consents(self, cases: list[tuple[Case, Client]]) -> int:
        af = self.organisations["Arbetsförmedlingen"]
        fk = self.organisations["Försäkringskassan"]
        consents: list[Consent] = []
        kinds = Consent.Kind
        active = [(case, client) for case, client in cases if case.status == CaseStatus.ACTIVE]
        for number, (case, client) in enumerate(active[:6]):
            consents.append(
                Consent(client=client, kind=kinds.SUS_REGISTRATION, given_on=case.start_date)
            )
            if number < 4:
                withdrawn = number == 3
                consents.append(
                    Consent(
                        client=client,
                        kind=kinds.INFORMATION_SHARING,
                        organisation=af if number % 2 == 0 else fk,
                        given_on=case.start_date,
                        withdrawn_on=self.today - datetime.timedelta(days=12)
                        if withdrawn
                        else None,
                        note="Återkallat muntligen i samtal." if withdrawn else "",
                    )
                )
        ended = [(case, client) for case, client in cases if case.status != CaseStatus.ACTIVE]
        # The followed-up cases, and two recently closed ones whose follow-up is still to come.
        recent = sorted(
            (pair for pair in ended if pair[0].status == CaseStatus.CLOSED),
            key=lambda pair: pair[0].closed_on or self.today,
            reverse=True,
        )[:2]
        for case, client in [p for p in ended if p[0].status == CaseStatus.FOLLOWED_UP] + recent:
            assert case.closed_on is not None
            consents.append(Consent(client=client, kind=kinds.FOLLOW_UP, given_on=case.closed_on))
        Consent.objects.bulk_create(consents)
        return len(consents)

    # -- referrals ---------------------------------------------------------

    def build_information_page(self, process: Process, coordinator: User) -> InformationPage:
        contact = (
            f"{coordinator.get_full_name()}, klientsamordnare\n"
            f"Telefon: {coordinator.phone}\n"
            f"E-post: {coordinator.email}\n\n"
            f"Vi träffas i {DEFAULT_LOCATION} eller där det passar klienten bäst."
        )
        return InformationPage.objects.create(
            process=process,
            published=True,
            offer=INFORMATION_OFFER,
            target_group=INFORMATION_TARGET_GROUP,
            how_to_refer=INFORMATION_HOW_TO_REFER,
            contact=contact,
        )

    def weekday_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A random weekday from ``first`` to ``last`` (both included; ``first`` if none)."""
        days = [
            first + datetime.timedelta(days=n)
            for n in range((last - first).days + 1)
            if (first + datetime.timedelta(days=n)).weekday() < 5
        ]
        return self.rng.choice(days) if days else first

    def sender(self, paper: int | None, referrer: User, coordinator: User) -> dict[str, Any]:
        """Who sent a referral: the demo referrer, or a paper one the coordinator entered."""
        if paper is None:
            organisation = referrer.organisation or self.organisations["Båstads kommun"]
            return {
                "referrer": referrer,
                "organisation": organisation,
                "unit": referrer.unit
                if referrer.organisation
                else self.units["Individ och familj"],
                "referrer_name": referrer.get_full_name(),
                "entered_by": referrer,
            }
        organisation_name, unit_name, name = PAPER_SOURCES[paper]
        return {
            "referrer": None,
            "organisation": self.organisations[organisation_name],
            "unit": self.units[unit_name],
            "referrer_name": name,
            "entered_by": coordinator,
        }

    def referral_texts(self) -> dict[str, str]:
        return {
            "tried_before": self.rng.choice(TRIED_BEFORE),
            "expectations": self.rng.choice(REFERRAL_EXPECTATIONS),
        }

    def first_meetings(self) -> dict[int, Meeting]:
        """Each case's first meeting as first booked: the time its welcome letter gave."""
        first: dict[int, Meeting] = {}
        # The earliest meeting of kind 'first', or else the earliest of any kind.
        for meeting in sorted(
            self.meetings, key=lambda m: (m.kind != MeetingKind.FIRST, m.starts_at)
        ):
            first.setdefault(meeting.case.pk, meeting)
        return first

    def actualised_referrals(
        self,
        cases: list[tuple[Case, Client]],
        process: Process,
        referrer: User,
        coordinator: User,
    ) -> tuple[list[Referral], list[Letter]]:
        """The referral behind every case, half from the demo referrer and half on paper."""
        rng = self.rng
        by_referrer = set(rng.sample(range(len(cases)), k=len(cases) // 2))
        first_meetings = self.first_meetings()
        referrals: list[Referral] = []
        for index, (case, client) in enumerate(cases):
            paper = None if index in by_referrer else rng.randrange(len(PAPER_SOURCES))
            # A referrer does not write down a protected address.
            address = not client.protected_identity
            referrals.append(
                Referral(  # type: ignore[misc]  # personnummer is a property
                    process=process,
                    **self.sender(paper, referrer, coordinator),
                    received_on=self.weekday_between(
                        case.start_date - datetime.timedelta(days=21),
                        case.start_date - datetime.timedelta(days=3),
                    ),
                    personnummer=client.personnummer,
                    first_name=client.first_name,
                    last_name=client.last_name,
                    phone=client.phone,
                    email=client.email,
                    street_address=client.street_address if address else "",
                    postal_code=client.postal_code if address else "",
                    city=client.city if address else "",
                    language=client.language,
                    interpreter_needed=client.interpreter_needed,
                    income_source=client.income_source,
                    income_source_months=client.income_source_months,
                    reason=rng.choice(REFERRAL_REASONS),
                    **self.referral_texts(),
                    consent_to_referral=True,
                    status=ReferralStatus.ACTUALISED,
                    client=client,
                    case=case,
                    decided_on=case.start_date,
                    decided_by=coordinator,
                )
            )
        Referral.objects.bulk_create(referrals)
        letters = [
            Letter(
                referral=referral,
                kind=Letter.Kind.WELCOME,
                meeting=first_meetings.get(case.pk),
                created_by=coordinator,
            )
            for referral, (case, _) in zip(referrals, cases, strict=True)
        ]
        return referrals, letters

    def person_referral(
        self,
        spec: ReferredSpec,
        number: str,
        phone: int,
        received_on: datetime.date,
        process: Process,
        referrer: User,
        coordinator: User,
    ) -> Referral:
        """A referral for someone who is not a client; the caller sets the decision."""
        rng = self.rng
        city, postal_codes, streets = rng.choices(PLACES, weights=[6, 3, 2])[0]
        income = rng.choices(
            [IncomeSource.ECONOMIC_ASSISTANCE, IncomeSource.OTHER_PUBLIC], weights=[4, 1]
        )[0]
        return Referral(  # type: ignore[misc]  # personnummer is a property
            process=process,
            **self.sender(spec.paper, referrer, coordinator),
            received_on=received_on,
            personnummer=number,
            first_name=spec.first_name,
            last_name=spec.last_name,
            # 070-174 06 05 to 070-174 06 99 is a PTS range for fiction.
            phone=f"070-174 06 {phone:02d}",
            email=f"{ascii_slug(spec.first_name)}.{ascii_slug(spec.last_name)}@example.se"
            if phone % 2 == 0
            else "",
            street_address=f"{rng.choice(streets)} {rng.randint(1, 40)}",
            postal_code=rng.choice(postal_codes),
            city=city,
            language=spec.language,
            interpreter_needed=spec.interpreter,
            income_source=income,
            income_source_months=rng.randint(8, 60),
            reason=spec.reason,
            **self.referral_texts(),
            consent_to_referral=True,
            enhanced_collaboration=spec.enhanced_collaboration,
        )

    def fresh_personnummer(self, spec: ReferredSpec, used: set[str]) -> str:
        while True:
            birth = ages.years_before(self.today, spec.age) - datetime.timedelta(
                days=self.rng.randint(1, 360)
            )
            number = self.personnummer_for(birth, spec.gender, coordination=False)
            if number not in used:
                used.add(number)
                return number

    def open_and_declined_referrals(
        self, process: Process, referrer: User, coordinator: User
    ) -> tuple[list[Referral], list[Letter], Referral]:
        """Declined referrals (one referred again) and referrals waiting for a decision.

        Returns the referrals, the letters of the declined ones, and the waiting
        referral that holds a bookable time.
        """
        used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}
        used |= {r.personnummer for r in Referral.objects.only("personnummer_encrypted")}
        phone = 60
        declined: list[Referral] = []
        for index, spec in enumerate(DECLINED):
            number = self.fresh_personnummer(spec, used)
            # The re-referred person was declined some months ago; the others any time this year.
            decided_on = self.days_ago(120, 160) if index == REREFERRED else self.days_ago(5, 300)
            referral = self.person_referral(
                spec,
                number,
                phone,
                self.weekday_between(
                    decided_on - datetime.timedelta(days=14),
                    decided_on - datetime.timedelta(days=2),
                ),
                process,
                referrer,
                coordinator,
            )
            phone += 1
            referral.status = ReferralStatus.NOT_RELEVANT
            referral.not_relevant_reason = spec.not_relevant
            referral.decision_note = spec.note
            referral.decided_on = decided_on
            referral.decided_by = coordinator
            declined.append(referral)
        again_spec = DECLINED[REREFERRED]
        again = self.person_referral(
            ReferredSpec(
                again_spec.first_name,
                again_spec.last_name,
                again_spec.gender,
                again_spec.age,
                None,
                REREFERRAL_REASON,
            ),
            declined[REREFERRED].personnummer,
            phone,
            self.weekday_between(
                self.today - datetime.timedelta(days=20), self.today - datetime.timedelta(days=1)
            ),
            process,
            referrer,
            coordinator,
        )
        phone += 1
        waiting = [again]
        holder = again
        for spec in WAITING:
            referral = self.person_referral(
                spec,
                self.fresh_personnummer(spec, used),
                phone,
                self.weekday_between(
                    self.today - datetime.timedelta(days=20),
                    self.today - datetime.timedelta(days=1),
                ),
                process,
                referrer,
                coordinator,
            )
            phone += 1
            waiting.append(referral)
            if spec.holds_slot:
                holder = referral
        Referral.objects.bulk_create(declined + waiting)
        # The client agreed to share information with the authorities they deal with.
        through = Referral.sharing_consents.through
        sharing = [
            self.organisations["Arbetsförmedlingen"],
            self.organisations["Försäkringskassan"],
        ]
        through.objects.bulk_create(
            through(referral_id=referral.pk, organisation_id=organisation.pk)
            for number, referral in enumerate(waiting)
            for organisation in sharing[: 1 + number % 2]
        )
        letters = [
            Letter(referral=referral, kind=Letter.Kind.NOT_RELEVANT, created_by=coordinator)
            for referral in declined
        ]
        return declined + waiting, letters, holder

    def overlaps_a_meeting(self, starts_at: datetime.datetime, minutes: int) -> bool:
        ends_at = starts_at + datetime.timedelta(minutes=minutes)
        return any(
            m.starts_at < ends_at
            and starts_at < m.starts_at + datetime.timedelta(minutes=m.duration_minutes)
            for m in self.meetings
        )

    def build_slots(
        self, process: Process, coordinator: User, holder: Referral
    ) -> list[ReferralSlot]:
        """Free times on coming weekdays, one a day, clear of booked meetings; one is held."""
        length = 60
        times: list[datetime.datetime] = []
        day = self.today
        while len(times) < FREE_SLOTS + 1 and day < self.today + datetime.timedelta(days=90):
            day += datetime.timedelta(days=1)
            if day.weekday() >= 5:
                continue
            # Alternate between morning and afternoon where the meetings allow it.
            last = timezone.localtime(times[-1], self.tz).time() if times else None
            for time in sorted(SLOT_TIMES, key=lambda t: t == last):
                when = self.at(day, time)
                if not self.overlaps_a_meeting(when, length):
                    times.append(when)
                    break
        slots = [
            ReferralSlot(
                process=process,
                starts_at=when,
                duration_minutes=length,
                location=DEFAULT_LOCATION,
                created_by=coordinator,
            )
            for when in times
        ]
        # The referrer picked the second time, leaving the earliest one free.
        slots[min(1, len(slots) - 1)].referral = holder
        ReferralSlot.objects.bulk_create(slots)
        return slots

    def build_consultations(
        self, process: Process, referrer: User, coordinator: User
    ) -> list[Consultation]:
        """Two questions from the demo referrer: one answered, one awaiting an answer."""
        asked_days = [self.days_ago(8, 12), self.days_ago(1, 3)]
        made: list[Consultation] = []
        for (subject, question, answer), day in zip(CONSULTATIONS, asked_days, strict=True):
            consultation = Consultation.objects.create(
                process=process, asked_by=referrer, subject=subject, answered=answer is not None
            )
            asked_at = self.at(day, datetime.time(9, 40))
            Consultation.objects.filter(pk=consultation.pk).update(created_at=asked_at)
            thread = [(referrer, question, asked_at)]
            if answer is not None:
                answered_at = self.at(
                    next_weekday(day + datetime.timedelta(days=1)), datetime.time(14, 15)
                )
                thread.append((coordinator, answer, min(answered_at, self.now)))
            for author, body, at in thread:
                message = ConsultationMessage.objects.create(
                    consultation=consultation, author=author, body=body
                )
                ConsultationMessage.objects.filter(pk=message.pk).update(created_at=at)
            made.append(consultation)
        return made

    def build_referrals(
        self, cases: list[tuple[Case, Client]], process: Process, users: dict[str, User]
    ) -> dict[str, Any]:
        coordinator = users[Role.COORDINATOR]
        referrer = users[Role.REFERRER]
        self.build_information_page(process, coordinator)
        actualised, welcome = self.actualised_referrals(cases, process, referrer, coordinator)
        others, not_relevant, holder = self.open_and_declined_referrals(
            process, referrer, coordinator
        )
        Letter.objects.bulk_create(welcome + not_relevant)
        slots = self.build_slots(process, coordinator, holder)
        consultations = self.build_consultations(process, referrer, coordinator)
        referrals = actualised + others
        return {
            "referrals": len(referrals),
            "referrals_by_status": {
                status: sum(r.status == status for r in referrals)
                for status in ReferralStatus.values
            },
            "letters": len(welcome) + len(not_relevant),
            "slots_free": sum(slot.referral is None for slot in slots),
            "slots_held": sum(slot.referral is not None for slot in slots),
            "consultations": len(consultations),
            "consultations_answered": sum(c.answered for c in consultations),
        }
