"""The audit log: who did what to whom, never the data itself; every read; the review page."""

from __future__ import annotations

import datetime
import json

import pytest
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klientstod import audit, crypto, retention
from klientstod.models import Case, Client, Role, User
from klientstod.sso.models import IdentityProvider, ProviderIdentity
from referrals import services as referral_services
from referrals.models import Referral

from .factories import (
    CaseFactory,
    ClientFactory,
    OrganisationFactory,
    ProcessFactory,
    ReferralFactory,
    UserFactory,
    questionnaires,
)

ACCESS = LogEntry.Action.ACCESS
TODAY = timezone.localdate

#: The user page lists the enrolment codes issued (an inline formset, none added here).
NO_ENROLMENT_CODES = {"enrolment_codes-TOTAL_FORMS": "0", "enrolment_codes-INITIAL_FORMS": "0"}


def days_ago(n: int) -> str:
    return (TODAY() - datetime.timedelta(days=n)).isoformat()


def reads_of(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=ACCESS,
            content_type=ContentType.objects.get_for_model(obj),
            object_pk=str(obj.pk),
        )
        .select_related("actor")
        .order_by("pk")
    )


def stored(entry: LogEntry) -> str:
    """Everything an entry holds about its record, as one text."""
    return " ".join(
        json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        for value in (
            entry.changes,
            entry.changes_text,
            entry.object_repr,
            entry.additional_data,
            entry.serialized_data,
        )
    )


def personnummer_forms(number: str) -> list[str]:
    """Every way a personnummer can be written, and its index."""
    digits = number.replace("-", "")
    return [number, digits, digits[2:], f"{digits[2:8]}-{digits[8:]}", crypto.index(number)]


