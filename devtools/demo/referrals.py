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
from devtools.factories import ConsentFactory, InformationPageFactory, SlotFactory
from klientstod import ages
from klientstod.models import (
    Case,
    CaseStatus,
    Client,
    Consent,
    IncomeSource,
    Meeting,
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
from referrals.services import (
    consultation_ask,
    consultation_reply,
    referral_actualise,
    referral_decline,
    referral_submit,
)

#: What a case's plan says beyond its start: how it ends, and its follow-up.
PLANNED_FIELDS = (
    "status",
    "closed_on",
    "closure_outcome",
    "income_source_end",
    "followup_done_on",
    "followup_result",
)


class ReferralBuilder(CaseloadBuilder):
    def __init__(self) -> None:
        super().__init__()
        self.declined: list[Referral] = []
        #: The personnummer taken, so that each made-up person is a different one.
        self.used: set[str] = set()

    # -- consents ----------------------------------------------------------

    def build_consents(self, cases: list[tuple[Case, Client]]) -> int:
        """Consents given at the start (one withdrawn since); the follow-up ones come at closure."""
        af = self.organisations["Arbetsförmedlingen"]
        fk = self.organisations["Försäkringskassan"]
        consents: list[Consent] = []
        kinds = Consent.Kind
        active = [(case, client) for case, client in cases if case.status == CaseStatus.ACTIVE]
        for number, (case, client) in enumerate(active[:6]):
            consents.append(
                ConsentFactory.build(
                    client=client, kind=kinds.SUS_REGISTRATION, given_on=case.start_date
                )
            )
            if number < 4:
                withdrawn = number == 3
                consents.append(
                    ConsentFactory.build(
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
        return InformationPageFactory.create(
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

    def open_case(
        self, plan: Case, client: Client, paper: int | None, referrer: User, coordinator: User
    ) -> tuple[Case, Meeting]:
        """How a case began: its referral, sent and then actualised by the coordinator.

        ``referral_actualise`` opens the case on the client's record, books the first
        meeting and writes the welcome letter. The case returned carries the rest of
        ``plan`` (how it will end) for the chapters that follow; the services close it.
        """
        rng = self.rng
        # A referrer does not write down a protected address.
        address = not client.protected_identity
        sender = self.sender(paper, referrer, coordinator)
        referral = Referral(  # type: ignore[misc]  # personnummer is a property
            process=plan.process,
            **sender,
            received_on=self.weekday_between(
                plan.start_date - datetime.timedelta(days=21),
                plan.start_date - datetime.timedelta(days=3),
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
        )
        referral_submit(referral=referral, by=sender["entered_by"])
        case = referral_actualise(
            referral=referral,
            by=coordinator,
            start_date=plan.start_date,
            coordinator=coordinator,
            first_meeting_at=self.first_meeting_time(plan),
            location=DEFAULT_LOCATION,
            duration_minutes=90,
            interpreter_booked=client.interpreter_needed,
            on=plan.start_date,
        )
        for field in PLANNED_FIELDS:
            setattr(case, field, getattr(plan, field))
        case.client = client
        return case, Meeting.objects.get(case=case)

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

    def declined_referrals(self, process: Process, referrer: User, coordinator: User) -> None:
        """Referrals the coordinator found not relevant, each with its reason and letter."""
        self.used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}
        phone = 60
        for index, spec in enumerate(DECLINED):
            # The re-referred person was declined some months ago; the others any time this year.
            decided_on = self.days_ago(120, 160) if index == REREFERRED else self.days_ago(5, 300)
            referral = self.person_referral(
                spec,
                self.fresh_personnummer(spec, self.used),
                phone + index,
                self.weekday_between(
                    decided_on - datetime.timedelta(days=14),
                    decided_on - datetime.timedelta(days=2),
                ),
                process,
                referrer,
                coordinator,
            )
            referral_submit(referral=referral, by=referral.entered_by)
            referral_decline(
                referral=referral,
                reason=spec.not_relevant,
                note=spec.note,
                by=coordinator,
                on=decided_on,
            )
            self.declined.append(referral)

    def waiting_referrals(
        self, process: Process, referrer: User, coordinator: User, slots: list[ReferralSlot]
    ) -> None:
        """Referrals waiting for a decision: one of a person declined before, one holding a time.

        The client agreed to share information with the authorities they deal with.
        """
        again = DECLINED[REREFERRED]
        waiting = [
            (
                ReferredSpec(
                    again.first_name,
                    again.last_name,
                    again.gender,
                    again.age,
                    None,
                    REREFERRAL_REASON,
                ),
                self.declined[REREFERRED].personnummer,
            )
        ] + [(spec, self.fresh_personnummer(spec, self.used)) for spec in WAITING]
        sharing = [
            self.organisations["Arbetsförmedlingen"],
            self.organisations["Försäkringskassan"],
        ]
        # The referrer picked the second time, leaving the earliest one free.
        held = slots[min(1, len(slots) - 1)]
        for number, (spec, personnummer) in enumerate(waiting):
            referral = self.person_referral(
                spec,
                personnummer,
                60 + len(DECLINED) + number,
                self.weekday_between(
                    self.today - datetime.timedelta(days=20),
                    self.today - datetime.timedelta(days=1),
                ),
                process,
                referrer,
                coordinator,
            )
            referral_submit(
                referral=referral,
                by=referral.entered_by,
                sharing=sharing[: 1 + number % 2],
                slot=held if spec.holds_slot else None,
            )

    def overlaps_a_meeting(self, starts_at: datetime.datetime, minutes: int) -> bool:
        ends_at = starts_at + datetime.timedelta(minutes=minutes)
        return any(
            m.starts_at < ends_at
            and starts_at < m.starts_at + datetime.timedelta(minutes=m.duration_minutes)
            for m in self.meetings
        )

    def build_slots(self, process: Process, coordinator: User) -> list[ReferralSlot]:
        """Free times on coming weekdays, one a day, clear of booked meetings."""
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
            SlotFactory.build(
                process=process,
                starts_at=when,
                duration_minutes=length,
                location=DEFAULT_LOCATION,
                created_by=coordinator,
            )
            for when in times
        ]
        ReferralSlot.objects.bulk_create(slots)
        return slots

    def build_consultations(
        self, process: Process, referrer: User, coordinator: User
    ) -> list[Consultation]:
        """Two questions from the demo referrer: one answered, one awaiting an answer."""
        asked_days = [self.days_ago(8, 12), self.days_ago(1, 3)]
        made: list[Consultation] = []
        for (subject, question, answer), day in zip(CONSULTATIONS, asked_days, strict=True):
            consultation = consultation_ask(
                consultation=Consultation(process=process, subject=subject),
                body=question,
                by=referrer,
            )
            thread = [(consultation.messages.get(), self.at(day, datetime.time(9, 40)))]
            if answer is not None:
                answered_at = self.at(
                    next_weekday(day + datetime.timedelta(days=1)), datetime.time(14, 15)
                )
                reply = consultation_reply(consultation=consultation, body=answer, by=coordinator)
                thread.append((reply, min(answered_at, self.now)))
            # Dated as the story goes; the services stamp the moment they run.
            Consultation.objects.filter(pk=consultation.pk).update(created_at=thread[0][1])
            for message, at in thread:
                ConsultationMessage.objects.filter(pk=message.pk).update(created_at=at)
            made.append(consultation)
        return made

    def build_referrals(self, process: Process, users: dict[str, User]) -> dict[str, Any]:
        """The referral side besides the cases: the page, declines, waiting, times, questions."""
        coordinator = users[Role.COORDINATOR]
        referrer = users[Role.REFERRER]
        self.build_information_page(process, coordinator)
        self.declined_referrals(process, referrer, coordinator)
        slots = self.build_slots(process, coordinator)
        self.waiting_referrals(process, referrer, coordinator, slots)
        consultations = self.build_consultations(process, referrer, coordinator)
        referrals = Referral.objects.filter(process=process)
        return {
            "referrals": referrals.count(),
            "referrals_by_status": {
                status: referrals.filter(status=status).count() for status in ReferralStatus.values
            },
            "letters": Letter.objects.filter(referral__process=process).count(),
            "slots_free": ReferralSlot.objects.filter(process=process, referral=None).count(),
            "slots_held": ReferralSlot.objects.filter(process=process)
            .exclude(referral=None)
            .count(),
            "consultations": len(consultations),
            "consultations_answered": sum(c.answered for c in consultations),
        }
