"""The work with the client: questionnaires and self-assessments, and the whole of the work."""

import datetime
from typing import Any

from devtools.demo.calendar import (
    Answering,
    next_weekday,
    previous_weekday,
)
from devtools.demo.interventions import InterventionBuilder
from devtools.demo.people import (
    Out,
)
from devtools.demo.texts import (
    FREE_TEXT_ANSWERS,
    KLIENTSTOD_REVISED,
    QK,
    QUESTIONNAIRES,
    REVISED_DAYS_AGO,
    SCALE,
    SCALE_INSTRUCTIONS,
)
from devtools.factories import ConsentFactory
from interventions.models import (
    FkOutcome,
    InterventionKind,
    Occasion,
    Questionnaire,
    SelfAssessment,
)
from interventions.services import (
    assessment_record,
    assessments_due,
    months_between,
    questionnaire_save,
)
from klientstod.dates import months_after
from klientstod.models import (
    FOLLOWUP_MONTHS,
    Case,
    CaseStatus,
    Client,
    Consent,
    Process,
    Role,
    User,
)


class AssessmentBuilder(InterventionBuilder):
    # -- the work with the client: self-assessments --------------------------

    def build_questionnaires(self) -> dict[str, Questionnaire]:
        made: dict[str, Questionnaire] = {}
        for kind, title, items in QUESTIONNAIRES:
            made[kind] = questionnaire_save(
                questionnaire=Questionnaire(
                    kind=kind, title=title, instructions=SCALE_INSTRUCTIONS
                ),
                items=items,
            )
        return made

    def plan_assessments(
        self, cases: list[tuple[Case, Client]], no_start: Case | None, no_closure: Case | None
    ) -> list[Answering]:
        """Start, every two months and closure, drifting upwards for most clients.

        The newest case has no start assessment, the latest two-month one is missing
        for two or three active cases, and one closed case has no closure assessment:
        Min dag shows them as due.
        """
        rng = self.rng
        rows: list[Answering] = []
        latest: list[Answering] = []
        not_yet = 0
        days = datetime.timedelta
        # Most clients feel better over time; one in seven does not.
        stuck = set(rng.sample(range(len(cases)), k=len(cases) // 7))
        for number, (case, _) in enumerate(cases):
            if no_start is not None and case.pk == no_start.pk:
                continue
            base = rng.uniform(1.8, 3.0)
            slope = rng.uniform(-0.15, 0.0) if number in stuck else rng.uniform(0.25, 0.5)
            spread = [rng.uniform(-0.5, 0.5) for _ in range(8)]

            def level(t: float, base: float = base, slope: float = slope) -> float:
                return base + slope * min(t, 8)

            rows.append(
                Answering(case, QK.KLIENTSTOD, Occasion.START, 0, case.start_date, level(0), spread)
            )
            last = months_between(case.start_date, self.today + days(7)) // 2
            newest: Answering | None = None
            period = 1
            while True:
                mark = months_after(case.start_date, 2 * period)
                if case.closed_on is not None:
                    if mark >= case.closed_on:
                        break
                elif period > last:
                    break
                elif mark > self.today:
                    # Due within the week: not answered yet.
                    not_yet += 1
                    break
                day = min(
                    next_weekday(mark + days(rng.randint(0, 4))), case.closed_on or self.today
                )
                newest = Answering(
                    case, QK.KLIENTSTOD, Occasion.PERIODIC, period, day, level(period), spread
                )
                rows.append(newest)
                period += 1
            if case.closed_on is None and newest is not None and newest.period == last:
                latest.append(newest)
            if case.closed_on is not None and (no_closure is None or case.pk != no_closure.pk):
                months = months_between(case.start_date, case.closed_on)
                rows.append(
                    Answering(
                        case,
                        QK.CLOSURE,
                        Occasion.CLOSURE,
                        0,
                        case.closed_on,
                        level(months / 2),
                        spread,
                    )
                )
        # Two or three clients have not yet answered for the latest two months.
        overdue = [row for row in latest if row.day <= self.today - days(5)]
        skipped = rng.sample(overdue, k=min(len(overdue), max(1, 3 - not_yet)))
        return [row for row in rows if all(row is not skip for skip in skipped)]

    def save_assessments(
        self, rows: list[Answering], questionnaires: dict[str, Questionnaire], by: User
    ) -> int:
        """Record the assessments through the service; returns the number of answers."""
        rng = self.rng
        items = {q.pk: list(q.items.order_by("order", "pk")) for q in questionnaires.values()}
        made = 0
        for row in rows:
            questionnaire = questionnaires[row.kind]
            answers: dict[int, int | str | None] = {}
            for number, item in enumerate(items[questionnaire.pk]):
                if item.kind == SCALE:
                    score = round(
                        row.level + row.spread[number % len(row.spread)] + rng.gauss(0, 0.35)
                    )
                    answers[item.pk] = min(5, max(1, score))
                elif row.kind in FREE_TEXT_ANSWERS and rng.random() < 0.5:
                    answers[item.pk] = rng.choice(FREE_TEXT_ANSWERS[row.kind])
            assessment_record(
                case=row.case,
                questionnaire=questionnaire,
                occasion=row.occasion,
                answered_on=row.day,
                answers=answers,
                by=row.entered_by or by,
            )
            made += len(answers)
        return made

    # -- the work with the client: all of it ---------------------------------

    def followup_due(self, cases: list[tuple[Case, Client]]) -> Case | None:
        """A case closed about six months ago, whose client consented to the follow-up."""
        threshold = months_after(self.today, -FOLLOWUP_MONTHS)
        closed = [
            case
            for case, _ in cases
            if case.status == CaseStatus.CLOSED
            and case.closure_outcome != Out.REGISTERED_IN_ERROR
            and case.closed_on is not None
            and case.closed_on <= threshold
        ]
        if not closed:
            self.notes.append("No case closed six months ago; no follow-up is due in the demo.")
            return None
        case = max(closed, key=lambda c: c.closed_on or threshold)
        assert case.closed_on is not None
        consent = Consent.objects.filter(client_id=case.client_id, kind=Consent.Kind.FOLLOW_UP)
        if not consent.in_force().exists():
            ConsentFactory.create(
                client=case.client, kind=Consent.Kind.FOLLOW_UP, given_on=case.closed_on
            )
            self.consents_added += 1
        return case

    def build_work_with_client(
        self,
        cases: list[tuple[Case, Client]],
        process: Process,
        users: dict[str, User],
        fia_plan: dict[str, list[Case]],
    ) -> dict[str, Any]:
        coordinator = users[Role.COORDINATOR]
        questionnaires = self.build_questionnaires()
        interviews = self.build_fia(fia_plan)
        active = [case for case, _ in cases if case.status == CaseStatus.ACTIVE]
        # The newest case has not answered its first self-assessment yet.
        no_start = max(active, key=lambda c: (c.start_date, c.pk), default=None)
        closed = [
            case
            for case, _ in cases
            if case.status == CaseStatus.CLOSED and case.closure_outcome != Out.REGISTERED_IN_ERROR
        ]
        no_closure = max(closed, key=lambda c: (c.closed_on or self.today, c.pk), default=None)
        bibliotherapy, answering = self.build_bibliotherapy(
            cases, process, users, {no_start.pk} if no_start else set()
        )
        interventions, by_kind = self.build_interventions(fia_plan, interviews)
        contacts = self.build_collaboration(process, coordinator, interventions, by_kind)
        followup = self.followup_due(cases)

        rows = self.plan_assessments(cases, no_start, no_closure)
        # The client in studies and the one working part time answered about it.
        for row in interventions:
            if row.kind in (InterventionKind.STUDIES, InterventionKind.WORK):
                day = min(
                    next_weekday(row.starts_on + datetime.timedelta(days=self.rng.randint(30, 45))),
                    self.today,
                )
                spread = [self.rng.uniform(-0.4, 0.4) for _ in range(4)]
                rows.append(Answering(row.case, QK.WORK, Occasion.OTHER, 0, day, 3.4, spread))
        rows += answering
        revised_on = previous_weekday(self.today - datetime.timedelta(days=REVISED_DAYS_AGO))
        first = [r for r in rows if r.kind == QK.KLIENTSTOD and r.day < revised_on]
        then = [r for r in rows if not (r.kind == QK.KLIENTSTOD and r.day < revised_on)]
        answers = self.save_assessments(first, questionnaires, coordinator)
        # The clients found two questions hard to understand: with answers on the first
        # version, saving the simpler wording makes version 2.
        first_version = questionnaires[QK.KLIENTSTOD]
        wording = [
            (KLIENTSTOD_REVISED.get(number, text), kind)
            for number, (text, kind) in enumerate(QUESTIONNAIRES[0][2])
        ]
        revised = questionnaire_save(
            questionnaire=Questionnaire.objects.get(pk=first_version.pk), items=wording
        )
        questionnaires[QK.KLIENTSTOD] = revised
        answers += self.save_assessments(then, questionnaires, coordinator)
        earliest = min((r.day for r in rows), default=self.today)
        Questionnaire.objects.exclude(pk=revised.pk).update(
            created_at=self.at(earliest - datetime.timedelta(days=7), datetime.time(9, 0))
        )
        Questionnaire.objects.filter(pk=revised.pk).update(
            created_at=self.at(revised_on, datetime.time(9, 0))
        )

        answered = SelfAssessment.objects.filter(case__in=[c for c, _ in cases]).values_list(
            "case_id", "occasion", "period"
        )
        due = assessments_due([case for case, _ in cases], answered, self.today)
        fk_outcomes = [row.fk_outcome for row in interventions if row.fk_outcome]
        return {
            "questionnaires": len(questionnaires),
            "klientstod_revised_on": revised_on,
            "assessments": len(rows),
            "answers": answers,
            "assessments_due": len(due),
            "assessments_overdue": sum(item.overdue for item in due),
            "fia": {status: len(chosen) for status, chosen in fia_plan.items()},
            "fia_interpreter": sum(f.on_site_interpreter for f in interviews.values()),
            "plan_items": self.plan_items,
            **bibliotherapy,
            "interventions": len(interventions),
            "fk_outcomes": {o: fk_outcomes.count(o) for o in FkOutcome.values},
            "contacts": len(contacts),
            "case_contacts": sum(c.case_id is not None for c in contacts),
            "followups_due": 1 if followup is not None else 0,
            "consents_added": self.consents_added,
        }
