"""What the audit log records of password logins and of the second factor: ids and codes.

A password login is in the log once it is complete, that is when the account can reach
what its role may see:

- at the password, for a user who is asked for no code (``mfa`` false);
- at the code from the authenticator app, for everyone else (``mfa`` true). A password
  accepted and never followed by a code opens nothing, and leaves no "signed in" entry.

A refused password login is logged with its reason, about the account whose user name was
typed where there is one (by its id); a user name that matches no account is not kept.
A wrong code is logged as a refusal too. After a sign-in through an identity provider that
asserted no second factor, the code is logged as that session's own step, with the
provider's id (the provider's sign-in is logged by ``klientstod.sso.events``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_noop

from . import audit
from .sso.session import PROVIDER_SESSION_KEY

LOGIN = "password_login"
LOGIN_FAILED = "password_login_failed"
CODE_GIVEN = "second_factor_given"
CODE_REFUSED = "second_factor_refused"

EVENTS = {
    LOGIN: gettext_noop("signed in with password"),
    LOGIN_FAILED: gettext_noop("password login refused"),
    CODE_GIVEN: gettext_noop("code from the authenticator app given after a provider sign-in"),
    CODE_REFUSED: gettext_noop("code from the authenticator app refused"),
}

#: Why a password login was refused.
WRONG_PASSWORD = "wrong_password"
UNKNOWN_USERNAME = "unknown_username"
INACTIVE = "inactive"
LOCKED_OUT = "locked_out"

REASONS = {
    WRONG_PASSWORD: gettext_noop("wrong password"),
    UNKNOWN_USERNAME: gettext_noop("no account has that user name"),
    INACTIVE: gettext_noop("the account is deactivated"),
    LOCKED_OUT: gettext_noop("locked out after too many failed attempts"),
}


def connect() -> None:
    audit.register_events(EVENTS, REASONS)


def account_named(username: Any) -> Any:
    """The account a typed user name belongs to, the way the login looks it up; or None."""
    if not isinstance(username, str) or not username:
        return None
    model = get_user_model()
    try:
        return model._default_manager.get_by_natural_key(username)
    except model.DoesNotExist:
        return None


def password_login(user: Any) -> None:
    """The password completed the login: no code is asked of this user."""
    audit.record_event(LOGIN, user=user, detail={"mfa": False})


def password_refused(request: HttpRequest, username: Any) -> None:
    """A password login refused: locked out, unknown user name, deactivated, wrong password."""
    user = account_named(username)
    if getattr(request, "axes_locked_out", False):
        reason = LOCKED_OUT
    elif user is None:
        reason = UNKNOWN_USERNAME
    elif not user.is_active:
        reason = INACTIVE
    else:
        reason = WRONG_PASSWORD
    audit.record_event(LOGIN_FAILED, user=user, detail={"reason": reason})


def _provider(request: HttpRequest) -> int | None:
    provider = request.session.get(PROVIDER_SESSION_KEY)
    return provider if isinstance(provider, int) else None


def code_given(request: HttpRequest, user: Any) -> None:
    """The code from the app completed the login (after the password or a provider)."""
    provider = _provider(request)
    if provider is None:
        audit.record_event(LOGIN, user=user, detail={"mfa": True})
    else:
        audit.record_event(CODE_GIVEN, user=user, detail={"provider": provider})


def code_refused(request: HttpRequest, user: Any) -> None:
    provider = _provider(request)
    audit.record_event(
        CODE_REFUSED, user=user, detail={"provider": provider} if provider is not None else {}
    )
