"""What the audit log records of sign-ins through a provider: codes and ids only.

Each entry is about the account (by its id) when one is known, and names the provider
by its id; a failure carries one of the reasons below. Neither the provider's subject,
nor an e-mail address, a UPN or a group leaves the provider's answer for the log.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from klientstod import audit
from klientstod.models import User

from .models import IdentityProvider

LOGIN = "sso_login"
LOGIN_FAILED = "sso_login_failed"
LINKED = "sso_account_linked"
CREATED = "sso_account_created"
LOGOUT = "sso_logout"
LOCAL_REFUSED = "local_login_refused"

EVENTS = {
    LOGIN: gettext_noop("signed in through a provider"),
    LOGIN_FAILED: gettext_noop("sign-in through a provider refused"),
    LINKED: gettext_noop("account linked to a provider"),
    CREATED: gettext_noop("account made from a provider's groups"),
    LOGOUT: gettext_noop("signed out, also at the provider"),
    LOCAL_REFUSED: gettext_noop("password login refused: the provider is required"),
}

#: Why a sign-in was refused.
PROVIDER_ERROR = "provider_error"
STATE = "state"
INVALID_TOKEN = "invalid_token"
UNREACHABLE = "unreachable"
UNKNOWN_ACCOUNT = "unknown_account"
AMBIGUOUS_ACCOUNT = "ambiguous_account"
INACTIVE = "inactive"
ROLE_NOT_SERVED = "role_not_served"
NO_GROUP = "no_group"

REASONS = {
    PROVIDER_ERROR: gettext_noop("the provider answered with an error"),
    STATE: gettext_noop("the answer did not belong to a sign-in begun here"),
    INVALID_TOKEN: gettext_noop("the ID token did not pass the checks"),
    UNREACHABLE: gettext_noop("the provider could not be reached"),
    UNKNOWN_ACCOUNT: gettext_noop("no account matches"),
    AMBIGUOUS_ACCOUNT: gettext_noop("more than one account matches"),
    INACTIVE: gettext_noop("the account is deactivated"),
    ROLE_NOT_SERVED: gettext_noop("the provider does not serve the account's role"),
    NO_GROUP: gettext_noop("in none of the mapped groups"),
}


def connect() -> None:
    audit.register_events(EVENTS, REASONS)


def record(
    event: str,
    provider: IdentityProvider | None,
    *,
    user: User | None = None,
    reason: str | None = None,
    mfa: bool | None = None,
) -> None:
    detail: dict[str, object] = {}
    if provider is not None:
        detail["provider"] = provider.pk
    if reason is not None:
        assert reason in REASONS, reason
        detail["reason"] = reason
    if mfa is not None:
        detail["mfa"] = mfa
    audit.record_event(event, user=user, detail=detail)
