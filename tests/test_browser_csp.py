"""Pages under the Content-Security-Policy in a real browser.

The ``browser_page`` fixture fails any journey whose pages break the policy; this
file walks the pages the other journeys do not: Django's admin with its widgets, the
second factor's set-up with its QR code, the accessibility statement, and a
questionnaire whose title is a template expression with a script.
"""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from interventions import services as work
from interventions.models import Questionnaire
from klientstod.models import Role

from .browser import log_in
from .factories import CaseFactory, ProcessFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = "{{ 7|add:1 }}<script>alert(1)</script>"


def test_admin_pages_keep_to_the_policy(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    page = browser_page
    log_in(page, live_server, "admin")
    for url in (
        reverse("admin:index"),
        reverse("admin:klientstod_process_change", args=[process.pk]),
        reverse("admin:klientstod_organisation_change", args=[process.owner_id]),
        reverse("admin:klientstod_user_add"),
        reverse("admin:interventions_questionnaire_add"),
        reverse("admin:reporting_cost_changelist"),
        reverse("klientstod:audit-log"),
    ):
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        assert page.locator("h1").count(), url
    # The process's partners are picked in Django's two-list widget, drawn by its script.
    page.goto(live_server.url + reverse("admin:klientstod_process_change", args=[process.pk]))
    page.locator(".selector-available").first.wait_for()


def test_public_and_set_up_pages_keep_to_the_policy(live_server, browser_page):
    from klientstod import services

    steering = UserFactory(username="styrgrupp", role=Role.STEERING)
    enrolment_code = services.enrolment_code_issue(user=steering, by=None)
    page = browser_page
    page.goto(live_server.url + reverse("klientstod:accessibility"))
    page.get_by_role("heading", level=1).wait_for()
    log_in(page, live_server, "styrgrupp")
    page.goto(live_server.url + reverse("two-factor-setup"))
    page.get_by_label("Aktiveringskod").fill(enrolment_code)
    page.get_by_role("button", name="Fortsätt").click()
    page.locator(".ks-qr svg").wait_for()


def test_a_script_in_a_questionnaire_title_is_text_and_never_runs(live_server, browser_page):
    process = ProcessFactory(name="Klientstöd Båstad")
    UserFactory(username="samordnare", role=Role.COORDINATOR, processes=[process])
    case = CaseFactory(process=process)
    work.questionnaire_save(
        questionnaire=Questionnaire(kind="klientstod", title=PAYLOAD),
        items=[(PAYLOAD, "scale")],
    )
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, "samordnare")
    page.goto(live_server.url + reverse("interventions:assessment-create", args=[case.pk]))
    # The questionnaire's legend and its question's (a radio group, required: marked "*"),
    # as typed.
    legends = page.locator("legend").all_inner_texts()
    assert [text.strip() for text in legends] == [PAYLOAD, f"{PAYLOAD}*"]
    assert not dialogs
