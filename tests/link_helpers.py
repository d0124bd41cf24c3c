"""Shared records of the self-assessment link tests: a questionnaire, its Arabic
translation, and a client with a mobile number and an e-mail address."""

from __future__ import annotations

import re

from django.test import Client as HttpClient
from django.urls import reverse

from interventions import services
from interventions.link_views import QR_SESSION_KEY
from interventions.models import Questionnaire, QuestionnaireTranslation

from .factories import CaseFactory, ClientFactory

TOKEN_IN_TEXT = re.compile(r"/svar/([A-Za-z0-9_-]{43})/")


def klientstod_questionnaire() -> Questionnaire:
    return services.questionnaire_save(
        questionnaire=Questionnaire(
            kind="klientstod",
            title="Hur har du det?",
            instructions="Välj den siffra som stämmer bäst för dig just nu.",
            scale_low="mycket dåligt",
            scale_high="mycket bra",
        ),
        items=[
            ("Hur mår du i dag?", "scale"),
            ("Hur sover du?", "scale"),
            ("Hur ser du på framtiden?", "scale"),
            ("Vill du berätta något mer?", "text"),
        ],
    )


def arabic(questionnaire: Questionnaire) -> QuestionnaireTranslation:
    return QuestionnaireTranslation.objects.create(
        questionnaire=questionnaire,
        language="ar",
        greeting="مرحبا",
        title="كيف حالك؟",
        instructions="اختر الرقم الأنسب لك الآن.",
        questions="كيف تشعر اليوم؟\nكيف تنام؟\nكيف ترى المستقبل؟\nهل تريد أن تقول شيئا آخر؟",
        scale_low="سيء جدا",
        scale_high="جيد جدا",
        declined_label="لا أريد الإجابة",
        submit_label="أرسل الإجابات",
        missing_answer="اختر رقما أو «لا أريد الإجابة».",
        thanks="شكرا! وصلت إجاباتك إلى منسقك.",
    )


def phone_case(process, coordinator, **client):  # type: ignore[no-untyped-def]
    fields = {
        "first_name": "Amira",
        "last_name": "Haddadsson",
        "phone": "070-123 45 67",
        "email": "amira@example.se",
        "language": "arabiska",
    }
    person = ClientFactory(controller=process.owner, **(fields | client))
    return CaseFactory(process=process, coordinator=coordinator, client=person)


def send(http: HttpClient, case, **data: str):  # type: ignore[no-untyped-def]
    """Post the sending form as the coordinator would."""
    url = reverse("interventions:link-create", args=[case.pk])
    return http.post(url, {"occasion": "start", "channel": "qr", "language": "sv", **data})


def qr_token(http: HttpClient, response) -> str:  # type: ignore[no-untyped-def]
    """The token of the QR code a sending led to (the page draws it; the session keeps it)."""
    assert http.get(response["Location"]).status_code == 200
    tokens = http.session[QR_SESSION_KEY]
    return str(next(reversed(tokens.values())))


def answer_url(token: str) -> str:
    return reverse("interventions:link-answer", args=[token])


def answers_for(questionnaire: Questionnaire, *scores: str, text: str = "") -> dict[str, str]:
    data = {}
    scale = [item for item in questionnaire.items.all() if item.kind == "scale"]
    for item, score in zip(scale, scores, strict=True):
        data[f"item_{item.pk}"] = score
    for item in questionnaire.items.filter(kind="text"):
        data[f"item_{item.pk}"] = text
    return data
