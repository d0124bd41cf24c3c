"""Referrals: the referrer's portal, triage by the coordinator, letters and bookable times."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from klientstod.models import Case, Client, Consent, Meeting, Role
from referrals import services
from referrals.models import Letter, Referral, ReferralSlot

from .factories import (
    CaseFactory,
    ClientFactory,
    OrganisationFactory,
    ProcessFactory,
    ReferralFactory,
    SlotFactory,
    UserFactory,
    make_personnummer,
)

PNR = "19850312-1231"


@pytest.fixture
def referrer(users):
    return users[Role.REFERRER]


@pytest.fixture
def referrer_client_(role_clients):
    return role_clients[Role.REFERRER]


def remiss(process, **changes):
    data = {
        "process": process.pk,
        "personnummer": "850312-1231",
        "first_name": "Amina",
        "last_name": "Berglund",
        "phone": "070-000 00 00",
        "street_address": "Storgatan 1",
        "postal_code": "269 31",
        "city": "Båstad",
        "language": "somaliska",
        "interpreter_needed": "on",
        "income_source": "economic_assistance",
        "income_source_months": "48",
        "tried_before": "Praktik via AF 2024, avbröts.",
        "reason": "Lång tid utan egen försörjning och behov av samordning.",
        "expectations": "Kartläggning med FIA och stöd mot arbete.",
        "consent_to_referral": "on",
    }
    data.update(changes)
    return data


def local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def actualise(referral, coordinator, **changes):
    arguments = {
        "referral": referral,
        "by": coordinator,
        "start_date": timezone.localdate(),
        "coordinator": coordinator,
        "first_meeting_at": local(4),
        "location": "Kommunhuset, Båstad",
        "interpreter_booked": True,
    }
    arguments.update(changes)
    return services.referral_actualise(**arguments)


# The referrer's portal -------------------------------------------------------


@pytest.mark.django_db
def test_referrer_sends_a_referral_as_their_own_organisation(referrer_client_, referrer, process):
    other = OrganisationFactory(name="Försäkringskassan")
    sharing = OrganisationFactory(name="Region Skåne")
    process.partners.add(sharing)
    response = referrer_client_.post(
        reverse("referrals:referral-create"),
        remiss(process, organisation=other.pk, sharing_consents=[sharing.pk]),
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral-sent", args=[referral.pk])
    assert (referral.organisation, referral.unit) == (referrer.organisation, referrer.unit)
    assert (referral.referrer, referral.entered_by) == (referrer, referrer)
    assert referral.personnummer == PNR
    assert list(referral.sharing_consents.all()) == [sharing]
    confirmation = referrer_client_.get(response["Location"]).content.decode()
    assert referral.reference in confirmation
    mine = referrer_client_.get(reverse("referrals:referral-mine")).content.decode()
    assert referral.reference in mine
    assert "Mottagen" in mine


@pytest.mark.django_db
def test_a_referrer_reaches_only_their_own_areas_processes(
    referrer_client_, referrer, process, users
):
    """On an instance that serves many förbund, the form offers the processes the
    referrer's organisation runs or takes part in, and refuses the others."""
    elsewhere = ProcessFactory(name="Klientstöd Norrland")
    elsewhere.partners.add(OrganisationFactory(name="Norrlands region"))
    SlotFactory(process=elsewhere, location="Norrlandsrummet")
    UserFactory(role=Role.COORDINATOR, first_name="Nordlig", processes=[elsewhere])
    owned = ProcessFactory(name="Klientstöd Hemma", owner=referrer.organisation)

    form = referrer_client_.get(reverse("referrals:referral-create")).content.decode()
    assert process.name in form
    assert owned.name in form
    assert elsewhere.name not in form
    assert "Norrlandsrummet" not in form
    assert "Norrlands region" not in form  # nor share with its partners
    mine = referrer_client_.get(reverse("referrals:referral-mine")).content.decode()
    assert "Nordlig" not in mine
    question = referrer_client_.get(reverse("referrals:consultation-create")).content.decode()
    assert elsewhere.name not in question

    response = referrer_client_.post(reverse("referrals:referral-create"), remiss(elsewhere))
    assert response.status_code == 200
    assert "process" in response.context["form"].errors
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_without_consent_the_form_comes_back_with_everything_typed(referrer_client_, process):
    data = remiss(process)
    del data["consent_to_referral"]
    response = referrer_client_.post(reverse("referrals:referral-create"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["consent_to_referral"]
    body = response.content.decode()
    for kept in ("Amina", "Berglund", "Praktik via AF 2024, avbröts.", "somaliska", "850312-1231"):
        assert kept in body
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_invalid_personnummer_is_refused_on_the_field(referrer_client_, process):
    response = referrer_client_.post(
        reverse("referrals:referral-create"), remiss(process, personnummer="850312-1234")
    )
    assert list(response.context["form"].errors) == ["personnummer"]
    assert "kontrollsiffra" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_referrer_sees_only_their_own_referrals(referrer_client_, referrer, process):
    mine = ReferralFactory(process=process, referrer=referrer, organisation=referrer.organisation)
    theirs = ReferralFactory(process=process, referrer=UserFactory(role=Role.REFERRER))
    response = referrer_client_.get(reverse("referrals:referral-mine"))
    assert list(response.context["page_obj"]) == [mine]
    assert theirs.reference not in response.content.decode()


@pytest.mark.django_db
def test_referrer_picks_a_free_time_and_two_cannot_take_it(referrer_client_, process, coordinator):
    slot = SlotFactory(process=process, created_by=coordinator)
    response = referrer_client_.post(
        reverse("referrals:referral-create"), remiss(process, slot=slot.pk)
    )
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.referral == Referral.objects.get()

    second = UserFactory(role=Role.REFERRER, organisation=OrganisationFactory())
    response = referrer_client_.post(
        reverse("referrals:referral-create"),
        remiss(process, slot=slot.pk, personnummer=make_personnummer(77)),
    )
    assert "slot" in response.context["form"].errors
    with pytest.raises(Exception, match=r"just taken|tagits"):
        services.referral_submit(
            referral=ReferralFactory.build(process=process, organisation=second.organisation),
            by=second,
            slot=slot,
        )
    assert Referral.objects.count() == 1


# Triage ------------------------------------------------------------------------


@pytest.mark.django_db
def test_actualising_creates_client_case_meeting_consents_and_letter(process, coordinator):
    sharing = OrganisationFactory(name="Arbetsförmedlingen Ängelholm")
    referral = ReferralFactory(process=process, interpreter_needed=True, language="dari")
    referral.sharing_consents.set([sharing])
    case = actualise(referral, coordinator)
    referral.refresh_from_db()
    meeting = case.meetings.get()
    assert referral.status == "actualised"
    assert referral.case == case
    assert case.client.personnummer == referral.personnummer
    assert (meeting.kind, meeting.starts_at, meeting.interpreter_needed) == (
        "first",
        local(4),
        True,
    )
    assert meeting.interpreter_booked
    assert referral.letter.kind == Letter.Kind.WELCOME
    assert referral.letter.meeting == meeting
    consent = Consent.objects.get(client=case.client)
    assert (consent.kind, consent.organisation) == ("information_sharing", sharing)


@pytest.mark.django_db
def test_a_known_person_keeps_their_client_record(process, coordinator):
    client = ClientFactory(controller=process.owner)
    referral = ReferralFactory(process=process, personnummer=client.personnummer)
    case = actualise(referral, coordinator)
    assert case.client == client
    assert Client.objects.count() == 1


@pytest.mark.django_db
def test_a_held_time_becomes_the_first_meeting(process, coordinator):
    referral = ReferralFactory(process=process)
    slot = SlotFactory(process=process, referral=referral, created_by=coordinator)
    case = actualise(referral, coordinator, first_meeting_at=None, location="")
    slot.refresh_from_db()
    assert slot.meeting == case.meetings.get()
    assert slot.meeting.starts_at == slot.starts_at
    assert slot.meeting.location == slot.location


def _nothing_saved(referral):
    referral.refresh_from_db()
    assert referral.status == "received"
    assert not Case.objects.filter(process=referral.process).exists()
    assert not Meeting.objects.exists()
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_enhanced_collaboration_cannot_be_actualised(coordinator_client, process):
    referral = ReferralFactory(process=process, enhanced_collaboration=True)
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        {
            "start_date": timezone.localdate().isoformat(),
            "first_meeting_at": f"{local(3):%Y-%m-%dT%H:%M}",
            "duration_minutes": "60",
            "location": "Kommunhuset",
        },
    )
    assert response.status_code == 200
    assert "SUS" in response.content.decode()
    _nothing_saved(referral)
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_an_active_case_is_shown_instead_of_a_second(coordinator_client, process, coordinator):
    existing = CaseFactory(process=process)
    referral = ReferralFactory(process=process, personnummer=existing.client.personnummer)
    response = coordinator_client.post(
        reverse("referrals:referral-actualise", args=[referral.pk]),
        {
            "start_date": timezone.localdate().isoformat(),
            "first_meeting_at": f"{local(3):%Y-%m-%dT%H:%M}",
            "duration_minutes": "60",
            "location": "Kommunhuset",
        },
    )
    assert response.status_code == 200
    assert f'href="{existing.get_absolute_url()}"' in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "received"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_behind(process, coordinator, monkeypatch):
    referral = ReferralFactory(process=process)

    def broken(**kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(services.Letter.objects, "create", broken)
    with pytest.raises(RuntimeError):
        actualise(referral, coordinator)
    _nothing_saved(referral)
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_a_decline_failing_half_way_keeps_the_referral_open(process, coordinator, monkeypatch):
    referral = ReferralFactory(process=process)
    slot = SlotFactory(process=process, referral=referral, created_by=coordinator)

    def broken(**kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(services.Letter.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.referral_decline(referral=referral, reason="work", note="", by=coordinator)
    referral.refresh_from_db()
    slot.refresh_from_db()
    assert referral.status == "received"
    assert slot.referral == referral


@pytest.mark.django_db
def test_declining_records_the_reason_frees_the_time_and_writes_a_letter(
    coordinator_client, process, coordinator, referrer
):
    referral = ReferralFactory(process=process, referrer=referrer)
    slot = SlotFactory(process=process, referral=referral, created_by=coordinator)
    response = coordinator_client.post(
        reverse("referrals:referral-decline", args=[referral.pk]),
        {"reason": "illness", "note": "Återkom efter behandling."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    slot.refresh_from_db()
    assert (referral.status, referral.not_relevant_reason) == ("not_relevant", "illness")
    assert slot.is_free
    assert referral.letter.kind == Letter.Kind.NOT_RELEVANT
    with pytest.raises(Exception, match=r"redan|already"):
        services.referral_decline(referral=referral, reason="work", note="", by=coordinator)


@pytest.mark.django_db
def test_a_declined_person_can_be_referred_again_and_history_shows_both(
    coordinator_client, process, coordinator
):
    first = ReferralFactory(process=process, personnummer=PNR)
    services.referral_decline(referral=first, reason="not_motivated", note="", by=coordinator)
    second = ReferralFactory(process=process, personnummer=PNR)
    response = coordinator_client.get(reverse("referrals:referral-detail", args=[second.pk]))
    assert list(response.context["earlier_referrals"]) == [first]
    case = actualise(second, coordinator)
    assert case.client.referrals.count() == 1


@pytest.mark.django_db
def test_coordinator_registers_a_paper_referral(coordinator_client, coordinator, process):
    organisation = OrganisationFactory(name="Försäkringskassan")
    response = coordinator_client.post(
        reverse("referrals:referral-paper-create"),
        remiss(
            process,
            organisation=organisation.pk,
            referrer_name="Handläggare på FK",
            received_on=(timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        ),
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert (referral.organisation, referral.referrer, referral.entered_by) == (
        organisation,
        None,
        coordinator,
    )
    assert referral.is_paper
    assert referral.days_waiting() == 3


@pytest.mark.django_db
def test_inbox_lists_waiting_referrals_oldest_first_with_days(coordinator_client, process):
    old = ReferralFactory(
        process=process, received_on=timezone.localdate() - datetime.timedelta(days=9)
    )
    new = ReferralFactory(process=process)
    response = coordinator_client.get(reverse("referrals:referral-inbox"))
    assert list(response.context["page_obj"]) == [old, new]
    body = response.content.decode()
    assert "9 dagar" in body
    assert 'rounded-pill text-bg-warning">2' in body  # the badge in the navigation


# Letters -----------------------------------------------------------------------


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_welcome_letter_holds_name_time_and_coordinator_contact(
    coordinator_client, process, coordinator
):
    coordinator.phone, coordinator.email = "040-628 04 10", "samordnare@example.se"
    coordinator.save()
    referral = ReferralFactory(process=process, first_name="Leyla", last_name="Karimi")
    actualise(referral, coordinator, first_meeting_at=local(5, 13))
    response = coordinator_client.get(reverse("referrals:referral-letter", args=[referral.pk]))
    text = pdf_text(response)
    assert "Leyla Karimi" in text
    assert "13:00" in text
    assert str(local(5).day) in text
    assert "040-628 04 10" in text
    assert "samordnare@example.se" in text
    assert "Leyla" not in response["Content-Disposition"]


@pytest.mark.django_db
def test_not_relevant_letter_says_the_offer_remains(coordinator_client, process, coordinator):
    referral = ReferralFactory(process=process)
    services.referral_decline(referral=referral, reason="work", note="", by=coordinator)
    text = pdf_text(
        coordinator_client.get(reverse("referrals:referral-letter", args=[referral.pk]))
    )
    assert "Erbjudandet" in text or "erbjudandet" in text


@pytest.mark.django_db
def test_name_with_markup_is_text_in_the_letter(coordinator_client, process, coordinator):
    referral = ReferralFactory(process=process, first_name="<b>Ali</b>")
    actualise(referral, coordinator)
    text = pdf_text(
        coordinator_client.get(reverse("referrals:referral-letter", args=[referral.pk]))
    )
    assert "<b>Ali</b>" in text


# Consultation --------------------------------------------------------------------


@pytest.mark.django_db
def test_consultation_thread_without_personnummer(referrer_client_, coordinator_client, process):
    url = reverse("referrals:consultation-create")
    response = referrer_client_.post(
        url, {"process": process.pk, "subject": "Fråga", "body": "Gäller 850312-1231, passar det?"}
    )
    assert "body" in response.context["form"].errors
    assert "Gäller 850312-1231" in response.content.decode()
    response = referrer_client_.post(
        url,
        {"process": process.pk, "subject": "Fråga", "body": "Kvinna 40 år, lång sjukskrivning."},
    )
    detail = response["Location"]
    coordinator_client.post(detail, {"body": "Ja, skicka gärna en remiss."})
    thread = referrer_client_.get(detail)
    assert thread.context["consultation"].answered
    assert "Ja, skicka gärna en remiss." in thread.content.decode()


# Query counts --------------------------------------------------------------------


def queries(http, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["referrals:referral-inbox", "referrals:slot-list", "referrals:consultation-list"]
)
def test_coordinator_lists_are_bounded(name, coordinator_client, process, coordinator):
    def add(n):
        for _ in range(n):
            referral = ReferralFactory(process=process)
            SlotFactory(
                process=process,
                referral=referral,
                created_by=coordinator,
                starts_at=timezone.now()
                + datetime.timedelta(days=1, minutes=ReferralSlot.objects.count()),
            )
            services.consultation_ask(
                consultation=services.Consultation(process=process, subject="Fråga"),
                body="Text",
                by=UserFactory(role=Role.REFERRER),
            )

    add(5)
    few = queries(coordinator_client, reverse(name))
    add(45)
    assert queries(coordinator_client, reverse(name)) == few <= 12


@pytest.mark.django_db
def test_referrer_list_is_bounded(referrer_client_, referrer, process):
    def add(n):
        for _ in range(n):
            ReferralFactory(process=process, referrer=referrer)

    add(5)
    few = queries(referrer_client_, reverse("referrals:referral-mine"))
    add(45)
    assert queries(referrer_client_, reverse("referrals:referral-mine")) == few <= 10


@pytest.mark.django_db
def test_referral_page_is_bounded(coordinator_client, process, coordinator):
    referral = ReferralFactory(process=process, personnummer=PNR)
    url = reverse("referrals:referral-detail", args=[referral.pk])
    for _ in range(3):
        services.referral_decline(
            referral=ReferralFactory(process=process, personnummer=PNR),
            reason="work",
            note="",
            by=coordinator,
        )
    few = queries(coordinator_client, url)
    for _ in range(20):
        services.referral_decline(
            referral=ReferralFactory(process=process, personnummer=PNR),
            reason="work",
            note="",
            by=coordinator,
        )
    assert queries(coordinator_client, url) == few <= 14


@pytest.mark.django_db
def test_consultation_thread_is_bounded(coordinator_client, process, referrer):
    consultation = services.consultation_ask(
        consultation=services.Consultation(process=process, subject="Fråga"),
        body="Text",
        by=referrer,
    )
    url = reverse("referrals:consultation-detail", args=[consultation.pk])
    for _ in range(5):
        services.consultation_reply(consultation=consultation, body="Svar", by=referrer)
    few = queries(coordinator_client, url)
    for _ in range(45):
        services.consultation_reply(consultation=consultation, body="Svar", by=referrer)
    assert queries(coordinator_client, url) == few <= 10


@pytest.mark.django_db
def test_information_page_is_bounded(client):
    from referrals.models import InformationPage

    from .factories import ProcessFactory

    def add(n):
        for _ in range(n):
            InformationPage.objects.create(
                process=ProcessFactory(), offer="o", target_group="t", how_to_refer="h", contact="c"
            )

    add(2)
    few = queries(client, reverse("referrals:information"))
    add(20)
    assert queries(client, reverse("referrals:information")) == few <= 3
