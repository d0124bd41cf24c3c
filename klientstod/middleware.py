"""The project's middleware: language, session limits, second factor, the audit log's address.

Django's LocaleMiddleware follows the browser's Accept-Language, which would
show a Swedish municipality's staff an English interface whenever their
browser is set up in English. Here the language is Swedish unless the user
picked another in the footer (the language cookie).
"""

import ipaddress
import time
from collections.abc import Callable
from typing import Any

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import submissions
from .sso.session import PROVIDER_SESSION_KEY
from .twofactor import second_factor_required


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def session_started(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """Stamp a new login's session, so that the limits count from the login itself.

    Connected to ``user_logged_in`` in the app config: the stamp goes into the session
    that the login is saving anyway, instead of costing a write on the first page.
    """
    now = int(time.time())
    request.session["ks_started"] = now
    request.session["ks_seen"] = now


class SessionLimitsMiddleware:
    """Log out after SESSION_IDLE_SECONDS without a request and after SESSION_COOKIE_AGE in all.

    The last-seen time is written at most once a minute, so that a busy user does not
    cost a session write on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("ks_started", now)
            seen = session.get("ks_seen", now)
            if now - seen > settings.SESSION_IDLE_SECONDS or (
                now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - seen >= 60 or "ks_seen" not in session:
                session["ks_seen"] = now
        return self.get_response(request)


#: Pages a user between password and second factor may still open.
OPEN_BEFORE_SECOND_FACTOR = ("two-factor", "logout", "set_language", "accessibility", "health")


class TwoFactorMiddleware:
    """Send the roles that see personal data (and whoever set up an app) to the second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and second_factor_required(request)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            match = request.resolver_match or resolve(request.path_info)
            if not match.url_name or not match.url_name.startswith(OPEN_BEFORE_SECOND_FACTOR):
                return redirect_to_login(request.get_full_path(), login_url=reverse("two-factor"))
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user.

    A page with a client's record must not stay in the browser's cache or history of a
    shared computer, nor in a proxy, after the user has logged out. The login page
    has it from Django's view; static files never come here (whitenoise serves them
    first) and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Asked before and after: a login or logout changes the user during the request.
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response


#: Pages a user whose password the administrator set may open before changing it.
OPEN_BEFORE_PASSWORD_CHANGE = {
    "login",
    "logout",
    "two-factor",
    "two-factor-setup",
    "password_change",
    "password_change_done",
    "set_language",
    "klientstod:accessibility",
    "klientstod:health",
}


class PasswordChangeMiddleware:
    """Send a user whose password an administrator set to change it, before anything else.

    Not after a sign-in through an identity provider, where the password plays no part.

    It runs after the second factor: the administrator knows the password they set (and
    it travels to the user somehow), so changing it needs the authenticator app too;
    someone who has only that password cannot replace it with one of their own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            # Signed in through the organisation's provider: the password is not in use.
            and not request.session.get(PROVIDER_SESSION_KEY)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            match = request.resolver_match or resolve(request.path_info)
            if match.view_name not in OPEN_BEFORE_PASSWORD_CHANGE:
                return redirect("password_change")
        return self.get_response(request)


UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class SubmitOnceMiddleware:
    """A form sent twice with the same one-time token runs once (``klientstod.submissions``).

    The token is claimed in ``process_view``, after the login and second-factor
    redirects, just before the view; the view's answer then settles it. The middleware
    stands outside the session and messages middleware, so that the first sending's
    session (a search, a second factor, its message) is saved before a second sending,
    waiting for it, is sent where it led. The second sending of a form that succeeded is
    sent there with a note that the form was sent twice. (Its ``process_view`` runs
    before the CSRF check's; a request the check refuses is a 403, which lets go of the
    token, and the key holds the session, which a forger does not have.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        submission = getattr(request, "form_submission", None)
        if submission is not None:
            submissions.finish(submission, request, response)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method not in UNSAFE_METHODS or not request.user.is_authenticated:
            return None
        token = submissions.token_of(request)
        if token is None:
            return None
        key = submissions.submission_key(request.user.pk, request.session.session_key, token)
        outcome = submissions.claim_or_wait(key)
        if isinstance(outcome, submissions.Earlier):
            if outcome.location:
                messages.info(request, _("You sent the form twice; it was saved once."))
                return HttpResponseRedirect(outcome.location)
            messages.warning(
                request,
                _(
                    "The form you sent is still being saved. Wait a moment and check that "
                    "it was saved before sending it again."
                ),
            )
            return HttpResponseRedirect(_page_of_the_form(request))
        request.form_submission = outcome  # type: ignore[attr-defined]
        return None


def _page_of_the_form(request: HttpRequest) -> str:
    """The page the form was sent from, if it is one of ours; else the start page."""
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return reverse("klientstod:home")


def client_address(request: HttpRequest) -> str | None:
    """The address of the person at the keyboard, as far as it can be trusted.

    With no proxy in front (DJANGO_PROXY_COUNT=0) it is the connection's own address,
    and an X-Forwarded-For header is the client's word, ignored. Behind N proxies, each
    appends the address it received the request from, so the N-th address from the
    right was written by our outermost proxy; anything left of it the client could
    have written. Used by the audit log and by the login lockout (django-axes).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.KLIENTSTOD_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware (the actor of every entry), with the address we can trust.

    auditlog's own takes the leftmost X-Forwarded-For, which anyone can send, and a
    port from X-Forwarded-Port; the log keeps ``client_address`` and no port.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_address(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None
