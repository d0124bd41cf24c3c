"""The work with the client: FIA, self-assessments, interventions, bibliotherapy, contacts."""

from __future__ import annotations

import datetime
from typing import Any

from devtools.loaddata.base import BaseBuilder
from devtools.loaddata.shapes import (
    ANSWER_BATCH,
    BATCH,
    FIA_PATHS,
    QUESTIONS,
    TOOK_PART,
    weighted,
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
    Organisation,
    Process,
    User,
)


class WorkBuilder(BaseBuilder):
    """The work with the client: FIA, self-assessments, interventions, bibliotherapy, contacts."""

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
