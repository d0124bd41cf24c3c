"""Every URL × every role: anonymous users are sent to log in, and each role
gets 200, 403 or 404 as SPEC §1 says.

The URL list is read from the resolver, so a new URL without a row here fails
``test_every_url_has_an_access_rule``.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from interventions import link_services
from klientstod import services
from klientstod.models import Role, User
from referrals.models import Letter
from reporting.models import ReportingDeadline, SentReport

from .conftest import built_once, log_in_fully, make_users, session_client
from .factories import (
    BudgetLineFactory,
    CaseFactory,
    ConsentFactory,
    ConsultationFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcessFactory,
    ReferralFactory,
    SlotFactory,
    UserFactory,
    work_with_client,
)

ALL_ROLES = [role.value for role in Role]
COORDINATOR_ONLY = {role: 403 for role in ALL_ROLES} | {Role.COORDINATOR: 200}
REFERRER_ONLY = {role: 403 for role in ALL_ROLES} | {Role.REFERRER: 200}
LIBRARY = COORDINATOR_ONLY | {Role.BIBLIOTHERAPIST: 200}
SECOND_FACTOR_ROLES = (Role.COORDINATOR, Role.BIBLIOTHERAPIST, Role.REFERRER, Role.ADMIN)
SECOND_FACTOR_ROLES_200 = {role: 200 for role in SECOND_FACTOR_ROLES}
SECOND_FACTOR_ROLES_302 = {role: 302 for role in SECOND_FACTOR_ROLES}
REPORT_READERS = {role: 200 for role in ALL_ROLES} | {
    Role.REFERRER: 403,
    Role.BIBLIOTHERAPIST: 403,
}
BOTH = COORDINATOR_ONLY | {Role.REFERRER: 200}

#: Django's own views, guarded by Django: the admin (staff only) and the
#: language switch, login and logout, which everyone may use.
NOT_OURS = {"set_language", "login", "logout"}


@dataclass
class Rule:
    expected: dict[str, int]
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda objects: {}
    method: str = "get"
    # The status a coordinator of another process gets for this object.
    other_process: int | None = None
    # The status another referrer gets for this object.
    other_referrer: int | None = None
    # Public pages answer anonymous users too.
    public: bool = False
    data: dict[str, Any] = field(default_factory=dict)


def _case(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["case"].pk}


def _case_pk(o: dict[str, Any]) -> dict[str, Any]:
    return {"case_pk": o["case"].pk}


def _referral(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["referral"].pk}


def _identity_provider(o: dict[str, Any]) -> dict[str, Any]:
    from klientstod.sso.models import IdentityProvider

    provider, _made = IdentityProvider.objects.get_or_create(
        slug="kommunen",
        defaults={"name": "Kommunen", "issuer": "http://127.0.0.1:9", "client_id": "klientstod"},
    )
    return {"slug": provider.slug}


RULES: dict[str, Rule] = {
    # The referrer's start page is "My referrals", the bibliotherapist's "Bibliotherapy".
    "klientstod:home": Rule(
        {role: 200 for role in ALL_ROLES} | {Role.REFERRER: 302, Role.BIBLIOTHERAPIST: 302}
    ),
    "klientstod:accessibility": Rule({role: 200 for role in ALL_ROLES}, public=True),
    "klientstod:health": Rule({role: 200 for role in ALL_ROLES}, public=True),
    # The SMS gateway's delivery reports: no login, a secret in the address instead (a
    # wrong one is a 404: tests/test_reminders.py).
    "reminders:delivery-report": Rule(
        {role: 200 for role in ALL_ROLES},
        lambda o: {"secret": settings.KLIENTSTOD_SMS_CALLBACK_SECRET},
        method="post",
        public=True,
        data={"id": "s-unknown", "status": "delivered"},
    ),
    # The second factor: roles that have an app set up are asked for the code; the
    # others are offered to set one up (the page asks for an enrolment code first).
    "two-factor": Rule({role: 302 for role in ALL_ROLES} | SECOND_FACTOR_ROLES_200),
    "two-factor-setup": Rule({role: 200 for role in ALL_ROLES} | SECOND_FACTOR_ROLES_302),
    # Sign-in through an identity provider: whoever is logged in is sent on; anyone else
    # to the provider (which here cannot be reached, so back to the login page with a
    # message), and an answer from it without a sign-in begun here back to the login page.
    "sso-start": Rule({role: 302 for role in ALL_ROLES}, _identity_provider),
    "sso-callback": Rule({role: 302 for role in ALL_ROLES}, _identity_provider),
    # Everyone changes their own password.
    "password_change": Rule({role: 200 for role in ALL_ROLES}),
    "password_change_done": Rule({role: 200 for role in ALL_ROLES}),
    "klientstod:audit-log": Rule({role: 403 for role in ALL_ROLES} | {Role.ADMIN: 200}),
    "klientstod:retention": Rule({role: 403 for role in ALL_ROLES} | {Role.ADMIN: 200}),
    # The user's own calendar subscription; the feed itself is read by calendar apps with
    # no session, the secret token in its address being the key (tests/test_calendar_feed.py).
    "klientstod:calendar-subscription": Rule(COORDINATOR_ONLY),
    "klientstod:calendar-subscription-revoke": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302}, method="post"
    ),
    "klientstod:calendar-feed": Rule(
        {role: 200 for role in ALL_ROLES}, lambda o: {"token": o["feed_token"]}, public=True
    ),
    "klientstod:case-close": Rule(COORDINATOR_ONLY, _case, other_process=404),
    "klientstod:case-follow-up": Rule(COORDINATOR_ONLY, _case, other_process=404),
    "klientstod:case-list": Rule(COORDINATOR_ONLY),
    "klientstod:client-create": Rule(COORDINATOR_ONLY),
    "klientstod:case-detail": Rule(COORDINATOR_ONLY, _case, other_process=404),
    "klientstod:case-update": Rule(COORDINATOR_ONLY, _case, other_process=404),
    "klientstod:meeting-create": Rule(
        COORDINATOR_ONLY, lambda o: {"case_pk": o["case"].pk}, other_process=404
    ),
    "klientstod:client-detail": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["case"].client_id}, other_process=404
    ),
    "klientstod:client-update": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["case"].client_id}, other_process=404
    ),
    "klientstod:case-create": Rule(
        COORDINATOR_ONLY, lambda o: {"client_pk": o["case"].client_id}, other_process=404
    ),
    "klientstod:consent-create": Rule(
        COORDINATOR_ONLY, lambda o: {"client_pk": o["case"].client_id}, other_process=404
    ),
    "klientstod:consent-withdraw": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302},
        lambda o: {"pk": o["consent"].pk},
        method="post",
        other_process=404,
    ),
    "klientstod:meeting-update": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["meeting"].pk}, other_process=404
    ),
    "klientstod:meeting-outcome": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["meeting"].pk}, other_process=404
    ),
    # A meeting's row on Min dag, and the forms its buttons open there.
    "klientstod:meeting-row": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["meeting"].pk}, other_process=404
    ),
    "klientstod:meeting-note": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["held_meeting"].pk}, other_process=404
    ),
    "klientstod:calendar": Rule(COORDINATOR_ONLY),
    "klientstod:calendar-book": Rule(
        COORDINATOR_ONLY,
        data={"at": f"{timezone.localdate() + datetime.timedelta(days=3):%Y-%m-%d}T10:00"},
    ),
    # The admin lets in staff only; everyone else is sent to its login.
    "admin:index": Rule({role: 302 for role in ALL_ROLES} | {Role.ADMIN: 200}),
    # Referrals
    "referrals:information": Rule({role: 200 for role in ALL_ROLES}, public=True),
    "referrals:referral-create": Rule(REFERRER_ONLY),
    "referrals:referral-mine": Rule(REFERRER_ONLY),
    "referrals:referral-sent": Rule(REFERRER_ONLY, _referral, other_referrer=404),
    "referrals:referral-inbox": Rule(COORDINATOR_ONLY),
    "referrals:referral-paper-create": Rule(COORDINATOR_ONLY),
    "referrals:referral-detail": Rule(BOTH, _referral, other_process=404, other_referrer=404),
    "referrals:referral-actualise": Rule(COORDINATOR_ONLY, _referral, other_process=404),
    "referrals:referral-decline": Rule(COORDINATOR_ONLY, _referral, other_process=404),
    "referrals:referral-letter": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["decided"].pk}, other_process=404
    ),
    "referrals:slot-list": Rule(COORDINATOR_ONLY),
    "referrals:slot-delete": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302},
        lambda o: {"pk": o["slot"].pk},
        method="post",
        other_process=404,
    ),
    # A free time is withdrawn after a confirmation page.
    "referrals:slot-delete/confirm": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["slot"].pk}, other_process=404
    ),
    "referrals:consultation-list": Rule(BOTH),
    "referrals:consultation-create": Rule(REFERRER_ONLY),
    "referrals:consultation-detail": Rule(
        BOTH, lambda o: {"pk": o["consultation"].pk}, other_process=404, other_referrer=404
    ),
    # The work with the client
    "interventions:fia": Rule(COORDINATOR_ONLY, _case_pk, other_process=404),
    "interventions:fia-edit": Rule(COORDINATOR_ONLY, _case_pk, other_process=404),
    "interventions:fia-pdf": Rule(COORDINATOR_ONLY, _case_pk, other_process=404),
    "interventions:assessment-create": Rule(LIBRARY, _case_pk, other_process=404),
    "interventions:assessment-detail": Rule(
        LIBRARY, lambda o: {"pk": o["assessment"].pk}, other_process=404
    ),
    "interventions:assessment-update": Rule(
        LIBRARY, lambda o: {"pk": o["assessment"].pk}, other_process=404
    ),
    "interventions:offer-create": Rule(COORDINATOR_ONLY, _case_pk, other_process=404),
    # Self-assessment links: the coordinator sends, shows and revokes them; the QR page
    # shows only a code this session made (else back to the case).
    "interventions:link-create": Rule(COORDINATOR_ONLY, _case_pk, other_process=404),
    "interventions:link-qr": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302},
        lambda o: {"pk": o["assessment_link"].pk},
        other_process=404,
    ),
    "interventions:link-revoke": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302},
        lambda o: {"pk": o["assessment_link"].pk},
        method="post",
        other_process=404,
    ),
    # The client's page: anyone with a valid token, logged in or not (a wrong token: 404,
    # tests/test_self_assessment_links.py).
    "interventions:link-answer": Rule(
        {role: 200 for role in ALL_ROLES}, lambda o: {"token": o["link_token"]}, public=True
    ),
    "interventions:offer-update": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["offer"].pk}, other_process=404
    ),
    "interventions:bibliotherapy": Rule(LIBRARY),
    "interventions:participant-detail": Rule(
        LIBRARY, lambda o: {"pk": o["offer"].pk}, other_process=404
    ),
    "interventions:group-create": Rule(LIBRARY),
    "interventions:group-detail": Rule(LIBRARY, lambda o: {"pk": o["group"].pk}, other_process=404),
    "interventions:information-meeting-create": Rule(COORDINATOR_ONLY),
    "interventions:information-meeting-update": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["information_meeting"].pk}, other_process=404
    ),
    "interventions:intervention-create": Rule(COORDINATOR_ONLY, _case_pk, other_process=404),
    "interventions:intervention-update": Rule(
        COORDINATOR_ONLY, lambda o: {"pk": o["intervention"].pk}, other_process=404
    ),
    "interventions:partner-overview": Rule(COORDINATOR_ONLY),
    # Reports: aggregates for those who report and those reported to.
    "reporting:report-index": Rule(REPORT_READERS),
    "reporting:report": Rule(
        REPORT_READERS, lambda o: {"process_pk": o["case"].process_id}, other_process=404
    ),
    "reporting:dashboard": Rule(
        REPORT_READERS, lambda o: {"process_pk": o["case"].process_id}, other_process=404
    ),
    "reporting:report-export": Rule(
        REPORT_READERS,
        lambda o: {"process_pk": o["case"].process_id, "fmt": "xlsx"},
        other_process=404,
    ),
    "reporting:plan": Rule(
        COORDINATOR_ONLY | {Role.ADMIN: 200},
        lambda o: {"process_pk": o["case"].process_id},
        other_process=404,
    ),
    "reporting:plan-item": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302, Role.ADMIN: 302},
        lambda o: {"process_pk": o["case"].process_id, "kind": "deadline", "pk": o["deadline"].pk},
        method="post",
        other_process=404,
    ),
    # The per-person SUS list is off unless a process opts in (none here): 404 for the
    # coordinator; tests/test_finsam.py opens it for a process that has.
    # Milestones, budget lines, costs and calendar entries: removed after a confirmation page,
    # by those who plan the process only.
    "reporting:plan-item-delete": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302, Role.ADMIN: 302},
        lambda o: {"process_pk": o["case"].process_id, "kind": "budget", "pk": o["budget"].pk},
        method="post",
        other_process=404,
    ),
    "reporting:plan-item-delete/confirm": Rule(
        COORDINATOR_ONLY | {Role.ADMIN: 200},
        lambda o: {
            "process_pk": o["case"].process_id,
            "kind": "milestone",
            "pk": o["milestone"].pk,
        },
        other_process=404,
    ),
    "reporting:sus-list": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 404},
        lambda o: {"process_pk": o["case"].process_id},
        other_process=404,
    ),
    "reporting:sus-download": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 404},
        lambda o: {"process_pk": o["case"].process_id},
        other_process=404,
    ),
    # The coordinator sends a report to the board (an ended tertial); every reader of the
    # process's reports downloads what was sent.
    "reporting:report-send": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302},
        lambda o: {"process_pk": o["case"].process_id},
        method="post",
        other_process=404,
        data={"preset": "t3", "year": "2025"},
    ),
    "reporting:sent-report-download": Rule(
        REPORT_READERS,
        lambda o: {"process_pk": o["case"].process_id, "pk": o["sent_report"].pk},
        other_process=404,
    ),
    # Uppföljning Finsam: the deltagaransvarig (coordinator, administrator), over the
    # processes each may see.
    "reporting:finsam": Rule(COORDINATOR_ONLY | {Role.ADMIN: 200}),
    "reporting:finsam-export": Rule(COORDINATOR_ONLY | {Role.ADMIN: 200}),
    "reporting:report-pdf": Rule(
        REPORT_READERS, lambda o: {"process_pk": o["case"].process_id}, other_process=404
    ),
    # The comments under the report's sections: the coordinator writes, the others read.
    "reporting:report-comment": Rule(
        COORDINATOR_ONLY | {Role.COORDINATOR: 302},
        lambda o: {"process_pk": o["case"].process_id},
        method="post",
        other_process=404,
        data={"section": "referrals", "text": "Inflödet är lågt i sommar."},
    ),
    "interventions:contact-create": Rule(COORDINATOR_ONLY),
}


def _url_name(key: str) -> str:
    """The URL a rule is for: a second rule for one URL (another method) is ``name/what``."""
    return key.split("/")[0]


def named_urls(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.namespace == "admin":
                continue  # Django's admin; its index is checked as a whole below
            names |= named_urls(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


def test_every_url_has_an_access_rule():
    ruled = {_url_name(key) for key in RULES}
    missing = named_urls() - ruled - NOT_OURS
    assert not missing, f"URLs without an access rule in tests/test_access.py: {sorted(missing)}"
    assert not (ruled - named_urls() - {"admin:index"}), "rules for URLs that no longer exist"


def _objects(case, users, process, coordinator) -> dict[str, Any]:
    referrer = users[Role.REFERRER]
    mine = {"process": process, "referrer": referrer, "organisation": referrer.organisation}
    decided = ReferralFactory(**mine, status="not_relevant", not_relevant_reason="work")
    Letter.objects.create(referral=decided, kind=Letter.Kind.NOT_RELEVANT, created_by=coordinator)
    return {
        "case": case,
        "meeting": MeetingFactory(case=case),
        "held_meeting": MeetingFactory(
            case=case, status="held", starts_at=timezone.now() - datetime.timedelta(days=1)
        ),
        "consent": ConsentFactory(client=case.client),
        "referral": ReferralFactory(**mine),
        "decided": decided,
        "slot": SlotFactory(process=process, created_by=coordinator),
        "consultation": ConsultationFactory(process=process, asked_by=referrer),
        **work_with_client(case, coordinator),
        **_assessment_link(case, coordinator),
        "feed_token": services.calendar_feed_renew(user=coordinator),
        "deadline": ReportingDeadline.objects.create(
            process=process, kind="tertial_report", due_on=case.start_date
        ),
        "sent_report": SentReport.objects.create(
            process=process,
            kind="tertial_report",
            period_start=datetime.date(2025, 9, 1),
            period_end=datetime.date(2025, 12, 31),
            period_label="Tertial 3 2025",
            sent_on=datetime.date(2026, 1, 10),
            sent_by=coordinator,
            pdf=b"%PDF-1.7 sent",
            sha256=hashlib.sha256(b"%PDF-1.7 sent").hexdigest(),
            figures={"format": 1, "rows": []},
        ),
        "milestone": MilestoneFactory(process=process),
        "budget": BudgetLineFactory(process=process),
    }


def _assessment_link(case, coordinator) -> dict[str, Any]:
    new = link_services.link_create(
        case=case, occasion="other", channel="qr", translation=None, recipient="", by=coordinator
    )
    return {"assessment_link": new.link, "link_token": new.token}


@dataclass
class Matrix:
    """The records every check reads, and a logged-in session per role and per outsider."""

    process: Any
    other_process: Any
    objects: dict[str, Any]
    sessions: dict[str, str]

    def request(self, who: str | None, name: str) -> HttpResponse:
        """``who`` (a role, ``outsider`` or ``other_referrer``; None: anonymous) asks for
        ``name``; whatever the request writes is rolled back."""
        rule = RULES[name]
        http = session_client(self.sessions[who]) if who else HttpClient()
        with transaction.atomic():
            response = getattr(http, rule.method)(self.url(name), rule.data)
            transaction.set_rollback(True)
        return response

    def url(self, name: str) -> str:
        return reverse(_url_name(name), kwargs=RULES[name].kwargs(self.objects))


def _session(user) -> str:
    http = HttpClient()
    log_in_fully(http, user)
    return http.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker) -> Iterator[Matrix]:
    """Built once for the module; each test runs in a savepoint inside it."""
    with built_once(django_db_blocker):
        with django_db_blocker.unblock():
            process, other_process = ProcessFactory(), ProcessFactory()
            users = make_users(process)
            coordinator = users[Role.COORDINATOR]
            case = CaseFactory(process=process, coordinator=coordinator)
            objects = _objects(case, users, process, coordinator)
            # A coordinator of another process (and data controller), with work of their own.
            outsider = UserFactory(role=Role.COORDINATOR, processes=[other_process])
            CaseFactory(process=other_process, coordinator=outsider)
            # Another referrer at the same organisation as the referral's.
            other_referrer = UserFactory(
                role=Role.REFERRER, organisation=objects["referral"].organisation
            )
            people = users | {"outsider": outsider, "other_referrer": other_referrer}
            sessions = {who: _session(user) for who, user in people.items()}
        yield Matrix(process, other_process, objects, sessions)


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(RULES))
def test_anonymous_is_sent_to_log_in(name, matrix):
    response = matrix.request(None, name)
    if RULES[name].public:
        assert response.status_code == 200, name
    else:
        assert response.status_code == 302, name
        assert "/login/" in response["Location"], name


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_gets_what_spec_allows(name, matrix):
    """Every role on this URL; a failure lists each role that got something else."""
    expected = RULES[name].expected
    wrong = []
    for role in ALL_ROLES:
        status = matrix.request(role, name).status_code
        if status != expected[role]:
            wrong.append(f"{role} on {name} ({matrix.url(name)}): {status}, not {expected[role]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r.other_process))
def test_coordinator_of_another_process_gets_404(name, matrix):
    response = matrix.request("outsider", name)
    assert response.status_code == RULES[name].other_process, name


@pytest.mark.parametrize(
    "name",
    sorted(
        n for n, r in RULES.items() if r.method == "get" and r.expected[Role.COORDINATOR] == 200
    ),
)
def test_coordinator_of_another_controller_learns_nothing_of_this_ones_people(name, matrix):
    """Every page a coordinator may open, as the coordinator of another organisation's process."""
    assert matrix.other_process.owner_id != matrix.process.owner_id  # another data controller
    response = matrix.request("outsider", name)
    assert response.status_code in (200, RULES[name].other_process or 200)
    objects = matrix.objects
    people = [objects["case"].client, objects["referral"], objects["decided"]]
    if response.status_code == 200 and response["Content-Type"].startswith("text/"):
        body = response.content.decode()
        for person in people:
            assert person.last_name not in body, f"{name} shows {person.last_name}"
            assert person.personnummer not in body


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r.other_referrer))
def test_another_referrer_gets_404(name, matrix):
    response = matrix.request("other_referrer", name)
    assert response.status_code == RULES[name].other_referrer, name


def test_inactive_user_is_refused(matrix):
    case = matrix.objects["case"]
    User.objects.filter(pk=case.coordinator_id).update(is_active=False)
    url = reverse("klientstod:case-detail", args=[case.pk])
    response = session_client(matrix.sessions[Role.COORDINATOR]).get(url)
    assert response.status_code in (302, 403)
