"""What the tests of signing in through an identity provider share.

The fixtures are made known to the tests through tests/conftest.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from auditlog.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from klientstod.models import Organisation, Role, User
from klientstod.sso import client as sso_client
from klientstod.sso.models import IdentityProvider

from .factories import OrganisationFactory, UserFactory

SERVER = "http://testserver/"


@pytest.fixture
def fresh_sso_clients():
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