# Reads ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reading_a_case_and_its_client_is_logged_with_user_and_address(
    coordinator_client, coordinator, case
):
    coordinator_client.get(case.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    coordinator_client.get(case.client.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    entries = reads_of(case.client)
    assert [e.additional_data["page"] for e in entries] == ["case page", "client page"]
    assert {(e.actor, e.remote_addr) for e in entries} == {(coordinator, "10.1.2.3")}
    assert {e.object_repr for e in entries} == {f"client:{case.client.pk}"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.REFERRER])
def test_reading_a_referral_is_logged_against_it_before_there_is_a_client(
    role, role_clients, users, process
):
    referrer = users[Role.REFERRER]
    referral = ReferralFactory(process=process, referrer=referrer, entered_by=referrer)
    assert referral.client_id is None
    response = role_clients[role].get(reverse("referrals:referral-detail", args=[referral.pk]))
    assert response.status_code == 200
    [read] = reads_of(referral)
    assert (read.actor, read.additional_data) == (users[role], {"page": "referral page"})
    assert read.object_repr == f"referral:{referral.pk}"


@pytest.mark.django_db
def test_the_not_relevant_letter_is_a_read_of_the_referral(
    coordinator_client, coordinator, process
):
    referral = ReferralFactory(process=process)
    referral_services.referral_decline(referral=referral, reason="work", note="", by=coordinator)
    response = coordinator_client.get(reverse("referrals:referral-letter", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    [read] = reads_of(referral)
    assert read.additional_data == {
        "page": "letter PDF",
        "object": f"letter:{referral.letter.pk}",
    }


@pytest.mark.django_db
def test_opening_the_fia_form_is_a_read(coordinator_client, coordinator, case):
    response = coordinator_client.get(reverse("interventions:fia-edit", args=[case.pk]))
    assert response.status_code == 200
    [read] = reads_of(case.client)
    assert (read.actor, read.additional_data) == (
        coordinator,
        {"page": "FIA form", "object": f"case:{case.pk}"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reporting:sus-list", "reporting:sus-download"])
def test_the_sus_list_is_a_read_of_every_client_on_it_in_one_insert(
    name, coordinator_client, coordinator, process
):
    cases = [CaseFactory(process=process, coordinator=coordinator) for _ in range(3)]
    CaseFactory()  # another process: not on the list
    period = f"preset=custom&year={TODAY().year}&start={days_ago(200)}&end={days_ago(0)}"
    url = f"{reverse(name, args=[process.pk])}?{period}"
    coordinator_client.get(url)  # content types and translations cached
    LogEntry.objects.filter(action=ACCESS).delete()
    with CaptureQueriesContext(connection) as queries:
        response = coordinator_client.get(url, REMOTE_ADDR="10.4.4.4")
    assert response.status_code == 200
    page = "SUS list" if name.endswith("list") else "SUS download"
    reads = LogEntry.objects.filter(action=ACCESS).order_by("object_id")
    assert [(r.object_id, r.additional_data) for r in reads] == [
        (c.client_id, {"page": page, "object": f"case:{c.pk}"}) for c in cases
    ]
    assert {(r.actor, r.remote_addr, r.object_repr.split(":")[0]) for r in reads} == {
        (coordinator, "10.4.4.4", "client")
    }
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "auditlog_logentry"')]
    assert len(inserts) == (1 if page == "SUS list" else 2)  # the download's own entry, too


@pytest.mark.django_db
def test_a_caseload_search_logs_its_hits_never_the_words(coordinator_client, coordinator, process):
    found = CaseFactory(process=process, coordinator=coordinator, client__last_name="Sökbarsson")
    CaseFactory(process=process, coordinator=coordinator)
    url = reverse("klientstod:case-list")
    coordinator_client.get(url)
    assert not LogEntry.objects.filter(action=ACCESS).exists()  # no search, no entry
    coordinator_client.post(url, {"q": "Sökbars"})
    coordinator_client.get(url)
    coordinator_client.post(url, {"q": found.client.personnummer})
    coordinator_client.get(url)
    searches = list(LogEntry.objects.filter(action=ACCESS).order_by("pk"))
    assert [(s.actor, s.additional_data) for s in searches] == [
        (coordinator, {"page": "caseload search", "hits": 1}),
        (coordinator, {"page": "caseload search", "hits": 1}),
    ]
    for entry in searches:
        text = stored(entry)
        assert "Sökbars" not in text
        assert not any(form in text for form in personnummer_forms(found.client.personnummer))


@pytest.mark.django_db
def test_a_read_costs_one_query(coordinator_client, case):
    coordinator_client.get(case.get_absolute_url())  # content types cached
    with CaptureQueriesContext(connection) as queries:
        coordinator_client.get(case.get_absolute_url())
    inserts = [q["sql"] for q in queries if "auditlog_logentry" in q["sql"]]
    assert len(inserts) == 1
    assert inserts[0].upper().startswith("INSERT")


@pytest.mark.django_db
def test_a_download_of_personal_data_is_in_the_audit_log(coordinator_client, coordinator, case):
    url = reverse("reporting:sus-download", args=[case.process_id]) + "?preset=year&year=2026"
    coordinator_client.get(url, REMOTE_ADDR="10.9.8.7")
    entry = LogEntry.objects.get(content_type__model="download")
    assert (entry.action, entry.actor, entry.remote_addr) == (
        LogEntry.Action.CREATE,
        coordinator,
        "10.9.8.7",
    )


# Changes: the fields and the codes, never the data -------------------------------------------


class Markers:
    """Recognisable strings to type into every free-text and contact field."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def __call__(self, length: int = 12) -> str:
        text = f"Mq{len(self.made):02d}zx"[:length]
        self.made.append(text)
        return text

    def phone(self) -> str:
        text = f"070-99{len(self.made):02d} 77"
        self.made.append(text)
        return text

    def email(self) -> str:
        text = f"mq{len(self.made):02d}zx@exempel.se"
        self.made.append(text)
        return text


@pytest.mark.django_db
def test_the_log_keeps_fields_and_codes_never_the_data(role_clients, users, process, admin_client_):
    """Every audited model's free text and contact details, typed through the real pages."""
    coordinator = users[Role.COORDINATOR]
    http, portal = role_clients[Role.COORDINATOR], role_clients[Role.REFERRER]
    mark = Markers()

    def post(client: HttpClient, url: str, data: dict) -> None:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:3000])

    # A referral from the portal, declined with a note (the letter is made).
    number = "19850312-1231"
    post(
        portal,
        reverse("referrals:referral-create"),
        {
            "process": process.pk,
            "personnummer": number,
            "first_name": mark(),
            "last_name": mark(),
            "phone": mark.phone(),
            "email": mark.email(),
            "street_address": mark(),
            "postal_code": "269 31",
            "city": mark(),
            "language": mark(),
            "income_source": "economic_assistance",
            "income_source_months": "48",
            "tried_before": mark(),
            "reason": mark(),
            "expectations": mark(),
            "consent_to_referral": "on",
        },
    )
    referral = Referral.objects.get()
    post(
        http,
        reverse("referrals:referral-decline", args=[referral.pk]),
        {"reason": "illness", "note": mark()},
    )
    # A consultation and its reply.
    post(
        portal,
        reverse("referrals:consultation-create"),
        {"process": process.pk, "subject": mark(), "body": mark()},
    )
    from referrals.models import Consultation

    consultation = Consultation.objects.get()
    post(http, reverse("referrals:consultation-detail", args=[consultation.pk]), {"body": mark()})

    # The client, registered and then edited: every contact field, and two codes.
    client_data = {
        "client-personnummer": number,
        "client-first_name": mark(),
        "client-last_name": mark(),
        "client-gender": "",
        "client-language": mark(),
        "client-interpreter_needed": "on",
        "client-phone": mark.phone(),
        "client-email": mark.email(),
        "client-street_address": mark(),
        "client-postal_code": "269 31",
        "client-city": mark(),
        "client-income_source": "economic_assistance",
        "client-income_source_months": "36",
        "client-education_level": "primary",
        "case-process": process.pk,
        "case-coordinator": coordinator.pk,
        "case-start_date": days_ago(400),
    }
    post(http, reverse("klientstod:client-create"), client_data)
    client = Client.objects.get()
    case = Case.objects.get()
    edited = {
        **client_data,
        "client-first_name": mark(),
        "client-last_name": mark(),
        "client-language": mark(),
        "client-phone": mark.phone(),
        "client-email": mark.email(),
        "client-street_address": mark(),
        "client-city": mark(),
        "client-income_source": "sickness_benefit",
        "client-version": client.version,
    }
    post(http, reverse("klientstod:client-update", args=[client.pk]), edited)

    # A meeting booked at a place and held with a journal note; a consent with a note.
    starts = timezone.localtime() - datetime.timedelta(days=300)
    post(
        http,
        reverse("klientstod:meeting-create", args=[case.pk]),
        {
            "kind": "alliance",
            "starts_at": f"{starts:%Y-%m-%dT%H:%M}",
            "duration_minutes": "60",
            "location": mark(),
        },
    )
    meeting = case.meetings.get()
    post(
        http,
        reverse("klientstod:meeting-outcome", args=[meeting.pk]),
        {"status": "held", "journal_note": mark()},
    )
    post(
        http,
        reverse("klientstod:consent-create", args=[client.pk]),
        {"kind": "sus_registration", "given_on": days_ago(300), "note": mark()},
    )

    # FIA: every area, the goals, the assessment and a plan row; then its status.
    questions = {f"area_{key}": mark() for key in ("housing", "mental_health", "work_goals")}
    post(
        http,
        reverse("interventions:fia-edit", args=[case.pk]),
        {
            **questions,
            "client_goals": mark(),
            "assessment": mark(),
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-0-goal": mark(),
            "plan-0-sub_goal": mark(),
            "plan-0-activity": mark(),
            "plan-0-responsible": mark(),
            "plan-0-follow_up_on": days_ago(-30),
        },
    )
    post(http, reverse("interventions:fia", args=[case.pk]), {"status": "ongoing"})

    # A self-assessment with a free-text answer; a bibliotherapy offer, an intervention and a
    # partner contact, each with a note.
    form = questionnaires()["klientstod"]
    scale, text = form.items.all()
    post(
        http,
        reverse("interventions:assessment-create", args=[case.pk]),
        {
            "occasion": "start",
            "answered_on": days_ago(300),
            f"item_{scale.pk}": "3",
            f"item_{text.pk}": mark(),
        },
    )
    post(
        http,
        reverse("interventions:offer-create", args=[case.pk]),
        {"offered_on": days_ago(290), "response": "accepted", "note": mark()},
    )
    post(
        http,
        reverse("interventions:intervention-create", args=[case.pk]),
        {"kind": "work", "starts_on": days_ago(280), "status": "ongoing", "note": mark()},
    )
    partner = OrganisationFactory(name="Partnern")
    http.post(
        reverse("klientstod:consent-create", args=[client.pk]),
        {"kind": "information_sharing", "organisation": partner.pk, "given_on": days_ago(300)},
    )
    post(
        http,
        reverse("interventions:contact-create"),
        {
            "process": process.pk,
            "organisation": partner.pk,
            "held_on": days_ago(270),
            "kind": "case_consultation",
            "state": "established",
            "case": case.pk,
            "note": mark(),
        },
    )

    # The case closed (codes) and followed up (free text); the SUS list downloaded.
    post(
        http,
        reverse("klientstod:case-close", args=[case.pk]),
        {
            "closed_on": days_ago(200),
            "outcome": "work",
            "income_source_end": "employment",
            "followup_consent": "on",
        },
    )
    post(
        http,
        reverse("klientstod:case-follow-up", args=[case.pk]),
        {"done_on": days_ago(1), "result": mark()},
    )
    period = f"?preset=custom&year={TODAY().year}&start={days_ago(500)}&end={days_ago(0)}"
    download = http.get(reverse("reporting:sus-download", args=[process.pk]) + period)
    assert download.status_code == 200

    # A user's name and contact details, changed by the administrator. (Staff names show on
    # /audit/ as the actors and in the choice of users; a client's never.)
    about_clients = list(mark.made)
    worker = UserFactory(role=Role.COORDINATOR, processes=[process])
    post(
        admin_client_,
        reverse("admin:klientstod_user_change", args=[worker.pk]),
        {
            "username": worker.username,
            "first_name": mark(),
            "last_name": mark(),
            "email": mark.email(),
            "phone": mark.phone(),
            "is_active": "on",
            "role": Role.COORDINATOR,
            "processes": [process.pk],
            "date_joined_0": days_ago(10),
            "date_joined_1": "10:00:00",
            **NO_ENROLMENT_CODES,
        },
    )

    # An identity provider set up in the administration, with a group mapping, and later
    # changed; an account's link to it removed. The models only the administration writes
    # are written through its pages here like the others.
    organisation = OrganisationFactory(name="Kommunen")
    issuer = f"https://idp-{len(mark.made)}mqzx.example/v2.0"
    mark.made.append(issuer)
    provider_data = {
        "name": mark(),
        "slug": mark().lower(),
        "active": "on",
        "organisations": [organisation.pk],
        "roles": [Role.COORDINATOR],
        "issuer": issuer,
        "client_id": mark(),
        "client_secret": mark(),
        "scopes": "openid email profile",
        "mfa_amr_values": "mfa",
        "upn_claim": "upn",
        "groups_claim": "groups",
        "group_mapping": "on",
        "group_mappings-TOTAL_FORMS": "1",
        "group_mappings-INITIAL_FORMS": "0",
        "group_mappings-0-group": mark(),
        "group_mappings-0-organisation": organisation.pk,
        "group_mappings-0-role": Role.COORDINATOR,
        "group_mappings-0-processes": [process.pk],
    }
    post(admin_client_, reverse("admin:sso_identityprovider_add"), provider_data)
    provider = IdentityProvider.objects.get()
    first_secret = provider.client_secret_encrypted
    mapping = provider.group_mappings.get()
    post(
        admin_client_,
        reverse("admin:sso_identityprovider_change", args=[provider.pk]),
        {
            **provider_data,
            "client_id": mark(),
            "client_secret": mark(),
            "group_mappings-INITIAL_FORMS": "1",
            "group_mappings-0-id": mapping.pk,
            "group_mappings-0-provider": provider.pk,
            "group_mappings-0-group": mark(),
        },
    )
    provider.refresh_from_db()
    with disable_auditlog():  # made at a sign-in through the provider, not tested here
        link = ProviderIdentity.objects.create(provider=provider, user=worker, subject=mark())
    post(
        admin_client_,
        reverse("admin:sso_provideridentity_delete", args=[link.pk]),
        {"post": "yes"},
    )

    entries = list(LogEntry.objects.select_related("content_type"))
    # Every audited model was written to through these pages.
    written = {e.content_type.model_class() for e in entries if e.action != ACCESS}
    assert set(audit.audited_models()) <= written, set(audit.audited_models()) - written
    forbidden = [
        *mark.made,
        *personnummer_forms(number),
        first_secret,
        provider.client_secret_encrypted,
    ]
    for entry in entries:
        text = stored(entry)
        leaked = [word for word in forbidden if word in text]
        assert not leaked, (entry.content_type.model, entry.action, leaked, text)

    # What the log does keep: which fields changed, and the codes before and after.
    def changes(model, action=LogEntry.Action.UPDATE):
        return [
            e.changes
            for e in entries
            if e.content_type.model == model and e.action == action and e.changes
        ]

    client_change = changes("client")[0]
    assert client_change["last_name"] == client_change["phone"] == [None, None]
    assert client_change["income_source"] == ["economic_assistance", "sickness_benefit"]
    assert "personnummer_encrypted" not in client_change
    assert any(c.get("status") == ["active", "closed"] for c in changes("case"))
    assert any(c.get("closure_outcome") == ["", "work"] for c in changes("case"))
    assert any(c.get("followup_result") == [None, None] for c in changes("case"))
    assert any(c.get("journal_note") == [None, None] for c in changes("meeting"))
    assert any(c.get("status") == ["booked", "held"] for c in changes("meeting"))
    assert any(c.get("not_relevant_reason") == ["", "illness"] for c in changes("referral"))
    assert changes("referral", LogEntry.Action.CREATE)[0]["reason"] == [None, None]
    fia = changes("fiainterview", LogEntry.Action.CREATE)[0]
    assert fia["client_goals"] == fia["summary"] == [None, None]
    # The provider's settings: changed, never their text nor the secret, stored or typed.
    provider_change = changes("identityprovider")[0]
    assert provider_change["client_id"] == [None, None]
    assert provider_change["client_secret_encrypted"] == [None, None]
    assert changes("groupmapping", LogEntry.Action.CREATE)[0]["role"] == ["None", "coordinator"]
    assert changes("groupmapping")[0] == {"group": [None, None]}
    unlinked = changes("provideridentity", LogEntry.Action.DELETE)[0]
    assert unlinked["user"] == [str(worker.pk), "None"]
    assert unlinked["subject"] == [None, None]

    # The administrator reads the same on /audit/: Swedish labels, readable codes.
    page = admin_client_.get(reverse("klientstod:audit-log"), {"client": client.pk})
    body = page.content.decode()
    for label in ("Efternamn", "Journalanteckning", "Utfall vid avslut", "Försörjning vid start"):
        assert f"<strong>{label}</strong>" in body, label
    assert "Aktivt → Avslutat" in body
    assert "Ekonomiskt bistånd → Sjukpenning" in body
    assert not [word for word in [*about_clients, *personnummer_forms(number)] if word in body]


@pytest.mark.django_db
def test_changes_to_a_user_role_processes_and_rights_are_audited(admin_client_, users, process):
    admin = users[Role.ADMIN]
    worker = UserFactory(role=Role.COORDINATOR, processes=[process])
    other = ProcessFactory(name="Andra processen")
    organisation = OrganisationFactory(name="Kommunen")
    before = LogEntry.objects.order_by("pk").last().pk
    response = admin_client_.post(
        reverse("admin:klientstod_user_change", args=[worker.pk]),
        {
            "username": worker.username,
            "first_name": worker.first_name,
            "last_name": worker.last_name,
            "role": Role.STEERING,
            "organisation": organisation.pk,
            "processes": [other.pk],
            "is_staff": "on",
            "date_joined_0": days_ago(10),
            "date_joined_1": "10:00:00",
            **NO_ENROLMENT_CODES,
        },  # is_active left out: the account is turned off
        REMOTE_ADDR="10.7.7.7",
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.role, worker.is_active) == (Role.STEERING, False)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(worker.pk),
        pk__gt=before,
    ).order_by("pk")
    assert {(e.actor, e.remote_addr) for e in entries} == {(admin, "10.7.7.7")}
    fields = {name: value for e in entries for name, value in e.changes.items()}
    assert fields["role"] == ["coordinator", "steering"]
    assert fields["is_active"] == ["True", "False"]
    assert fields["is_staff"] == ["False", "True"]
    assert fields["organisation"] == ["None", str(organisation.pk)]
    m2m = [e.changes["processes"] for e in entries if "processes" in e.changes]
    assert {(c["operation"], tuple(c["objects"])) for c in m2m} == {
        ("delete", (process.name,)),
        ("add", ("Andra processen",)),
    }
    assert "password" not in fields
    assert "last_login" not in fields
    page = admin_client_.get(reverse("klientstod:audit-log"), {"action": "change"}).content
    body = page.decode()
    for shown in (
        "Roll</strong>: Klientsamordnare → Styrgrupp",
        "Aktiv</strong>: Ja → Nej",
        "Organisation</strong>: – → Kommunen",
        "Processer</strong>: tillagd: Andra processen",
    ):
        assert shown in body, shown
    assert f"Användare {worker.pk} ({worker})" in body


@pytest.mark.django_db
def test_a_password_change_leaves_no_hash_in_the_log(users):
    worker = UserFactory(role=Role.COORDINATOR)
    before = LogEntry.objects.order_by("pk").last().pk
    worker.set_password("ett-nytt-langt-losenord")
    worker.role = Role.STEERING
    worker.save()
    [change] = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(worker.pk),
        pk__gt=before,
    )
    assert change.changes == {"role": ["coordinator", "steering"]}
    assert not [e for e in LogEntry.objects.all() if worker.password in stored(e)]


# The administrator's page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_sees_who_has_read_a_client_and_only_ids(
    admin_client_, coordinator_client, case, process, users
):
    coordinator_client.get(case.get_absolute_url())
    other = CaseFactory(process=process)
    coordinator_client.get(other.get_absolute_url())
    response = admin_client_.post(
        reverse("klientstod:audit-log"), {"personnummer": case.client.personnummer}
    )
    assert response.status_code == 302
    assert case.client.personnummer not in response["Location"]
    page = admin_client_.get(response["Location"])
    rows = page.context["rows"]
    reads = [row for row in rows if row.entry.content_type.model == "client"]
    assert reads
    assert {row.entry.object_pk for row in reads} == {str(case.client.pk)}
    body = page.content.decode()
    assert "Ärendesidan · Ärende" in body
    assert f"Klient {case.client.pk}" in body
    for private in (case.client.first_name, case.client.last_name, case.client.full_name):
        assert private not in body


