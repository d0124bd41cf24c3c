"""Setting up the authenticator app takes an enrolment code from the administrator.

The administrator issues the code (shown once), can reissue it and reset a lost app,
and never sees a user's TOTP key or QR code.
"""

from __future__ import annotations

import base64
import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from klientstod import services
from klientstod.models import EnrolmentCode, Role

from .conftest import verified_device
from .factories import PASSWORD, UserFactory
from .test_login import code as totp

SETUP = reverse("two-factor-setup")
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def password_only(user) -> Client:
    """Logged in with the password, before the second factor."""
    http = Client()
    response = http.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return http


def shows_a_key(body: str) -> bool:
    return "<svg" in body or "Nyckel" in body


# The administrator never sees a key ------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_device_pages_show_no_key_and_no_qr_code(admin_client_, coordinator):
    device = verified_device(coordinator)
    secrets = [device.key, base64.b32encode(device.bin_key).decode()]
    pages = [
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        reverse("admin:otp_totp_totpdevice_history", args=[device.pk]),
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]),
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
    ]
    for url in pages:
        response = admin_client_.get(url, follow=True)
        body = response.content.decode()
        assert not any(secret in body for secret in secrets), url
        assert "otpauth://" not in body, url
        assert "image/svg" not in response["Content-Type"], url
        assert 'href="qrcode' not in body, url
        assert "/config/" not in body, url
    # Neither the key page nor the QR image exists, and no device is added with a known key.
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[device.pk])
    assert admin_client_.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    changed = admin_client_.post(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        {"user": coordinator.pk, "name": "x", "key": "00" * 20, "confirmed": "on"},
    )
    assert changed.status_code == 403
    device.refresh_from_db()
    assert device.key != "00" * 20


# The setup page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_valid_enrolment_code_the_setup_never_shows_a_key(users):
    referrer = users[Role.REFERRER]
    http = password_only(referrer)
    body = http.get(SETUP).content.decode()
    assert "Aktiveringskod" in body
    assert not shows_a_key(body)
    for typed in ("ABCD-EFGH-JKMN", "", "kort", "000000"):
        response = http.post(SETUP, {"code": typed})
        assert response.status_code == 200
        assert response.context["form"].errors["code"], typed
        assert not shows_a_key(response.content.decode())
        assert response.context["form"]["code"].value() == typed  # what was typed stays
    # A TOTP code sent straight to the second step does nothing either.
    response = http.post(SETUP, {"token": "123456"})
    assert not shows_a_key(response.content.decode())
    assert not TOTPDevice.objects.filter(user=referrer).exists()
    assert http.get(reverse("referrals:referral-mine"))["Location"].startswith(
        reverse("two-factor")
    )


def enrol_with(http: Client, enrolment_code: str):
    return http.post(SETUP, {"code": enrolment_code})


def refused(response) -> bool:
    return (
        response.status_code == 200
        and bool(response.context["form"].errors.get("code"))
        and not shows_a_key(response.content.decode())
    )


@pytest.mark.django_db
def test_a_replaced_code_is_refused_and_the_newest_works(users):
    admin, coordinator = users[Role.ADMIN], users[Role.COORDINATOR]
    first = services.enrolment_code_issue(user=coordinator, by=admin)
    second = services.enrolment_code_issue(user=coordinator, by=admin)
    http = password_only(coordinator)
    assert refused(enrol_with(http, first))
    assert enrol_with(http, second).status_code == 302
    body = http.get(SETUP).content.decode()
    assert "<svg" in body


@pytest.mark.django_db
def test_an_expired_code_is_refused(users):
    coordinator = users[Role.COORDINATOR]
    enrolment_code = services.enrolment_code_issue(user=coordinator, by=users[Role.ADMIN])
    EnrolmentCode.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = enrol_with(password_only(coordinator), enrolment_code)
    assert refused(response)
    assert "Be administratören om en ny kod" in response.content.decode()


@pytest.mark.django_db
def test_a_code_lasts_seven_days(users):
    coordinator = users[Role.COORDINATOR]
    services.enrolment_code_issue(user=coordinator, by=users[Role.ADMIN])
    issued = EnrolmentCode.objects.get()
    assert issued.expires_at - issued.issued_at == datetime.timedelta(days=7)


@pytest.mark.django_db
def test_a_used_code_is_refused(users):
    coordinator = users[Role.COORDINATOR]
    enrolment_code = services.enrolment_code_issue(user=coordinator, by=users[Role.ADMIN])
    http = password_only(coordinator)
    enrol_with(http, enrolment_code)
    device = TOTPDevice.objects.get(user=coordinator)
    assert http.post(SETUP, {"token": totp(device)}).status_code == 302
    assert EnrolmentCode.objects.get().used_at is not None
    # The app is removed (from the device list, without a new code): the old code is no key.
    device.delete()
    assert refused(enrol_with(password_only(coordinator), enrolment_code))
    assert not TOTPDevice.objects.filter(user=coordinator).exists()


@pytest.mark.django_db
def test_a_code_wears_out_after_five_wrong_tries(users):
    coordinator = users[Role.COORDINATOR]
    enrolment_code = services.enrolment_code_issue(user=coordinator, by=users[Role.ADMIN])
    http = password_only(coordinator)
    for left in (4, 3, 2, 1):
        response = enrol_with(http, "ABCD-EFGH-JKMN")
        assert refused(response)
        assert f"{left} försök kvar" in response.content.decode()
    response = enrol_with(http, "ABCD-EFGH-JKMN")
    assert "Be administratören om en ny kod" in response.content.decode()
    assert refused(enrol_with(http, enrolment_code))
    assert EnrolmentCode.objects.get().failed_attempts == 5


