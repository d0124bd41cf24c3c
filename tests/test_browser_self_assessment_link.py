"""A self-assessment on the client's phone, in a real browser: the coordinator sends the
link by e-mail (through a real SMTP server on this machine), the client opens it on a
390 px phone in another browser and answers in Arabic, the coordinator sees it in the
trend. axe-core on every page, the client's included."""

from __future__ import annotations

import os
import re

import pytest

from interventions.models import SelfAssessment
from klientstod.models import Role

from .browser import AccessibilityChecker, log_in
from .delivery_servers import smtp_server
from .factories import ProcessFactory, UserFactory
from .link_helpers import arabic, klientstod_questionnaire, phone_case

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s/]+(/svar/[A-Za-z0-9_-]{43}/)")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def smtp(settings):
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        yield inbox


def test_the_client_answers_on_the_phone_and_the_coordinator_sees_the_trend(
    live_server, browser_page, smtp
):
    process = ProcessFactory(name="Klientstöd Båstad")
    coordinator = UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    form = klientstod_questionnaire()
    arabic(form)
    case = phone_case(process, coordinator)
    page, axe = browser_page, AccessibilityChecker()

    # The coordinator sends the link by e-mail; the client's language is chosen for them.
    log_in(page, live_server, "samordnare")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Skicka en länk").click()
    axe.check(page, "link-form")
    assert page.locator("#id_language").input_value() == "ar"
    page.get_by_label("E-post till amira@example.se").check()
    page.get_by_role("button", name="Skicka länken").click()
    page.get_by_text("Länken skickades till klienten.").wait_for()
    links = page.locator("section[aria-labelledby=links-heading]")
    assert links.get_by_text("Skickad", exact=True).count() == 1
    [message] = smtp.messages
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    path = LINK.search(body).group(1)

    # The client, on a phone, in a browser of their own.
    phone_context = page.context.browser.new_context(
        viewport=PHONE, locale="ar", is_mobile=True, has_touch=True
    )
    phone = phone_context.new_page()
    phone.goto(f"{live_server.url}{path}")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    phone.get_by_text("مرحبا Amira!").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe.check(phone, "client-question-ar")

    # Sent with one question unanswered: it is named, and what was chosen stays.
    phone.get_by_role("group", name=re.compile("كيف تشعر اليوم")).get_by_label("4").check()
    phone.get_by_role("group", name=re.compile("كيف تنام")).get_by_label("لا أريد الإجابة").check()
    phone.get_by_role("button", name="أرسل الإجابات").click()
    phone.get_by_role("alert").wait_for()
    axe.check(phone, "client-question-errors")
    assert (
        phone.get_by_role("group", name=re.compile("كيف تشعر اليوم")).get_by_label("4").is_checked()
    )
    phone.get_by_role("group", name=re.compile("كيف ترى المستقبل")).get_by_label("2").check()
    phone.get_by_label(re.compile("هل تريد أن تقول شيئا آخر")).fill("Jag vill börja plugga.")
    phone.get_by_role("button", name="أرسل الإجابات").click()
    phone.get_by_text("شكرا! وصلت إجاباتك إلى منسقك.").wait_for()
    axe.check(phone, "client-thanks")

    # The same link again: it is used, and the page says so without showing anything.
    phone.goto(f"{live_server.url}{path}")
    phone.get_by_text("Den här länken går inte att använda längre").wait_for()
    axe.check(phone, "client-link-used")
    phone_context.close()

    assessment = SelfAssessment.objects.get()
    assert assessment.answered_by_client
    assert list(assessment.answers.order_by("item__order").values_list("score", "declined"))[
        :3
    ] == [(4, False), (None, True), (2, False)]

    # The coordinator sees it answered on the case, on Min dag and in the trend.
    page.reload()
    assert links.get_by_text("Besvarad", exact=True).count() == 1
    axe.check(page, "case-link-answered")
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="Självskattningslänkar").wait_for()
    axe.check(page, "my-day-links")
    page.goto(f"{live_server.url}/clients/{case.client_id}/")
    page.get_by_role("heading", name="Självskattningar över tid").wait_for()
    page.get_by_text("Siffrorna som tabell").click()
    page.get_by_text("besvarad av klienten").wait_for()
    axe.check(page, "client-trend")

    # At a meeting: the link as a QR code on the screen, for the client's camera.
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Skicka en länk").click()
    page.locator("#id_occasion").select_option("other")
    page.get_by_label("QR-kod vid ett möte").check()
    page.get_by_role("button", name="Skicka länken").click()
    page.get_by_role("img", name=re.compile("QR-kod som öppnar självskattningen")).wait_for()
    axe.check(page, "qr-code")
    page.get_by_role("link", name="Klart").click()
    assert links.get_by_text("Visad som QR-kod", exact=True).count() == 1
    axe.assert_clean()
