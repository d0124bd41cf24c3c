"""What a person types cannot turn against the files the app writes, or bring the app down.

Names become formulas in no spreadsheet; a PDF fetches the app's own static files
and nothing else; ids and choices in a query string, and a change to a
questionnaire version that is no longer current, get an answer, never a server error.
"""

from __future__ import annotations

import csv
import datetime
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from interventions import services as work
from interventions.models import Questionnaire
from klientstod import pdf
from klientstod.models import Consent, Role
from reporting.exports import cell_value
from reporting.models import Cost

from .factories import CaseFactory, MeetingFactory, work_with_client

FORMULA = '=HYPERLINK("http://x")'

# Spreadsheets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+46 70 123", "'+46 70 123"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Klientstöd = stöd", "Klientstöd = stöd"),
        ("– från Arbetsförmedlingen", "– från Arbetsförmedlingen"),
        ("<3", "<3"),
        (-100, -100),
        (2.5, 2.5),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
        (None, None),
    ],
)
def test_text_never_starts_a_formula_and_numbers_stay_numbers(value, written):
    assert cell_value(value) == written


@pytest.fixture
def formula_process(process, case):
    process.name = FORMULA
    process.save()
    today = timezone.localdate()
    Cost.objects.create(
        process=process,
        period_start=today.replace(day=1),
        period_end=today,
        category="other",
        amount=-100,
    )
    return process


def workbook_cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value not in (None, "")]


@pytest.mark.django_db
def test_the_report_exports_hold_no_formula(formula_process, evaluator_client):
    today = timezone.localdate()
    # This month, which holds the cost (the report opens on the last completed tertial).
    month = f"?preset=custom&year={today.year}&start={today.replace(day=1)}&end={today}"
    url = reverse("reporting:report-export", args=[formula_process.pk, "xlsx"]) + month
    cells = workbook_cells(evaluator_client.get(url).content)
    assert cells[0].value.startswith("'" + FORMULA)
    assert cells[0].data_type == "s"
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert -100 in [cell.value for cell in cells if cell.data_type == "n"]
    url = reverse("reporting:report-export", args=[formula_process.pk, "csv"]) + month
    text = evaluator_client.get(url).content.decode("utf-8-sig")
    values = [value for line in csv.reader(io.StringIO(text), delimiter=";") for value in line]
    assert "-100" in values
    assert not [value for value in values if value[:1] in ("=", "+", "@", "\t", "\r")]


@pytest.mark.django_db
def test_the_sus_list_holds_no_formula(formula_process, coordinator_client, case, settings):
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({formula_process.pk})  # opted in
    Consent.objects.create(client=case.client, kind="sus_registration", given_on=case.start_date)
    today = timezone.localdate()
    period = f"?preset=custom&year={today.year}&start={case.start_date}&end={today}"
    url = reverse("reporting:sus-download", args=[formula_process.pk]) + period
    cells = workbook_cells(coordinator_client.get(url).content)
    assert cells[0].value.startswith("'" + FORMULA)
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert case.client.personnummer in [cell.value for cell in cells]


# The PDF's resources ----------------------------------------------------------------------------


class RecordingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server():
    RecordingHandler.requests = []
    server = HTTPServer(("127.0.0.1", 0), RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def static_image(settings, tmp_path):
    """A PNG among the static files, as an app's logo would be."""
    folder = tmp_path / "static"
    (folder / "print").mkdir(parents=True)
    Image.new("RGB", (40, 20), "#1a5a8a").save(folder / "print" / "logo.png")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, folder]
    return "/static/print/logo.png"


def printed_images(document: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(document)).pages)


def test_a_pdf_prints_the_apps_static_image(static_image):
    document = pdf._print(f'<html lang="sv"><body><p>Logo</p><img src="{static_image}" alt="Logo">')
    assert printed_images(document) == 1
    # A relative reference resolves among the static files too.
    relative = static_image.removeprefix("/static/")
    document = pdf._print(f'<html lang="sv"><body><img src="{relative}" alt="Logo">')
    assert printed_images(document) == 1


