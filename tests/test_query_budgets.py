"""Query budgets: every list, detail, dashboard and report page costs the same at 5 and 50 rows.

Each test makes 5 rows of what a page lists or counts, in the scope of the user who
looks at it, measures the page, makes 45 more and measures it again. The page must
answer 200 and show the rows both times, and the two counts of queries must be equal
and under a ceiling. The pages whose rows were already grown to 5 and 50 elsewhere
(tests/test_caseload.py, test_my_day.py, test_referrals.py, test_interventions.py and
test_reports.py) are here only for what those tests did not grow: partner units,
plan rows, questionnaire items, the coordinator's lists on the bibliotherapy page, and
so on. The form pages are here for the choice lists they show.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions import services as interventions
from interventions.models import BibliotherapyOffer, Questionnaire
from klientstod import services as core
from klientstod.audit import record_read
from klientstod.models import Consent, Process, Role, User
from referrals import services as referrals
from referrals.models import Consultation, ReferralSlot
from reporting.models import Milestone

from .factories import (
    BibliotherapyGroupFactory,
    BibliotherapyOfferFactory,
    BudgetLineFactory,
    CaseFactory,
    ClientFactory,
    CollaborationContactFactory,
    ConsentFactory,
    CostFactory,
    FiaFactory,
    FiaStatusChangeFactory,
    InformationMeetingFactory,
    InformationPageFactory,
    InterventionFactory,
    MeetingFactory,
    MilestoneFactory,
    OrganisationFactory,
    PlanItemFactory,
    ProcessFactory,
    ReferralFactory,
    ReportingDeadlineFactory,
    SlotFactory,
    UnitFactory,
    UserFactory,
    make_personnummer,
    questionnaires,
)

FEW, MANY = 5, 50
D = datetime.date


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def hours_from_now(n: float) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) + datetime.timedelta(hours=n)


def logged_in(user: User) -> HttpClient:
    """A test client logged in as ``user``, past the second factor (see conftest)."""
    http = HttpClient()
    http.force_login(user)
    return http


# Measuring ---------------------------------------------------------------------------------


@dataclass
class Measured:
    response: HttpResponse
    queries: list[str]

    @property
    def text(self) -> str:
        return self.response.content.decode(errors="replace")

    def __repr__(self) -> str:
        return f"<{self.response.status_code}, {len(self.queries)} queries>"

    def context(self, key: str) -> Any:
        return self.response.context[key]


def measure(http: HttpClient, url: str) -> Measured:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Measured(response, [query["sql"] for query in captured])


def _shape(sql: str) -> str:
    """A statement without its literal values, so that the same query made twice matches."""
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def assert_same_queries(url: str, few: Measured, many: Measured, most: int) -> None:
    if len(few.queries) != len(many.queries):
        grown = Counter(map(_shape, many.queries)) - Counter(map(_shape, few.queries))
        detail = "\n".join(f"{n} more × {sql[:300]}" for sql, n in grown.most_common(5))
        pytest.fail(
            f"{url}: {len(few.queries)} queries at {FEW} rows, {len(many.queries)} at "
            f"{MANY}:\n{detail}"
        )
    assert len(many.queries) <= most, (url, len(many.queries), most)


def assert_flat(
    http: HttpClient,
    urls: list[str] | Callable[[], list[str]],
    add: Callable[[int], object],
    shows: Callable[[Measured, int], object],
    *,
    most: int,
) -> None:
    """Add 5 rows, measure each page, add 45 more, measure again: the counts must be equal.

    ``shows(page, n)`` checks that the page shows the ``n`` rows made so far; a first,
    unmeasured request warms the caches (content types, translations) of the process.
    """
    add(FEW)
    pages = urls() if callable(urls) else urls
    for url in pages:
        http.get(url)
    few = {url: measure(http, url) for url in pages}
    for url, page in few.items():
        assert shows(page, FEW), (url, f"does not show the {FEW} rows")
    add(MANY - FEW)
    for url in pages:
        many = measure(http, url)
        assert shows(many, MANY), (url, f"does not show the {MANY} rows")
        assert_same_queries(url, few[url], many, most)


# Start pages -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STEERING, Role.EVALUATOR])
def test_overview_grows_with_processes_cases_and_meetings(role, users, process, coordinator):
    """The steering group's and the evaluator's start page: one card of figures per process."""
    user = users[role]

    def add(n):
        for _ in range(n):
            other = ProcessFactory()
            user.processes.add(other)
            CaseFactory(process=other)
            case = CaseFactory(process=process, coordinator=coordinator)
            MeetingFactory(
                case=case, status="held", journal_note="Samtal", starts_at=hours_from_now(-0.1)
            )

    def shows(page, n):
        processes = page.context("processes")
        return len(processes) == n + 1 and sum(p.active_cases for p in processes) == 2 * n

    assert_flat(logged_in(user), [reverse("klientstod:home")], add, shows, most=6)


@pytest.mark.django_db
def test_admin_start_page_grows_with_users_processes_and_organisations(admin_client_):
    roles = [role.value for role in Role]

    def add(n):
        for i in range(n):
            UserFactory(role=roles[i % len(roles)])
            ProcessFactory()  # and its owner and financier

    def shows(page, n):
        counts = dict(page.context("role_counts"))
        return (
            page.context("process_count") == Process.objects.count() >= n
            and sum(counts.values()) == User.objects.filter(is_active=True).count() > n
        )

    assert_flat(admin_client_, [reverse("klientstod:home")], add, shows, most=8)


@pytest.mark.django_db
def test_my_day_grows_with_follow_ups_deadlines_and_meetings_awaiting_an_outcome(
    coordinator_client, coordinator, process
):
    """The panels of Min dag (its meetings are grown in tests/test_my_day.py)."""

    def add(n):
        for i in range(n):
            closed = CaseFactory(
                process=process,
                coordinator=coordinator,
                start_date=days_ago(400),
                status="closed",
                closed_on=days_ago(200),
                closure_outcome="work",
            )
            ConsentFactory(
                client=closed.client, kind=Consent.Kind.FOLLOW_UP, given_on=days_ago(200)
            )
            ReportingDeadlineFactory(
                process=process, kind="board_meeting", due_on=today() + datetime.timedelta(days=i)
            )
            active = CaseFactory(process=process, coordinator=coordinator)
            MeetingFactory(case=active, starts_at=hours_from_now(-24 - i))

    def shows(page, n):
        panels = {
            panel.template.rsplit("/", 1)[-1]: panel.context for panel in page.context("panels")
        }
        return (
            len(panels["panel_follow_ups.html"]["follow_up_cases"]) == min(n, 20)
            and len(panels["panel_deadlines.html"]["deadlines"]) == min(n, 10)
            and panels["panel_assessments_due.html"]["count"] == n
            and page.context("awaiting_count") == n
        )

    assert_flat(coordinator_client, [reverse("klientstod:home")], add, shows, most=14)


# The coordinator's client and case pages ------------------------------------------------------


@pytest.mark.django_db
def test_client_page_grows_with_cases_consents_and_self_assessments(
    coordinator_client, coordinator, case
):
    form = questionnaires()["klientstod"]
    scale = form.items.get(kind="scale")

    def add(n):
        for _ in range(n):
            CaseFactory(
                client=case.client,
                process=case.process,
                coordinator=coordinator,
                start_date=days_ago(400),
                status="closed",
                closed_on=days_ago(300),
                closure_outcome="work",
            )
            ConsentFactory(
                client=case.client,
                kind=Consent.Kind.INFORMATION_SHARING,
                organisation=OrganisationFactory(),
                given_on=days_ago(10),
            )
            interventions.assessment_record(
                case=case,
                questionnaire=form,
                occasion="other",
                answered_on=days_ago(5),
                answers={scale.pk: 4},
                by=coordinator,
            )

    def shows(page, n):
        [trend] = [p for p in page.context("panels") if "rows" in p.context]
        return (
            len(page.context("cases")) == n + 1
            and len(page.context("consents")) == n
            and len(trend.context["rows"]) == n
        )

    url = reverse("klientstod:client-detail", args=[case.client.pk])
    assert_flat(coordinator_client, [url], add, shows, most=12)


@pytest.mark.django_db
def test_case_page_grows_with_every_kind_of_record(coordinator_client, coordinator, case):
    """Meetings (and rebookings), self-assessments, offers, interventions, partner contacts,
    referrals and the client's other cases: each on the timeline or in a panel."""
    form = questionnaires()["klientstod"]
    scale = form.items.get(kind="scale")
    group = BibliotherapyGroupFactory(process=case.process, name="Läsgruppen", starts_on=today())

    def add(n):
        for i in range(n):
            org = OrganisationFactory()
            unit = UnitFactory(organisation=org)
            MeetingFactory(case=case, starts_at=hours_from_now(24 + i))
            missed = MeetingFactory(case=case, starts_at=hours_from_now(-24 - i))
            core.meeting_record_outcome(
                meeting=missed,
                status="rebooked",
                journal_note="",
                new_starts_at=hours_from_now(200 + i),
                by=coordinator,
            )
            MeetingFactory(
                case=case, status="held", journal_note="Samtal", starts_at=hours_from_now(-500 - i)
            )
            interventions.assessment_record(
                case=case,
                questionnaire=form,
                occasion="other",
                answered_on=days_ago(i % 30),
                answers={scale.pk: 3},
                by=coordinator,
            )
            BibliotherapyOfferFactory(
                case=case,
                offered_on=days_ago(i % 30),
                response="accepted",
                participation="started",
                group=group,
                created_by=coordinator,
            )
            InterventionFactory(
                case=case, kind="work", organisation=org, unit=unit, starts_on=days_ago(i % 30)
            )
            CollaborationContactFactory(
                process=case.process,
                organisation=org,
                unit=unit,
                case=case,
                held_on=days_ago(i % 30),
                kind="case_consultation",
                state="informed",
                created_by=coordinator,
            )
            ReferralFactory(
                process=case.process,
                organisation=org,
                unit=unit,
                personnummer=case.client.personnummer,
                status="actualised",
                decided_on=days_ago(60),
                client=case.client,
                case=case,
            )
            CaseFactory(
                client=case.client,
                process=case.process,
                start_date=days_ago(900),
                status="closed",
                closed_on=days_ago(800),
                closure_outcome="studies",
            )

    def shows(page, n):
        kinds = Counter(event.kind for event in page.context("timeline"))
        return (
            kinds["meeting"] == 4 * n  # booked, rebooked and its new time, held
            and kinds["assessment"] == kinds["bibliotherapy"] == n
            and kinds["intervention"] == kinds["collaboration"] == kinds["referral"] == n
            and len(page.context("other_cases")) == len(page.context("referrals")) == n
            and page.text.count("Enhet ") >= 2 * n  # the partner units, on the timeline
        )

    url = reverse("klientstod:case-detail", args=[case.pk])
    assert_flat(coordinator_client, [url], add, shows, most=24)


