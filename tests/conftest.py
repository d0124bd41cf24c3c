"""Shared fixtures: a process with its partners, and one logged-in client per role."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client as HttpClient

from klientstod.models import Role

from .browser import CHROMIUM_ARGS, chromium_path
from .factories import CaseFactory, OrganisationFactory, ProcessFactory, UnitFactory, UserFactory
from .oidc import oidc_provider  # noqa: F401  (the OpenID Provider on this machine)
from .report_helpers import scenario  # noqa: F401  (the reports' fixed scenario)
from .sso_helpers import (  # noqa: F401  (the identity provider tests' fixtures)
    fresh_sso_clients,
    kommun,
    provider,
    worker,
)

ROLES = [role.value for role in Role]


@pytest.fixture
def process(db):
    return ProcessFactory()


@pytest.fixture
def other_process(db):
    return ProcessFactory()


@pytest.fixture
def users(process):
    """One user per role; everyone but the referrer and admin belongs to ``process``.

    The referrer works at a partner of ``process``, so it is one they may refer to.
    """
    return make_users(process)


def make_users(process):
    """One user per role, as the ``users`` fixture has them."""
    members = {Role.COORDINATOR, Role.BIBLIOTHERAPIST, Role.STEERING, Role.EVALUATOR}
    referrer_unit = UnitFactory(organisation=OrganisationFactory(name="Arbetsförmedlingen"))
    process.partners.add(referrer_unit.organisation)
    return {
        role: UserFactory(
            username=role,
            role=role,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            processes=[process] if role in members else [],
            organisation=referrer_unit.organisation if role == Role.REFERRER else None,
            unit=referrer_unit if role == Role.REFERRER else None,
        )
        for role in ROLES
    }


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


def _logged_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def role_clients(users) -> dict[str, HttpClient]:
    """A logged-in test client per role, plus ``anonymous``."""
    clients = {role: _logged_in(user) for role, user in users.items()}
    clients["anonymous"] = HttpClient()
    return clients


@pytest.fixture
def coordinator_client(role_clients):
    return role_clients[Role.COORDINATOR]


@pytest.fixture
def bibliotherapist_client(role_clients):
    return role_clients[Role.BIBLIOTHERAPIST]


@pytest.fixture
def referrer_client(role_clients):
    return role_clients[Role.REFERRER]


@pytest.fixture
def steering_client(role_clients):
    return role_clients[Role.STEERING]


@pytest.fixture
def evaluator_client(role_clients):
    return role_clients[Role.EVALUATOR]


@pytest.fixture
def admin_client_(role_clients):
    return role_clients[Role.ADMIN]


@pytest.fixture
def case(process, coordinator):
    return CaseFactory(process=process, coordinator=coordinator)


@pytest.fixture
def browser_page():
    """A page in the system Chromium, in Swedish and Stockholm time.

    Whatever the journey does, no page it visits may break the Content-Security-Policy:
    a refused inline script or style would be a feature that silently does not work.
    """
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(15_000)
        violations: list[str] = []

        def on_console(message) -> None:
            if "Content Security Policy" in message.text:
                violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        yield page
        context.close()
        browser.close()
        assert not violations, "\n".join(dict.fromkeys(violations))


#: Chromium logs a refusal itself; the event also names what was refused and where.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} `
    + `${event.blockedURI} ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """End the live server's database sessions before the test database is dropped."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


def verified_device(user):
    """The user's confirmed TOTP device, made if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch):
    """In the tests, ``force_login`` logs a user fully in: password and second factor.

    The two-factor flow itself is tested in tests/test_login.py.
    """
    monkeypatch.setattr(HttpClient, "force_login", log_in_fully)


_force_login = HttpClient.force_login


def log_in_fully(http: HttpClient, user, backend=None) -> None:
    """Log ``user`` in on ``http``: password and, for the roles that need one, second factor."""
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY

    _force_login(http, user, backend)
    if user.role in settings.KLIENTSTOD_2FA_ROLES or user.is_staff:
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        session.save()


@contextlib.contextmanager
def built_once(django_db_blocker) -> Iterator[None]:
    """Records for a whole module or class, built once inside the ``with`` block.

    They live in a transaction that is rolled back when the block ends; each test
    (marked ``django_db``) still runs in its own savepoint inside it, so what one
    test writes is gone before the next. Use it from a module- or class-scoped
    fixture::

        @pytest.fixture(scope="module")
        def records(django_db_setup, django_db_blocker):
            with built_once(django_db_blocker):
                with django_db_blocker.unblock():
                    data = build()
                yield data
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def session_client(session_key: str) -> HttpClient:
    """A fresh test client that carries an existing session (one made with ``log_in_fully``)."""
    from django.conf import settings

    http = HttpClient()
    http.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return http
