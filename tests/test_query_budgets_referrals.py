"""Query budgets of the referral inbox, the referrer's pages, consultations, slots and the
information page.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from klientstod.models import Role
from referrals import services as referrals
from referrals.models import Consultation, ReferralSlot

from .factories import (
    CaseFactory,
    ClientFactory,
    FiaFactory,
    InformationPageFactory,
    MeetingFactory,
    OrganisationFactory,
    PlanItemFactory,
    ProcessFactory,
    ReferralFactory,
    SlotFactory,
    UnitFactory,
    make_personnummer,
)
from .query_budget_helpers import (
    assert_flat,
    days_ago,
    hours_from_now,
    today,
)

# Referrals ------------------------------------------------------------------------------------


@pytest.fixture
def referrer(users):
    return users[Role.REFERRER]


@pytest.fixture
def referrer_http(role_clients):
    return role_clients[Role.REFERRER]


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["received", "actualised", "not_relevant"])
def test_inbox_grows_with_referrals_from_partner_units(
    status, coordinator_client, coordinator, process, referrer
):
    """Each tab of the inbox, with referrals sent from a partner's unit (as the portal sends)."""

    def add(n):
        for i in range(n):
            referral = ReferralFactory(
                process=process,
                referrer=referrer,
                entered_by=referrer,
                organisation=referrer.organisation,
                unit=UnitFactory(organisation=OrganisationFactory()),
                received_on=days_ago(i % 20),
                interpreter_needed=True,
            )
            if status == "received":
                SlotFactory(
                    process=process,
                    referral=referral,
                    created_by=coordinator,
                    starts_at=hours_from_now(48 + ReferralSlot.objects.count()),
                )
            elif status == "actualised":
                referral.status, referral.decided_on = "actualised", today()
                referral.case = CaseFactory(process=process)
                referral.client = referral.case.client
                referral.save()
            else:
                referrals.referral_decline(
                    referral=referral, reason="work", note="", by=coordinator
                )

    def shows(page, n):
        on_page = min(n, 25)  # 25 to a page
        return len(page.context("page_obj")) == on_page and page.text.count("Enhet ") >= on_page

    url = f"{reverse('referrals:referral-inbox')}?status={status}"
    assert_flat(coordinator_client, [url], add, shows, most=11)


@pytest.mark.django_db
def test_referral_page_and_letter_grow_with_the_persons_history(
    coordinator_client, coordinator, process
):
    """Earlier referrals (from partner units) and cases of the same person, and the sharing
    consents of the referral; the letter of a declined one."""
    number = make_personnummer(4242)
    client = ClientFactory(personnummer=number)
    referral = ReferralFactory(process=process, personnummer=number)
    first = ReferralFactory(process=process, personnummer=number)
    referrals.referral_decline(referral=first, reason="work", note="", by=coordinator)

    def add(n):
        for _ in range(n):
            org = OrganisationFactory()
            earlier = ReferralFactory(
                process=process,
                personnummer=number,
                organisation=org,
                unit=UnitFactory(organisation=org),
            )
            referrals.referral_decline(referral=earlier, reason="illness", note="", by=coordinator)
            CaseFactory(
                client=client,
                process=process,
                start_date=days_ago(700),
                status="closed",
                closed_on=days_ago(600),
                closure_outcome="work",
            )
            referral.sharing_consents.add(OrganisationFactory())

    def shows(page, n):
        if page.response["Content-Type"] == "application/pdf":
            return page.response.content.startswith(b"%PDF")
        return (
            len(page.context("earlier_referrals")) == n + 1
            and len(page.context("cases")) == n
            and page.text.count("Organisation ") >= n
        )

    urls = [
        reverse("referrals:referral-detail", args=[referral.pk]),
        reverse("referrals:referral-letter", args=[first.pk]),
    ]
    assert_flat(coordinator_client, urls, add, shows, most=11)


