"""Self-assessments: questionnaire versions, recording answers, and which are due."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klientstod import audit
from klientstod.dates import months_after
from klientstod.models import Case, CaseStatus, User

from .models import (
    Answer,
    Occasion,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireKind,
    SelfAssessment,
)

# Self-assessment ----------------------------------------------------------------------


def questionnaire_save(
    *, questionnaire: Questionnaire, items: Sequence[tuple[str, str]]
) -> Questionnaire:
    """Save a questionnaire and its questions.

    A version that already has answers is left as it is: the change becomes the
    next version, which is the current one from now on.
    """
    with transaction.atomic():
        stored = (
            Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
            if questionnaire.pk
            else None
        )
        if stored is not None and not stored.is_current:
            # Older versions stay as they were answered; only the current one changes.
            raise ValidationError(_("Only the current version of a questionnaire can be changed."))
        if stored is not None and questionnaire.has_answers:
            old = stored
            old.is_current = False
            old.save(update_fields=["is_current"])
            questionnaire.pk = None
            questionnaire._state.adding = True
            questionnaire.version = (
                Questionnaire.objects.filter(kind=old.kind).order_by("-version").first().version  # type: ignore[union-attr]
                + 1
            )
        elif not questionnaire.pk:
            latest = (
                Questionnaire.objects.filter(kind=questionnaire.kind).order_by("-version").first()
            )
            questionnaire.version = latest.version + 1 if latest else 1
            Questionnaire.objects.filter(kind=questionnaire.kind, is_current=True).update(
                is_current=False
            )
        questionnaire.is_current = True
        questionnaire.save()
        questionnaire.items.all().delete()
        QuestionnaireItem.objects.bulk_create(
            QuestionnaireItem(questionnaire=questionnaire, order=index, text=text, kind=kind)
            for index, (text, kind) in enumerate(items)
        )
        return questionnaire


def current_questionnaire(kind: str) -> Questionnaire | None:
    return (
        Questionnaire.objects.filter(kind=kind, is_current=True).prefetch_related("items").first()
    )


#: The answer to a scale question when the client does not want to answer it.
DECLINED = "declined"

#: Occasions a case has at most one self-assessment of each questionnaire for (a periodic
#: one per two-month mark); "other occasion" may come any number of times.
ONCE_PER_CASE = (Occasion.START, Occasion.CLOSURE)


def assessment_record(
    *,
    case: Case,
    questionnaire: Questionnaire,
    occasion: str,
    answered_on: datetime.date,
    answers: Mapping[int, int | str | None],
    by: User,
    answered_by_client: bool = False,
) -> SelfAssessment:
    """Store a client's answers; a periodic occasion is numbered by its two-month mark.

    Every scale question is answered or marked ``DECLINED``; a case has one assessment of
    a questionnaire per occasion (``assessment_taken``), a second is refused.
    ``answered_by_client``: the client gave them through a link (``by`` sent the link).
    """
    assessment = SelfAssessment(
        case=case,
        questionnaire=questionnaire,
        entered_by=by,
        answered_by_client=answered_by_client,
    )
    return _assessment_save(assessment, occasion, answered_on, answers)


def assessment_update(
    *,
    assessment: SelfAssessment,
    occasion: str,
    answered_on: datetime.date,
    answers: Mapping[int, int | str | None],
) -> SelfAssessment:
    """Correct an assessment. It keeps the questionnaire version it was answered on."""
    return _assessment_save(assessment, occasion, answered_on, answers)


def assessment_taken(
    case: Case,
    kind: str,
    occasion: str,
    period: int = 0,
    *,
    exclude: int | None = None,
) -> SelfAssessment | None:
    """The case's assessment of this kind on this occasion, if it has one already."""
    if occasion not in (*ONCE_PER_CASE, Occasion.PERIODIC):
        return None
    found = SelfAssessment.objects.filter(case=case, questionnaire__kind=kind, occasion=occasion)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    if occasion == Occasion.PERIODIC:
        found = found.filter(period=period)
    return found.order_by("answered_on", "pk").first()


