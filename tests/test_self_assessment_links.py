"""Self-assessments on the client's phone: the link's token, its single use and expiry,
the client's page, the answers in the trend, the limits and the audit."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from interventions import link_services
from interventions.models import AssessmentLink, SelfAssessment

from .link_helpers import (
    answer_url,
    answers_for,
    arabic,
    klientstod_questionnaire,
    phone_case,
    qr_token,
    send,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def form():
    return klientstod_questionnaire()


@pytest.fixture
def amira(process, coordinator):
    return phone_case(process, coordinator)


def _link(coordinator_client, case, **data):
    response = send(coordinator_client, case, **data)
    assert response.status_code == 302, response.content.decode()[:2000]
    token = qr_token(coordinator_client, response)
    return AssessmentLink.objects.filter(case=case).first(), token


def test_the_token_is_long_random_and_only_its_hash_is_stored(coordinator_client, amira, form):
    link, token = _link(coordinator_client, amira)
    assert len(token) >= 43  # 32 bytes, 256 bits, in URL-safe base64
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = AssessmentLink.objects.filter(pk=link.pk).values().get()
    assert token not in repr(stored)
    valid_for = link.expires_at - link.created_at
    assert abs(valid_for - datetime.timedelta(days=14)) < datetime.timedelta(seconds=5)
    other, second = _link(coordinator_client, amira, occasion="other")
    assert second != token
    assert other.token_hash != link.token_hash


def test_the_client_answers_once_and_the_answers_land_as_the_occasion(
    coordinator_client, client, amira, form
):
    link, token = _link(coordinator_client, amira)
    page = client.get(answer_url(token))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Hej Amira!" in body
    assert "Haddadsson" not in body
    assert amira.client.personnummer not in body
    assert body.count("1 = mycket dåligt · 5 = mycket bra") == 3  # at every scale question
    assert body.count("Vill inte svara") == 3
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"
    assert "script-src 'none'" in page["Content-Security-Policy"]
    link.refresh_from_db()
    assert link.opened_at is not None

    data = answers_for(form, "4", "declined", "2", text="Jag vill jobba")
    thanks = client.post(answer_url(token), data)
    assert thanks.status_code == 200
    assert "Tack! Dina svar har skickats till din samordnare." in thanks.content.decode()
    assessment = SelfAssessment.objects.get()
    assert assessment.answered_by_client
    assert (assessment.occasion, assessment.answered_on) == ("start", timezone.localdate())
    stored = list(assessment.answers.order_by("item__order").values_list("score", "declined"))
    assert stored == [(4, False), (None, True), (2, False), (None, False)]
    link.refresh_from_db()
    assert link.assessment == assessment
    assert link.answered_at is not None

    # Used: the same kind page, 404, whether it is opened or sent again.
    again = client.post(answer_url(token), data)
    assert again.status_code == 404
    assert "Den här länken går inte att använda längre" in again.content.decode()
    assert client.get(answer_url(token)).status_code == 404
    assert SelfAssessment.objects.count() == 1


def test_unanswered_questions_are_named_and_what_was_chosen_is_kept(
    coordinator_client, client, amira, form
):
    token = _link(coordinator_client, amira)[1]
    data = answers_for(form, "5", "", "", text="Något")
    page = client.post(answer_url(token), data)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Några frågor saknar svar ännu" in body
    assert body.count('class="sa-error"') == 2
    assert 'value="5" id="id_item_' in body
    assert "checked" in body
    assert "Något" in body
    assert not SelfAssessment.objects.exists()


def test_expired_revoked_tampered_and_unknown_tokens_all_get_the_same_404(
    coordinator_client, client, amira, form
):
    expired, expired_token = _link(coordinator_client, amira)
    AssessmentLink.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=14, minutes=1),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    revoked, revoked_token = _link(coordinator_client, amira, occasion="other")
    response = coordinator_client.post(reverse("interventions:link-revoke", args=[revoked.pk]))
    assert response.status_code == 302
    live, live_token = _link(coordinator_client, amira, occasion="start")
    tampered = live_token[:-1] + ("A" if live_token[-1] != "A" else "B")

    bodies = set()
    for token in (expired_token, revoked_token, tampered, "x" * 43, "kort", "å" * 200):
        page = client.get(answer_url(token))
        assert page.status_code == 404, token
        bodies.add(page.content.decode())
    assert len(bodies) == 1  # nothing tells an expired link from a made-up one
    assert "Amira" not in bodies.pop()
    assert client.get(answer_url(live_token)).status_code == 200
    statuses = {link.pk: link.status() for link in AssessmentLink.objects.all()}
    assert statuses == {expired.pk: "expired", revoked.pk: "revoked", live.pk: "opened"}


def test_the_lookup_does_the_same_work_for_any_token(
    coordinator_client, amira, form, django_assert_num_queries
):
    token = _link(coordinator_client, amira)[1]
    for candidate in (token, token[:-2] + "zz", "nothing"):
        with django_assert_num_queries(1):
            link_services.link_find(candidate)


def test_a_new_link_for_the_same_occasion_replaces_the_old(coordinator_client, client, amira, form):
    first = _link(coordinator_client, amira)[1]
    second = _link(coordinator_client, amira)[1]
    assert client.get(answer_url(first)).status_code == 404
    assert client.get(answer_url(second)).status_code == 200


def test_the_answers_are_in_the_trend_marked_as_the_clients(
    coordinator_client, client, amira, form
):
    token = _link(coordinator_client, amira)[1]
    client.post(answer_url(token), answers_for(form, "4", "2", "3"))
    page = coordinator_client.get(reverse("klientstod:client-detail", args=[amira.client_id]))
    body = page.content.decode()
    assert "Självskattningar över tid" in body
    assert "besvarad av klienten" in body
    case_page = coordinator_client.get(reverse("klientstod:case-detail", args=[amira.pk]))
    assert "Besvarad" in case_page.content.decode()


def test_the_page_is_in_the_clients_language_where_there_is_a_translation(
    coordinator_client, client, amira, form
):
    arabic(form)
    page = coordinator_client.get(reverse("interventions:link-create", args=[amira.pk]))
    assert page.context["form"]["language"].value() == "ar"  # the client's "arabiska"
    token = _link(coordinator_client, amira, language="ar")[1]
    body = client.get(answer_url(token)).content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert "مرحبا Amira!" in body
    assert "كيف تنام؟" in body
    assert "لا أريد الإجابة" in body
    assert "1 = سيء جدا · 5 = جيد جدا" in body
    assert "Hur sover du?" not in body
    swedish = client.get(answer_url(token) + "?lang=sv").content.decode()
    assert "Hur sover du?" in swedish
    assert '<html lang="sv" dir="ltr">' in swedish
    thanks = client.post(answer_url(token) + "?lang=ar", answers_for(form, "3", "3", "3"))
    assert "شكرا!" in thanks.content.decode()
    assert SelfAssessment.objects.get().answers.filter(score=3).count() == 3


def test_a_translation_needs_every_question(admin_client_, form):
    url = reverse("admin:interventions_questionnairetranslation_add")
    data = {
        "questionnaire": form.pk,
        "language": "so",
        "greeting": "Salaan",
        "title": "Sidee tahay?",
        "questions": "Sidee tahay maanta?",
        "scale_low": "aad u xun",
        "scale_high": "aad u fiican",
        "declined_label": "Ma rabo inaan ka jawaabo",
        "submit_label": "Dir",
        "missing_answer": "Dooro lambar",
        "thanks": "Mahadsanid",
    }
    page = admin_client_.post(url, data)
    assert page.status_code == 200
    assert "Frågeformuläret har 4 frågor; översättningen har 1" in page.content.decode()
    lines = "Sidee tahay maanta?\nSidee u seexataa?\nMustaqbalka?\nWax kale?"
    assert admin_client_.post(url, data | {"questions": lines}).status_code == 302


def test_links_per_day_are_limited_per_client(coordinator_client, amira, form):
    for occasion in ("start", "other", "other"):
        assert send(coordinator_client, amira, occasion=occasion).status_code == 302
    refused = send(coordinator_client, amira, occasion="other")
    assert refused.status_code == 200
    assert "Klienten har fått 3 länkar i dag" in refused.content.decode()
    assert AssessmentLink.objects.count() == 3


def test_messages_per_day_are_limited_per_address(process, coordinator, form):
    first, second = phone_case(process, coordinator), phone_case(process, coordinator)
    for case in (first, first, first):
        link_services.link_create(
            case=case,
            occasion="other",
            channel="sms",
            translation=None,
            recipient="+46701234567",
            by=coordinator,
        )
    with pytest.raises(Exception, match="Adressen har fått 3 länkar i dag"):
        link_services.link_create(
            case=second,
            occasion="other",
            channel="sms",
            translation=None,
            recipient="+46701234567",
            by=coordinator,
        )


def test_many_wrong_tokens_from_one_address_are_throttled(coordinator_client, client, amira, form):
    token = _link(coordinator_client, amira)[1]
    for n in range(link_services.ATTEMPTS_PER_ADDRESS):
        assert client.get(answer_url(f"gissning{n:035d}")).status_code == 404
    assert client.get(answer_url(token)).status_code == 429
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    assert other.get(answer_url(token)).status_code == 200


def test_opening_and_answering_are_audited_without_the_answers(
    coordinator_client, client, amira, form
):
    link, token = _link(coordinator_client, amira)
    client.get(answer_url(token))
    client.post(answer_url(token), answers_for(form, "4", "5", "1", text="Hemligt svar"))
    entries = LogEntry.objects.filter(content_type__model="assessmentlink", object_id=link.pk)
    changed = [set(entry.changes_dict) for entry in entries]
    assert {"opened_at"} in changed
    assert any("answered_at" in fields for fields in changed)
    everything = repr(list(LogEntry.objects.values()))
    assert "Hemligt svar" not in everything
    assert token not in everything
    assert link.token_hash not in everything


def test_the_form_offers_the_occasion_due_and_another(coordinator_client, client, amira, form):
    page = coordinator_client.get(reverse("interventions:link-create", args=[amira.pk]))
    assert page.status_code == 200
    occasions = [value for value, _label in page.context["form"].fields["occasion"].choices]
    assert occasions == ["start", "other"]


def test_gallring_stops_the_clients_links_and_drops_the_address(process, coordinator, form):
    from interventions.retention import erase_interventions
    from klientstod.models import Case

    case = phone_case(process, coordinator)
    new = link_services.link_create(
        case=case,
        occasion="other",
        channel="sms",
        translation=None,
        recipient="+46701234567",
        by=coordinator,
    )
    erase_interventions(case.client, Case.objects.filter(pk=case.pk))
    new.link.refresh_from_db()
    assert new.link.recipient_hash == ""
    assert new.link.status() == "revoked"
    assert link_services.link_find(new.token) is None