# The administrator's pages --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "action=access", "action=change", "user", "client"])
def test_audit_log_grows_with_entries(query, admin_client_, coordinator, case):
    """Reads and changes by a coordinator, as the whole log, filtered, and for one client."""
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    def add(n):
        with set_actor(coordinator, remote_addr="10.9.8.7"):
            for _ in range(n):
                other = CaseFactory(process=case.process, coordinator=coordinator)
                record_read(other.client, "case page", other)
                MeetingFactory(case=case)
                record_read(case.client, "client page")

    params = {
        "user": f"user={coordinator.pk}",
        "client": f"client={case.client.pk}&action=access",
    }.get(query, query)
    url = f"{reverse('klientstod:audit-log')}?{params}"
    # Per round: the other client and case made, two reads, a meeting booked.
    least = {"": 5, "action=access": 2, "action=change": 3, "user": 5, "client": 1}[query]

    def shows(page, n):
        listed = page.context("page_obj")
        return (
            listed.paginator.count >= least * n
            and len(listed) == min(listed.paginator.count, 50)
            and "10.9.8.7" in page.text
        )

    # The page looks up the names of the processes and users that entries point to, one
    # query for each kind of record: the fixtures' entries (the users made, their processes)
    # go first, so that the page holds the same kinds of entries at 5 rows as at 50.
    LogEntry.objects.all().delete()
    assert_flat(admin_client_, [url], add, shows, most=12)


