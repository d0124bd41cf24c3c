"""factory-boy factories for every model: the one way records are made.

The tests, the demo (``devtools.demo``) and the load data (``devtools.loaddata``)
all take their records, or the shapes of their records, from here. Every
factory makes a valid record with no arguments; pass what the story needs.
"""

from __future__ import annotations

import datetime
import random
import secrets
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from stdnum import luhn

from interventions import services
from interventions.models import (
    LINK_VALID_FOR,
    BibliotherapyGroup,
    BibliotherapyOffer,
    InformationMeeting,
    Intervention,
    Questionnaire,
    QuestionnaireKind,
    token_digest,
)
from klientstod import personnummer
from klientstod.models import (
    Case,
    Client,
    Consent,
    Meeting,
    Organisation,
    Process,
    ProcessPhase,
    Role,
    Unit,
    User,
)

PASSWORD = "a-long-test-password"


def fake_personnummer(birth: datetime.date, serial: int, *, coordination: bool = False) -> str:
    """A valid personnummer in normal form for a made-up person born on ``birth``.

    ``serial`` (1–999) is the birth number; its last digit is odd for a man and
    even for a woman, as the Tax Agency assigns them. A samordningsnummer adds 60
    to the day. The check digit is computed, so the number passes validation.
    This is the one generator of personnummer for the tests, the demo and the
    load data.
    """
    day = birth.day + personnummer.COORDINATION_DAY_OFFSET if coordination else birth.day
    head = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth.year:04d}{birth:%m}{day:02d}-{serial:03d}{luhn.calc_check_digit(head)}"


def make_personnummer(seq: int, birth: datetime.date | None = None) -> str:
    """A valid twelve-digit personnummer, different for every ``seq``."""
    birth = birth or datetime.date(1970, 1, 1) + datetime.timedelta(days=(seq * 397) % 15000)
    return fake_personnummer(birth, (seq % 999) + 1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MUNICIPALITY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    name = factory.Sequence(lambda n: f"Klientstöd {n}")
    owner = factory.SubFactory(OrganisationFactory)
    financier = factory.SubFactory(
        OrganisationFactory, kind=Organisation.Kind.COORDINATION_ASSOCIATION
    )
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=400))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Testsson"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    role = Role.COORDINATOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def processes(
        user: User, create: bool, extracted: list[Process] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            user.processes.set(extracted)
        if create:
            user.save()


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    controller = factory.SubFactory(OrganisationFactory)
    personnummer = factory.Sequence(make_personnummer)
    first_name = factory.Iterator(["Anna", "Omar", "Sara", "Ali", "Eva", "Johan", "Fatima", "Nils"])
    last_name = factory.Sequence(lambda n: f"Efternamn{n:04d}")
    gender = factory.Iterator(["woman", "man"])
    language = "svenska"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    process = factory.SubFactory(ProcessFactory)
    # Kept in the register of the organisation running the process.
    client = factory.SubFactory(ClientFactory, controller=factory.SelfAttribute("..process.owner"))
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))

    @classmethod
    def _create(cls, model_class: type[Case], *args: object, **kwargs: object) -> Case:
        # A client made for this case (``client=ClientFactory(...)``) joins the register of
        # the organisation running the process, as registration would have put them.
        client, process = kwargs["client"], kwargs["process"]
        assert isinstance(client, Client)
        assert isinstance(process, Process)
        if client.controller_id != process.owner_id and not client.cases.exists():
            client.controller = process.owner
            client.save(update_fields=["controller"])
        return super()._create(model_class, *args, **kwargs)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    case = factory.SubFactory(CaseFactory)
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.now().replace(minute=0, second=0, microsecond=0)
            + datetime.timedelta(days=random.randint(1, 5))
        )
    )


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    kind = Consent.Kind.SUS_REGISTRATION
    given_on = factory.LazyFunction(timezone.localdate)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.Referral"

    process = factory.SubFactory(ProcessFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    referrer = None
    entered_by = factory.SubFactory(UserFactory, role=Role.REFERRER)
    personnummer = factory.Sequence(lambda n: make_personnummer(n + 5000))
    first_name = "Remitterad"
    last_name = factory.Sequence(lambda n: f"Person{n:04d}")
    reason = "Långvarigt ekonomiskt bistånd, behöver samordnat stöd."
    expectations = "Kartläggning och stöd mot arbete."
    consent_to_referral = True


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.ReferralSlot"

    process = factory.SubFactory(ProcessFactory)
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=3)
        )
    )
    location = "Kommunhuset, Båstad"
    created_by = factory.SubFactory(UserFactory)


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.Consultation"

    process = factory.SubFactory(ProcessFactory)
    asked_by = factory.SubFactory(UserFactory, role=Role.REFERRER)
    subject = "Passar Klientstöd en person med lång sjukskrivning?"


