"""The login page with its providers, the sign-in through a provider, and logout."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from klientstod import login_audit
from klientstod.twofactor import second_factor_required

from . import events
from .accounts import SignInRefused, sign_in
from .client import claims_options, client_for
from .models import IdentityProvider
from .session import (
    ID_TOKEN_SESSION_KEY,
    NEXT_SESSION_KEY,
    PROVIDER_MFA_SESSION_KEY,
    PROVIDER_SESSION_KEY,
)

log = logging.getLogger(__name__)

BACKEND = "klientstod.sso.backends.ProviderBackend"


class LocalLoginForm(AuthenticationForm):
    """Password login, refused to the users of an organisation whose provider is required.

    The refusal comes after the password has been checked, so it tells nothing about an
    account to whoever does not know its password.
    """

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        provider = IdentityProvider.objects.required_for(user)
        if provider is not None:
            events.record(events.LOCAL_REFUSED, provider, user=user)
            raise ValidationError(
                _(
                    "Your organisation signs in through %(provider)s. Use the button "
                    '"Sign in with %(provider)s".'
                )
                % {"provider": provider.name},
                code="provider_required",
            )


class LoginView(auth_views.LoginView):
    """The password login, and a button for each provider; both ends are in the audit log.

    Logged here rather than on ``user_logged_in``, which every login fires (the tests'
    ``force_login`` and the provider's too): see ``klientstod.login_audit``.
    """

    authentication_form = LocalLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if not second_factor_required(self.request):
            login_audit.password_login(form.get_user())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        # Only a login that was tried: not a form sent without a user name or password, and
        # not a password right for a user whose provider is required (logged as that).
        tried = form.has_error(NON_FIELD_ERRORS)
        if tried and not form.has_error(NON_FIELD_ERRORS, "provider_required"):
            login_audit.password_refused(self.request, form.data.get("username"))
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["identity_providers"] = list(IdentityProvider.objects.active())
        return context


def _next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _callback_uri(request: HttpRequest, provider: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("sso-callback", args=[provider.slug]))


def _same_issuer(provider: IdentityProvider, metadata: dict[str, Any]) -> bool:
    return str(metadata.get("issuer", "")).rstrip("/") == provider.issuer_url


def _refuse(
    request: HttpRequest,
    provider: IdentityProvider,
    reason: str,
    user: Any = None,
) -> HttpResponse:
    """Log the refusal and send the user to the login page with a message they can act on."""
    events.record(events.LOGIN_FAILED, provider, user=user, reason=reason)
    name = provider.name
    if reason == events.UNKNOWN_ACCOUNT:
        text = _(
            "You signed in at %(provider)s, but Klientstöd has no account for you. Ask the "
            "administrator of Klientstöd to create one with your work e-mail address."
        )
    elif reason == events.AMBIGUOUS_ACCOUNT:
        text = _(
            "You signed in at %(provider)s, but your account in Klientstöd could not be "
            "told apart from another one. Contact the administrator of Klientstöd."
        )
    elif reason == events.ROLE_NOT_SERVED:
        text = _(
            "Your account in Klientstöd does not sign in through %(provider)s. Use the login "
            "your organisation has for it, or contact the administrator."
        )
    elif reason == events.INACTIVE:
        text = _("Your account in Klientstöd is deactivated. Contact the administrator.")
    elif reason == events.NO_GROUP:
        text = _(
            "You signed in at %(provider)s, but you are in none of the groups that give "
            "access to Klientstöd. Contact your IT department."
        )
    elif reason == events.UNREACHABLE:
        text = _(
            "%(provider)s could not be reached just now. Try again in a moment; if it goes "
            "on, contact your IT department."
        )
    else:
        text = _(
            "The sign-in through %(provider)s did not succeed. Start again from the login "
            "page; if it happens again, contact your IT department."
        )
    messages.error(request, text % {"provider": name})
    return redirect("login")


@require_GET
@never_cache
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the user to the provider, with state, nonce and a PKCE challenge."""
    provider = get_object_or_404(IdentityProvider.objects.active(), slug=slug)
    if request.user.is_authenticated:
        return redirect(_next(request, request.GET.get("next")))
    client = client_for(provider)
    try:
        if not _same_issuer(provider, client.load_server_metadata()):
            log.warning("identity provider %s: the discovery document's issuer differs", slug)
            return _refuse(request, provider, events.PROVIDER_ERROR)
        request.session[NEXT_SESSION_KEY] = _next(request, request.GET.get("next"))
        return client.authorize_redirect(request, _callback_uri(request, provider))
    except (requests.RequestException, ValueError) as error:
        log.warning("identity provider %s unreachable: %s", slug, type(error).__name__)
        return _refuse(request, provider, events.UNREACHABLE)


@require_GET
@never_cache
def callback(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider's answer: the code is exchanged, the ID token checked, the account found."""
    provider = get_object_or_404(IdentityProvider.objects.active(), slug=slug)
    if request.user.is_authenticated:
        return redirect(_next(request, request.session.pop(NEXT_SESSION_KEY, None)))
    answered_by = request.GET.get("iss")
    if answered_by is not None and answered_by.rstrip("/") != provider.issuer_url:
        # RFC 9207: the answer names another issuer than the one this sign-in went to.
        return _refuse(request, provider, events.PROVIDER_ERROR)
    client = client_for(provider)
    try:
        token = client.authorize_access_token(request, claims_options=claims_options(provider))
    except MismatchingStateError:
        return _refuse(request, provider, events.STATE)
    except OAuthError as error:
        log.info("identity provider %s answered %s", slug, error.error)
        return _refuse(request, provider, events.PROVIDER_ERROR)
    except requests.RequestException as error:
        log.warning("identity provider %s unreachable: %s", slug, type(error).__name__)
        return _refuse(request, provider, events.UNREACHABLE)
    except (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError) as error:
        log.warning("identity provider %s: ID token refused (%s)", slug, type(error).__name__)
        return _refuse(request, provider, events.INVALID_TOKEN)
    claims = token.get("userinfo")
    if not claims:
        return _refuse(request, provider, events.INVALID_TOKEN)
    try:
        result = sign_in(provider, dict(claims))
    except SignInRefused as refused:
        return _refuse(request, provider, refused.reason, refused.user)
    target = request.session.pop(NEXT_SESSION_KEY, None)
    user = result.user
    mfa = provider.asserts_mfa(dict(claims))
    login(request, user, backend=BACKEND)
    request.session[PROVIDER_SESSION_KEY] = provider.pk
    request.session[PROVIDER_MFA_SESSION_KEY] = mfa
    request.session[ID_TOKEN_SESSION_KEY] = token.get("id_token", "")
    if result.created:
        events.record(events.CREATED, provider, user=user)
    if result.linked:
        events.record(events.LINKED, provider, user=user)
    events.record(events.LOGIN, provider, user=user, mfa=mfa)
    return redirect(_next(request, target))


class LogoutView(auth_views.LogoutView):
    """Django's logout; after a provider's sign-in, on to the provider's own logout.

    The provider's end_session_endpoint (RP-initiated logout) is reached through a page
    of ours that goes on by itself: the policy of the page with the logout button lets a
    form lead only to the app (``form-action 'self'``), so the form cannot be redirected
    straight to the provider.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_pk = request.session.get(PROVIDER_SESSION_KEY)
        id_token = request.session.get(ID_TOKEN_SESSION_KEY, "")
        user = request.user if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        provider = IdentityProvider.objects.filter(pk=provider_pk).first() if provider_pk else None
        if provider is None:
            return response
        url = _end_session_url(request, provider, id_token)
        if url is None:
            return response
        events.record(events.LOGOUT, provider, user=user)
        return render(
            request,
            "registration/provider_logout.html",
            {"provider": provider, "end_session_url": url},
        )


def _end_session_url(request: HttpRequest, provider: IdentityProvider, id_token: str) -> str | None:
    """The provider's logout address, if its discovery document names one."""
    client = client_for(provider)
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError):
        return None
    endpoint = metadata.get("end_session_endpoint")
    schemes = ("https", "http") if settings.KLIENTSTOD_OIDC_ALLOW_HTTP else ("https",)
    if not endpoint or urlsplit(str(endpoint)).scheme not in schemes:
        return None
    result = client.create_logout_url(
        post_logout_redirect_uri=request.build_absolute_uri(reverse("login")),
        id_token_hint=id_token or None,
        client_id=provider.client_id,
    )
    return str(result["url"])