@pytest.mark.django_db
def test_admin_user_list_grows_with_users_and_their_apps(admin_client_):
    """The user list shows who has an authenticator app: one subquery, not one per row."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def add(n):
        for i in range(n):
            user = UserFactory(role=Role.REFERRER)
            if i % 2:
                TOTPDevice.objects.create(user=user, name="app", confirmed=True)

    def shows(page, n):
        return len(page.context("cl").result_list) > n

    url = reverse("admin:klientstod_user_changelist")
    assert_flat(admin_client_, [url], add, shows, most=7)


@pytest.mark.django_db
def test_admin_user_page_grows_with_enrolment_codes(admin_client_, users):
    """A user's page lists every enrolment code issued to them, and who issued it."""
    user = users[Role.STEERING]

    def add(n):
        for _ in range(n):
            core.enrolment_code_issue(user=user, by=users[Role.ADMIN])

    def shows(page, n):
        return page.text.count('<td class="field-issued_by">') == n

    url = reverse("admin:klientstod_user_change", args=[user.pk])
    assert_flat(admin_client_, [url], add, shows, most=14)


@pytest.mark.django_db
def test_retention_page_grows_with_clients_due(admin_client_, process, settings):
    settings.KLIENTSTOD_RETENTION_YEARS = 0  # everything closed before today is due

    def add(n):
        for _ in range(n):
            old = CaseFactory(
                process=process,
                start_date=days_ago(300),
                status="closed",
                closed_on=days_ago(200),
                closure_outcome="work",
            )
            MeetingFactory(
                case=old, status="held", journal_note="Samtal", starts_at=hours_from_now(-24 * 250)
            )
            ReferralFactory(
                process=process,
                personnummer=old.client.personnummer,
                received_on=days_ago(310),
                status="actualised",
                decided_on=days_ago(300),
                client=old.client,
                case=old,
            )

    def shows(page, n):
        return len(page.context("due")) == n

    assert_flat(admin_client_, [reverse("klientstod:retention")], add, shows, most=8)


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


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BIBLIOTHERAPIST])
def test_self_assessment_pages_grow_with_questions(role, role_clients, coordinator, case):
    """The answer form has a field per question, the answers page a row per answer."""
    kind = "bibliotherapy" if role == Role.BIBLIOTHERAPIST else "klientstod"
    interventions.offer_save(
        offer=BibliotherapyOffer(case=case, offered_on=case.start_date, response="accepted"),
        by=coordinator,
    )
    texts: list[str] = []
    answered: dict[str, int] = {}

    def add(n):
        start = len(texts)
        texts.extend(f"Fråga nummer {start + i}" for i in range(n))
        form = interventions.questionnaire_save(
            questionnaire=Questionnaire(kind=kind, title="Självskattning"),
            items=[(text, "scale" if i % 2 else "text") for i, text in enumerate(texts)],
        )
        assessment = interventions.assessment_record(
            case=case,
            questionnaire=form,
            occasion="other",
            answered_on=today(),
            answers={item.pk: 2 if item.kind == "scale" else "Svar" for item in form.items.all()},
            by=coordinator,
        )
        answered["pk"] = assessment.pk

    def shows(page, n):
        return page.text.count("Fråga nummer ") == n

    # The answers page of the newest assessment: its questionnaire grows with each round.
    http = role_clients[role]
    create = f"{reverse('interventions:assessment-create', args=[case.pk])}?kind={kind}"
    add(FEW)
    detail = reverse("interventions:assessment-detail", args=[answered["pk"]])
    update = reverse("interventions:assessment-update", args=[answered["pk"]])
    http.get(detail)
    few = {url: measure(http, url) for url in (create, detail, update)}
    assert all(shows(page, FEW) for page in few.values())
    add(MANY - FEW)
    detail_many = reverse("interventions:assessment-detail", args=[answered["pk"]])
    update_many = reverse("interventions:assessment-update", args=[answered["pk"]])
    for url, then in ((create, create), (detail_many, detail), (update_many, update)):
        many = measure(http, url)
        assert shows(many, MANY), url
        assert_same_queries(url, few[then], many, most=9)


