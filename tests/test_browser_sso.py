"""Signing in through the organisation's identity provider in a real browser.

Chromium goes from the login page's button to the OpenID Provider running on this
machine (tests/oidc.py), signs in there, and comes back: without multi-factor at the
provider the app asks for its own code; logout goes on to the provider's logout, after
which the provider asks for a login again; with multi-factor there, no code is asked.
"""

from __future__ import annotations

import os

import pytest

from klientstod.models import Role
from klientstod.sso import client as sso_client
from klientstod.sso.models import IdentityProvider

from .browser import AccessibilityChecker, fresh_code
from .conftest import verified_device
from .factories import OrganisationFactory, ProcessFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_through_the_provider_then_log_out_there_too(
    live_server, browser_page, oidc_provider
):
    sso_client.forget()
    kommun = OrganisationFactory(name="Båstads kommun")
    coordinator = UserFactory(
        username="sam",
        first_name="Sam",
        last_name="Samordnare",
        email="sam@bastad.se",
        role=Role.COORDINATOR,
        organisation=kommun,
        processes=[ProcessFactory()],
    )
    device = verified_device(coordinator)
    client_id, secret = oidc_provider.add_client(
        [f"{live_server.url}/accounts/sso/bastad/callback/"],
        [f"{live_server.url}/accounts/login/"],
    )
    provider = IdentityProvider(
        name="Båstads kommun", slug="bastad", issuer=oidc_provider.issuer, client_id=client_id
    )
    provider.set_client_secret(secret)
    provider.save()
    provider.organisations.add(kommun)
    page, axe = browser_page, AccessibilityChecker()

    # Password only at the provider: the app's own code is asked for.
    page.goto(f"{live_server.url}/accounts/login/")
    axe.check(page, "login-with-provider")
    page.get_by_role("link", name="Logga in med Båstads kommun").click()
    page.get_by_role("heading", name="Test provider sign-in").wait_for()
    page.get_by_label("Subject").fill("entra-oid-sam")
    page.get_by_label("E-mail", exact=True).fill("sam@bastad.se")
    page.get_by_label("amr (comma-separated)").fill("pwd")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_label("Sexsiffrig kod från din autentiseringsapp").fill(fresh_code(device))
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_text("Sam Samordnare").first.wait_for()
    assert page.url == f"{live_server.url}/"

    # Logout ends the session here and, once the user confirms there, at the provider.
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/**")
    page.get_by_role("link", name="Logga in med Båstads kommun").wait_for()

    # The provider asks again; with multi-factor there, the app asks for no code.
    page.get_by_role("link", name="Logga in med Båstads kommun").click()
    page.get_by_role("heading", name="Test provider sign-in").wait_for()
    page.get_by_label("Subject").fill("entra-oid-sam")
    page.get_by_label("amr (comma-separated)").fill("pwd,mfa")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Sam Samordnare").first.wait_for()
    assert page.url == f"{live_server.url}/"
    axe.assert_clean()


def test_a_refused_sign_in_shows_the_message(live_server, browser_page, oidc_provider):
    sso_client.forget()
    kommun = OrganisationFactory(name="Båstads kommun")
    client_id, secret = oidc_provider.add_client(
        [f"{live_server.url}/accounts/sso/bastad/callback/"], []
    )
    provider = IdentityProvider(
        name="Båstads kommun", slug="bastad", issuer=oidc_provider.issuer, client_id=client_id
    )
    provider.set_client_secret(secret)
    provider.save()
    provider.organisations.add(kommun)
    page, axe = browser_page, AccessibilityChecker()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Logga in med Båstads kommun").click()
    page.get_by_label("Subject").fill("okand")
    page.get_by_label("E-mail", exact=True).fill("okand@bastad.se")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").get_by_text("Klientstöd har inget konto åt dig").wait_for()
    assert page.url == f"{live_server.url}/accounts/login/"
    axe.check(page, "login-refused")
    axe.assert_clean()