def questionnaires() -> dict[str, Questionnaire]:
    """One current questionnaire of every kind, with a scale and a free-text question."""
    made = {}
    for kind in QuestionnaireKind:
        existing = Questionnaire.objects.filter(kind=kind, is_current=True).first()
        made[kind.value] = existing or services.questionnaire_save(
            questionnaire=Questionnaire(kind=kind, title=f"Självskattning {kind.label}"),
            items=[("Hur mår du i dag?", "scale"), ("Vad vill du berätta?", "text")],
        )
    return made


def work_with_client(case: Case, coordinator: User) -> dict[str, object]:
    """One of each record of the work with a client, for access tests."""
    forms = questionnaires()
    group = BibliotherapyGroup.objects.create(
        process=case.process, name="Grupp 1", starts_on=case.start_date
    )
    offer = services.offer_save(
        offer=BibliotherapyOffer(case=case, offered_on=case.start_date, response="accepted"),
        by=coordinator,
    )
    item = forms["bibliotherapy"].items.first()
    assert item is not None
    assessment = services.assessment_record(
        case=case,
        questionnaire=forms["bibliotherapy"],
        occasion="start",
        answered_on=case.start_date,
        answers={item.pk: 3},
        by=coordinator,
    )
    meeting = InformationMeeting.objects.create(process=case.process, held_on=case.start_date)
    intervention = Intervention.objects.create(case=case, kind="studies", starts_on=case.start_date)
    return {
        "group": group,
        "offer": offer,
        "assessment": assessment,
        "information_meeting": meeting,
        "intervention": intervention,
    }


class FiaFactory(factory.django.DjangoModelFactory):
    """A case's FIA; its status over time is its ``FiaStatusChangeFactory`` history."""

    class Meta:
        model = "interventions.FiaInterview"

    case = factory.SubFactory(CaseFactory)


class FiaStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.FiaStatusChange"

    fia = factory.SubFactory(FiaFactory)
    status = "planned"
    changed_on = factory.LazyFunction(timezone.localdate)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.Intervention"

    case = factory.SubFactory(CaseFactory)
    kind = "studies"
    starts_on = factory.LazyAttribute(lambda i: i.case.start_date)


class BibliotherapyOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.BibliotherapyOffer"

    case = factory.SubFactory(CaseFactory)
    offered_on = factory.LazyAttribute(lambda o: o.case.start_date)
    response = "accepted"
    created_by = factory.SubFactory(UserFactory)


class GroupSessionFactory(factory.django.DjangoModelFactory):
    """A session of a bibliotherapy group, with the offers whose clients came to it."""

    class Meta:
        model = "interventions.GroupSession"
        skip_postgeneration_save = True

    group = factory.SubFactory(
        "devtools.factories.BibliotherapyGroupFactory", starts_on=factory.SelfAttribute("..held_on")
    )
    held_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def attended(self, create: bool, extracted: list[object] | None, **kwargs: object) -> None:
        if create and extracted:
            self.attended.set(extracted)


class BibliotherapyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.BibliotherapyGroup"

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Läsgrupp {n}")
    starts_on = factory.LazyFunction(timezone.localdate)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.Milestone"

    process = factory.SubFactory(ProcessFactory)
    metric = "started"
    target = 10
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))


class ProcessPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessPhase

    process = factory.SubFactory(ProcessFactory)
    kind = ProcessPhase.Kind.IMPLEMENTATION
    starts_on = factory.LazyAttribute(lambda p: p.process.starts_on)
    ends_on = factory.LazyAttribute(lambda p: p.process.ends_on)


class FormSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "klientstod.FormSubmission"

    key = factory.Sequence(lambda n: f"{n:064x}")


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.PlanItem"

    fia = factory.SubFactory(FiaFactory)
    goal = factory.Sequence(lambda n: f"Mål {n}: pröva arbete i praktik")


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.Questionnaire"

    kind = "klientstod"
    title = factory.Sequence(lambda n: f"Självskattning {n}")


class QuestionnaireItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.QuestionnaireItem"

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    text = factory.Sequence(lambda n: f"Fråga {n}")


class SelfAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.SelfAssessment"

    case = factory.SubFactory(CaseFactory)
    questionnaire = factory.SubFactory(QuestionnaireFactory)
    occasion = "start"
    answered_on = factory.LazyAttribute(lambda a: a.case.start_date)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.Answer"

    assessment = factory.SubFactory(SelfAssessmentFactory)
    item = factory.SubFactory(
        QuestionnaireItemFactory, questionnaire=factory.SelfAttribute("..assessment.questionnaire")
    )
    score = 3


class AssessmentLinkFactory(factory.django.DjangoModelFactory):
    """A self-assessment link already sent; its token is random and nowhere kept."""

    class Meta:
        model = "interventions.AssessmentLink"

    case = factory.SubFactory(CaseFactory)
    questionnaire = factory.SubFactory(QuestionnaireFactory)
    occasion = "other"
    token_hash = factory.LazyFunction(lambda: token_digest(secrets.token_urlsafe(32)))
    channel = "sms"
    delivery = "sent"
    created_by = factory.LazyAttribute(lambda link: link.case.coordinator)
    expires_at = factory.LazyFunction(lambda: timezone.now() + LINK_VALID_FOR)


class QuestionnaireTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.QuestionnaireTranslation"

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    language = "en"
    greeting = "Hello"
    title = "How are you?"
    questions = factory.LazyAttribute(
        lambda t: "\n".join(f"Question {n}" for n in range(1, t.questionnaire.items.count() + 1))
    )
    scale_low = "not at all"
    scale_high = "completely"
    declined_label = "I do not want to answer"
    submit_label = "Send"
    missing_answer = "Choose an answer."
    thanks = "Thank you!"


class InformationMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.InformationMeeting"
        skip_postgeneration_save = True

    process = factory.SubFactory(ProcessFactory)
    held_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def attended(self, create: bool, extracted: list[Any] | None, **kwargs: object) -> None:
        if create and extracted:
            self.attended.set(extracted)


class CollaborationContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.CollaborationContact"

    process = factory.SubFactory(ProcessFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    kind = "joint_planning"
    state = "established"
    created_by = factory.SubFactory(UserFactory)


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.Letter"

    referral = factory.SubFactory(ReferralFactory)
    kind = "welcome"
    created_by = factory.SubFactory(UserFactory)


class ConsultationMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.ConsultationMessage"

    consultation = factory.SubFactory(ConsultationFactory)
    author = factory.SelfAttribute("consultation.asked_by")
    body = "Personen har varit sjukskriven i två år och vill pröva arbete."


class InformationPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.InformationPage"

    process = factory.SubFactory(ProcessFactory)
    offer = "Samordnat stöd mot arbete eller studier."
    target_group = "Personer 16–64 år med behov av samordnade insatser."
    how_to_refer = "Remittera i Klientstöd med personens samtycke."
    contact = "Samordnaren, 0431-99 99 99."


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.BudgetLine"

    process = factory.SubFactory(ProcessFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    category = "coordinator"
    granted = Decimal(500000)


class CostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.Cost"

    process = factory.SubFactory(ProcessFactory)
    period_start = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    period_end = factory.LazyAttribute(lambda c: c.period_start + datetime.timedelta(days=27))
    category = "coordinator"
    amount = Decimal(40000)


class ReportingDeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.ReportingDeadline"

    process = factory.SubFactory(ProcessFactory)
    kind = "tertial_report"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class DownloadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.Download"

    user = factory.SubFactory(UserFactory, role=Role.EVALUATOR)
    process = factory.SubFactory(ProcessFactory)
    kind = "sus_participants"
    period_start = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))
    period_end = factory.LazyFunction(timezone.localdate)
    rows = 0


class ReminderTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reminders.ReminderTemplate"

    process = factory.SubFactory(ProcessFactory)
    language = "arabiska"
    text = "تذكير: لديك موعد {datum} الساعة {tid}.\n{tolk}\nللإلغاء اتصل بـ {telefon}."
    email_subject = "تذكير {datum}"
    interpreter_line = "تم حجز مترجم."


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reminders.Reminder"

    meeting = factory.SubFactory(MeetingFactory)
    starts_at = factory.SelfAttribute("meeting.starts_at")
    due_at = factory.LazyAttribute(lambda r: r.meeting.starts_at - datetime.timedelta(days=1))
    status = "queued"
