"""The work with the client: consents, bibliotherapy, interventions, samverkan and the
self-assessments, each through its service where there is one.

The interventions of a client's row: ``fk:<outcome>`` an application to
Försäkringskassan, ``af`` (``af-ended``) work training with Arbetsförmedlingen and
the municipality, ``studies``, ``work`` part time, ``health`` coordination with the
psychiatry.
"""

import datetime
from typing import Any, NamedTuple

from devtools.demo.people import GROUP, LANGUAGE, REBOOK, Out
from devtools.demo.story import DAY, Story, weekday
from devtools.demo.texts import (
    BIBLIOTHERAPY_PLACE,
    CASE_CONTACTS,
    DECLINE_NOTES,
    FK_NOTES,
    FREE_TEXT_ANSWERS,
    GROUP_NAME,
    GROUP_THEMES,
    INTERVENTION_NOTES,
    KLIENTSTOD_REVISED,
    PARTNER_CONTACTS,
    QK,
    QUESTIONNAIRES,
    REVISED_DAYS_AGO,
    SCALE,
    SCALE_INSTRUCTIONS,
)
from devtools.factories import (
    BibliotherapyGroupFactory,
    ConsentFactory,
    InformationMeetingFactory,
    InterventionFactory,
)
from interventions.models import (
    BibliotherapyOffer,
    CollaborationContact,
    FiaStatus,
    FkOutcome,
    Intervention,
    InterventionKind,
    InterventionStatus,
    Occasion,
    OfferResponse,
    ParticipationStatus,
    Questionnaire,
)
from interventions.services import (
    assessment_record,
    contact_record,
    months_between,
    offer_save,
    participation_set,
    questionnaire_save,
    session_record,
)
from klientstod.dates import months_after
from klientstod.models import Case, Consent, Process, Role, User


class Answering(NamedTuple):
    """A self-assessment to record: the answers lean to ``level`` plus each question's spread."""

    case: Case
    kind: str
    occasion: str
    day: datetime.date
    level: float
    spread: list[float]
    by: User | None = None


#: The kind, organisation and unit of each intervention of a row's ``work``.
WHERE = {
    "fk": (
        InterventionKind.FK_APPLICATION,
        "Försäkringskassan",
        "Lokalt försäkringscenter Helsingborg",
    ),
    "af": (InterventionKind.AF_MUNICIPALITY, "Arbetsförmedlingen", "Arbetsförmedlingen Ängelholm"),
    "studies": (InterventionKind.STUDIES, "Båstads kommun", ""),
    "work": (InterventionKind.WORK, "", ""),
    "health": (InterventionKind.HEALTH_MUNICIPALITY, "Region Skåne", "Vuxenpsykiatri Ängelholm"),
}


