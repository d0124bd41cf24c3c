"""The headers that keep a page's content in its place.

A Content-Security-Policy on every page allows scripts and styles from the app's own
static files only, so that even text that slipped into a page as markup could not
run; and nothing a signed-in user was shown is stored by the browser or a proxy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from klientstod.models import Role

from .factories import work_with_client

ROOT = Path(__file__).resolve().parent.parent


def directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: set(values)
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
def test_every_kind_of_page_has_a_strict_content_security_policy(role_clients, case):
    responses = [
        role_clients["anonymous"].get(reverse("login")),
        role_clients["anonymous"].get(reverse("referrals:information")),
        role_clients[Role.COORDINATOR].get(reverse("klientstod:home")),
        role_clients[Role.COORDINATOR].get(reverse("klientstod:case-detail", args=[case.pk])),
        role_clients[Role.COORDINATOR].get("/no-such-page/"),
        role_clients[Role.STEERING].get(reverse("reporting:dashboard", args=[case.process_id])),
        role_clients[Role.ADMIN].get(reverse("admin:index")),
    ]
    for response in responses:
        policy = directives(response)
        assert policy["script-src"] == {"'self'"}, response.request["PATH_INFO"]
        assert policy["style-src"] == {"'self'"}
        assert policy["default-src"] == {"'self'"}
        assert policy["img-src"] == {"'self'", "data:"}
        assert policy["object-src"] == {"'none'"}
        assert policy["base-uri"] == {"'self'"}
        assert policy["form-action"] == {"'self'"}
        assert policy["frame-ancestors"] == {"'none'"}


#: Printed by WeasyPrint only, never served as a page: their <style> is no inline style.
PRINTED = {"letter_pdf.html", "fia_pdf.html", "report_pdf.html"}
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\bhref\s*=\s*[\"']?\s*javascript:", re.I), "javascript: link"),
    (re.compile(r"<style\b", re.I), "inline <style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
]


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if path.name in PRINTED:
            continue
        source = path.read_text()
        for pattern, what in INLINE:
            if pattern.search(source):
                offenders.append(f"{path.relative_to(ROOT)}: {what}")
    assert not offenders, "\n".join(offenders)


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_every_response_to_a_signed_in_user_is_not_stored(role_clients, case, coordinator):
    objects = work_with_client(case, coordinator)
    coordinator_http = role_clients[Role.COORDINATOR]
    responses = {
        "page": coordinator_http.get(reverse("klientstod:case-detail", args=[case.pk])),
        "form": coordinator_http.get(reverse("klientstod:client-update", args=[case.client_id])),
        "redirect": coordinator_http.post(reverse("klientstod:case-list"), {"q": "Anna"}),
        "not found": coordinator_http.get(reverse("klientstod:case-detail", args=[10**9])),
        "forbidden": coordinator_http.get(reverse("klientstod:audit-log")),
        "pdf": coordinator_http.get(reverse("interventions:fia-pdf", args=[case.pk])),
        "group": coordinator_http.get(
            reverse("interventions:group-detail", args=[objects["group"].pk])
        ),
        "export": role_clients[Role.EVALUATOR].get(
            reverse("reporting:report-export", args=[case.process_id, "csv"])
        ),
        "admin": role_clients[Role.ADMIN].get(reverse("admin:index")),
        "login page": role_clients["anonymous"].get(reverse("login")),
    }
    for name, response in responses.items():
        assert no_store(response), name
        if name != "login page":
            assert response["Pragma"] == "no-cache", name


@pytest.mark.django_db
def test_public_pages_and_static_files_stay_cacheable(role_clients):
    anonymous = role_clients["anonymous"]
    assert not no_store(anonymous.get(reverse("referrals:information")))
    static = anonymous.get("/static/css/klientstod.css")
    assert static.status_code == 200
    assert not no_store(static)
    assert not no_store(role_clients[Role.COORDINATOR].get("/static/css/klientstod.css"))