@pytest.mark.django_db
def test_bibliotherapy_page_grows_with_the_coordinators_lists(
    coordinator_client, coordinator, process, users
):
    """Still to be offered, declined, groups and information meetings (the participants
    are grown in tests/test_interventions.py)."""
    therapist = users[Role.BIBLIOTHERAPIST]

    def add(n):
        for i in range(n):
            CaseFactory(process=process, coordinator=coordinator)  # still to be offered
            declined = CaseFactory(process=process, coordinator=coordinator)
            interventions.offer_save(
                offer=BibliotherapyOffer(
                    case=declined,
                    offered_on=days_ago(i % 30),
                    response="declined",
                    decline_reason="health",
                ),
                by=coordinator,
            )
            group = BibliotherapyGroupFactory(
                process=process, name=f"Grupp {i}", starts_on=today(), therapist=therapist
            )
            offer = interventions.offer_save(
                offer=BibliotherapyOffer(
                    case=CaseFactory(process=process), offered_on=today(), response="accepted"
                ),
                by=coordinator,
            )
            interventions.participation_set(offer=offer, status="started", group=group)
            interventions.session_record(group=group, held_on=today(), theme="", attended=[offer])
            meeting = InformationMeetingFactory(process=process, held_on=days_ago(i))
            meeting.invited.add(declined)
            meeting.attended.add(declined)

    def shows(page, n):
        return (
            len(page.context("to_offer")) == n
            and len(page.context("declined")) == min(n, 25)
            and len(page.context("groups")) == n
            and len(page.context("meetings")) == min(n, 10)
            and len(page.context("participants")) == n
        )

    url = reverse("interventions:bibliotherapy")
    assert_flat(coordinator_client, [url], add, shows, most=11)