@pytest.mark.django_db
def test_reads_of_a_referral_count_as_reads_of_the_person_once_they_are_a_client(
    admin_client_, coordinator_client, process
):
    referral = ReferralFactory(process=process)
    coordinator_client.get(reverse("referrals:referral-detail", args=[referral.pk]))
    client = ClientFactory(personnummer=referral.personnummer)  # actualised later, elsewhere
    page = admin_client_.get(
        reverse("klientstod:audit-log"), {"client": client.pk, "action": "access"}
    )
    [row] = page.context["rows"]
    assert (row.record, row.what) == (f"Remiss {referral.pk}", "Remissidan")


@pytest.mark.django_db
def test_the_log_filters_by_user_and_period(admin_client_, coordinator_client, case, process):
    coordinator_client.get(case.get_absolute_url())
    someone = UserFactory(role="coordinator", processes=[process])
    url = reverse("klientstod:audit-log")
    by_someone = admin_client_.get(url, {"user": someone.pk})
    assert [row.entry.actor for row in by_someone.context["rows"]] == []
    long_ago = admin_client_.get(url, {"end": "2000-01-01"})
    assert list(long_ago.context["rows"]) == []


@pytest.mark.django_db
def test_every_view_of_the_log_is_itself_logged_without_the_personnummer(
    admin_client_, users, case
):
    admin = users[Role.ADMIN]
    url = reverse("klientstod:audit-log")
    admin_client_.get(url, {"action": "access", "start": "2026-01-01"}, REMOTE_ADDR="10.2.2.2")
    admin_client_.post(url, {"personnummer": case.client.personnummer})
    admin_client_.post(url, {"personnummer": "19121212-1212"})  # nobody
    admin_client_.get(url, {"client": case.client.pk, "action": "access"})
    views = list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(LogEntry)).order_by(
            "pk"
        )
    )
    assert [v.additional_data for v in views] == [
        {"page": "audit log", "filters": {"action": "access", "start": "2026-01-01", "page": 1}},
        {"page": "audit log", "filters": {}, "hits": 0},
        {"page": "audit log", "filters": {"action": "access", "client": case.client.pk, "page": 1}},
    ]
    assert {(v.actor, v.action) for v in views} == {(admin, ACCESS)}
    assert views[0].remote_addr == "10.2.2.2"
    forms = [*personnummer_forms(case.client.personnummer), *personnummer_forms("19121212-1212")]
    assert not [f for v in views for f in forms if f in stored(v)]
    page = admin_client_.get(url).content.decode()
    assert "Loggsidan · filter: läsningar, från och med 2026-01-01" in page
    assert f"Loggsidan · filter: läsningar, klient {case.client.pk}<" in page
    assert "Loggsidan · 0 träffar · utan filter" in page


