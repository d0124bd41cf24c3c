"""Logging in: lockout after failures, sessions that end, and production settings."""

from __future__ import annotations

import base64
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from .browser import fresh_code
from .factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def code(device) -> str:
    return fresh_code(device)


def issue_code(user, by=None) -> str:
    from klientstod import services

    return services.enrolment_code_issue(user=user, by=by)


@pytest.mark.django_db
def test_the_coordinator_sets_up_two_factor_at_the_first_login(client, coordinator, users):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolment_code = issue_code(coordinator, by=users["admin"])
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-setup"))
    body = response.content.decode()
    # First the enrolment code: no key, no QR code, no device yet.
    assert "Ställ in tvåstegsinloggning" in body
    assert "Aktiveringskod" in body
    assert "<svg" not in body
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    # Nothing else opens before the second factor.
    closed = client.get(reverse("klientstod:case-list"))
    assert closed.status_code == 302
    assert closed["Location"].startswith(reverse("two-factor"))
    setup = reverse("two-factor-setup") + "?next=/"
    response = client.post(setup, {"code": enrolment_code.lower().replace("-", " ")})
    assert response.status_code == 302
    body = client.get(setup).content.decode()
    assert "<svg" in body
    assert "Steg 2 av 2" in body
    device = TOTPDevice.objects.get(user=coordinator)
    assert base64.b32encode(device.bin_key).decode() in body
    wrong = client.post(setup, {"token": "000000" if code(device) != "000000" else "111111"})
    assert "token" in wrong.context["form"].errors
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a second
    response = client.post(setup, {"token": code(device), "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert "Min dag" in client.get("/").content.decode()
    assert coordinator.enrolment_codes.get().used_at is not None


@pytest.mark.django_db
def test_with_an_app_set_up_the_code_is_asked_after_the_password(client, coordinator):
    from .conftest import verified_device

    device = verified_device(coordinator)
    client.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    assert client.get("/")["Location"].startswith(reverse("two-factor"))
    response = client.post(reverse("two-factor"), {"token": code(device), "next": "/cases/"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200


@pytest.mark.django_db
def test_a_referrer_cannot_open_a_referral_with_the_password_alone(client, users, process):
    from .conftest import verified_device
    from .factories import ReferralFactory

    referrer = users["referrer"]
    referral = ReferralFactory(
        process=process, referrer=referrer, organisation=referrer.organisation
    )
    url = reverse("referrals:referral-sent", args=[referral.pk])
    response = client.post(
        reverse("login"), {"username": referrer.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-setup"))
    for path in (url, reverse("referrals:referral-mine"), reverse("referrals:referral-create")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two-factor"))
    # With the app's code, the referral opens.
    device = verified_device(referrer)
    client.post(reverse("two-factor"), {"token": code(device)})
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_steering_group_may_go_without_but_once_set_up_the_code_is_asked(client, users):
    from .conftest import verified_device

    steering = users["steering"]
    client.post(reverse("login"), {"username": steering.username, "password": PASSWORD})
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    device = verified_device(steering)
    client.post(reverse("login"), {"username": steering.username, "password": PASSWORD})
    assert client.get("/")["Location"].startswith(reverse("two-factor"))
    client.post(reverse("two-factor"), {"token": code(device)})
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_superuser_without_a_role_is_asked_for_the_second_factor(client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("drift", "drift@example.se", PASSWORD)
    client.post(reverse("login"), {"username": "drift", "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor"))


def failed_login(username: str, address: str) -> int:
    http = Client(REMOTE_ADDR=address)
    return http.post(
        reverse("login"), {"username": username, "password": "fel-lösenord"}
    ).status_code


def login_status(username: str, address: str) -> int:
    http = Client(REMOTE_ADDR=address)
    return http.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code


@pytest.mark.django_db
def test_repeated_failures_lock_the_username_from_that_address(client, coordinator):
    for _ in range(5):
        client.post(reverse("login"), {"username": coordinator.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert "För många misslyckade försök" in body
    assert "om 15 minuter" in body
    # Another address is not locked out by someone else's attempts.
    assert login_status(coordinator.username, "10.0.0.9") == 302


@pytest.mark.django_db
def test_failures_on_one_username_from_many_addresses_lock_it_everywhere(coordinator, users):
    # One failure each from ten addresses: never five from one. The tenth locks.
    statuses = [failed_login(coordinator.username, f"10.0.1.{n}") for n in range(10)]
    assert statuses == [200] * 9 + [429]
    assert login_status(coordinator.username, "10.0.2.1") == 429
    # The addresses themselves are not locked for others.
    assert login_status(users["steering"].username, "10.0.1.1") == 302


@pytest.mark.django_db
def test_one_address_trying_every_username_is_locked(coordinator, users):
    statuses = [failed_login(f"anvandare{n}", "10.0.3.1") for n in range(30)]
    assert statuses == [200] * 29 + [429]
    assert login_status(coordinator.username, "10.0.3.1") == 429
    assert login_status(coordinator.username, "10.0.3.2") == 302


@pytest.mark.django_db
def test_an_office_behind_one_address_is_not_locked_by_its_typos(users):
    # Six colleagues behind one NAT address mistype four times each: 24 failures.
    for role in users:
        for _ in range(4):
            failed_login(role, "10.0.4.1")
    for role in users:
        assert login_status(role, "10.0.4.1") == 302, role


@pytest.mark.django_db
def test_a_good_login_does_not_wipe_an_address_s_count(coordinator, users):
    for n in range(29):
        failed_login(f"anvandare{n}", "10.0.5.1")
    # Someone with a working password logs in from the same address ...
    assert login_status(users["steering"].username, "10.0.5.1") == 302
    # ... and the spraying run's count stays: one more failure locks the address.
    failed_login("anvandare29", "10.0.5.1")
    assert login_status(coordinator.username, "10.0.5.1") == 429


@pytest.mark.django_db
def test_the_lockout_page_says_how_long_it_lasts(settings, coordinator):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=40)
    for _ in range(5):
        failed_login(coordinator.username, "10.0.6.1")
    response = Client(REMOTE_ADDR="10.0.6.1").post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "om 40 minuter" in response.content.decode()


# The audit log -------------------------------------------------------------------------------


def login_events() -> list:
    from auditlog.models import LogEntry

    from klientstod import login_audit

    return list(
        LogEntry.objects.filter(additional_data__event__in=login_audit.EVENTS)
        .select_related("actor")
        .order_by("pk")
    )


def logged(entry) -> tuple:
    return (entry.actor, entry.object_pk, entry.remote_addr, entry.additional_data)


@pytest.mark.django_db
def test_a_login_without_a_code_is_in_the_audit_log_at_the_password(users):
    steering = users["steering"]
    assert login_status(steering.username, "10.0.7.1") == 302
    [entry] = login_events()
    assert logged(entry) == (
        steering,
        str(steering.pk),
        "10.0.7.1",
        {"event": "password_login", "mfa": False},
    )


@pytest.mark.django_db
def test_a_login_with_a_code_is_in_the_audit_log_once_the_code_is_given(coordinator):
    from .conftest import verified_device

    device = verified_device(coordinator)
    http = Client(REMOTE_ADDR="10.0.7.2")
    http.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    assert login_events() == []  # the password alone opens nothing
    wrong = "000000" if code(device) != "000000" else "111111"
    assert http.post(reverse("two-factor"), {"token": wrong}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    response = http.post(reverse("two-factor"), {"token": code(device)})
    assert response.status_code == 302
    refused, login = login_events()
    assert logged(refused) == (
        coordinator,
        str(coordinator.pk),
        "10.0.7.2",
        {"event": "second_factor_refused"},
    )
    assert logged(login) == (
        coordinator,
        str(coordinator.pk),
        "10.0.7.2",
        {"event": "password_login", "mfa": True},
    )


@pytest.mark.django_db
def test_the_first_code_at_the_setup_completes_the_login_in_the_audit_log(client, coordinator):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    setup = reverse("two-factor-setup")
    client.post(setup, {"code": issue_code(coordinator)})
    client.get(setup)
    device = TOTPDevice.objects.get(user=coordinator)
    assert client.post(setup, {"token": code(device)}).status_code == 302
    [login] = login_events()
    assert (login.actor, login.additional_data) == (
        coordinator,
        {"event": "password_login", "mfa": True},
    )


@pytest.mark.django_db
def test_a_refused_login_names_an_account_only_by_its_id_and_only_when_there_is_one(
    coordinator, users
):
    from .audit_helpers import stored

    inactive = users["steering"]
    inactive.is_active = False
    inactive.save()
    failed_login(coordinator.username, "10.0.8.1")
    failed_login("nagon-som-inte-finns", "10.0.8.1")
    Client().post(reverse("login"), {"username": coordinator.username})  # no password: not tried
    login_status(inactive.username, "10.0.8.1")
    wrong, unknown, deactivated = login_events()
    assert logged(wrong) == (
        coordinator,
        str(coordinator.pk),
        "10.0.8.1",
        {"event": "password_login_failed", "reason": "wrong_password"},
    )
    assert logged(unknown) == (
        None,
        "",
        "10.0.8.1",
        {"event": "password_login_failed", "reason": "unknown_username"},
    )
    assert "nagon-som-inte-finns" not in stored(unknown)
    assert logged(deactivated)[:2] == (inactive, str(inactive.pk))
    assert deactivated.additional_data["reason"] == "inactive"


@pytest.mark.django_db
def test_a_lockout_is_in_the_audit_log(coordinator):
    statuses = [failed_login(coordinator.username, "10.0.9.1") for _ in range(5)]
    assert login_status(coordinator.username, "10.0.9.1") == 429
    reasons = [e.additional_data["reason"] for e in login_events()]
    # The fifth failure locks the username at this address; the next try is refused unseen.
    assert statuses == [200] * 4 + [429]
    assert reasons == ["wrong_password"] * 4 + ["locked_out"] * 2
    assert {e.actor for e in login_events()} == {coordinator}


@pytest.mark.django_db
def test_the_log_page_names_the_logins_in_swedish(admin_client_, users, coordinator):
    login_status(users["steering"].username, "10.0.9.2")
    failed_login(coordinator.username, "10.0.9.2")
    body = admin_client_.get(reverse("klientstod:audit-log")).content.decode()
    assert "Inloggad med lösenord" in body
    assert "Inloggning med lösenord nekad" in body
    assert "Fel lösenord" in body


def age_session(http, *, idle: int = 0, started: int = 0) -> None:
    session = http.session
    now = int(time.time())
    session["ks_seen"] = now - idle
    session["ks_started"] = now - started
    session.save()


@pytest.mark.django_db
def test_a_session_ends_after_thirty_idle_minutes(coordinator_client):
    age_session(coordinator_client, idle=29 * 60)
    assert coordinator_client.get("/").status_code == 200
    age_session(coordinator_client, idle=31 * 60)
    response = coordinator_client.get("/cases/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert coordinator_client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_session_ends_after_twelve_hours_even_when_used(coordinator_client):
    age_session(coordinator_client, started=12 * 60 * 60 + 10)
    response = coordinator_client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_passwords_are_at_least_twelve_characters(admin_client_):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("kort-lösen1")
    validate_password("ett-långt-lösenord-2026")


def test_the_deploy_check_passes_with_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="klientstod.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 20 + "a-long-random-production-key-8f2c91d7e4b6a053",
        DJANGO_ALLOWED_HOSTS="klientstod.example.se",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
