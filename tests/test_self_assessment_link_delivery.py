"""The self-assessment link on its way to the client, through real servers on this
machine: an SMTP server (aiosmtpd) and an SMS gateway (http.server). A delivery that
fails is shown to the coordinator and blocks nothing."""

from __future__ import annotations

import re
from email.header import decode_header, make_header

import pytest
from django.core.cache import cache
from django.urls import reverse

from interventions.models import AssessmentLink, SelfAssessment

from .delivery_servers import free_port, sms_gateway, smtp_server
from .link_helpers import answers_for, klientstod_questionnaire, phone_case

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/svar/[A-Za-z0-9_-]{43}/)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


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


@pytest.fixture
def amira(process, coordinator):
    klientstod_questionnaire()
    return phone_case(process, coordinator)


def _send(http, case, channel):
    url = reverse("interventions:link-create", args=[case.pk])
    return http.post(url, {"occasion": "start", "channel": channel, "language": "sv"}, follow=True)


def test_an_email_with_the_link_reaches_the_mail_server_and_the_link_works(
    coordinator_client, client, amira, smtp
):
    page = _send(coordinator_client, amira, "email")
    assert "Länken skickades till klienten." in page.content.decode()
    [message] = smtp.messages
    assert message["To"] == "amira@example.se"
    assert str(make_header(decode_header(message["Subject"]))) == "Frågor från din samordnare"
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert body.startswith("Hej Amira! Din samordnare ber dig svara på några frågor:")
    assert "Haddadsson" not in body
    assert "självskattning" not in body.lower()
    path = LINK.search(body).group(1)
    link = AssessmentLink.objects.get()
    assert link.status() == "sent"
    assert client.get(path).status_code == 200
    form = link.questionnaire
    assert client.post(path, answers_for(form, "3", "4", "5")).status_code == 200
    assert SelfAssessment.objects.get().answered_by_client


def test_an_sms_with_the_link_is_posted_to_the_gateway(coordinator_client, amira, gateway):
    page = _send(coordinator_client, amira, "sms")
    assert "Länken skickades till klienten." in page.content.decode()
    [request] = gateway.requests
    assert request.form["to"] == "+46701234567"
    assert request.form["from"] == "Klientstod"
    assert LINK.search(request.form["message"])
    assert request.form["message"].startswith("Hej Amira!")
    assert AssessmentLink.objects.get().status() == "sent"


@pytest.mark.parametrize("behaviour", ["5xx", "400", "slow"])
def test_a_gateway_that_fails_is_shown_and_blocks_nothing(
    coordinator_client, amira, gateway, behaviour
):
    gateway.behaviours = [behaviour]
    page = _send(coordinator_client, amira, "sms")
    assert page.status_code == 200  # back on the case page
    assert "Länken nådde inte fram till klienten." in page.content.decode()
    link = AssessmentLink.objects.get()
    assert link.status() == "failed"
    assert "Nådde inte fram" in page.content.decode()  # the list on the case
    # The coordinator goes on: a QR code at the meeting instead.
    qr = coordinator_client.post(
        reverse("interventions:link-create", args=[amira.pk]),
        {"occasion": "start", "channel": "qr", "language": "sv"},
    )
    assert qr.status_code == 302
    assert coordinator_client.get(qr["Location"]).status_code == 200


def test_a_mail_server_that_refuses_or_is_gone_is_shown(coordinator_client, amira, smtp, settings):
    smtp.refuse_with = "550 No such user"
    page = _send(coordinator_client, amira, "email")
    assert "Länken nådde inte fram till klienten." in page.content.decode()
    settings.EMAIL_PORT = free_port()  # nothing listens there
    page = _send(coordinator_client, amira, "email")
    assert "Länken nådde inte fram till klienten." in page.content.decode()
    # The newer link replaced the older; neither reached the client.
    assert [link.status() for link in AssessmentLink.objects.all()] == ["failed", "revoked"]
    assert all(link.delivery == "failed" for link in AssessmentLink.objects.all())
    assert smtp.messages == []


def test_sms_is_offered_only_for_a_swedish_mobile(coordinator_client, process, coordinator):
    klientstod_questionnaire()
    landline = phone_case(process, coordinator, email="")
    landline.client.phone = "08-123 456 78"
    landline.client.save()
    page = coordinator_client.get(reverse("interventions:link-create", args=[landline.pk]))
    channels = [value for value, _label in page.context["form"].fields["channel"].choices]
    assert channels == ["qr"]
    refused = coordinator_client.post(
        reverse("interventions:link-create", args=[landline.pk]),
        {"occasion": "start", "channel": "sms", "language": "sv"},
    )
    assert refused.status_code == 200
    assert not AssessmentLink.objects.exists()
