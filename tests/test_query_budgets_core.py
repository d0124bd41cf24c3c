"""Query budgets of the start pages, the client and case pages, the audit log and the admin pages.

See tests/query_budget_helpers.py for how a page is measured at 5 and 50 rows.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.urls import reverse

from interventions import services as interventions
from klientstod import services as core
from klientstod.audit import record_read
from klientstod.models import Consent, Process, Role, User

from .factories import (
    BibliotherapyGroupFactory,
    BibliotherapyOfferFactory,
    CaseFactory,
    CollaborationContactFactory,
    ConsentFactory,
    InterventionFactory,
    MeetingFactory,
    OrganisationFactory,
    ProcessFactory,
    ReferralFactory,
    ReportingDeadlineFactory,
    SlotFactory,
    UnitFactory,
    UserFactory,
    questionnaires,
)
from .query_budget_helpers import (
    assert_flat,
    days_ago,
    hours_from_now,
    logged_in,
    today,
)

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

    assert_flat(coordinator_client, [reverse("klientstod:home")], add, shows, most=16)


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
                allow_overlap=True,  # each call of add() books the same hours again
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
    assert_flat(coordinator_client, [url], add, shows, most=25)


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


# Min dag's outcome buttons and the calendar ----------------------------------------------------


def _local(day: datetime.date, minutes: int) -> datetime.datetime:
    from klientstod.dates import local_time

    return local_time(day) + datetime.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_my_day_with_outcome_buttons_and_notes_to_write_stays_flat(
    coordinator_client, coordinator, process
):
    """Today's started meetings with their outcome buttons (each a form with its token),
    held meetings awaiting their note, and earlier ones awaiting an outcome."""
    made = [0]

    def add(n):
        for _ in range(n):
            made[0] += 1
            case = CaseFactory(process=process, coordinator=coordinator)
            MeetingFactory(case=case, starts_at=_local(today(), made[0]), interpreter_needed=True)
            MeetingFactory(case=case, starts_at=_local(days_ago(1), made[0]), status="held")
            MeetingFactory(case=case, starts_at=_local(days_ago(2), made[0]))

    def shows(page, n):
        return (
            len(page.context("todays_meetings")) == n
            # Today's rows and the earlier ones awaiting an outcome have the buttons.
            and page.text.count('name="status" value="no_show"') == n + min(n, 10)
            and page.context("awaiting_notes_count") == n
            and len(page.context("awaiting_notes")) == min(n, 10)
            and len(page.context("awaiting")) == min(n, 10)
        )

    assert_flat(coordinator_client, [reverse("klientstod:home")], add, shows, most=16)


@pytest.mark.django_db
def test_calendar_week_and_day_grow_with_meetings_and_free_times(
    coordinator_client, coordinator, process
):
    # Next week's: the free times are ahead.
    monday = today() + datetime.timedelta(days=7 - today().weekday())
    made = [0]

    def add(n):
        for _ in range(n):
            made[0] += 1
            case = CaseFactory(process=process, coordinator=coordinator)
            day = monday + datetime.timedelta(days=made[0] % 7)
            MeetingFactory(case=case, starts_at=_local(day, 8 * 60 + made[0]))
            SlotFactory(
                process=process, created_by=coordinator, starts_at=_local(monday, 12 * 60 + made[0])
            )

    def shows(page, n):
        days = page.context("days")
        meetings = sum(len(d.meetings) for d in days)
        expected = n if page.context("view") == "week" else n // 7
        return meetings == expected and sum(len(d.free_times) for d in days) == n

    week = f"{reverse('klientstod:calendar')}?view=week&day={monday}"
    day = f"{reverse('klientstod:calendar')}?view=day&day={monday}"
    assert_flat(coordinator_client, [week, day], add, shows, most=8)
