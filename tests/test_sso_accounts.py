"""Signing in through an identity provider: which account a sign-in finds, and the roles.

Against the real OpenID Provider on this machine (tests/oidc.py).
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client as HttpClient
from django.urls import reverse

from klientstod.models import Role, User
from klientstod.sso import events
from klientstod.sso.models import GroupMapping, ProviderIdentity

from .factories import OrganisationFactory, ProcessFactory, UserFactory
from .sso_helpers import message_after, sign_in, signed_in_user, sso_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sso_clients")]


# Accounts ---------------------------------------------------------------------------------


def test_first_sign_in_links_by_verified_email_then_by_subject(
    client, oidc_provider, provider, worker
):
    response = sign_in(
        client, oidc_provider, provider, sub="entra-oid-1", email="Anna.Andersson@bastad.se"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("klientstod:home")
    assert signed_in_user(client) == worker.pk
    link = ProviderIdentity.objects.get(provider=provider)
    assert (link.user, link.subject) == (worker, "entra-oid-1")
    assert [e.actor for e in sso_events(events.LINKED)] == [worker]
    assert client.get(reverse("klientstod:home")).status_code == 200

    # Linked: the subject finds the account, whatever the e-mail says now.
    client.post(reverse("logout"))
    worker.email = "anna.a@annan.se"
    worker.save()
    sign_in(client, oidc_provider, provider, sub="entra-oid-1", email="ny@bastad.se")
    assert signed_in_user(client) == worker.pk
    assert ProviderIdentity.objects.count() == 1
    assert len(sso_events(events.LOGIN)) == 2
    assert len(sso_events(events.LINKED)) == 1


def test_the_upn_matches_the_user_name(client, oidc_provider, provider, worker):
    sign_in(client, oidc_provider, provider, sub="oid-2", upn="ANNA.ANDERSSON", email="")
    assert signed_in_user(client) == worker.pk


def test_an_unverified_email_matches_nobody(client, oidc_provider, provider, worker):
    response = sign_in(
        client,
        oidc_provider,
        provider,
        sub="oid-3",
        email="anna.andersson@bastad.se",
        email_verified=False,
    )
    assert "har inget konto åt dig" in message_after(client, response)
    assert signed_in_user(client) is None
    assert not ProviderIdentity.objects.exists()


def test_an_unknown_subject_is_refused_with_a_message(client, oidc_provider, provider, worker):
    response = sign_in(client, oidc_provider, provider, sub="stranger", email="x@bastad.se")
    page = message_after(client, response)
    assert (
        "Du loggade in hos Båstads kommun, men Klientstöd har inget konto åt dig. Be "
        "Klientstöds administratör att lägga upp ett med din e-postadress i tjänsten." in page
    )
    assert "Traceback" not in page
    assert signed_in_user(client) is None
    [failed] = sso_events(events.LOGIN_FAILED)
    assert failed.actor is None
    assert failed.additional_data == {
        "event": events.LOGIN_FAILED,
        "provider": provider.pk,
        "reason": events.UNKNOWN_ACCOUNT,
    }


def test_an_account_of_another_organisation_is_not_matched(client, oidc_provider, provider):
    UserFactory(email="anna@region.se", organisation=OrganisationFactory(name="Region"))
    response = sign_in(client, oidc_provider, provider, sub="oid-4", email="anna@region.se")
    assert "har inget konto åt dig" in message_after(client, response)
    assert signed_in_user(client) is None


def test_a_deactivated_user_is_refused(client, oidc_provider, provider, worker):
    sign_in(client, oidc_provider, provider, sub="oid-5", email=worker.email)
    client.post(reverse("logout"))
    worker.is_active = False
    worker.save()
    response = sign_in(client, oidc_provider, provider, sub="oid-5")
    assert "Ditt konto i Klientstöd är avstängt" in message_after(client, response)
    assert signed_in_user(client) is None
    assert sso_events(events.LOGIN_FAILED)[-1].additional_data["reason"] == events.INACTIVE


def test_a_user_deactivated_during_a_session_is_logged_out(client, oidc_provider, provider, worker):
    sign_in(client, oidc_provider, provider, sub="oid-6", email=worker.email)
    assert client.get(reverse("klientstod:home")).status_code == 200
    User.objects.filter(pk=worker.pk).update(is_active=False)
    response = client.get(reverse("klientstod:home"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_no_account_and_no_role_is_made_without_the_group_mapping(
    client, oidc_provider, provider, kommun
):
    process = ProcessFactory()
    GroupMapping.objects.create(
        provider=provider, group="g-samordnare", organisation=kommun, role=Role.COORDINATOR
    ).processes.add(process)
    users = User.objects.count()
    sign_in(
        client, oidc_provider, provider, sub="oid-7", email="ny@bastad.se", groups="g-samordnare"
    )
    assert signed_in_user(client) is None
    assert User.objects.count() == users


def test_the_group_mapping_gives_role_and_processes_when_turned_on(
    client, oidc_provider, provider, kommun, worker
):
    process = ProcessFactory()
    provider.group_mapping = True
    provider.save()
    GroupMapping.objects.create(
        provider=provider, group="g-samordnare", organisation=kommun, role=Role.COORDINATOR
    ).processes.add(process)
    sign_in(
        client,
        oidc_provider,
        provider,
        sub="oid-8",
        email="ny.person@bastad.se",
        upn="ny.person@bastad.se",
        groups="g-annan,g-samordnare",
        amr="pwd,mfa",
    )
    made = User.objects.get(username="ny.person@bastad.se")
    assert signed_in_user(client) == made.pk
    assert (made.role, made.organisation, list(made.processes.all())) == (
        Role.COORDINATOR,
        kommun,
        [process],
    )
    assert not made.has_usable_password()
    assert [e.actor for e in sso_events(events.CREATED)] == [made]

    # An existing account gets the mapping's role; one in no mapped group is refused.
    other = HttpClient()
    sign_in(other, oidc_provider, provider, sub="oid-9", email=worker.email, groups="g-samordnare")
    worker.refresh_from_db()
    assert worker.role == Role.COORDINATOR
    assert list(worker.processes.all()) == [process]
    third = HttpClient()
    response = sign_in(third, oidc_provider, provider, sub="oid-8", groups="g-annan")
    assert "inte med i någon av de grupper" in message_after(third, response)
    assert signed_in_user(third) is None


def test_the_audit_log_holds_no_claims(client, oidc_provider, provider, worker):
    sign_in(client, oidc_provider, provider, sub="secret-subject-42", email=worker.email)
    client.post(reverse("logout"))
    sign_in(HttpClient(), oidc_provider, provider, sub="nobody-77", email="okand@bastad.se")
    entries = LogEntry.objects.filter(additional_data__event__startswith="sso_")
    assert entries.count() == 4  # linked, login, logout, refused
    # Nor does any other entry, such as the link's own record.
    text = " ".join(
        f"{e.object_repr} {e.changes} {e.changes_text} {e.additional_data} {e.serialized_data}"
        for e in LogEntry.objects.all()
    )
    for claim in ("secret-subject-42", "nobody-77", worker.email, "okand@bastad.se"):
        assert claim not in text