@pytest.mark.django_db
def test_referrers_own_pages_grow_with_sharing_consents(referrer_http, referrer, process):
    """What the referrer sees of a referral they sent: its status and the sent receipt."""
    referral = ReferralFactory(
        process=process,
        referrer=referrer,
        entered_by=referrer,
        organisation=referrer.organisation,
        unit=referrer.unit,
    )
    SlotFactory(process=process, referral=referral)

    def add(n):
        for _ in range(n):
            referral.sharing_consents.add(OrganisationFactory())
            ReferralFactory(process=process, referrer=referrer, entered_by=referrer)

    def shows(page, n):
        if page.response.templates[0].name == "referrals/referral_sent.html":
            return referral.reference in page.text and str(referral.slot) in page.text
        return page.text.count("Organisation ") == n  # the partners it may be shared with

    urls = [
        reverse("referrals:referral-detail", args=[referral.pk]),
        reverse("referrals:referral-sent", args=[referral.pk]),
    ]
    assert_flat(referrer_http, urls, add, shows, most=6)


@pytest.mark.django_db
def test_referrers_consultations_grow_with_questions_and_answers(
    referrer_http, referrer, coordinator, process
):
    first = referrals.consultation_ask(
        consultation=Consultation(process=process, subject="Fråga"), body="Text", by=referrer
    )

    def add(n):
        for _ in range(n):
            referrals.consultation_ask(
                consultation=Consultation(process=process, subject="Fråga"),
                body="Text",
                by=referrer,
            )
            referrals.consultation_reply(consultation=first, body="Svar", by=coordinator)

    def shows(page, n):
        if "page_obj" in page.response.context:
            return page.context("page_obj").paginator.count == n + 1
        return page.text.count("Svar") >= n

    urls = [
        reverse("referrals:consultation-list"),
        reverse("referrals:consultation-detail", args=[first.pk]),
    ]
    assert_flat(referrer_http, urls, add, shows, most=6)


@pytest.mark.django_db
def test_slot_list_grows_with_times_that_became_first_meetings(
    coordinator_client, coordinator, process
):
    """Free, held and booked times (the held ones are grown in tests/test_referrals.py)."""

    def add(n):
        for _ in range(n):
            at = hours_from_now(48 + ReferralSlot.objects.count())
            case = CaseFactory(process=process, coordinator=coordinator)
            meeting = MeetingFactory(case=case, starts_at=at)
            SlotFactory(process=process, created_by=coordinator, starts_at=at, meeting=meeting)
            SlotFactory(
                process=process,
                created_by=coordinator,
                starts_at=at + datetime.timedelta(minutes=30),
            )

    def shows(page, n):
        return len(page.context("slots")) == 2 * n and page.text.count("Efternamn") >= n

    url = reverse("referrals:slot-list")
    assert_flat(coordinator_client, [url], add, shows, most=9)


@pytest.mark.django_db
def test_information_page_grows_with_processes(client):
    def add(n):
        for _ in range(n):
            InformationPageFactory(
                process=ProcessFactory(),
                offer="Stöd mot arbete",
                target_group="t",
                how_to_refer="h",
                contact="c",
            )

    def shows(page, n):
        return page.text.count("Stöd mot arbete") == n

    assert_flat(client, [reverse("referrals:information")], add, shows, most=2)


# The work with the client ---------------------------------------------------------------------


@pytest.mark.django_db
def test_fia_pages_grow_with_plan_rows_and_sessions(coordinator_client, coordinator, case):
    """The FIA page, its form (one row of the plan formset per goal) and its PDF."""
    interview = FiaFactory(
        case=case, summary={"work": "Vill arbeta inom vården."}, client_goals="Arbete"
    )

    def add(n):
        start = interview.plan.count()
        for i in range(start, start + n):
            PlanItemFactory(fia=interview, order=i, goal=f"Planmål {i}", responsible="Samordnaren")
            MeetingFactory(
                case=case,
                kind="fia_session",
                status="held",
                journal_note="FIA",
                starts_at=hours_from_now(-24 - i),
            )

    def shows(page, n):
        if page.response["Content-Type"] == "application/pdf":
            return len(page.context("plan")) == n
        if "sessions" in page.response.context:
            return len(page.context("sessions")) == n and page.text.count("Planmål ") == n
        return page.context("plan").total_form_count() >= n and page.text.count("Planmål ") == n

    urls = [
        reverse(name, args=[case.pk])
        for name in ("interventions:fia", "interventions:fia-edit", "interventions:fia-pdf")
    ]
    assert_flat(coordinator_client, urls, add, shows, most=11)