@pytest.mark.django_db
def test_partner_overview_grows_with_contacts_of_partner_units(
    coordinator_client, coordinator, process
):
    def add(n):
        for i in range(n):
            org = OrganisationFactory()
            CollaborationContactFactory(
                process=process,
                organisation=org,
                unit=UnitFactory(organisation=org),
                case=CaseFactory(process=process),
                held_on=days_ago(i % 30),
                kind="case_consultation",
                state="informed",
                created_by=coordinator,
            )

    def shows(page, n):
        return len(page.context("partners")) == n and page.text.count("Enhet ") >= min(n, 30)

    url = reverse("interventions:partner-overview")
    assert_flat(coordinator_client, [url], add, shows, most=10)


# Reports --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.STEERING, Role.EVALUATOR, Role.ADMIN])
def test_report_index_grows_with_processes(role, users, process):
    user = users[role]

    def add(n):
        for _ in range(n):
            user.processes.add(ProcessFactory())

    def shows(page, n):
        listed = len(page.context("processes"))
        return listed == (Process.objects.count() if role == Role.ADMIN else n + 1) > n

    assert_flat(logged_in(user), [reverse("reporting:report-index")], add, shows, most=7)


def grow_a_tertial(process, coordinator, n: int, start: int = 0) -> None:
    """Cases of tertial 2 of 2026 with a meeting, a referral, FIA, an intervention, an offer,
    and a milestone and a cost for the process: what the report counts."""

    for k in range(start, start + n):
        case = CaseFactory(process=process, start_date=D(2026, 5, 2))
        MeetingFactory(
            case=case,
            starts_at=datetime.datetime(2026, 6, 1 + k % 20, 10, tzinfo=datetime.UTC),
            status="no_show",
        )
        ReferralFactory(process=process, entered_by=coordinator, received_on=D(2026, 6, 2))
        fia = FiaFactory(case=case)
        FiaStatusChangeFactory(fia=fia, status="ongoing", changed_on=D(2026, 6, 3))
        InterventionFactory(case=case, kind="studies", starts_on=D(2026, 6, 4))
        BibliotherapyOfferFactory(
            case=case,
            offered_on=D(2026, 6, 5),
            response="declined",
            decline_reason="health",
            created_by=coordinator,
        )
        MilestoneFactory(
            process=process,
            metric="started",
            target=k + 1,
            deadline=D(2026, 5, 1) + datetime.timedelta(days=k),
        )
        CostFactory(
            process=process,
            period_start=D(2026, 5, 1),
            period_end=D(2026, 5, 31),
            category="other",
            amount=100,
            financing="own",
        )


