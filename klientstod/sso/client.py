"""Authlib's OpenID Connect client, one per provider, kept for the life of the process.

Authlib does the protocol: discovery (``.well-known/openid-configuration``), the
authorization-code flow with PKCE (S256), ``state`` and ``nonce`` kept in the session
and checked on the way back, the ID token's signature against the provider's key set
(JWKS), fetched once and fetched again when a token names a key it does not hold (the
provider has rotated its keys), and the token's issuer, audience, expiry and nonce.
The issuer is checked against the one the administrator configured, not only against
what the discovery document says.

A client is kept per provider and per version of its settings, so that the discovery
document and the key set are not fetched on every sign-in.
"""

from __future__ import annotations

import threading
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings

from .models import IdentityProvider

_lock = threading.Lock()
_clients: dict[tuple[Any, ...], DjangoOAuth2App] = {}


def _key(provider: IdentityProvider) -> tuple[Any, ...]:
    return (
        provider.pk,
        provider.updated_at,
        provider.issuer_url,
        provider.client_id,
        provider.client_secret(),
        provider.scopes,
    )


def client_for(provider: IdentityProvider) -> DjangoOAuth2App:
    key = _key(provider)
    with _lock:
        client = _clients.get(key)
        if client is None:
            for old in [k for k in _clients if k[0] == provider.pk]:
                del _clients[old]
            registry = OAuth()
            client = registry.register(
                name=f"provider-{provider.pk}",
                client_id=provider.client_id,
                client_secret=provider.client_secret(),
                server_metadata_url=provider.discovery_url,
                client_kwargs={
                    "scope": provider.scopes,
                    "code_challenge_method": "S256",
                    "default_timeout": settings.KLIENTSTOD_OIDC_TIMEOUT_SECONDS,
                },
            )
            _clients[key] = client
    return client


def forget() -> None:
    """Drop every kept client (the tests start each provider afresh)."""
    with _lock:
        _clients.clear()


def claims_options(provider: IdentityProvider) -> dict[str, Any]:
    """The ID token must come from the configured issuer and carry a subject."""
    return {
        "iss": {"essential": True, "values": [provider.issuer_url, f"{provider.issuer_url}/"]},
        "sub": {"essential": True},
    }