@pytest.mark.django_db
def test_auditlogs_own_admin_is_not_there(admin_client_):
    response = admin_client_.get("/admin/auditlog/logentry/")
    assert response.status_code == 404
    assert "auditlog" not in admin_client_.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_the_log_page_shows_swedish_labels_codes_and_local_time(admin_client_, case):
    from auditlog.context import set_actor

    with set_actor(case.coordinator):
        case.status, case.closed_on, case.closure_outcome = "closed", TODAY(), "studies"
        case.followup_result = "Hemligt resultat"
        case.save()
    entry = LogEntry.objects.get(action=LogEntry.Action.UPDATE, content_type__model="case")
    summer = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=summer)
    LogEntry.objects.create(
        content_type=entry.content_type,
        object_pk=entry.object_pk,
        object_id=entry.object_id,
        action=ACCESS,
        additional_data={"page": "case page"},
        timestamp=winter,
    )
    body = admin_client_.get(reverse("klientstod:audit-log")).content.decode()
    assert "2026-07-01 12:00:00" in body  # CEST
    assert "2026-01-15 11:00:00" in body  # CET
    assert "<strong>Status</strong>: Aktivt → Avslutat" in body
    assert "<strong>Utfall vid avslut</strong>: – → Studier" in body
    assert "<strong>Resultat av uppföljningen</strong>: " in body
    assert "Hemligt" not in body
    assert f"Ärende {case.pk}" in body