def referred(table: list[list[Any]]) -> Any:
    """The last column of the row "Referred during the period" of an exported table."""
    [row] = [row for row in table if "Remitterade under perioden" in row]
    return [cell for cell in row if cell not in (None, "")][-1]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("preset", ["t2", "year"])
def test_exports_grow_with_what_the_report_counts(
    fmt, preset, evaluator_client, process, coordinator
):
    from openpyxl import load_workbook

    url = f"{reverse('reporting:report-export', args=[process.pk, fmt])}?preset={preset}&year=2026"

    def add(n):
        grow_a_tertial(process, coordinator, n, start=Milestone.objects.count())

    def shows(page, n):
        if fmt == "csv":
            text = page.response.content.decode("utf-8-sig")
            table = list(csv.reader(io.StringIO(text), delimiter=";"))
        else:
            sheet = load_workbook(io.BytesIO(page.response.content)).active
            table = [list(row) for row in sheet.iter_rows(values_only=True)]
        return str(referred(table)) == str(n)

    # The annual report puts each tertial beside the year: five reports of some 21 queries.
    assert_flat(evaluator_client, [url], add, shows, most=112 if preset == "year" else 36)


@pytest.mark.django_db
def test_sus_list_and_download_grow_with_cases(coordinator_client, coordinator, process):
    start, end = days_ago(200), today()
    period = f"preset=custom&year={end.year}&start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
    urls = [
        f"{reverse('reporting:sus-list', args=[process.pk])}?{period}",
        f"{reverse('reporting:sus-download', args=[process.pk])}?{period}",
    ]

    def add(n):
        for i in range(n):
            case = CaseFactory(process=process, coordinator=coordinator)
            if i % 2:
                ConsentFactory(
                    client=case.client, kind=Consent.Kind.SUS_REGISTRATION, given_on=days_ago(5)
                )

    def shows(page, n):
        if page.response["Content-Type"].startswith("application/vnd.openxmlformats"):
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(page.response.content)).active
            return sheet.max_row - 2 == n  # the title and the headings, then a row a case
        return len(page.context("participants")) == n and len(page.context("incomplete")) == n

    assert_flat(coordinator_client, urls, add, shows, most=11)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_plan_page_grows_with_milestones_budget_costs_and_deadlines(role, role_clients, process):
    def add(n):
        start = Milestone.objects.count()
        for k in range(start, start + n):
            MilestoneFactory(
                process=process,
                metric="started",
                target=k,
                deadline=D(2026, 1, 1) + datetime.timedelta(days=k),
            )
            BudgetLineFactory(process=process, year=2000 + k, category="coordinator", granted=1000)
            CostFactory(
                process=process,
                period_start=D(2026, 1, 1),
                period_end=D(2026, 1, 31),
                category="education",
                amount=k,
                financing="forbund",
            )
            ReportingDeadlineFactory(
                process=process,
                kind="tertial_report",
                due_on=D(2026, 1, 1) + datetime.timedelta(days=k),
            )

    def shows(page, n):
        return (
            len(page.context("milestones")) == len(page.context("budget")) == n
            and len(page.context("deadlines")) == n
            and len(page.context("costs")) == min(n, 40)
        )

    url = reverse("reporting:plan", args=[process.pk])
    assert_flat(role_clients[role], [url], add, shows, most=11)