def test_a_pdf_reaches_no_other_file_and_no_host(local_server, static_image):
    document = pdf._print(
        f"""<html lang="sv"><head>
        <link rel="stylesheet" href="{local_server}/style.css">
        <link rel="stylesheet" href="file:///etc/passwd">
        <style>@import url("{local_server}/imported.css");
          body {{ background: url("file:///etc/hostname") }}</style>
        </head><body><p>Text</p>
        <img src="file:///etc/passwd" alt="">
        <img src="{local_server}/image.png" alt="">
        <img src="/static/../../etc/passwd" alt="">
        <img src="/static/%2e%2e/%2e%2e/etc/passwd" alt="">
        <img src="file://{local_server.removeprefix("http://")}/static/print/logo.png" alt="">
        <img src="data:image/png;base64,iVBORw0KGgo=" alt="">
        <img src="{static_image}" alt="Logo">
        </body></html>"""
    )
    assert RecordingHandler.requests == []
    assert printed_images(document) == 1  # the static image alone
    assert "Text" in PdfReader(io.BytesIO(document)).pages[0].extract_text()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///static/../etc/passwd",
        "file:///static/%2e%2e/etc/passwd",
        "file:///static/css/../../../etc/passwd",
        "file:///static/%00css/klientstod.css",
        "file:///static/",
        "file://host/static/css/klientstod.css",
        "file:///static/css/klientstod.css?x=1",
        "http://127.0.0.1/static/css/klientstod.css",
        "https://example.org/static/css/klientstod.css",
        "data:text/css,body{}",
        "/static/css/klientstod.css",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    assert pdf.static_file_url(url) is None


def test_the_fetcher_finds_the_static_files():
    found = pdf.static_file_url("file:///static/css/klientstod.css")
    assert found is not None
    assert found.name == "klientstod.css"


# No server error ------------------------------------------------------------------------------

BAD = ["abc", "\x00", "%00", "-1", "1.5", "99999999999999999999999", "", "<script>", "١"]


