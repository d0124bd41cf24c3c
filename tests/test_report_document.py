"""The report as a document: its head, the process's comments under the sections, the
period it opens on, the annual report's states and the CSV's Swedish decimals."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from klientstod.models import ProcessPhase
from reporting import periods, selectors
from reporting.comments import holds_personnummer
from reporting.models import SectionComment

from .factories import make_personnummer
from .report_helpers import D, pdf_text, report_url

COMMENT = "Inflödet är lågt under sommaren; två informationsträffar är bokade i september."


def comment_url(process, **params) -> str:
    return report_url("reporting:report-comment", process, **params)


def write(client, process, text, section="referrals", version="", **params):
    return client.post(
        comment_url(process, **params), {"section": section, "text": text, "version": version}
    )


def test_last_completed_tertial():
    assert periods.last_completed_tertial(D(2027, 1, 15)) == periods.tertial(2026, 3)
    assert periods.last_completed_tertial(D(2026, 5, 1)) == periods.tertial(2026, 1)
    assert periods.last_completed_tertial(D(2026, 8, 31)) == periods.tertial(2026, 1)
    assert periods.last_completed_tertial(D(2026, 9, 1)) == periods.tertial(2026, 2)
    assert periods.is_report_period(periods.calendar_year(2026))
    assert periods.is_report_period(periods.tertial(2026, 3))
    assert not periods.is_report_period(periods.Period(D(2026, 5, 1), D(2026, 8, 30)))


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("Klienten 19900101-9017 har fått avslag.", True),
        ("Klienten 900101-9017 har fått avslag.", True),
        ("Klienten 9001019017 har fått avslag.", True),
        ("Klienten 199001019017 har fått avslag.", True),
        ("Klienten 19900101-9018 (fel kontrollsiffra) pekar ändå ut en person.", True),
        ("Perioden 190401–190809: 30 remitterade, kostnad 515 844 kr.", False),
        ("Telefontid 10–12, rum 1234, år 2026.", False),
        ("Samtal 2026-05-01 – 2026-08-31.", False),
    ],
)
def test_what_counts_as_a_personnummer_in_a_comment(text, refused):
    assert holds_personnummer(text) is refused


@pytest.mark.django_db
def test_the_coordinator_writes_a_comment_and_the_board_reads_it_in_the_pdf(
    coordinator_client, steering_client, evaluator_client, process, scenario
):
    process.leader_role = "Samordnare"
    process.leader_name = "Kim Processledare"
    process.save()
    ProcessPhase.objects.create(
        process=process, kind="implementation", starts_on=D(2026, 1, 1), ends_on=D(2027, 2, 28)
    )
    response = write(coordinator_client, process, COMMENT)
    assert response.status_code == 302
    assert response["Location"].endswith("#comment-referrals")
    comment = SectionComment.objects.get()
    assert (comment.period_start, comment.period_end) == (D(2026, 5, 1), D(2026, 8, 31))
    assert LogEntry.objects.get_for_object(comment).filter(action=LogEntry.Action.CREATE).exists()

    page = steering_client.get(report_url("reporting:report", process)).content.decode()
    assert COMMENT in page
    assert 'name="text"' not in page  # the steering group reads, the coordinator writes
    pdf = pdf_text(evaluator_client.get(report_url("reporting:report-pdf", process)))
    assert COMMENT in pdf
    for text in (
        "Processägare",
        process.owner.name,
        "Leds av: Samordnare",
        "Aktuell fas: Genomförande",
    ):
        assert text in pdf, text
    assert "2026-01-01 – 2027-02-28" in pdf
    # The leader is a role; the name only when the process chooses to print it.
    assert "Kim Processledare" not in pdf
    process.print_leader_name = True
    process.save()
    pdf = pdf_text(evaluator_client.get(report_url("reporting:report-pdf", process)))
    assert "Samordnare, Kim Processledare" in pdf
    # Another period has its own comments.
    other = steering_client.get(report_url("reporting:report", process, preset="t1"))
    assert COMMENT not in other.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "Amina Scenariosson har avbokat tre gånger.",
        "scenariosson, amina har avbokat tre gånger.",
        "Vi har pratat med AMINA om Scenariosson-familjen.",
        f"Ärendet {make_personnummer(901, D(1990, 1, 1))} väntar på FK.",
    ],
)
def test_a_comment_that_identifies_a_client_is_refused_and_kept_on_the_form(
    coordinator_client, process, scenario, text
):
    response = write(coordinator_client, process, text, section="fia")
    assert response.status_code == 400
    form = response.context["comment_form"]
    assert list(form.errors) == ["text"]
    page = response.content.decode()
    assert "identifierar" in page or "pekar ut" in page or "personnummer" in page
    assert 'aria-invalid="true"' in page
    # Nothing typed is lost: the text is back in the field (escaped), nothing is stored.
    assert text.split()[0] in page
    assert not SectionComment.objects.exists()


@pytest.mark.django_db
def test_a_first_name_alone_or_another_process_s_client_is_not_a_name(
    coordinator_client, process, scenario, other_process
):
    from .factories import CaseFactory, ClientFactory

    CaseFactory(
        process=other_process, client=ClientFactory(first_name="Berit", last_name="Annansson")
    )
    assert (
        write(coordinator_client, process, "Amina-gruppen och Berit Annansson.").status_code == 302
    )


@pytest.mark.django_db
def test_a_comment_changed_meanwhile_is_not_overwritten(coordinator_client, process, scenario):
    write(coordinator_client, process, "Första versionen.")
    comment = SectionComment.objects.get()
    seen = str(comment.version)
    assert write(coordinator_client, process, "Andra versionen.", version=seen).status_code == 302
    response = write(coordinator_client, process, "Tredje, från en gammal flik.", version=seen)
    assert response.status_code == 400
    assert "Tredje, från en gammal flik." in response.content.decode()
    comment.refresh_from_db()
    assert comment.text == "Andra versionen."
    # A comment written in another tab while this one still showed none.
    response = write(coordinator_client, process, "Ny.", version="", section="referrals")
    assert response.status_code == 400
    assert SectionComment.objects.count() == 1


@pytest.mark.django_db
def test_comments_only_for_a_tertial_or_a_year_and_known_sections(
    coordinator_client, process, scenario
):
    custom = {"preset": "custom", "start": "2026-05-01", "end": "2026-05-31"}
    assert write(coordinator_client, process, COMMENT, **custom).status_code == 400
    assert write(coordinator_client, process, COMMENT, section="nope").status_code == 400
    assert write(coordinator_client, process, COMMENT, preset="year").status_code == 302
    assert SectionComment.objects.get().period_end == D(2026, 12, 31)


@pytest.mark.django_db
def test_the_report_opens_on_the_last_completed_tertial(evaluator_client, process):
    today = timezone.localdate()
    response = evaluator_client.get(reverse("reporting:report", args=[process.pk]))
    period = response.context["report"].period
    assert period == periods.last_completed_tertial(today)
    assert period.end < today
    assert period.end + datetime.timedelta(days=1) == periods.current_tertial(today).start
    index = evaluator_client.get(reverse("reporting:report-index")).content.decode()
    preset = response.context["form"].data["preset"]
    assert f"?preset={preset}&amp;year={period.start.year}" in index
    assert f"?preset=year&amp;year={period.start.year}" in index
    assert "Kalenderåret" not in response.content.decode()


@pytest.mark.django_db
def test_the_annual_report_marks_states_and_shows_them_at_the_year_s_end(
    evaluator_client, process, scenario
):
    response = evaluator_client.get(report_url("reporting:report", process, preset="year"))
    page = response.content.decode()
    assert "per tertialens sista dag" in page
    sections = {s.key: s for s in response.context["sections"]}
    assert sections["fia"].states
    assert sections["interventions"].states
    assert not sections["referrals"].states
    assert not sections["meetings"].states
    # The year's column of a state is the state on the year's last day, not a sum.
    year = selectors.fia_figures(process, periods.calendar_year(2026))
    rows = {str(row.label): row.values for row in sections["fia"].rows}
    for label, count in year.rows:
        assert rows[str(label)][-1] == count
    t2 = selectors.intervention_figures(process, periods.tertial(2026, 2))
    fk = sections["interventions"].rows[0].values
    assert fk[1] == t2.fk_applications
    # Weeks are told apart by their ISO year: no two rows say "week 1".
    weeks = response.context["report"].meetings.per_week
    labels = [f"{m.isocalendar().week}/{m.isocalendar().year}" for m, _h, _n in weeks]
    assert len(labels) == len(set(labels))
    assert "vecka 1, 2026" in page or "vecka 53, 2026" in page


@pytest.mark.django_db
def test_the_csv_has_swedish_decimals(evaluator_client, process, scenario):
    url = reverse("reporting:report-export", args=[process.pk, "csv"]) + "?preset=t2&year=2026"
    response = evaluator_client.get(url)
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    values = {line[1]: line[2] for line in lines if len(line) > 2}
    assert values["Arbetsveckor"] == "13,8"
    assert values["Avbokade eller ombokade per vecka"] == "0,4"
    assert "13.8" not in text


@pytest.mark.django_db
def test_the_pdf_prints_the_charts_as_pictures_and_the_page_as_svg(
    evaluator_client, process, scenario
):
    from pypdf import PdfReader

    response = evaluator_client.get(report_url("reporting:report-pdf", process))
    pages = PdfReader(io.BytesIO(response.content)).pages
    images = {image.name for page in pages for image in page.images}
    assert len(images) == 3  # one per milestone metric of the scenario
    page = evaluator_client.get(report_url("reporting:report", process)).content.decode()
    assert page.count('id="axes_1"') == 3
    assert "data:image/png" not in page


def test_a_pdf_takes_inline_png_only():
    from klientstod.pdf import StaticFilesOnly, _static_fetcher_class

    fetcher = _static_fetcher_class()()
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
        "rkJggg=="
    )
    assert fetcher.fetch(f"data:image/png;base64,{png}").headers["Content-Type"] == "image/png"
    for url in ("data:text/html;base64,PHNjcmlwdD4=", "data:image/svg+xml,<svg/>"):
        with pytest.raises(StaticFilesOnly):
            fetcher.fetch(url)
