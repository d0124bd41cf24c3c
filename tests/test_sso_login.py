"""Sign-in through an organisation's identity provider, against a real OpenID Provider.

The provider is the certified `oidc-provider` for Node on this machine (tests/oidc.py);
the app talks to it over HTTP as it would to Entra ID: discovery, the authorization
request, the code exchange at the token endpoint, the key set, the logout endpoint.

This module: the login page, the ID token, the second factor, session and logout.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client as HttpClient
from django.urls import reverse

from klientstod import login_audit
from klientstod.models import Role, User
from klientstod.sso import events
from klientstod.sso.models import IdentityProvider, ProviderIdentity

from .conftest import verified_device
from .factories import PASSWORD, OrganisationFactory, UserFactory
from .sso_helpers import SERVER, make_provider, message_after, sign_in, signed_in_user, sso_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sso_clients")]


# The login page ---------------------------------------------------------------------------


def test_the_login_page_offers_each_active_provider(client, oidc_provider, kommun):
    make_provider(oidc_provider, kommun, name="Båstads kommun", slug="bastad")
    make_provider(oidc_provider, OrganisationFactory(), name="Region Skåne", slug="skane")
    make_provider(oidc_provider, kommun, name="Gamla IdP", slug="gammal", active=False)
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med Båstads kommun" in page
    assert "Logga in med Region Skåne" in page
    assert "Gamla IdP" not in page
    assert 'name="password"' in page  # local login stays for accounts without a provider
    assert client.get(reverse("sso-start", args=["gammal"])).status_code == 404


def test_the_authorization_request_carries_pkce_state_and_nonce(client, provider):
    start = client.get(reverse("sso-start", args=[provider.slug]))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(provider.issuer_url + "/auth?")
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [provider.client_id]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0]
    assert query["nonce"][0]
    assert query["redirect_uri"] == [f"{SERVER}accounts/sso/bastad/callback/"]
    assert "code_verifier" not in start["Location"]


# The ID token -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode", ["signature", "issuer", "audience", "nonce", "expiry", "unknown-key"]
)
def test_a_tampered_id_token_is_refused(mode, client, oidc_provider, provider, worker):
    oidc_provider.tamper(mode)
    response = sign_in(client, oidc_provider, provider, sub="oid-10", email=worker.email)
    page = message_after(client, response)
    assert "Inloggningen via Båstads kommun lyckades inte" in page
    assert signed_in_user(client) is None
    assert not ProviderIdentity.objects.exists()
    [failed] = sso_events(events.LOGIN_FAILED)
    assert failed.additional_data["reason"] == events.INVALID_TOKEN
    # The same sign-in untampered goes through: it was the token, nothing else.
    sign_in(client, oidc_provider, provider, sub="oid-10", email=worker.email)
    assert signed_in_user(client) == worker.pk


def test_an_answer_to_another_browsers_sign_in_is_refused(client, oidc_provider, provider, worker):
    start = client.get(reverse("sso-start", args=[provider.slug]))
    back = oidc_provider.sign_in(requests.Session(), start["Location"], SERVER, sub="x")
    parts = urlsplit(back)
    other = HttpClient()
    response = other.get(f"{parts.path}?{parts.query}")
    assert "lyckades inte" in message_after(other, response)
    assert sso_events(events.LOGIN_FAILED)[-1].additional_data["reason"] == events.STATE


def test_a_provider_that_names_another_issuer_is_refused(client, oidc_provider, kommun):
    provider = make_provider(oidc_provider, kommun)
    IdentityProvider.objects.filter(pk=provider.pk).update(issuer=oidc_provider.issuer + "/x")
    provider.refresh_from_db()
    response = client.get(reverse("sso-start", args=[provider.slug]))
    assert response["Location"] == reverse("login")  # discovery at /x answers nothing


def test_a_provider_out_of_reach_gives_a_message(client, kommun):
    provider = IdentityProvider.objects.create(
        name="Nere", slug="nere", issuer="http://127.0.0.1:9", client_id="c"
    )
    provider.organisations.add(kommun)
    response = client.get(reverse("sso-start", args=["nere"]))
    assert "Nere gick inte att nå just nu" in message_after(client, response)


def test_the_provider_rotates_its_keys(client, oidc_provider, provider, worker):
    sign_in(client, oidc_provider, provider, sub="oid-11", email=worker.email)
    assert signed_in_user(client) == worker.pk
    client.post(reverse("logout"))
    fetched = oidc_provider.jwks_fetches()
    oidc_provider.rotate(keep_old=False)  # the old key is gone at once
    sign_in(client, oidc_provider, provider, sub="oid-11")
    assert signed_in_user(client) == worker.pk
    assert oidc_provider.jwks_fetches() == fetched + 1  # unknown kid: the key set anew
    client.post(reverse("logout"))
    sign_in(client, oidc_provider, provider, sub="oid-11")
    assert oidc_provider.jwks_fetches() == fetched + 1  # known now: not fetched again


# The second factor ------------------------------------------------------------------------


@pytest.fixture
def coordinator_at_kommun(kommun) -> User:
    return UserFactory(
        username="sam", email="sam@bastad.se", role=Role.COORDINATOR, organisation=kommun
    )


def test_mfa_asserted_by_the_provider_skips_the_code(
    client, oidc_provider, provider, coordinator_at_kommun
):
    verified_device(coordinator_at_kommun)
    sign_in(client, oidc_provider, provider, sub="oid-12", email="sam@bastad.se", amr="pwd,mfa")
    assert client.get(reverse("klientstod:home")).status_code == 200
    [login] = sso_events(events.LOGIN)
    assert login.additional_data["mfa"] is True


def test_an_acr_value_configured_as_mfa_counts(
    client, oidc_provider, kommun, coordinator_at_kommun
):
    provider = make_provider(oidc_provider, kommun, mfa_acr_values="urn:test:loa:2")
    sign_in(
        client, oidc_provider, provider, sub="oid-13", email="sam@bastad.se", acr="urn:test:loa:2"
    )
    assert client.get(reverse("klientstod:home")).status_code == 200


def test_without_mfa_at_the_provider_the_app_asks_for_its_code(
    client, oidc_provider, provider, coordinator_at_kommun
):
    device = verified_device(coordinator_at_kommun)
    sign_in(client, oidc_provider, provider, sub="oid-14", email="sam@bastad.se", amr="pwd")
    home = client.get(reverse("klientstod:home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two-factor"))
    from .browser import fresh_code

    client.post(reverse("two-factor"), {"token": fresh_code(device)})
    assert client.get(reverse("klientstod:home")).status_code == 200
    assert sso_events(events.LOGIN)[0].additional_data["mfa"] is False
    # The code is this sign-in's own step in the log, not a password login.
    [code] = sso_events(login_audit.CODE_GIVEN)
    assert (code.actor, code.additional_data["provider"]) == (coordinator_at_kommun, provider.pk)
    assert not sso_events(login_audit.LOGIN)


# Session and logout -----------------------------------------------------------------------


def test_the_session_follows_the_idle_limit(client, oidc_provider, provider, worker, settings):
    sign_in(client, oidc_provider, provider, sub="oid-15", email=worker.email)
    session = client.session
    session["ks_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(reverse("klientstod:home"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert signed_in_user(client) is None


def test_the_session_follows_the_absolute_limit(client, oidc_provider, provider, worker, settings):
    sign_in(client, oidc_provider, provider, sub="oid-16", email=worker.email)
    session = client.session
    session["ks_started"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session.save()
    assert client.get(reverse("klientstod:home")).status_code == 302
    assert signed_in_user(client) is None


def test_a_password_set_by_the_administrator_is_not_asked_for(
    client, oidc_provider, provider, worker
):
    worker.must_change_password = True
    worker.save()
    sign_in(client, oidc_provider, provider, sub="oid-17", email=worker.email)
    assert client.get(reverse("klientstod:home")).status_code == 200


def test_the_next_page_is_kept_through_the_provider(client, oidc_provider, provider, worker):
    target = reverse("reporting:report-index")
    response = sign_in(
        client, oidc_provider, provider, next_url=target, sub="oid-18", email=worker.email
    )
    assert response["Location"] == target
    elsewhere = sign_in(
        HttpClient(), oidc_provider, provider, next_url="https://evil.example/", sub="oid-18"
    )
    assert elsewhere["Location"] == reverse("klientstod:home")


def test_logout_ends_the_session_here_and_at_the_provider(client, oidc_provider, provider, worker):
    browser = requests.Session()
    sign_in(client, oidc_provider, provider, browser, sub="oid-19", email=worker.email)
    id_token = client.session["ks_sso_id_token"]

    response = client.post(reverse("logout"))
    assert signed_in_user(client) is None
    assert response.status_code == 200
    url = response.context["end_session_url"]
    assert url.startswith(f"{oidc_provider.issuer}/session/end?")
    query = parse_qs(urlsplit(url).query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [f"{SERVER}accounts/login/"]
    assert query["client_id"] == [provider.client_id]
    assert f'content="0;url={url.replace("&", "&amp;")}"' in response.content.decode()
    assert [e.actor for e in sso_events(events.LOGOUT)] == [worker]

    # While the provider's session lasts, a new sign-in passes without its login page ...
    start = HttpClient().get(reverse("sso-start", args=[provider.slug]))
    assert oidc_provider.follow(browser, start["Location"], SERVER).startswith(SERVER)
    # ... and after its logout (the user confirms on its page) it asks again.
    page = browser.get(url, timeout=10)
    form = page.text.split('id="op.logoutForm"')[1]
    xsrf = form.split('name="xsrf" value="')[1].split('"')[0]
    action = page.text.split('action="')[1].split('"')[0]
    done = browser.post(
        requests.compat.urljoin(url, action),
        data={"xsrf": xsrf, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.headers["Location"].startswith(f"{SERVER}accounts/login/")
    start = HttpClient().get(reverse("sso-start", args=[provider.slug]))
    assert "/interaction/" in oidc_provider.follow(browser, start["Location"], SERVER)


def test_a_local_login_logs_out_locally(client, worker):
    client.post(reverse("login"), {"username": worker.username, "password": PASSWORD})
    assert signed_in_user(client) == worker.pk
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not sso_events(events.LOGOUT)


# Local login where the provider is required -----------------------------------------------


def test_a_required_provider_turns_local_login_off_for_its_organisations(
    client, oidc_provider, kommun, worker
):
    provider = make_provider(oidc_provider, kommun, required=True)
    response = client.post(reverse("login"), {"username": worker.username, "password": PASSWORD})
    assert signed_in_user(client) is None
    assert "Din organisation loggar in via Båstads kommun" in response.content.decode()
    [refused] = sso_events(events.LOCAL_REFUSED)
    assert (refused.actor, refused.additional_data["provider"]) == (worker, provider.pk)
    assert not sso_events(login_audit.LOGIN_FAILED)  # logged once, as this refusal

    # A wrong password learns nothing of it; another organisation's user still logs in.
    wrong = client.post(reverse("login"), {"username": worker.username, "password": "fel"})
    assert "Din organisation" not in wrong.content.decode()
    [failed] = sso_events(login_audit.LOGIN_FAILED)
    assert (failed.actor, failed.additional_data["reason"]) == (worker, "wrong_password")
    partner = UserFactory(role=Role.STEERING, organisation=OrganisationFactory(name="FK"))
    client.post(reverse("login"), {"username": partner.username, "password": PASSWORD})
    assert signed_in_user(client) == partner.pk

    # Through the provider, the same user gets in.
    client.post(reverse("logout"))
    sign_in(client, oidc_provider, provider, sub="oid-20", email=worker.email)
    assert signed_in_user(client) == worker.pk


def test_no_password_change_in_the_menu_after_a_provider_sign_in(
    client, oidc_provider, provider, worker
):
    sign_in(client, oidc_provider, provider, sub="oid-21", email=worker.email)
    page = client.get(reverse("klientstod:home")).content.decode()
    assert reverse("password_change") not in page
    assert "Logga ut" in page


def test_logout_stays_here_when_the_provider_offers_no_usable_logout(
    client, oidc_provider, provider, worker, settings
):
    sign_in(client, oidc_provider, provider, sub="oid-22", email=worker.email)
    settings.KLIENTSTOD_OIDC_ALLOW_HTTP = False  # the provider's plain-http endpoint is refused
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert not sso_events(events.LOGOUT)


def test_a_provider_for_some_roles_only(client, oidc_provider, kommun, worker):
    provider = make_provider(oidc_provider, kommun, roles="coordinator,bibliotherapist")
    response = sign_in(client, oidc_provider, provider, sub="oid-23", email=worker.email)
    assert "loggar inte in via Båstads kommun" in message_after(client, response)
    assert signed_in_user(client) is None
    assert not ProviderIdentity.objects.exists()
    assert sso_events(events.LOGIN_FAILED)[-1].additional_data["reason"] == events.ROLE_NOT_SERVED

    # Required for the coordinators only: the steering group's member keeps the password.
    provider.required = True
    provider.save()
    client.post(reverse("login"), {"username": worker.username, "password": PASSWORD})
    assert signed_in_user(client) == worker.pk
    client.post(reverse("logout"))
    worker.role = Role.COORDINATOR
    worker.save()
    client.post(reverse("login"), {"username": worker.username, "password": PASSWORD})
    assert signed_in_user(client) is None


def test_an_answer_naming_another_issuer_is_refused(client, oidc_provider, provider, worker):
    start = client.get(reverse("sso-start", args=[provider.slug]))
    back = oidc_provider.sign_in(requests.Session(), start["Location"], SERVER, sub="oid-24")
    parts = urlsplit(back)
    query = parse_qs(parts.query)
    assert query["iss"] == [oidc_provider.issuer]  # the provider names itself (RFC 9207)
    forged = parts.query.replace("iss=", "iss=https%3A%2F%2Fevil.example&was=")
    response = client.get(f"{parts.path}?{forged}")
    assert "lyckades inte" in message_after(client, response)
    assert signed_in_user(client) is None