@pytest.mark.django_db
def test_a_code_replaced_after_it_was_typed_stops_the_setup(users):
    admin, coordinator = users[Role.ADMIN], users[Role.COORDINATOR]
    enrolment_code = services.enrolment_code_issue(user=coordinator, by=admin)
    http = password_only(coordinator)
    enrol_with(http, enrolment_code)
    device = TOTPDevice.objects.get(user=coordinator)
    services.enrolment_code_issue(user=coordinator, by=admin)  # reissued meanwhile
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    response = http.post(SETUP, {"token": totp(device)})
    assert refused(response)
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


@pytest.mark.django_db
def test_only_a_hash_of_the_code_is_kept(users):
    coordinator = users[Role.COORDINATOR]
    enrolment_code = services.enrolment_code_issue(user=coordinator, by=users[Role.ADMIN])
    stored = EnrolmentCode.objects.get()
    assert enrolment_code.replace("-", "") not in stored.code_hash
    assert stored.matches(enrolment_code)
    assert not stored.matches("ABCD-EFGH-JKMN")


# The administrator issues, reissues and resets ------------------------------------------


def enrolment_page(user) -> str:
    return reverse("admin:klientstod_user_enrolment_code", args=[user.pk])


@pytest.fixture
def newcomer(process):
    """A coordinator who has not set up an app (the fixtures' users have, to log in)."""
    return UserFactory(role=Role.COORDINATOR, processes=[process])


@pytest.mark.django_db
def test_the_administrator_issues_a_code_that_is_shown_once(admin_client_, users, newcomer):
    coordinator = newcomer
    change = admin_client_.get(reverse("admin:klientstod_user_change", args=[coordinator.pk]))
    assert enrolment_page(coordinator) in change.content.decode()
    page = admin_client_.get(enrolment_page(coordinator))
    assert page.status_code == 200
    assert not CODE.search(page.content.decode())
    response = admin_client_.post(enrolment_page(coordinator), {"action": "issue"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = CODE.search(response.content.decode())
    assert shown is not None
    issued = EnrolmentCode.objects.get(user=coordinator)
    assert issued.issued_by == users[Role.ADMIN]
    assert issued.matches(shown.group())
    # Never again: the page tells that a code is out, not what it is.
    again = admin_client_.get(enrolment_page(coordinator)).content.decode()
    assert not CODE.search(again)
    assert "har inte använts" in again
    # The user enrols with it.
    http = password_only(coordinator)
    assert enrol_with(http, shown.group()).status_code == 302


@pytest.mark.django_db
def test_reissuing_replaces_the_code_and_removes_a_half_set_up_app(admin_client_, users, newcomer):
    coordinator = newcomer
    first = services.enrolment_code_issue(user=coordinator, by=users[Role.ADMIN])
    enrol_with(password_only(coordinator), first)
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=False).exists()
    admin_client_.post(enrolment_page(coordinator), {"action": "issue"})
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert EnrolmentCode.objects.usable().filter(user=coordinator).count() == 1
    assert EnrolmentCode.objects.filter(user=coordinator, revoked_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_resetting_a_lost_app_ends_it_and_issues_a_code(admin_client_, coordinator_client, users):
    coordinator = users[Role.COORDINATOR]
    assert coordinator_client.get("/").status_code == 200  # verified with the app
    # Without the reset, a code is not issued over a working app.
    admin_client_.post(enrolment_page(coordinator), {"action": "issue"})
    assert not EnrolmentCode.objects.filter(user=coordinator).exists()
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    response = admin_client_.post(enrolment_page(coordinator), {"action": "reset"})
    assert CODE.search(response.content.decode())
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    # The lost phone's code no longer passes: the session is asked for a second factor again.
    assert coordinator_client.get("/")["Location"].startswith(reverse("two-factor"))


@pytest.mark.django_db
def test_an_administrator_does_not_issue_their_own_code(admin_client_, users):
    admin = users[Role.ADMIN]
    page = admin_client_.get(enrolment_page(admin)).content.decode()
    assert "En annan administratör" in page
    response = admin_client_.post(enrolment_page(admin), {"action": "reset"}, follow=True)
    assert not CODE.search(response.content.decode())
    assert not EnrolmentCode.objects.filter(user=admin).exists()
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", *[r.value for r in Role if r != Role.ADMIN]])
def test_only_the_administrator_reaches_the_enrolment_page(role, role_clients, users):
    target = users[Role.STEERING]
    for method in ("get", "post"):
        response = getattr(role_clients[role], method)(enrolment_page(target), {"action": "issue"})
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    assert not EnrolmentCode.objects.exists()


@pytest.mark.django_db
def test_the_operator_issues_the_first_administrator_s_code(users):
    admin = users[Role.ADMIN]
    TOTPDevice.objects.filter(user=admin).delete()
    out = StringIO()
    call_command("enrolment_code", admin.username, stdout=out)
    shown = CODE.search(out.getvalue())
    assert shown is not None
    assert EnrolmentCode.objects.get(user=admin).matches(shown.group())
    http = password_only(admin)
    assert enrol_with(http, shown.group()).status_code == 302
    assert "<svg" in http.get(SETUP).content.decode()


@pytest.mark.django_db
def test_the_user_list_shows_who_has_an_app(admin_client_, users):
    verified_device(users[Role.COORDINATOR])
    page = admin_client_.get(reverse("admin:klientstod_user_changelist"))
    by_user = {user.username: user.authenticator for user in page.context["cl"].result_list}
    assert by_user[Role.COORDINATOR]
    assert not by_user[Role.STEERING]
