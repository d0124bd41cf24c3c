"""The report's sections 6–12 on the fixed scenario: information meetings, self-assessments,
partner collaboration, grouped milestones, the budget of every year with own financing, the
costs of each cost period, and the reporting timetable; on the page, in the PDF and the CSV.

The scenario is in tests/report_helpers.py (tertial 2 of 2026, 1 May to 31 August).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from klientstod.models import Role
from klientstod.smallcounts import SMALL, SmallCounts
from reporting import periods, selectors, tables
from reporting.forms import BudgetLineForm
from reporting.models import BudgetLine

from .report_helpers import PERIOD, D, pdf_text, report_url


def section(report, key, counts=None):
    (found,) = [s for s in tables.sections([report], counts) if s.key == key]
    return {str(row.label): row.values[0] for row in found.rows}


@pytest.mark.django_db
def test_information_meetings_count_each_client_once(process, scenario):
    report = selectors.tertial_report(process, PERIOD)
    m = report.information_meetings
    assert (m.meetings, m.invited, m.came) == (3, 4, 2)
    assert section(report, "information_meetings") == {
        "Informationsträffar som hållits": 3,
        "Inbjudna klienter": 4,
        "Klienter som kom": 2,
    }


@pytest.mark.django_db
def test_self_assessments_compare_the_start_with_the_latest_answer(process, scenario):
    report = selectors.tertial_report(process, PERIOD)
    a = report.assessments
    assert a.answered == 5  # A, B, D, E and G; A once though she answered two questionnaires
    changes = {c.kind: c for c in a.by_questionnaire}
    k = changes["klientstod"]
    assert (k.answered, k.compared, k.improved, k.unchanged, k.worse, k.declined) == (
        5,
        3,
        1,
        1,
        1,
        3,
    )
    assert sorted(k.changes) == [Decimal("-0.5"), 0, Decimal("1.5")]
    assert k.mean_change == Decimal("0.3")  # (1.5 - 0.5 + 0) / 3
    b = changes["bibliotherapy"]
    assert (b.answered, b.compared, b.improved, b.mean_change, b.declined) == (
        1,
        1,
        1,
        Decimal("2.0"),
        0,
    )
    assert (changes["work"].answered, changes["closure"].answered) == (0, 0)
    (assessments,) = [s for s in tables.sections([report]) if s.key == "self_assessments"]
    assert [(str(r.label), r.values[0]) for r in assessments.rows] == [
        ("Har besvarat en självskattning", 5),
        ("Klientstöd", 5),
        ("Biblioterapi", 1),
        ("Klientstöd: jämförda med starten", 3),
        ("förbättrade", 1),
        ("oförändrade", 1),
        ("försämrade", 1),
        ("medelförändring (skala 1–5)", Decimal("0.3")),
        ("avböjda svar, ej medräknade", 3),
        ("Biblioterapi: jämförda med starten", 1),
        ("förbättrade", 1),
        ("oförändrade", 0),
        ("försämrade", 0),
        ("medelförändring (skala 1–5)", Decimal("2.0")),
        ("avböjda svar, ej medräknade", 0),
    ]


@pytest.mark.django_db
def test_a_mean_change_of_one_or_two_people_is_not_shown_when_small_counts_are_hidden(
    process, scenario
):
    report = selectors.tertial_report(process, PERIOD)
    (assessments,) = [
        s
        for s in tables.sections([report], SmallCounts(suppress=True))
        if s.key == "self_assessments"
    ]
    values = [(str(r.label), r.values[0]) for r in assessments.rows]
    assert values[9:] == [
        ("Biblioterapi: jämförda med starten", SMALL),
        ("förbättrade", SMALL),
        ("oförändrade", 0),
        ("försämrade", 0),
        ("medelförändring (skala 1–5)", None),
        ("avböjda svar, ej medräknade", 0),
    ]
    assert values[7] == ("medelförändring (skala 1–5)", Decimal("0.3"))  # three compared
    meetings = section(report, "information_meetings", SmallCounts(suppress=True))
    assert meetings["Klienter som kom"] == SMALL
    assert meetings["Informationsträffar som hållits"] == 3


@pytest.mark.django_db
def test_each_partner_with_its_contacts_of_the_period_and_its_state(process, scenario):
    c = selectors.tertial_report(process, PERIOD).collaboration
    assert [str(kind) for kind in c.kinds] == [
        "Informationsträff",
        "Ärendekonsultation",
        "Gemensam planering",
    ]
    assert [(p.name, p.by_kind, str(p.state), p.last_on) for p in c.partners] == [
        ("Arbetsförmedlingen", [0, 1, 1], "Etablerad kontakt", D(2026, 6, 15)),
        ("ekonomiskt bistånd – Kommunen", [0, 0, 0], "Informerad", D(2026, 3, 1)),
        ("Vuxenpsykiatri", [1, 0, 0], "Ingen återkoppling än", D(2026, 7, 1)),
    ]
    assert (c.totals, c.total) == ([1, 1, 1], 3)


@pytest.mark.django_db
def test_milestones_are_grouped_by_subject_and_year_with_the_actual(process, scenario):
    report = selectors.tertial_report(process, PERIOD)
    groups = tables.milestone_groups(report)
    assert [
        (str(g.subject), g.year, [(str(m.metric), m.target, m.actual) for m in g.lines])
        for g in groups
    ] == [
        (
            "Klientstöd",
            2026,
            [
                ("Avslutade mot arbete, studier eller sjukersättning", 3, 2),
                ("Har påbörjat klientstöd", 10, 7),
            ],
        ),
        ("Klientstöd", 2027, [("Har påbörjat klientstöd", 20, 7)]),
        ("Biblioterapi", 2026, [("Har påbörjat biblioterapi", 5, 1)]),
    ]


@pytest.mark.django_db
def test_the_budget_of_every_year_with_own_financing_and_the_costs_so_far(process, scenario):
    y = selectors.tertial_report(process, PERIOD).budget_years
    assert y.years == [2025, 2026, 2027]
    assert [(str(r.category), r.own, r.per_year, r.total) for r in y.rows] == [
        ("Personal: klientsamordnare", 0, [1, 600000, 400000], 1000001),
        ("Tolk", 15000, [0, 0, 0], 0),
        ("Övriga kostnader", 0, [0, 5000, 0], 5000),
    ]
    total = y.total
    assert (total.own, total.per_year, total.total) == (15000, [1, 605000, 400000], 1005001)
    # Costs whose cost period ends by 31 August: the förbund's, and the owner's own.
    assert y.costs_forbund == [100000, 313000, 0]
    assert y.costs_own == [0, 17330, 0]
    assert (y.costs_forbund_total, y.costs_own_total) == (413000, 17330)


@pytest.mark.django_db
def test_the_costs_of_each_cost_period_keep_own_financing_apart(process, scenario):
    periods_ = selectors.tertial_report(process, PERIOD).cost_periods
    assert [
        (
            p.start,
            p.end,
            [(str(line.label), line.amount) for line in p.forbund],
            p.total,
            [(str(line.label), line.amount) for line in p.own],
        )
        for p in periods_
    ] == [
        (D(2026, 1, 1), D(2026, 4, 30), [("Personal: klientsamordnare", 150000)], 150000, []),
        (
            D(2026, 5, 1),
            D(2026, 8, 31),
            [("Personal: klientsamordnare", 160000)],
            160000,
            [("Tolk", 12330), ("Övriga kostnader", 5000)],
        ),
        (D(2026, 6, 1), D(2026, 6, 30), [("Utbildning", 3000)], 3000, []),
    ]


@pytest.mark.django_db
def test_the_timetable_holds_the_four_months_after_the_period(process, scenario):
    timetable = selectors.tertial_report(process, PERIOD).timetable
    assert [(d.due_on, d.kind, d.done_on) for d in timetable] == [
        (D(2026, 9, 14), "tertial_report", D(2026, 9, 10)),
        (D(2026, 10, 6), "board_meeting", None),
        (D(2026, 12, 31), "annual_report", None),
    ]
    # A running period looks ahead from today.
    running = periods.tertial(2026, 3)
    ahead = selectors.tertial_report(process, running, today=D(2026, 9, 20)).timetable
    assert [d.due_on for d in ahead] == [D(2026, 10, 6), D(2026, 12, 31), D(2027, 1, 15)]


@pytest.mark.django_db
def test_the_annual_reports_tertial_columns_leave_out_the_periods_own_sections(
    evaluator_client, process, scenario
):
    response = evaluator_client.get(report_url("reporting:report", process, preset="year"))
    *tertials, year = response.context["columns"]
    assert all(t.collaboration is None and t.timetable is None for t in tertials)
    assert year.budget_years.years == [2025, 2026, 2027]
    (meetings,) = [s for s in response.context["sections"] if s.key == "information_meetings"]
    assert meetings.rows[0].values == [1, 3, 0, 4]  # the one of 20 April is in tertial 1


@pytest.mark.django_db
def test_the_page_the_pdf_and_the_csv_hold_the_new_sections(evaluator_client, process, scenario):
    page = evaluator_client.get(report_url("reporting:report", process)).content.decode()
    for key in (
        "information_meetings",
        "self_assessments",
        "collaboration",
        "milestones",
        "budget",
        "outcome",
        "timetable",
        "definitions",
    ):
        assert f'data-section="{key}"' in page, key
    pdf = pdf_text(evaluator_client.get(report_url("reporting:report-pdf", process)))
    for text in (
        "6. Informationsträffar",
        "Informationsträffar som hållits 3",
        "Inbjudna klienter 4",
        "Klienter som kom 2",
        "7. Självskattningar",
        "Klientstöd: jämförda med starten 3",
        "medelförändring (skala 1–5) 0,3",
        "avböjda svar, ej medräknade 3",
        "8. Samverkan med parter",
        "Arbetsförmedlingen 0 1 1 2 Etablerad kontakt 2026-06-15",
        "Vuxenpsykiatri 1 0 0 1 Ingen återkoppling än 2026-07-01",
        "9. Milstolpar",
        "Klientstöd – 2027",
        "Biblioterapi – 2026",
        "10. Budget och kostnader",
        "Beviljade medel per år i processen",
        "Beviljat 2025",
        "Beviljat 2027",
        "Tolk 15 000 kr",
        "Kostnader t.o.m. 2026-08-31",
        "Finansierat av förbundet – 100 000 kr 313 000 kr – 413 000 kr",
        "Egen finansiering 17 330 kr – 17 330 kr – –",
        "Kostnader per kostnadsperiod 2026",
        "2026-05-01 – 2026-08-31",
        "Summa, förbundet 160 000 kr",
        "Tolk (egen finansiering) 12 330 kr",
        "11. Utfall mot målet",
        "12. Rapporteringens tidsplan de kommande månaderna",
        "2026-10-06 Styrelsemöte: Styrelsemöte",
        "2026-09-14 Tertialrapport: Tertialrapport maj–augusti 2026-09-10",
    ):
        assert text.replace(" ", "") in pdf.replace(" ", ""), text
    assert "2027-01-15" not in pdf


@pytest.mark.django_db
def test_the_csv_holds_the_new_figures(evaluator_client, process, scenario):
    url = reverse("reporting:report-export", args=[process.pk, "csv"])
    response = evaluator_client.get(url, {"preset": "t2", "year": 2026})
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = {(row[0], row[1]): row[-1] for row in table[1:] if len(row) > 2}
    assert cells[("6. Informationsträffar", "Inbjudna klienter")] == "4"
    assert cells[("7. Självskattningar", "Har besvarat en självskattning")] == "5"
    assert cells[("8. Samverkan med parter", "Vuxenpsykiatri: Informationsträff")] == "1"
    assert cells[("10. Beviljade medel per år", "Tolk: egen finansiering")] == "15000"
    assert cells[("10. Beviljade medel per år", "Personal: klientsamordnare: 2027")] == "400000"
    assert (
        cells[
            (
                "10. Kostnader per kostnadsperiod",
                "2026-05-01 – 2026-08-31: Tolk (egen finansiering)",
            )
        ]
        == "12330"
    )
    sections = [row[0] for row in table[1:]]
    assert sections.index("8. Samverkan med parter") < sections.index("11. Utfall mot målet")


@pytest.mark.django_db
def test_a_budget_line_is_for_a_category_financing_and_year_once(coordinator_client, process):
    url = reverse("reporting:plan", args=[process.pk])
    line = {
        "save": "budget",
        "budget-year": "2026",
        "budget-category": "interpreter",
        "budget-financing": "own",
        "budget-granted": "15000",
    }
    assert coordinator_client.post(url, line).status_code == 302
    # The same category financed by the förbund is a line of its own.
    assert coordinator_client.post(url, {**line, "budget-financing": "forbund"}).status_code == 302
    response = coordinator_client.post(url, {**line, "budget-granted": "99"})
    assert response.status_code == 200
    assert response.context["forms"]["budget"].errors["category"] == [
        "Året har redan en rad för kategorin och finansieringen."
    ]
    assert "99" in response.content.decode()
    assert sorted(BudgetLine.objects.values_list("financing", "granted")) == [
        ("forbund", 15000),
        ("own", 15000),
    ]


def test_the_budget_form_offers_the_interpreter_and_own_financing():
    form = BudgetLineForm()
    assert "interpreter" in dict(form.fields["category"].choices)
    assert dict(form.fields["financing"].choices)["own"] == "Egen finansiering"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STEERING, Role.EVALUATOR])
def test_the_definitions_of_the_new_sections_are_printed(role, role_clients, process, scenario):
    page = role_clients[role].get(report_url("reporting:report", process)).content.decode()
    for definition in (
        selectors.INFORMATION_MEETINGS_DEFINITION,
        selectors.ASSESSMENTS_DEFINITION,
        selectors.COLLABORATION_DEFINITION,
        selectors.BUDGET_YEARS_DEFINITION,
        selectors.COST_PERIODS_DEFINITION,
        selectors.TIMETABLE_DEFINITION,
    ):
        with translation.override("sv"):
            text = str(definition)
        assert text.replace("'", "&#x27;") in page, text[:40]
