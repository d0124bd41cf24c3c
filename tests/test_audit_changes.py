"""The audit log of changes: who changed what, the fields and the codes, never the data."""

from __future__ import annotations

import datetime

import pytest
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from interventions.link_views import QR_SESSION_KEY
from interventions.models import BibliotherapyOffer, FiaInterview, Intervention
from klientstod import audit
from klientstod.models import Case, Client, Role, User
from klientstod.sso.models import IdentityProvider, ProviderIdentity
from referrals.models import Referral

from .audit_helpers import ACCESS, NO_ENROLMENT_CODES, TODAY, days_ago, personnummer_forms, stored
from .factories import (
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    questionnaires,
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
def test_the_log_keeps_fields_and_codes_never_the_data(
    role_clients, users, process, admin_client_, settings
):
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
    post(
        http,
        reverse("interventions:fia", args=[case.pk]),
        {"status": "ongoing", "on": days_ago(290)},
    )

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
    # A self-assessment link the client opens and answers on their phone, in their words too.
    post(
        http,
        reverse("interventions:link-create", args=[case.pk]),
        {"occasion": "other", "channel": "qr", "language": "sv"},
    )
    phone = HttpClient()
    answer = reverse(
        "interventions:link-answer", args=[next(iter(http.session[QR_SESSION_KEY].values()))]
    )
    assert phone.get(answer).status_code == 200
    answered = phone.post(answer, {f"item_{scale.pk}": "4", f"item_{text.pk}": mark()})
    assert answered.status_code == 200
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

    # The case closed (codes), ending what was still open, and followed up (free text);
    # the SUS list downloaded.
    post(
        http,
        reverse("klientstod:case-close", args=[case.pk]),
        {
            "closed_on": days_ago(200),
            "outcome": "work",
            "income_source_end": "employment",
            "followup_consent": "on",
            f"fia-{FiaInterview.objects.get(case=case).pk}": "aborted:moved",
            f"intervention-{Intervention.objects.get(case=case).pk}": "ended",
            f"participation-{BibliotherapyOffer.objects.get(case=case).pk}": "on",
        },
    )
    post(
        http,
        reverse("klientstod:case-follow-up", args=[case.pk]),
        {"done_on": days_ago(1), "result": mark()},
    )
    period = f"?preset=custom&year={TODAY().year}&start={days_ago(500)}&end={days_ago(0)}"
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({process.pk})
    download = http.get(reverse("reporting:sus-download", args=[process.pk]) + period)
    assert download.status_code == 200
    # A report sent to the board (its PDF and figures are not logged).
    post(
        http,
        reverse("reporting:report-send", args=[process.pk]),
        {"preset": "t3", "year": TODAY().year - 1},
    )
    # A comment under a section of that report (its text stays out of the log).
    post(
        http,
        reverse("reporting:report-comment", args=[process.pk])
        + f"?preset=t3&year={TODAY().year - 1}",
        {"section": "referrals", "text": mark(), "version": ""},
    )

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
