"""The demo seed: refused without DEBUG, complete and alive today, and idempotent."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from interventions.models import (
    FIA_AREAS,
    Answer,
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    ContactKind,
    DeclineReason,
    FiaAbortReason,
    FiaInterview,
    FiaStatus,
    FkOutcome,
    InformationMeeting,
    Intervention,
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
from interventions.services import assessments_due, sharing_consent_missing
from klientstod import personnummer
from klientstod.dates import months_after
from klientstod.models import (
    FOLLOWUP_MONTHS,
    Case,
    CaseStatus,
    Client,
    Consent,
    Gender,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Process,
    Role,
    User,
)
from referrals.models import (
    Consultation,
    InformationPage,
    Letter,
    NotRelevantReason,
    Referral,
    ReferralSlot,
    ReferralStatus,
)
from reporting.models import (
    BudgetLine,
    Cost,
    CostCategory,
    DeadlineKind,
    Financing,
    Metric,
    Milestone,
    ReportingDeadline,
)
from reporting.panels import deadlines_near
from reporting.periods import Period
from reporting.selectors import milestone_rows

DEMO_PASSWORD = "klientstod-demo"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_refuses_without_debug(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        seed()
    assert not User.objects.exists()
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_creates_a_living_demo(settings) -> None:
    settings.DEBUG = True
    output = seed()
    assert "samordnare / klientstod-demo" in output

    for role in Role.values:
        users = User.objects.filter(role=role)
        assert users.count() == 1, role
        assert users.get().check_password(DEMO_PASSWORD), role
        # `make run` logs straight in, as the README says: no forced password change.
        assert not users.get().must_change_password, role
    admin = User.objects.get(role=Role.ADMIN)
    assert admin.is_staff and admin.is_superuser

    process = Process.objects.get()
    coordinator = User.objects.get(username="samordnare")
    assert coordinator.processes.filter(pk=process.pk).exists()
    assert not User.objects.get(role=Role.REFERRER).processes.exists()
    assert process.ends_on > timezone.localdate()

    clients = list(Client.objects.all())
    assert 25 <= len(clients) <= 35
    for client in clients:
        legal = personnummer.legal_gender(client.personnummer)
        assert client.gender == (Gender.MAN if legal == "M" else Gender.WOMAN)
        assert "Back" not in client.last_name and "Grubb" not in client.last_name

    active = Case.objects.filter(process=process, status=CaseStatus.ACTIVE).count()
    assert 10 <= active <= process.capacity
    assert Case.objects.filter(status=CaseStatus.CLOSED).exists()
    assert Case.objects.filter(status=CaseStatus.FOLLOWED_UP).exists()

    statuses = set(Meeting.objects.values_list("status", flat=True).distinct())
    assert statuses == set(MeetingStatus.values)

    today = timezone.localdate()
    assert Meeting.objects.between(today, today + datetime.timedelta(days=1)).exists()
    assert Meeting.objects.awaiting_outcome().exists()
    coming = Meeting.objects.booked().filter(starts_at__gt=timezone.now())
    assert coming.filter(interpreter_needed=True, interpreter_booked=False).exists()

    rebooked = Meeting.objects.filter(status=MeetingStatus.REBOOKED)
    assert rebooked.exists()
    for meeting in rebooked.select_related("rebooked_to"):
        new = meeting.rebooked_to
        assert new.case_id == meeting.case_id
        assert new.starts_at > meeting.starts_at


@pytest.mark.django_db
def test_demo_has_referrals_times_and_consultations(settings) -> None:
    settings.DEBUG = True
    output = seed()
    assert "referrals:" in output and "bookable times:" in output
    today = timezone.localdate()
    process = Process.objects.get()
    coordinator = User.objects.get(role=Role.COORDINATOR)
    referrer = User.objects.get(role=Role.REFERRER)

    page = InformationPage.objects.get(process=process)
    assert page.published
    assert coordinator.get_full_name() in page.contact
    assert coordinator.phone in page.contact and coordinator.email in page.contact

    statuses = set(Referral.objects.values_list("status", flat=True).distinct())
    assert statuses == set(ReferralStatus.values)

    # Every case came from a referral that was actualised, with a welcome letter.
    assert Referral.objects.filter(status=ReferralStatus.ACTUALISED).count() == Case.objects.count()
    for referral in Referral.objects.filter(status=ReferralStatus.ACTUALISED).select_related(
        "case", "client", "letter__meeting"
    ):
        assert referral.case is not None and referral.client is not None
        assert referral.case.client_id == referral.client_id
        assert referral.personnummer == referral.client.personnummer
        assert referral.decided_on == referral.case.start_date
        assert referral.decided_by == coordinator
        assert referral.received_on < referral.case.start_date
        assert referral.letter.kind == Letter.Kind.WELCOME
        assert referral.letter.meeting is not None
        assert referral.letter.meeting.case_id == referral.case_id
    actualised = Referral.objects.filter(status=ReferralStatus.ACTUALISED)
    assert actualised.filter(referrer=referrer).exists()
    assert (
        actualised.filter(referrer__isnull=True, entered_by=coordinator)
        .exclude(referrer_name="")
        .exists()
    )

    declined = Referral.objects.filter(status=ReferralStatus.NOT_RELEVANT)
    assert set(declined.values_list("not_relevant_reason", flat=True)) == set(
        NotRelevantReason.values
    )
    client_numbers = set(Client.objects.values_list("personnummer_index", flat=True))
    for referral in declined.select_related("letter"):
        assert referral.decided_on is not None and referral.decided_on < today
        assert referral.decision_note
        assert referral.letter.kind == Letter.Kind.NOT_RELEVANT
        assert referral.client_id is None and referral.case_id is None
        assert referral.personnummer_index not in client_numbers
        assert personnummer.normalise(referral.personnummer) == referral.personnummer

    waiting = Referral.objects.filter(status=ReferralStatus.RECEIVED)
    assert waiting.filter(enhanced_collaboration=True).exists()
    assert waiting.filter(interpreter_needed=True, language="arabiska").exists()
    for referral in waiting:
        assert 1 <= (today - referral.received_on).days <= 20
        assert not Letter.objects.filter(referral=referral).exists()
    assert not waiting.filter(personnummer_index__in=client_numbers).exists()

    # Someone declined earlier and referred again: the referral page shows the history.
    twice = (
        Referral.objects.values("personnummer_index")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values_list("personnummer_index", flat=True)
    )
    assert len(twice) == 1
    history = Referral.objects.filter(personnummer_index=twice[0])
    assert {r.status for r in history} == {ReferralStatus.NOT_RELEVANT, ReferralStatus.RECEIVED}

    free = ReferralSlot.objects.free()
    assert free.count() >= 1
    assert {timezone.localtime(slot.starts_at).weekday() for slot in free} <= set(range(5))
    held = ReferralSlot.objects.filter(referral__isnull=False, meeting__isnull=True)
    assert held.count() == 1
    assert held.get().referral.status == ReferralStatus.RECEIVED
    assert held.get().starts_at > timezone.now()

    consultations = Consultation.objects.filter(asked_by=referrer)
    answered = consultations.get(answered=True)
    assert answered.messages.filter(author=coordinator).exists()
    waiting_answer = consultations.get(answered=False)
    assert not waiting_answer.messages.filter(author=coordinator).exists()
    assert waiting_answer.messages.exists()

    names = Referral.objects.values_list("first_name", "last_name", "referrer_name")
    for first, last, referrer_name in names:
        for real in ("Lisa Back", "Fredrik Grubb"):
            assert real not in f"{first} {last}" and real not in referrer_name


@pytest.mark.django_db
def test_demo_has_self_assessments_on_two_questionnaire_versions(settings) -> None:
    settings.DEBUG = True
    output = seed()
    assert "questionnaires:" in output and "self-assessments:" in output
    today = timezone.localdate()

    for kind in QuestionnaireKind.values:
        current = Questionnaire.objects.filter(kind=kind, is_current=True)
        assert current.count() == 1, kind
        assert current.get().items.exists(), kind

    # The clients found two questions hard to understand: version 2 says them simply.
    first, second = Questionnaire.objects.filter(kind=QuestionnaireKind.KLIENTSTOD).order_by(
        "version"
    )
    assert (first.version, second.version) == (1, 2)
    assert not first.is_current and second.is_current
    old = list(first.items.order_by("order").values_list("text", "kind"))
    new = list(second.items.order_by("order").values_list("text", "kind"))
    assert len(old) == len(new) >= 7
    assert sum(a != b for a, b in zip(old, new, strict=True)) == 2
    assert [kind for _, kind in old] == [kind for _, kind in new]
    assert [kind for _, kind in old].count(QuestionnaireItem.Kind.TEXT) == 1
    first_days = list(first.assessments.values_list("answered_on", flat=True))
    second_days = list(second.assessments.values_list("answered_on", flat=True))
    assert first_days and second_days
    assert max(first_days) < months_after(today, -2)
    assert max(first_days) < min(second_days)
    # Every answer belongs to the version its assessment was made on.
    assert not Answer.objects.exclude(item__questionnaire=F("assessment__questionnaire")).exists()
    assert Answer.objects.filter(score__isnull=False).exists()
    assert not Answer.objects.filter(score__lt=1).exists()
    assert not Answer.objects.filter(score__gt=5).exists()
    assert Answer.objects.exclude(text="").exists()

    for assessment in SelfAssessment.objects.select_related("case"):
        case = assessment.case
        assert case.start_date <= assessment.answered_on <= (case.closed_on or today)
        if assessment.occasion == Occasion.PERIODIC:
            assert assessment.period >= 1
        else:
            assert assessment.period == 0
        assert assessment.answers.exists()
    for case in Case.objects.exclude(status=CaseStatus.ACTIVE):
        periods = case.assessments.filter(occasion=Occasion.PERIODIC).values_list(
            "period", flat=True
        )
        assert sorted(periods) == list(range(1, len(periods) + 1))

    # Min dag has due and overdue assessments: a start, the latest two months, a closure.
    active = list(Case.objects.filter(status=CaseStatus.ACTIVE))
    answered = SelfAssessment.objects.values_list("case_id", "occasion", "period")
    due = assessments_due(active, answered, today)
    assert due
    assert {item.occasion for item in due} == {Occasion.START, Occasion.PERIODIC}
    assert any(item.overdue for item in due if item.occasion == Occasion.PERIODIC)
    assert sum(item.occasion == Occasion.START for item in due) == 1
    assert len(due) < len(active) // 2
    closed = list(Case.objects.filter(status=CaseStatus.CLOSED))
    closure_due = [
        item
        for item in assessments_due(closed, answered, today)
        if item.occasion == Occasion.CLOSURE
    ]
    assert len(closure_due) == 1
    assert (today - closure_due[0].due_on).days <= 56

    # On average the clients feel better with time.
    better = worse = 0
    for case in Case.objects.all():
        means = [
            sum(a.score for a in assessment.answers.all() if a.score) / 7
            for assessment in case.assessments.filter(
                questionnaire__kind=QuestionnaireKind.KLIENTSTOD
            ).prefetch_related("answers")
        ]
        if len(means) >= 2:
            better += means[-1] > means[0]
            worse += means[-1] <= means[0]
    assert better > 2 * worse
    assert worse > 0


@pytest.mark.django_db
def test_demo_has_fia_interviews_like_the_status_report(settings) -> None:
    settings.DEBUG = True
    output = seed()
    assert "FIA:" in output

    assert FiaInterview.objects.count() == Case.objects.count()
    statuses = set(FiaInterview.objects.values_list("status", flat=True))
    assert {
        FiaStatus.COMPLETED,
        FiaStatus.NOT_RELEVANT_HEALTH,
        FiaStatus.NEEDS_RELATION,
        FiaStatus.ONGOING,
        FiaStatus.PLANNED,
        FiaStatus.ABORTED,
    } <= statuses
    completed = FiaInterview.objects.filter(status=FiaStatus.COMPLETED)
    assert 3 <= completed.count() <= 5
    assert completed.filter(on_site_interpreter=True).count() == 2
    for fia in completed.select_related("case"):
        held = fia.case.meetings.filter(kind=MeetingKind.FIA_SESSION, status=MeetingStatus.HELD)
        assert held.exists()
        assert fia.status_changed_on is not None
        assert fia.status_changed_on >= max(timezone.localdate(m.starts_at) for m in held)
        assert fia.summary and set(fia.summary) <= set(FIA_AREAS)
        assert fia.client_goals and fia.assessment
        plan = list(fia.plan.all())
        assert 3 <= len(plan) <= 4
        for item in plan:
            assert item.goal and item.activity and item.responsible
            assert item.follow_up_on is not None and item.follow_up_on > timezone.localdate()
    aborted = FiaInterview.objects.get(status=FiaStatus.ABORTED)
    assert aborted.abort_reason == FiaAbortReason.MOVED
    assert aborted.case.status != CaseStatus.ACTIVE
    # A FIA that never started, or waits, has no FIA sessions behind it.
    waiting = [FiaStatus.NOT_STARTED, FiaStatus.NOT_RELEVANT_HEALTH, FiaStatus.NEEDS_RELATION]
    assert not Meeting.objects.filter(
        kind=MeetingKind.FIA_SESSION, case__fia__status__in=waiting
    ).exists()
    for fia in FiaInterview.objects.exclude(status=FiaStatus.NOT_STARTED):
        assert fia.status_changed_on is not None
        assert fia.case.start_date <= fia.status_changed_on <= timezone.localdate()


@pytest.mark.django_db
def test_demo_has_bibliotherapy_interventions_and_samverkan(settings) -> None:
    settings.DEBUG = True
    seed()
    today = timezone.localdate()
    therapist = User.objects.get(role=Role.BIBLIOTHERAPIST)

    offers = BibliotherapyOffer.objects.select_related("case__client")
    assert {
        OfferResponse.ACCEPTED,
        OfferResponse.DECLINED,
        OfferResponse.NOT_OFFERED_LANGUAGE,
    } <= set(offers.values_list("response", flat=True))
    assert set(
        offers.filter(response=OfferResponse.DECLINED).values_list("decline_reason", flat=True)
    ) == {DeclineReason.HEALTH, DeclineReason.DISABILITY, DeclineReason.HARD_TO_MOTIVATE}
    for offer in offers.filter(response=OfferResponse.NOT_OFFERED_LANGUAGE):
        assert offer.case.client.interpreter_needed
    for offer in offers:
        assert offer.case.start_date <= offer.offered_on <= (offer.case.closed_on or today)
    assert offers.filter(participation=ParticipationStatus.TO_BE_REBOOKED).exists()

    group = BibliotherapyGroup.objects.get()
    assert group.therapist == therapist
    assert group.starts_on < today
    sessions = list(group.sessions.all())
    assert len(sessions) >= 2
    assert all(session.held_on < today for session in sessions)
    participants = list(group.participants.all())
    assert len(participants) == 2
    for offer in participants:
        assert offer.participation == ParticipationStatus.STARTED
        assert offer.sessions_attended.exists()
        assert offer.case.assessments.filter(
            questionnaire__kind=QuestionnaireKind.BIBLIOTHERAPY
        ).exists()
    meeting = InformationMeeting.objects.get()
    invited = set(meeting.invited.values_list("pk", flat=True))
    came = set(meeting.attended.values_list("pk", flat=True))
    assert len(came) == 2 and came <= invited
    assert came == {offer.case_id for offer in participants}

    fk = Intervention.objects.exclude(fk_outcome="")
    assert set(fk.values_list("fk_outcome", flat=True)) == set(FkOutcome.values)
    for intervention in Intervention.objects.select_related("case"):
        intervention.full_clean()
        assert intervention.case.start_date <= intervention.starts_on <= today
        if intervention.status == InterventionStatus.ENDED:
            assert intervention.ends_on is not None and intervention.ends_on <= today
    assert Intervention.objects.filter(status=InterventionStatus.ENDED, fk_outcome="").exists()

    contacts = CollaborationContact.objects.all()
    assert set(contacts.values_list("state", flat=True)) >= {
        PartnerState.ESTABLISHED,
        PartnerState.INFORMED,
        PartnerState.AWAITING_REPLY,
    }
    assert contacts.filter(kind=ContactKind.JOINT_PLANNING).exists()
    consultations = contacts.filter(kind=ContactKind.CASE_CONSULTATION, case__isnull=False)
    assert consultations.exists()
    for contact in consultations:
        assert not sharing_consent_missing(contact)

    # A case closed six months ago waits for its follow-up, with the client's consent.
    due = [
        case
        for case in Case.objects.filter(
            status=CaseStatus.CLOSED,
            closed_on__lte=months_after(today, -FOLLOWUP_MONTHS),
            followup_done_on__isnull=True,
        )
        if Consent.objects.in_force()
        .filter(client_id=case.client_id, kind=Consent.Kind.FOLLOW_UP)
        .exists()
    ]
    assert due
    for case in Case.objects.filter(status=CaseStatus.FOLLOWED_UP):
        consent = Consent.objects.get(client_id=case.client_id, kind=Consent.Kind.FOLLOW_UP)
        assert consent.given_on == case.closed_on


@pytest.mark.django_db
def test_demo_has_milestones_budget_costs_and_a_reporting_calendar(settings) -> None:
    settings.DEBUG = True
    output = seed()
    assert "milestones:" in output and "budget:" in output and "reporting calendar:" in output
    today = timezone.localdate()
    process = Process.objects.get()
    assert not process.suppress_small_counts

    # Four deadlines for each of the four metrics, two of them past; targets grow with time.
    deadlines = sorted(set(Milestone.objects.values_list("deadline", flat=True)))
    assert len(deadlines) == 4
    assert deadlines[1] < today <= deadlines[2]
    for metric in Metric.values:
        targets = list(
            Milestone.objects.filter(metric=metric)
            .order_by("deadline")
            .values_list("target", flat=True)
        )
        assert len(targets) == 4, metric
        assert targets == sorted(targets) and targets[0] >= 1, metric
    started = dict(
        Milestone.objects.filter(metric=Metric.STARTED).values_list("deadline", "target")
    )
    goal = dict(
        Milestone.objects.filter(metric=Metric.CLOSED_TO_GOAL).values_list("deadline", "target")
    )
    for deadline in deadlines:
        assert 0.2 * started[deadline] <= goal[deadline] <= 0.45 * started[deadline] + 1
    rows = milestone_rows(process, Period(process.starts_on, today))
    past = [row for row in rows if row.deadline < today]
    assert len(past) == 8
    assert any(row.met for row in past) and not all(row.met for row in past)

    # The budget of last, this and next year; this year's like the process plan's.
    for year in (today.year - 1, today.year, today.year + 1):
        assert BudgetLine.objects.filter(year=year).count() == len(CostCategory.values)
    granted = dict(BudgetLine.objects.filter(year=today.year).values_list("category", "granted"))
    assert 550_000 <= granted[CostCategory.COORDINATOR] <= 700_000
    assert granted[CostCategory.BIBLIOTHERAPIST] < granted[CostCategory.COORDINATOR] / 3
    last_year = BudgetLine.objects.filter(year=today.year - 1, category=CostCategory.COORDINATOR)
    assert last_year.get().granted < granted[CostCategory.COORDINATOR]

    # Costs of each past tertial; all but the latest invoiced, the interpreters never.
    costs = Cost.objects.all()
    assert costs.exists()
    assert not costs.filter(period_end__gte=today).exists()
    assert (
        costs.filter(period_start__year=today.year - 1).values("period_start").distinct().count()
        == 3
    )
    latest = costs.order_by("-period_end").values_list("period_end", flat=True).first()
    forbund = costs.filter(financing=Financing.FORBUND)
    assert not forbund.filter(period_end=latest, invoiced_on__isnull=False).exists()
    assert forbund.filter(period_end=latest, invoiced_on__isnull=True).exists()
    assert not forbund.filter(period_end__lt=latest, invoiced_on__isnull=True).exists()
    for cost in costs.filter(invoiced_on__isnull=False):
        assert cost.period_end < cost.invoiced_on < today
    interpreter = costs.filter(category=CostCategory.OTHER, financing=Financing.OWN)
    assert interpreter.exists() and not interpreter.filter(invoiced_on__isnull=False).exists()
    assert costs.filter(category=CostCategory.EDUCATION).exists()

    # The reporting calendar: done in the past but for one overdue report, and one date
    # within the coming 30 days; Min dag shows both.
    calendar = ReportingDeadline.objects.filter(process=process)
    assert set(calendar.values_list("kind", flat=True)) == set(DeadlineKind.values)
    overdue = [d for d in calendar if d.is_overdue]
    assert len(overdue) == 1 and overdue[0].kind == DeadlineKind.TERTIAL_REPORT
    assert calendar.filter(due_on__lt=today, done_on__isnull=False).count() >= 5
    soon = calendar.filter(
        done_on__isnull=True, due_on__gte=today, due_on__lte=today + datetime.timedelta(days=30)
    )
    assert soon.exists()
    assert not calendar.filter(done_on__gt=today).exists()
    near = deadlines_near(User.objects.get(role=Role.COORDINATOR))
    assert overdue[0] in near and soon.first() in near


@pytest.mark.django_db
def test_second_run_changes_nothing(settings) -> None:
    settings.DEBUG = True
    seed()
    models = (
        Client,
        Case,
        Meeting,
        Referral,
        Letter,
        ReferralSlot,
        Consultation,
        InformationPage,
        Questionnaire,
        SelfAssessment,
        FiaInterview,
        BibliotherapyOffer,
        Intervention,
        CollaborationContact,
        Milestone,
        BudgetLine,
        Cost,
        ReportingDeadline,
    )
    counts = [model.objects.count() for model in models]
    output = seed()
    assert "already there" in output
    assert [model.objects.count() for model in models] == counts
    assert User.objects.filter(username="samordnare").count() == 1