def _assessment_save(
    assessment: SelfAssessment,
    occasion: str,
    answered_on: datetime.date,
    answers: Mapping[int, int | str | None],
) -> SelfAssessment:
    case, questionnaire = assessment.case, assessment.questionnaire
    if answered_on > timezone.localdate() or answered_on < case.start_date:
        raise ValidationError({"answered_on": _("Give a date between the case start and today.")})
    period = occasion_period(case, occasion, answered_on)
    items = list(questionnaire.items.all())
    rows = []
    unanswered = []
    for item in items:
        value = answers.get(item.pk)
        if value in (None, ""):
            if item.kind == QuestionnaireItem.Kind.SCALE:
                unanswered.append(item.text)
            continue
        if item.kind == QuestionnaireItem.Kind.SCALE:
            if value == DECLINED:
                rows.append(Answer(item=item, declined=True))
            else:
                rows.append(Answer(item=item, score=int(value)))  # type: ignore[arg-type]
        else:
            rows.append(Answer(item=item, text=str(value)))
    if unanswered:
        raise ValidationError(
            _(
                "Answer every question, or mark it “Does not want to answer”. Unanswered: "
                "%(questions)s."
            )
            % {"questions": "; ".join(unanswered)},
            code="unanswered",
        )
    if not rows:
        raise ValidationError(_("Answer at least one question."))
    with transaction.atomic():
        # One at a time per case, so two people entering the same occasion cannot both save.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        taken = assessment_taken(case, questionnaire.kind, occasion, period, exclude=assessment.pk)
        if taken is not None:
            raise ValidationError(
                {
                    "occasion": _(
                        "The client already has this self-assessment (%(occasion)s), "
                        "answered on %(day)s. Change that one instead."
                    )
                    % {"occasion": taken.get_occasion_display().lower(), "day": taken.answered_on}
                },
                code="occasion_taken",
            )
        assessment.occasion, assessment.period = occasion, period
        assessment.answered_on = answered_on
        assessment.save()
        assessment.answers.all().delete()
        for row in rows:
            row.assessment = assessment
        audit.record_created(Answer.objects.bulk_create(rows))
        return assessment


def occasion_period(case: Case, occasion: str, answered_on: datetime.date) -> int:
    """The two-month mark a periodic assessment answered on that day counts for."""
    if occasion != Occasion.PERIODIC:
        return 0
    return max(1, round(months_between(case.start_date, answered_on) / 2))


def months_between(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


#: The questionnaires the schedule (start, every two months, closure) asks for;
#: bibliotherapy and work questionnaires are answered when they are relevant.
SCHEDULED_KINDS = (QuestionnaireKind.KLIENTSTOD, QuestionnaireKind.CLOSURE)


@dataclass(frozen=True)
class Due:
    case: Case
    occasion: str
    period: int
    due_on: datetime.date
    #: Whether the day it was due has passed (on the day the list was made).
    overdue: bool = False

    @property
    def label(self) -> str:
        if self.occasion == Occasion.PERIODIC:
            return _("%(months)d months") % {"months": self.period * 2}
        return str(Occasion(self.occasion).label)


def assessments_due(
    cases: Iterable[Case], answered: Iterable[tuple[int, str, int]], today: datetime.date
) -> list[Due]:
    """What each case still owes: at start, every two months from the start, at closure.

    ``answered`` holds (case id, occasion, period) of the assessments made. Only
    the newest missing periodic occasion is listed: the client answers for now,
    not for every two months that passed. A periodic assessment is due from its
    date; it shows up a week ahead.
    """
    done = set(answered)
    started = {case_id for case_id, occasion, _period in done if occasion == Occasion.START}
    due: list[Due] = []

    def add(case: Case, occasion: str, period: int, due_on: datetime.date) -> None:
        due.append(Due(case, occasion, period, due_on, overdue=due_on < today))

    for case in cases:
        if case.status == CaseStatus.ACTIVE:
            if case.pk not in started:
                add(case, Occasion.START, 0, case.start_date)
                continue
            period = months_between(case.start_date, today + datetime.timedelta(days=7)) // 2
            if period >= 1 and (case.pk, Occasion.PERIODIC, period) not in done:
                add(case, Occasion.PERIODIC, period, months_after(case.start_date, 2 * period))
        elif case.closed_on and (case.pk, Occasion.CLOSURE, 0) not in done:
            add(case, Occasion.CLOSURE, 0, case.closed_on)
    return sorted(due, key=lambda item: item.due_on)