# Gallring ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_gallring_leaves_the_clients_entries_without_anything_that_names_them(
    coordinator_client, coordinator, process
):
    case = CaseFactory(
        process=process,
        coordinator=coordinator,
        start_date=TODAY() - datetime.timedelta(days=4000),
        status="closed",
        closed_on=TODAY() - datetime.timedelta(days=3000),
        closure_outcome="work",
    )
    client = case.client
    referral = ReferralFactory(process=process, personnummer=client.personnummer)
    coordinator_client.get(case.get_absolute_url(), REMOTE_ADDR="10.3.3.3")
    coordinator_client.get(reverse("referrals:referral-detail", args=[referral.pk]))
    # Entries written before the log kept no personal data (or past ``audit.scrub``).
    content_type = ContentType.objects.get_for_model(Client)
    old = LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(client.pk),
                object_id=client.pk,
                object_repr=client.full_name,
                action=LogEntry.Action.UPDATE,
                changes={"last_name": ["Förr", client.last_name], "phone": ["070-1", "070-2"]},
                changes_text=f"last_name: Förr → {client.last_name}",
                serialized_data={"fields": {"personnummer": client.personnummer}},
                additional_data={"name": client.full_name, "page": "client page"},
                actor=coordinator,
                remote_addr="10.3.3.3",
            ),
            LogEntry(
                content_type=ContentType.objects.get_for_model(Referral),
                object_pk=str(referral.pk),
                object_id=referral.pk,
                object_repr=referral.full_name,
                action=LogEntry.Action.CREATE,
                changes={"reason": ["None", "Skäl som namnger personen"]},
                actor=coordinator,
            ),
        ]
    )
    before = {
        e.pk: (e.action, e.actor_id, e.timestamp, e.object_pk, e.remote_addr)
        for e in LogEntry.objects.all()
    }
    names = [client.first_name, client.last_name, client.full_name, "070-1", "Skäl som"]
    names += personnummer_forms(client.personnummer)

    retention.client_erase(client_id=client.pk)

    after = {e.pk: e for e in LogEntry.objects.all()}
    for pk, kept in before.items():
        entry = after[pk]
        assert (
            entry.action,
            entry.actor_id,
            entry.timestamp,
            entry.object_pk,
            entry.remote_addr,
        ) == kept
        assert not [name for name in names if name in stored(entry)], stored(entry)
    cleaned = after[old[0].pk]
    assert cleaned.object_repr == f"client:{client.pk}"
    assert cleaned.changes == {"last_name": [None, None], "phone": [None, None]}
    assert cleaned.additional_data == {"page": "client page"}
    assert cleaned.serialized_data is None
    assert cleaned.changes_text == ""
    erased = LogEntry.objects.get(additional_data__event="erased")
    assert (erased.object_pk, erased.action) == (str(client.pk), LogEntry.Action.UPDATE)
