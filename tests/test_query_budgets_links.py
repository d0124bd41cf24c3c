"""Query budgets of the self-assessment links: Min dag and the case page with many links,
and the client's page with many questions."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from interventions import link_services
from interventions import services as interventions
from interventions.models import Questionnaire

from .factories import AssessmentLinkFactory, CaseFactory
from .link_helpers import klientstod_questionnaire
from .query_budget_helpers import assert_flat, assert_same_queries, measure

pytestmark = pytest.mark.django_db


def test_my_day_and_the_case_page_with_many_links(coordinator_client, coordinator, process, case):
    form = klientstod_questionnaire()

    def add(n):
        for _ in range(n):
            other = CaseFactory(process=process, coordinator=coordinator)
            AssessmentLinkFactory(case=other, questionnaire=form)
            AssessmentLinkFactory(case=case, questionnaire=form)

    def shows(page, n):
        return page.text.count('class="badge text-bg-primary">Skickad<') >= min(n, 10)

    urls = [reverse("klientstod:home"), reverse("klientstod:case-detail", args=[case.pk])]
    assert_flat(coordinator_client, urls, add, shows, most=45)


def test_the_clients_page_grows_with_questions(client, coordinator, case):
    cache.clear()
    texts: list[str] = []
    tokens: dict[str, str] = {}

    def add(n):
        start = len(texts)
        texts.extend(f"Fråga nummer {start + i}" for i in range(n))
        form = interventions.questionnaire_save(
            questionnaire=Questionnaire(kind="klientstod", title="Självskattning"),
            items=[(text, "scale" if i % 2 else "text") for i, text in enumerate(texts)],
        )
        new = link_services.link_create(
            case=case,
            occasion="other",
            channel="qr",
            translation=None,
            recipient="",
            by=coordinator,
        )
        assert new.link.questionnaire == form
        tokens["now"] = new.token

    add(5)
    url = reverse("interventions:link-answer", args=[tokens["now"]])
    client.get(url)
    few = measure(client, url)
    assert few.text.count("Fråga nummer ") == 5
    add(45)
    url = reverse("interventions:link-answer", args=[tokens["now"]])
    client.get(url)
    many = measure(client, url)
    assert many.text.count("Fråga nummer ") == 50
    assert_same_queries(url, few, many, most=6)
