"""Sign-in through an organisation's identity provider, against a real OpenID Provider.

The provider is the certified `oidc-provider` for Node on this machine (tests/oidc.py);
the app talks to it over HTTP as it would to Entra ID: discovery, the authorization
request, the code exchange at the token endpoint, the key set, the logout endpoint.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from auditlog.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from klientstod import login_audit
from klientstod.models import Organisation, Role, User
from klientstod.sso import client as sso_client
from klientstod.sso import events
from klientstod.sso.admin import IdentityProviderForm
from klientstod.sso.models import GroupMapping, IdentityProvider, ProviderIdentity

from .conftest import verified_device
from .factories import PASSWORD, OrganisationFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db

SERVER = "http://testserver/"


@pytest.fixture(autouse=True)
def _fresh_clients():
    sso_client.forget()
    yield
    sso_client.forget()


@pytest.fixture
def kommun(db) -> Organisation:
    return OrganisationFactory(name="Båstads kommun")


@pytest.fixture
def provider(oidc_provider, kommun) -> IdentityProvider:
    return make_provider(oidc_provider, kommun)


def make_provider(op, organisation, **fields) -> IdentityProvider:
    slug = fields.pop("slug", "bastad")
    client_id, secret = op.add_client(
        [f"{SERVER}accounts/sso/{slug}/callback/"], [f"{SERVER}accounts/login/"]
    )
    provider = IdentityProvider(
        name=fields.pop("name", "Båstads kommun"),
        slug=slug,
        issuer=op.issuer,
        client_id=client_id,
        **fields,
    )
    provider.set_client_secret(secret)
    provider.full_clean()
    provider.save()
    provider.organisations.add(organisation)
    return provider


@pytest.fixture
def worker(kommun) -> User:
    return UserFactory(
        username="anna.andersson",
        email="anna.andersson@bastad.se",
        role=Role.STEERING,
        organisation=kommun,
    )


def sign_in(http, op, provider, browser=None, *, next_url="", **claims):
    """From the login page's button through the provider and back; the callback's answer."""
    browser = browser or requests.Session()
    url = reverse("sso-start", args=[provider.slug])
    start = http.get(url + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    back = op.sign_in(browser, start["Location"], SERVER, **claims)
    assert back.startswith(SERVER), back
    parts = urlsplit(back)
    return http.get(f"{parts.path}?{parts.query}")


def signed_in_user(http) -> int | None:
    value = http.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def message_after(http, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    return http.get(reverse("login")).content.decode()


def sso_events(event: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__event=event).order_by("pk"))


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


# Configuration ----------------------------------------------------------------------------


def test_the_client_secret_is_read_only_from_klientstods_own_variables(monkeypatch, kommun):
    provider = IdentityProvider(name="K", slug="k", issuer="https://idp.example/", client_id="c")
    provider.client_secret_env = "DJANGO_SECRET_KEY"
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert "client_secret_env" in error.value.message_dict
    assert provider.client_secret() == ""
    monkeypatch.setenv("KLIENTSTOD_OIDC_BASTAD_SECRET", "from-the-environment")
    provider.client_secret_env = "KLIENTSTOD_OIDC_BASTAD_SECRET"
    provider.full_clean()
    assert provider.client_secret() == "from-the-environment"


def test_a_stored_client_secret_is_encrypted(kommun):
    form = IdentityProviderForm(
        data={
            "name": "Båstads kommun",
            "slug": "bastad",
            "active": "on",
            "issuer": "https://login.microsoftonline.com/tenant/v2.0",
            "client_id": "app-id",
            "client_secret": "hemligt-värde",
            "scopes": "openid email profile",
            "organisations": [kommun.pk],
            "mfa_amr_values": "mfa",
            "upn_claim": "upn",
            "groups_claim": "groups",
        }
    )
    assert form.is_valid(), form.errors
    provider = form.save()
    assert "hemligt" not in provider.client_secret_encrypted
    assert provider.client_secret() == "hemligt-värde"
    # Saved again without a secret: the stored one stays.
    again = IdentityProviderForm(data={**form.data, "client_secret": ""}, instance=provider)
    assert again.is_valid(), again.errors
    assert again.save().client_secret() == "hemligt-värde"


def test_an_issuer_must_be_https_in_production(settings):
    settings.KLIENTSTOD_OIDC_ALLOW_HTTP = False
    provider = IdentityProvider(name="K", slug="k", issuer="http://idp.example/", client_id="c")
    provider.client_secret_env = "KLIENTSTOD_OIDC_K"
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert "issuer" in error.value.message_dict


def test_the_administrator_sets_a_provider_up_in_the_administration(admin_client_, kommun):
    add = reverse("admin:sso_identityprovider_add")
    assert admin_client_.get(add).status_code == 200
    response = admin_client_.post(
        add,
        {
            "name": "Båstads kommun",
            "slug": "bastad",
            "active": "on",
            "organisations": [kommun.pk],
            "roles": [Role.COORDINATOR, Role.REFERRER],
            "issuer": "https://login.microsoftonline.com/tenant/v2.0",
            "client_id": "app-id",
            "client_secret_env": "KLIENTSTOD_OIDC_BASTAD",
            "scopes": "openid email profile",
            "mfa_amr_values": "mfa",
            "upn_claim": "upn",
            "groups_claim": "groups",
            "group_mappings-TOTAL_FORMS": "0",
            "group_mappings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    provider = IdentityProvider.objects.get(slug="bastad")
    assert list(provider.organisations.all()) == [kommun]
    assert provider.role_list == [Role.COORDINATOR, Role.REFERRER]
    change = admin_client_.get(reverse("admin:sso_identityprovider_change", args=[provider.pk]))
    assert change.context["adminform"].form["roles"].value() == [Role.COORDINATOR, Role.REFERRER]
    assert not provider.required
    assert not provider.group_mapping
    for name in ("sso_identityprovider_changelist", "sso_provideridentity_changelist"):
        assert admin_client_.get(reverse(f"admin:{name}")).status_code == 200


def test_who_changed_a_provider_or_removed_a_link_is_in_the_audit_log(
    admin_client_, users, client, oidc_provider, provider, worker
):
    admin = users[Role.ADMIN]
    sign_in(client, oidc_provider, provider, sub="oid-31", email=worker.email)
    link = ProviderIdentity.objects.get()
    [made] = changes_of(link)  # made at the sign-in, as its linked event says
    assert (made.action, made.changes["subject"]) == (LogEntry.Action.CREATE, [None, None])
    old_secret = provider.client_secret_encrypted
    organisation = OrganisationFactory(name="Torekovs samordningsförbund")
    before = LogEntry.objects.order_by("pk").last().pk
    url = reverse("admin:sso_identityprovider_change", args=[provider.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {
        **{name: value for name, value in form.initial.items() if value is not None},
        "organisations": [provider.organisations.get().pk, organisation.pk],
        "roles": [Role.STEERING],
        "client_id": "ett-nytt-klient-id",
        "client_secret": "en-ny-hemlighet-99",
        "required": "on",
        "group_mappings-TOTAL_FORMS": "1",
        "group_mappings-INITIAL_FORMS": "0",
        "group_mappings-0-group": "g-styrgrupp",
        "group_mappings-0-organisation": organisation.pk,
        "group_mappings-0-role": Role.STEERING,
    }
    for name in ("active", "group_mapping"):
        data.pop(name) if not data.get(name) else data.update({name: "on"})
    response = admin_client_.post(url, data, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 302, response.context["adminform"].form.errors
    delete = reverse("admin:sso_provideridentity_delete", args=[link.pk])
    assert admin_client_.post(delete, {"post": "yes"}, REMOTE_ADDR="10.3.3.3").status_code == 302
    provider.refresh_from_db()
    assert provider.client_secret() == "en-ny-hemlighet-99"

    changed = [e for e in changes_of(provider) if e.pk > before]
    assert changed
    assert {(e.actor, e.remote_addr) for e in changed} == {(admin, "10.3.3.3")}
    fields = {name: value for e in changed for name, value in e.changes.items()}
    assert fields["required"] == ["False", "True"]
    assert fields["client_id"] == fields["client_secret_encrypted"] == [None, None]
    assert fields["organisations"]["objects"] == ["Torekovs samordningsförbund"]
    [mapping] = changes_of(provider.group_mappings.get())
    assert (mapping.actor, mapping.changes["role"]) == (admin, ["None", Role.STEERING])
    removed = changes_of(link)[-1]
    assert (removed.action, removed.actor) == (LogEntry.Action.DELETE, admin)
    assert removed.changes["user"] == [str(worker.pk), "None"]

    # The secret, typed or stored, is nowhere in the log, nor on its page.
    page = admin_client_.get(reverse("klientstod:audit-log"), {"action": "change"})
    body = page.content.decode()
    text = " ".join(
        f"{e.changes} {e.changes_text} {e.additional_data} {e.serialized_data}"
        for e in LogEntry.objects.all()
    )
    for secret in ("en-ny-hemlighet-99", old_secret, provider.client_secret_encrypted):
        assert secret not in text
        assert secret not in body
    assert "oid-31" not in text
    assert "oid-31" not in body
    assert f"Identitetsleverantör {provider.pk} (Båstads kommun)" in body
    changed_secret = (
        'Klienthemlighet, lagras krypterad</strong>: <span class="text-body-secondary">ändrat'
    )
    assert changed_secret in body


def changes_of(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.get_for_object(obj)
        .exclude(action=LogEntry.Action.ACCESS)
        .select_related("actor")
        .order_by("pk")
    )


def test_the_audit_log_page_names_the_sign_ins(admin_client_, client, oidc_provider, provider):
    sign_in(client, oidc_provider, provider, sub="nobody", email="okand@bastad.se")
    page = admin_client_.get(reverse("klientstod:audit-log")).content.decode()
    assert "Inloggning via identitetsleverantör nekad" in page
    assert f"Inget konto matchar · identitetsleverantör {provider.pk}" in page


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
