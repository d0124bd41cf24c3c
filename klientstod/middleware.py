"""The project's middleware: language, session limits, second factor, the audit log's address.

Django's LocaleMiddleware follows the browser's Accept-Language, which would
show a Swedish municipality's staff an English interface whenever their
browser is set up in English. Here the language is Swedish unless the user
picked another in the footer (the language cookie).
"""

import ipaddress
import time
from collections.abc import Callable

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import resolve, reverse
from django.utils import translation


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
    """Send coordinators, bibliotherapists and administrators to the second factor first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.KLIENTSTOD_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and user.role in settings.KLIENTSTOD_2FA_ROLES
            and not user.is_verified()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            match = request.resolver_match or resolve(request.path_info)
            if not match.url_name or not match.url_name.startswith(OPEN_BEFORE_SECOND_FACTOR):
                return redirect_to_login(request.get_full_path(), login_url=reverse("two-factor"))
        return self.get_response(request)


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
