"""The delivery layer against real servers on this machine: an SMTP server (aiosmtpd)
and an SMS gateway (http.server), their answers and their failures."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError

from messaging.errors import DeliveryError
from messaging.mail import send_email
from messaging.phone import MobileNumberField, format_mobile, normalise_mobile
from messaging.sms import send_sms

from .delivery_servers import free_port, sms_gateway, smtp_server


@pytest.mark.parametrize(
    "typed",
    [
        "070-123 45 67",
        "0701234567",
        "+46 70 123 45 67",
        "+46 (0)70-123 45 67",
        "0046 70 123 45 67",
        "070.123.45.67",
    ],
)
def test_a_swedish_mobile_as_typed_is_normalised_to_e164(typed: str) -> None:
    assert normalise_mobile(typed) == "+46701234567"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "08-123 456 78",
        "070-123 45 6",
        "070-123 45 678",
        "+47 912 34 567",
        "07O1234567",
        "46701234567",
        "071-123 45 67",
        "phone me",
    ],
)
def test_what_is_not_a_swedish_mobile_is_refused_in_swedish(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_mobile(typed)
    assert caught.value.code == "invalid_mobile"
    from django.utils import translation

    with translation.override("sv"):
        assert "svenskt mobilnummer" in str(caught.value.messages[0])


def test_the_stored_number_is_shown_as_swedes_write_it() -> None:
    assert format_mobile("+46731234567") == "073-123 45 67"


def test_the_form_field_cleans_and_keeps_what_was_typed_when_refused() -> None:
    class Form(forms.Form):
        mobile = MobileNumberField(required=False)

    good = Form(data={"mobile": "076 123 45 67"})
    assert good.is_valid()
    assert good.cleaned_data["mobile"] == "+46761234567"
    bad = Form(data={"mobile": "08-55 55 55"})
    assert not bad.is_valid()
    assert 'value="08-55 55 55"' in str(bad["mobile"])
    assert Form(data={"mobile": ""}).is_valid()


# --- SMS ------------------------------------------------------------------------------


@pytest.fixture
def gateway(settings):
    with sms_gateway() as server:
        settings.KLIENTSTOD_SMS_BACKEND = "http"
        settings.KLIENTSTOD_SMS_URL = server.url
        settings.KLIENTSTOD_SMS_USERNAME = "u-api"
        settings.KLIENTSTOD_SMS_PASSWORD = "secret"
        settings.KLIENTSTOD_SMS_TOKEN = ""
        settings.KLIENTSTOD_SMS_SENDER = "Klientstod"
        settings.KLIENTSTOD_SMS_CALLBACK_URL = ""
        settings.KLIENTSTOD_SMS_TIMEOUT_SECONDS = 1
        yield server


def test_an_sms_is_posted_to_the_gateway_with_basic_auth(gateway) -> None:
    receipt = send_sms("070-123 45 67", "Hej! Påminnelse: tisdag 3 mars kl. 10.00.")
    assert receipt.provider_id == "s00000001"
    assert receipt.status == "created"
    [request] = gateway.requests
    assert request.path == "/a1/sms"
    assert request.form == {
        "from": "Klientstod",
        "to": "+46701234567",
        "message": "Hej! Påminnelse: tisdag 3 mars kl. 10.00.",
    }
    assert request.basic_auth == ("u-api", "secret")


def test_the_delivery_report_address_is_sent_when_configured(gateway, settings) -> None:
    settings.KLIENTSTOD_SMS_CALLBACK_URL = "https://klientstod.example/sms/delivered/abc/"
    settings.KLIENTSTOD_SMS_USERNAME = ""
    settings.KLIENTSTOD_SMS_TOKEN = "tok"
    send_sms("0701234567", "Hej")
    [request] = gateway.requests
    assert request.form["whendelivered"] == "https://klientstod.example/sms/delivered/abc/"
    assert request.authorization == "Bearer tok"


def test_a_gateway_5xx_is_a_temporary_failure(gateway) -> None:
    gateway.behaviours = ["5xx"]
    with pytest.raises(DeliveryError) as caught:
        send_sms("0701234567", "Hej")
    assert caught.value.temporary
    assert len(gateway.requests) == 1


def test_a_refused_number_is_a_permanent_failure(gateway) -> None:
    gateway.behaviours = ["400"]
    with pytest.raises(DeliveryError) as caught:
        send_sms("0701234567", "Hej")
    assert not caught.value.temporary


def test_a_gateway_that_does_not_answer_in_time_is_a_temporary_failure(gateway) -> None:
    gateway.behaviours = ["slow"]
    gateway.slow_seconds = 3
    with pytest.raises(DeliveryError) as caught:
        send_sms("0701234567", "Hej")
    assert caught.value.temporary
    assert "timed out" in str(caught.value)


def test_a_refused_connection_is_a_temporary_failure(settings) -> None:
    settings.KLIENTSTOD_SMS_BACKEND = "http"
    settings.KLIENTSTOD_SMS_URL = f"http://127.0.0.1:{free_port()}/a1/sms"
    settings.KLIENTSTOD_SMS_USERNAME = "u"
    with pytest.raises(DeliveryError) as caught:
        send_sms("0701234567", "Hej")
    assert caught.value.temporary


def test_no_backend_configured_is_a_permanent_failure(settings) -> None:
    settings.KLIENTSTOD_SMS_BACKEND = ""
    with pytest.raises(DeliveryError) as caught:
        send_sms("0701234567", "Hej")
    assert not caught.value.temporary


def test_the_file_backend_keeps_each_message(settings, tmp_path) -> None:
    settings.KLIENTSTOD_SMS_BACKEND = "file"
    settings.KLIENTSTOD_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    send_sms("0701234567", "Första")
    send_sms("0731234567", "Andra")
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(line["to"], line["message"]) for line in lines] == [
        ("+46701234567", "Första"),
        ("+46731234567", "Andra"),
    ]


# --- e-mail ---------------------------------------------------------------------------


@pytest.fixture
def smtp(settings):
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 2
        settings.DEFAULT_FROM_EMAIL = "klientstod@example.org"
        yield inbox


def test_an_email_reaches_the_smtp_server(smtp) -> None:
    send_email("klient@example.org", "Påminnelse", "Hej! Vi ses tisdag kl. 10.00.")
    [message] = smtp.messages
    assert message["To"] == "klient@example.org"
    assert message["From"] == "klientstod@example.org"
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "Vi ses tisdag kl. 10.00." in body


def test_a_refused_recipient_is_a_permanent_failure(smtp) -> None:
    smtp.refuse_with = "550 No such user"
    with pytest.raises(DeliveryError) as caught:
        send_email("klient@example.org", "Påminnelse", "Hej")
    assert not caught.value.temporary
    assert smtp.messages == []


def test_a_busy_mail_server_is_a_temporary_failure(smtp) -> None:
    smtp.refuse_with = "451 Try again later"
    with pytest.raises(DeliveryError) as caught:
        send_email("klient@example.org", "Påminnelse", "Hej")
    assert caught.value.temporary


def test_a_mail_server_that_is_down_is_a_temporary_failure(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    with pytest.raises(DeliveryError) as caught:
        send_email("klient@example.org", "Påminnelse", "Hej")
    assert caught.value.temporary


@pytest.mark.parametrize(
    ("sender", "ok"),
    [("Klientstod", True), ("Klientstöd", False), ("K", False), ("+46701234567", True)],
)
def test_the_system_check_refuses_a_sender_the_gateway_would_refuse(settings, sender, ok) -> None:
    from messaging.checks import check_sms_backend

    settings.KLIENTSTOD_SMS_BACKEND = "http"
    settings.KLIENTSTOD_SMS_URL = "https://api.46elks.com/a1/sms"
    settings.KLIENTSTOD_SMS_USERNAME = "u"
    settings.KLIENTSTOD_SMS_SENDER = sender
    ids = [message.id for message in check_sms_backend(None)]
    assert ids == ([] if ok else ["messaging.E004"])