# Form pages and the lists they offer to choose from ---------------------------------------------


@pytest.fixture
def choices(process, coordinator, case, users):
    """Records for the forms to be about, and ``add(n)``: n more of everything a form lists."""
    referral = ReferralFactory(process=process)
    intervention = InterventionFactory(case=case, kind="work", starts_on=today())
    meeting = InformationMeetingFactory(process=process, held_on=today())
    offer = interventions.offer_save(
        offer=BibliotherapyOffer(case=case, offered_on=today(), response="accepted"),
        by=coordinator,
    )
    rounds = itertools.count(1)

    def add(n):
        for _ in range(n):
            k = next(rounds)
            UserFactory(role=Role.COORDINATOR, first_name="Samordnare", processes=[process])
            UserFactory(role=Role.BIBLIOTHERAPIST, first_name="Terapeut", processes=[process])
            org = OrganisationFactory(name=f"Partnerorg {k}")
            process.partners.add(org)
            UnitFactory(organisation=org, name=f"Partnerenhet {k}")
            client = ClientFactory(last_name=f"Klientsson{k}")
            meeting.invited.add(CaseFactory(process=process, client=client))
            SlotFactory(process=process, location=f"Rum {k}", starts_at=hours_from_now(48 + k))
            # Processes the referrer's organisation takes part in, which they may refer to.
            ProcessFactory(name=f"Processen {k}").partners.add(users[Role.REFERRER].organisation)
            BibliotherapyGroupFactory(process=process, name=f"Läsgrupp {k}", starts_on=today())

    return {
        "add": add,
        "client": case.client.pk,
        "case": case.pk,
        "referral": referral.pk,
        "intervention": intervention.pk,
        "information_meeting": meeting.pk,
        "offer": offer.pk,
    }


FORM_PAGES = [
    # (URL name, its argument, who opens it, what the page lists of what ``add`` makes)
    ("klientstod:client-create", None, Role.COORDINATOR, ["Samordnare"]),
    ("klientstod:case-create", "client", Role.COORDINATOR, ["Samordnare"]),
    ("klientstod:case-update", "case", Role.COORDINATOR, ["Samordnare"]),
    ("klientstod:consent-create", "client", Role.COORDINATOR, ["Partnerorg"]),
    ("referrals:referral-create", None, Role.REFERRER, ["Rum ", "Partnerorg", "Processen"]),
    ("referrals:consultation-create", None, Role.REFERRER, ["Processen"]),
    ("referrals:referral-paper-create", None, Role.COORDINATOR, ["Partnerenhet"]),
    ("referrals:referral-actualise", "referral", Role.COORDINATOR, ["Samordnare"]),
    ("interventions:intervention-create", "case", Role.COORDINATOR, ["Partnerenhet"]),
    ("interventions:intervention-update", "intervention", Role.COORDINATOR, ["Partnerenhet"]),
    ("interventions:contact-create", None, Role.COORDINATOR, ["Partnerenhet", "Klientsson"]),
    ("interventions:information-meeting-create", None, Role.COORDINATOR, ["Klientsson"]),
    (
        "interventions:information-meeting-update",
        "information_meeting",
        Role.COORDINATOR,
        ["Klientsson"],
    ),
    ("interventions:group-create", None, Role.COORDINATOR, ["Terapeut"]),
    ("interventions:group-create", None, Role.BIBLIOTHERAPIST, ["Terapeut"]),
    ("interventions:participant-detail", "offer", Role.BIBLIOTHERAPIST, ["Läsgrupp"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "argument", "role", "markers"),
    FORM_PAGES,
    ids=[f"{name}-{role}" for name, _argument, role, _markers in FORM_PAGES],
)
def test_form_pages_grow_with_their_choices(name, argument, role, markers, role_clients, choices):
    url = reverse(name, args=[choices[argument]] if argument else [])

    def shows(page, n):
        return all(page.text.count(marker) >= n for marker in markers)

    assert_flat(role_clients[role], [url], choices["add"], shows, most=13)