@pytest.mark.django_db
def test_bad_values_in_a_query_string_get_an_answer(role_clients, case, coordinator):
    objects = work_with_client(case, coordinator)
    meeting = MeetingFactory(case=case)
    pages = {
        Role.COORDINATOR: [
            (reverse("interventions:contact-create"), ["case"]),
            (reverse("klientstod:meeting-create", args=[case.pk]), ["kind"]),
            (reverse("klientstod:meeting-outcome", args=[meeting.pk]), ["status"]),
            (reverse("interventions:assessment-create", args=[case.pk]), ["kind", "occasion"]),
            (reverse("referrals:referral-inbox"), ["status", "page"]),
            (reverse("referrals:consultation-list"), ["page"]),
            (reverse("klientstod:case-list"), ["status", "page", "coordinator", "process"]),
            (reverse("reporting:report", args=[case.process_id]), ["preset", "year", "start"]),
            (reverse("reporting:sus-list", args=[case.process_id]), ["preset", "year", "end"]),
            (reverse("reporting:plan", args=[case.process_id]), ["preset"]),
        ],
        Role.BIBLIOTHERAPIST: [
            (reverse("interventions:assessment-create", args=[case.pk]), ["kind", "occasion"]),
            (reverse("interventions:group-detail", args=[objects["group"].pk]), ["page"]),
        ],
        Role.REFERRER: [(reverse("referrals:referral-mine"), ["page"])],
        Role.STEERING: [
            (reverse("reporting:dashboard", args=[case.process_id]), ["preset"]),
            (
                reverse("reporting:report-export", args=[case.process_id, "csv"]),
                ["preset", "year", "start", "end"],
            ),
        ],
        Role.ADMIN: [
            (reverse("klientstod:audit-log"), ["client", "user", "action", "start", "end", "page"])
        ],
    }
    failures = []
    for role, urls in pages.items():
        role_clients[role].raise_request_exception = False  # a 500 is counted, not raised
        for url, names in urls:
            for value in BAD:
                response = role_clients[role].get(url, {name: value for name in names})
                if response.status_code not in (200, 302, 400, 404):
                    failures.append(f"{role} {url} {names}={value!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_contact_for_an_unknown_case_starts_empty(coordinator_client):
    url = reverse("interventions:contact-create")
    for value in ("abc", "\x00", "99999999999999999999999"):
        response = coordinator_client.get(url, {"case": value})
        assert response.status_code == 200
        assert response.context["form"].initial.get("case") is None


@pytest.mark.django_db
def test_a_contact_for_a_case_starts_with_it(coordinator_client, case):
    response = coordinator_client.get(reverse("interventions:contact-create"), {"case": case.pk})
    assert response.context["form"].initial["case"] == case.pk


@pytest.mark.django_db
def test_a_search_with_a_nul_character_is_no_error(coordinator_client):
    url = reverse("klientstod:case-list")
    response = coordinator_client.post(url, {"q": "Anna\x00"}, follow=True)
    assert response.status_code == 200


# Questionnaire versions --------------------------------------------------------------------------


def _admin_data(questionnaire: Questionnaire, title: str) -> dict[str, str]:
    return {
        "kind": questionnaire.kind,
        "title": title,
        "instructions": "",
        "questions": "Hur mår du?\ntext: Vad vill du berätta?",
    }


@pytest.fixture
def versions(db):
    first = work.questionnaire_save(
        questionnaire=Questionnaire(kind="klientstod", title="Version ett"),
        items=[("Hur mår du?", "scale")],
    )
    second = work.questionnaire_save(
        questionnaire=Questionnaire(kind="klientstod", title="Version två"),
        items=[("Hur mår du?", "scale")],
    )
    first.refresh_from_db()
    return first, second


@pytest.mark.django_db
@pytest.mark.parametrize("answered", [False, True])
def test_an_old_questionnaire_version_cannot_be_changed(
    admin_client_, versions, answered, process, coordinator
):
    old, current = versions
    if answered:
        case = CaseFactory(process=process, coordinator=coordinator)
        work.assessment_record(
            case=case,
            questionnaire=old,
            occasion="start",
            answered_on=case.start_date,
            answers={old.items.get().pk: "4"},
            by=coordinator,
        )
    url = reverse("admin:interventions_questionnaire_change", args=[old.pk])
    response = admin_client_.post(url, _admin_data(old, "Ändrad gammal version"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bara den aktuella versionen kan ändras" in html
    assert "Ändrad gammal version" in html  # what was typed is still in the form
    old.refresh_from_db()
    assert old.title == "Version ett"
    assert not old.is_current
    assert Questionnaire.objects.get(kind="klientstod", is_current=True) == current
    assert Questionnaire.objects.filter(kind="klientstod").count() == 2


@pytest.mark.django_db
def test_the_current_version_can_be_changed(admin_client_, versions):
    _old, current = versions
    url = reverse("admin:interventions_questionnaire_change", args=[current.pk])
    response = admin_client_.post(url, _admin_data(current, "Version två, ändrad"))
    assert response.status_code == 302
    assert Questionnaire.objects.get(kind="klientstod", is_current=True).title == (
        "Version två, ändrad"
    )


@pytest.mark.django_db
def test_the_service_refuses_to_change_an_old_version(versions):
    from django.core.exceptions import ValidationError

    old, _current = versions
    old.title = "Ändrad"
    with pytest.raises(ValidationError):
        work.questionnaire_save(questionnaire=old, items=[("Ny fråga", "scale")])
    assert Questionnaire.objects.get(pk=old.pk).title == "Version ett"
    assert list(Questionnaire.objects.get(pk=old.pk).items.values_list("text", flat=True)) == [
        "Hur mår du?"
    ]