class Work(Story):
    def build_consents(self) -> None:
        """Consents given at the start by the first active clients (one withdrawn since)."""
        af, fk = self.organisations["Arbetsförmedlingen"], self.organisations["Försäkringskassan"]
        active = [case for row, case in self.cases if row.end is None][:6]
        for number, case in enumerate(active):
            ConsentFactory.create(
                client=case.client, kind=Consent.Kind.SUS_REGISTRATION, given_on=case.start_date
            )
            # Reminders of meetings by SMS or e-mail (the reminder job, docs/reminders.md).
            if number != 2:
                ConsentFactory.create(
                    client=case.client, kind=Consent.Kind.REMINDERS, given_on=case.start_date
                )
            if number < 4:
                ConsentFactory.create(
                    client=case.client,
                    kind=Consent.Kind.INFORMATION_SHARING,
                    organisation=af if number % 2 == 0 else fk,
                    given_on=case.start_date,
                    withdrawn_on=self.today - 12 * DAY if number == 3 else None,
                    note="Återkallat muntligen i samtal." if number == 3 else "",
                )

    def inside(self, case: Case, first: datetime.date, last: datetime.date) -> datetime.date:
        """A weekday from ``first`` to ``last``, kept inside the case and not after today."""
        end = case.closed_on or self.today
        first = min(max(first, case.start_date), end)
        return min(self.between(first, min(max(last, first), end)), end)

    # -- bibliotherapy -------------------------------------------------------

    def build_bibliotherapy(self, process: Process, users: dict[str, User]) -> list[Answering]:
        """The offers of each row, the reading group's sessions and an information meeting.

        Returns the participants' bibliotherapy self-assessments.
        """
        rng, coordinator = self.rng, users[Role.COORDINATOR]
        therapist = users[Role.BIBLIOTHERAPIST]
        info_day = weekday(months_after(self.today, -3))
        group_start = weekday(months_after(self.today, -2))
        group = BibliotherapyGroupFactory.create(
            process=process,
            name=GROUP_NAME,
            starts_on=group_start,
            ends_on=group_start + 14 * (len(GROUP_THEMES) - 1) * DAY,
            therapist=therapist,
            place=BIBLIOTHERAPY_PLACE,
        )
        members: list[BibliotherapyOffer] = []
        for row, case in self.cases:
            if not row.bib:
                continue
            answer: dict[str, Any] = {"response": OfferResponse.ACCEPTED}
            if row.bib == GROUP:
                day = self.inside(case, case.start_date + 14 * DAY, info_day - 7 * DAY)
                answer |= {
                    "group": group,
                    "note": "Kom på informationsträffen och ville börja i läsgruppen.",
                }
            elif row.bib == REBOOK:
                day = self.inside(case, case.start_date + 10 * DAY, group_start - 5 * DAY)
                answer["note"] = (
                    "Kunde inte börja i gruppen på grund av sjukdom; bokas om till ett samtal "
                    "med biblioterapeuten."
                )
            elif row.bib == LANGUAGE:
                day = self.inside(case, case.start_date + 7 * DAY, case.start_date + 30 * DAY)
                answer = {
                    "response": OfferResponse.NOT_OFFERED_LANGUAGE,
                    "note": "Läsgruppen samtalar på svenska; erbjuds när det finns en grupp "
                    f"på {case.client.language}.",
                }
            else:
                day = self.inside(case, case.start_date + 14 * DAY, case.start_date + 120 * DAY)
                answer = {
                    "response": OfferResponse.DECLINED,
                    "decline_reason": row.bib,
                    "note": DECLINE_NOTES[row.bib],
                }
            offer = offer_save(
                offer=BibliotherapyOffer(case=case, offered_on=day, **answer),
                by=coordinator,
                on=day,
            )
            if row.bib == GROUP:
                members.append(offer)
            elif row.bib == REBOOK:
                participation_set(
                    offer=offer,
                    status=ParticipationStatus.TO_BE_REBOOKED,
                    group=None,
                    on=max(group_start, day),
                )
        # Every two weeks; coming to the first session starts a participation. One absence.
        days = [group_start + 14 * n * DAY for n in range(len(GROUP_THEMES))]
        days = [day for day in days if day < self.today]
        absent = (
            (rng.randrange(1, len(days)), rng.randrange(len(members))) if len(days) > 1 else None
        )
        attended: dict[int, list[datetime.date]] = {offer.pk: [] for offer in members}
        for number, day in enumerate(days):
            came = [offer for i, offer in enumerate(members) if (number, i) != absent]
            session_record(group=group, held_on=day, theme=GROUP_THEMES[number], attended=came)
            for offer in came:
                attended[offer.pk].append(day)
        around = [
            case
            for row, case in sorted(self.cases, key=lambda pair: "i" in pair[0].marks)
            if case.start_date <= info_day - 7 * DAY and (case.closed_on or self.today) > info_day
        ]
        started = [offer.case for offer in members]
        meeting = InformationMeetingFactory.create(
            process=process,
            held_on=info_day,
            place=BIBLIOTHERAPY_PLACE,
            note="Informationsträff om biblioterapi för klienterna i Klientstöd. "
            "Biblioterapeuten berättade om läsgruppen och läste en kort text högt.",
        )
        meeting.invited.set((started + [c for c in around if c not in started])[:10])
        meeting.attended.set(started)
        # The participants answer at their first session and again after a few more.
        rows: list[Answering] = []
        for offer in members:
            base, spread = rng.uniform(2.2, 2.9), [rng.uniform(-0.4, 0.4) for _ in range(5)]
            came_on = attended[offer.pk]
            answers = [(Occasion.START, came_on[0], base)] if came_on else []
            if len(came_on) >= 3:
                answers.append((Occasion.OTHER, came_on[-1], base + rng.uniform(0.8, 1.3)))
            rows += [
                Answering(offer.case, QK.BIBLIOTHERAPY, occasion, day, level, spread, therapist)
                for occasion, day, level in answers
            ]
        return rows

    # -- interventions and samverkan ------------------------------------------

    def intervention(self, case: Case, code: str) -> Intervention:
        """An intervention of a row's ``work``, dated around the case and its FIA."""
        kind, _, outcome = code.partition(":")
        kind = kind.removesuffix("-ended")
        end, rng = case.closed_on or self.today, self.rng
        fia = self.fias.get(case.pk)
        fia_done = fia.status_changed_on if fia and fia.status == FiaStatus.COMPLETED else None
        starts_on = self.inside(case, case.start_date + 20 * DAY, case.start_date + 60 * DAY)
        if fia_done is not None:
            starts_on = self.inside(case, fia_done + 7 * DAY, fia_done + 21 * DAY)
        ends_on, status = None, InterventionStatus.ONGOING
        if kind == "fk":
            fk_days: dict[str, tuple[int, int]] = {
                FkOutcome.APPLIED: (45, 5),
                FkOutcome.REJECTION_EXPECTED: (150, 60),
                FkOutcome.GRANTED: (200, 120),
                FkOutcome.REJECTED: (260, 110),
            }
            low, high = fk_days[outcome]
            starts_on = self.inside(case, end - low * DAY, end - high * DAY)
            if outcome in (FkOutcome.GRANTED, FkOutcome.REJECTED):
                ends_on = min(starts_on + rng.randint(70, 110) * DAY, end)
        elif code.endswith("-ended") and starts_on <= self.today - 30 * DAY:
            ends_on = min(starts_on + rng.randint(28, 60) * DAY, self.today)
        if ends_on is not None:
            status = InterventionStatus.ENDED
        kind, organisation, unit = WHERE[kind]
        row = InterventionFactory.build(
            case=case,
            kind=kind,
            organisation=self.organisations.get(organisation),
            unit=self.units.get(unit),
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
            fk_outcome=outcome,
            note=FK_NOTES[outcome] if outcome else INTERVENTION_NOTES[code],
        )
        row.full_clean(exclude=["case", "organisation", "unit"])
        return row

    def build_interventions(self) -> list[Intervention]:
        rows = [
            self.intervention(case, code) for row, case in self.cases for code in row.work.split()
        ]
        return Intervention.objects.bulk_create(rows)

    def sharing_consent(self, case: Case, organisation: Any, on: datetime.date) -> bool:
        """Whether the client lets us share with ``organisation`` that day; a client without
        any such consent gave one at the start, one who withdrew it is left alone."""
        consents = Consent.objects.filter(
            client_id=case.client_id,
            kind=Consent.Kind.INFORMATION_SHARING,
            organisation=organisation,
        )
        if consents.in_force(on).exists():
            return True
        if consents.exists():
            return False
        ConsentFactory.create(
            client=case.client,
            kind=Consent.Kind.INFORMATION_SHARING,
            organisation=organisation,
            given_on=min(case.start_date, on),
        )
        return True

    def build_contacts(self, process: Process, coordinator: User) -> None:
        """The plan for samverkan: the partners informed or reached, and contacts about clients."""
        by_name = {row.first_name: case for row, case in self.cases}
        for first_name, organisation, unit, days_ago, kind, state, note in [
            *PARTNER_CONTACTS,
            *CASE_CONTACTS,
        ]:
            case = by_name.get(first_name or "")
            day = self.ago(days_ago)
            if case is not None:
                day = self.inside(case, day, day)
                if not self.sharing_consent(case, self.organisations[organisation], day):
                    continue
            contact_record(
                contact=CollaborationContact(
                    process=process,
                    organisation=self.organisations[organisation],
                    unit=self.units[unit],
                    held_on=day,
                    kind=kind,
                    case=case,
                    state=state,
                    note=note,
                ),
                by=coordinator,
            )

    # -- self-assessments -------------------------------------------------------

    def plan_assessments(self) -> list[Answering]:
        """At the start, every two months and at closure, drifting upwards for most clients.

        Min dag has some due: the newest case has no start assessment, the latest
        two-month one is missing for two clients, and the latest closure has none.
        """
        rng = self.rng
        rows: list[Answering] = []
        newest = max(
            (case for row, case in self.cases if row.end is None), key=lambda c: c.start_date
        )
        closed = [
            case
            for row, case in self.cases
            if row.end is not None and row.outcome != Out.REGISTERED_IN_ERROR
        ]
        latest_closure = max(closed, key=lambda c: c.closed_on or self.today)
        latest: list[Answering] = []
        for number, (_, case) in enumerate(self.cases):
            base = rng.uniform(1.8, 3.0)
            # Most clients feel better over time; one in seven does not.
            slope = rng.uniform(-0.15, 0.0) if number % 7 == 3 else rng.uniform(0.25, 0.5)
            spread = [rng.uniform(-0.5, 0.5) for _ in range(8)]
            if case != newest:
                rows.append(
                    Answering(case, QK.KLIENTSTOD, Occasion.START, case.start_date, base, spread)
                )
            end = case.closed_on or self.today
            period, mark = 1, months_after(case.start_date, 2)
            while mark < end:
                day = min(weekday(mark + rng.randint(0, 4) * DAY, DAY), end)
                rows.append(
                    Answering(
                        case,
                        QK.KLIENTSTOD,
                        Occasion.PERIODIC,
                        day,
                        base + slope * min(period, 8),
                        spread,
                    )
                )
                period, mark = period + 1, months_after(case.start_date, 2 * (period + 1))
            if case.closed_on is None and period > 1 and rows[-1].day <= self.today - 5 * DAY:
                latest.append(rows[-1])
            if case in closed and case != latest_closure:
                level = base + slope * months_between(case.start_date, case.closed_on or end) / 2
                rows.append(Answering(case, QK.CLOSURE, Occasion.CLOSURE, end, level, spread))
        skipped = rng.sample(latest, k=min(2, len(latest)))
        return [row for row in rows if row not in skipped]

    def record_assessments(
        self, rows: list[Answering], questionnaires: dict[str, Questionnaire], by: User
    ) -> None:
        items = {kind: list(q.items.order_by("order", "pk")) for kind, q in questionnaires.items()}
        for row in rows:
            answers: dict[int, int | str | None] = {}
            for number, item in enumerate(items[row.kind]):
                if item.kind == SCALE:
                    score = (
                        row.level + row.spread[number % len(row.spread)] + self.rng.gauss(0, 0.35)
                    )
                    answers[item.pk] = min(5, max(1, round(score)))
                elif row.kind in FREE_TEXT_ANSWERS and self.rng.random() < 0.5:
                    answers[item.pk] = self.rng.choice(FREE_TEXT_ANSWERS[row.kind])
            assessment_record(
                case=row.case,
                questionnaire=questionnaires[row.kind],
                occasion=row.occasion,
                answered_on=row.day,
                answers=answers,
                by=row.by or by,
            )

    def build_assessments(
        self, extra: list[Answering], interventions: list[Intervention], by: User
    ) -> datetime.date:
        """The four questionnaires and every self-assessment; the Klientstöd questionnaire is
        revised after the clients found two questions hard. Returns the day it was revised."""
        questionnaires = {
            kind: questionnaire_save(
                questionnaire=Questionnaire(
                    kind=kind, title=title, instructions=SCALE_INSTRUCTIONS
                ),
                items=items,
            )
            for kind, title, items in QUESTIONNAIRES
        }
        rows = self.plan_assessments() + extra
        # The client in studies and the one working part time answered about it.
        for row in interventions:
            if row.kind in (InterventionKind.STUDIES, InterventionKind.WORK):
                day = min(weekday(row.starts_on + self.rng.randint(30, 45) * DAY, DAY), self.today)
                spread = [self.rng.uniform(-0.4, 0.4) for _ in range(4)]
                rows.append(Answering(row.case, QK.WORK, Occasion.OTHER, day, 3.4, spread))
        revised_on = weekday(self.today - REVISED_DAYS_AGO * DAY)
        before = [r for r in rows if r.kind == QK.KLIENTSTOD and r.day < revised_on]
        self.record_assessments(before, questionnaires, by)
        # With answers on the first version, saving the simpler wording makes version 2.
        wording = [
            (KLIENTSTOD_REVISED.get(number, text), kind)
            for number, (text, kind) in enumerate(QUESTIONNAIRES[0][2])
        ]
        first = questionnaires[QK.KLIENTSTOD]
        questionnaires[QK.KLIENTSTOD] = revised = questionnaire_save(
            questionnaire=Questionnaire.objects.get(pk=first.pk), items=wording
        )
        self.record_assessments([r for r in rows if r not in before], questionnaires, by)
        earliest = min(r.day for r in rows)
        Questionnaire.objects.exclude(pk=revised.pk).update(
            created_at=self.at(earliest - 7 * DAY, datetime.time(9))
        )
        Questionnaire.objects.filter(pk=revised.pk).update(
            created_at=self.at(revised_on, datetime.time(9))
        )
        return revised_on

    def build_work(self, process: Process, users: dict[str, User]) -> None:
        coordinator = users[Role.COORDINATOR]
        self.build_consents()
        answering = self.build_bibliotherapy(process, users)
        interventions = self.build_interventions()
        self.build_contacts(process, coordinator)
        self.revised_on = self.build_assessments(answering, interventions, coordinator)
