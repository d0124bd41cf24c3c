"""The referral side besides the cases: the information page, the referrals declined and
waiting, the bookable times and the consultations."""

import dataclasses
import datetime

from devtools.demo.people import DEFAULT_LOCATION
from devtools.demo.referred import (
    CONSULTATIONS,
    DECLINED,
    FREE_SLOTS,
    INFORMATION_HOW_TO_REFER,
    INFORMATION_OFFER,
    INFORMATION_TARGET_GROUP,
    REREFERRAL_REASON,
    REREFERRED,
    SLOT_TIMES,
    WAITING,
    ReferredSpec,
)
from devtools.demo.story import DAY, ascii_slug, weekday
from devtools.demo.texts import PLACES
from devtools.demo.work import Work
from devtools.factories import InformationPageFactory, SlotFactory
from klientstod.models import Client, IncomeSource, Meeting, Process, Role, User
from referrals.models import Consultation, ConsultationMessage, Referral, ReferralSlot
from referrals.services import consultation_ask, consultation_reply, referral_decline


class Referrals(Work):
    def person(self, spec: ReferredSpec, personnummer: str, phone: int) -> dict[str, object]:
        """What a referral says about someone who is not a client."""
        rng = self.rng
        city, postal_codes, streets = rng.choices(PLACES, weights=[6, 3, 2])[0]
        return {
            "personnummer": personnummer,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            # 070-174 06 05 to 070-174 06 99 is a PTS range for fiction.
            "phone": f"070-174 06 {phone:02d}",
            "email": f"{ascii_slug(spec.first_name)}.{ascii_slug(spec.last_name)}@example.se"
            if phone % 2 == 0
            else "",
            "street_address": f"{rng.choice(streets)} {rng.randint(1, 40)}",
            "postal_code": rng.choice(postal_codes),
            "city": city,
            "language": spec.language,
            "interpreter_needed": spec.interpreter,
            "income_source": rng.choices(
                [IncomeSource.ECONOMIC_ASSISTANCE, IncomeSource.OTHER_PUBLIC], weights=[4, 1]
            )[0],
            "income_source_months": rng.randint(8, 60),
            "reason": spec.reason,
            "enhanced_collaboration": spec.enhanced_collaboration,
        }

    def build_slots(self, process: Process, coordinator: User) -> list[ReferralSlot]:
        """Free times on coming weekdays, one a day, clear of the booked meetings."""
        meetings = list(Meeting.objects.filter(starts_at__date__gt=self.today))
        times: list[datetime.datetime] = []
        day = self.today
        while len(times) < FREE_SLOTS + 1:
            day += DAY
            if day.weekday() >= 5:
                continue
            # Alternate between morning and afternoon where the meetings allow it.
            last = times[-1].time() if times else None
            for time in sorted(SLOT_TIMES, key=lambda t: t == last):
                when = self.at(day, time)
                ends = when + datetime.timedelta(hours=1)
                if not any(m.starts_at < ends and when < m.ends_at for m in meetings):
                    times.append(when)
                    break
        return [
            SlotFactory.create(
                process=process,
                starts_at=when,
                duration_minutes=60,
                location=DEFAULT_LOCATION,
                created_by=coordinator,
            )
            for when in times
        ]

    def build_referrals(self, process: Process, users: dict[str, User]) -> None:
        coordinator, referrer = users[Role.COORDINATOR], users[Role.REFERRER]
        InformationPageFactory.create(
            process=process,
            published=True,
            offer=INFORMATION_OFFER,
            target_group=INFORMATION_TARGET_GROUP,
            how_to_refer=INFORMATION_HOW_TO_REFER,
            contact=f"{coordinator.get_full_name()}, klientsamordnare\n"
            f"Telefon: {coordinator.phone}\nE-post: {coordinator.email}\n\n"
            f"Vi träffas i {DEFAULT_LOCATION} eller där det passar klienten bäst.",
        )
        used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}

        def sender(spec: ReferredSpec) -> dict[str, object]:
            # A paper referral's sender: that index of PAPER_SOURCES (see ``Story.sender``).
            return self.sender(
                0 if spec.paper is None else 2 * spec.paper + 1, referrer, coordinator
            )

        # Declined by the coordinator, each with its reason and letter; the re-referred
        # person some months ago, the others any time this year.
        declined: list[Referral] = []
        for index, spec in enumerate(DECLINED):
            decided_on = self.ago(140 if index == REREFERRED else 5 + 37 * index)
            personnummer = self.personnummer(spec.age, spec.gender, False, used)
            referral = self.refer(
                process,
                sender(spec),
                self.between(decided_on - 14 * DAY, decided_on - 2 * DAY),
                self.person(spec, personnummer, 60 + index),
            )
            referral_decline(
                referral=referral,
                reason=spec.not_relevant,
                note=spec.note,
                by=coordinator,
                on=decided_on,
            )
            declined.append(referral)
        # Waiting for a decision: the person declined before, referred again, and three new;
        # one picked the second free time. They agreed to sharing with AF (and FK).
        slots = self.build_slots(process, coordinator)
        again = dataclasses.replace(DECLINED[REREFERRED], paper=None, reason=REREFERRAL_REASON)
        waiting = [(again, declined[REREFERRED].personnummer)] + [
            (spec, self.personnummer(spec.age, spec.gender, False, used)) for spec in WAITING
        ]
        sharing = [
            self.organisations["Arbetsförmedlingen"],
            self.organisations["Försäkringskassan"],
        ]
        for number, (spec, personnummer) in enumerate(waiting):
            self.refer(
                process,
                sender(spec),
                self.between(self.today - 20 * DAY, self.today - DAY),
                self.person(spec, personnummer, 60 + len(DECLINED) + number),
                sharing=sharing[: 1 + number % 2],
                slot=slots[1] if spec.holds_slot else None,
            )
        self.build_consultations(process, referrer, coordinator)

    def build_consultations(self, process: Process, referrer: User, coordinator: User) -> None:
        """Two questions from the demo referrer: one answered, one awaiting an answer."""
        for (subject, question, answer), day in zip(
            CONSULTATIONS, [self.ago(10), self.ago(2)], strict=True
        ):
            consultation = consultation_ask(
                consultation=Consultation(process=process, subject=subject),
                body=question,
                by=referrer,
            )
            thread = [(consultation.messages.get(), self.at(day, datetime.time(9, 40)))]
            if answer is not None:
                reply = consultation_reply(consultation=consultation, body=answer, by=coordinator)
                answered_at = self.at(weekday(day + DAY, DAY), datetime.time(14, 15))
                thread.append((reply, min(answered_at, self.now)))
            # Dated as the story goes; the services stamp the moment they run.
            Consultation.objects.filter(pk=consultation.pk).update(created_at=thread[0][1])
            for message, at in thread:
                ConsultationMessage.objects.filter(pk=message.pk).update(created_at=at)
