"""Small-count suppression: the steering group and the evaluator never read a count of 1 or 2.

The data of ``small_world`` is made so that almost every count of people is one or two
(a few totals are larger, so that shares of them mean something), the process hides
small counts, and every page those two roles may open (the list is checked against
tests/test_access.py) is crawled, with the PDF, CSV and XLSX: no exact 1 or 2 in any
figure, in any table, sentence, axis or bar, and no share computed from one. The
coordinator, who sees the people anyway, gets the exact figures from the same data:
that is what makes the crawl's absence of 1 and 2 mean something.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from klientstod.charts import Series, bar_chart, line_chart
from klientstod.models import Role
from klientstod.smallcounts import SMALL, Masked, SmallCounts
from reporting.models import BudgetLine, Cost, SentReport
from reporting.periods import tertials_of

from .factories import (
    BibliotherapyGroupFactory,
    BibliotherapyOfferFactory,
    CaseFactory,
    ClientFactory,
    FiaStatusChangeFactory,
    GroupSessionFactory,
    InterventionFactory,
    MilestoneFactory,
    OrganisationFactory,
    ReferralFactory,
    make_personnummer,
)
from .test_access import RULES

AGGREGATE_READERS = [Role.STEERING, Role.EVALUATOR]


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def ahead(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# The data -----------------------------------------------------------------------------------


@pytest.fixture
def small_world(process, coordinator):
    """Seven cases over the last year, one or two in every category; small counts hidden.

    Cases start a month or more apart (at most two in any month). On the last day A and
    G are open; B and C closed to a goal, D ended by the client, E moved, F to another
    intervention: five closed, two of them to the goal (a share of 40 %).
    """
    process.name = "Klientstöd Bjäre"
    process.suppress_small_counts = True
    process.starts_on = ago(400)
    process.save()
    process.owner.name, process.financier.name = "Bjäre kommun", "Samordningsförbundet Bjäre"
    process.owner.save()
    process.financier.save()
    af = OrganisationFactory(name="Arbetsförmedlingen")
    kommun = OrganisationFactory(name="Kommunen")
    amina = ClientFactory(
        personnummer=make_personnummer(911, datetime.date(1990, 1, 1)),
        gender="woman",
        interpreter_needed=True,
        samsyn_participant=True,
    )
    omar = ClientFactory(
        personnummer=make_personnummer(912, datetime.date(2000, 6, 1)), gender="man"
    )

    def case(start, **fields):
        return CaseFactory(
            process=process, coordinator=coordinator, start_date=ago(start), **fields
        )

    def closed(start, end, outcome, **fields):
        return case(start, status="closed", closed_on=ago(end), closure_outcome=outcome, **fields)

    a = case(330, client=amina)
    b = closed(300, 15, "studies", client=omar)
    c = closed(270, 40, "work")
    d = closed(240, 35, "client_ended")
    e = closed(210, 30, "moved")
    f = closed(180, 20, "other_intervention")
    case(10)  # G: started ten days ago, no first meeting yet: intervention unclear
    # 1. Referrals: two actualised (one from each partner), one not relevant, one waiting.
    common = {"process": process, "entered_by": coordinator}
    ReferralFactory(
        **common,
        organisation=af,
        personnummer=amina.personnummer,
        received_on=ago(335),
        status="actualised",
        decided_on=ago(330),
        client=amina,
        case=a,
    )
    ReferralFactory(
        **common,
        organisation=kommun,
        personnummer=omar.personnummer,
        received_on=ago(305),
        status="actualised",
        decided_on=ago(300),
        client=omar,
        case=b,
    )
    ReferralFactory(
        **common,
        organisation=kommun,
        received_on=ago(200),
        status="not_relevant",
        not_relevant_reason="illness",
        decided_on=ago(190),
    )
    ReferralFactory(**common, organisation=af, received_on=ago(5))
    # 2. FIA: ongoing, completed twice (once with an interpreter), aborted, planned.
    FiaStatusChangeFactory(fia__case=a, status="ongoing", changed_on=ago(300))
    FiaStatusChangeFactory(
        fia__case=b, fia__on_site_interpreter=True, status="completed", changed_on=ago(200)
    )
    FiaStatusChangeFactory(fia__case=c, status="completed", changed_on=ago(200))
    FiaStatusChangeFactory(fia__case=d, status="aborted", abort_reason="moved", changed_on=ago(100))
    FiaStatusChangeFactory(fia__case=e, status="planned", changed_on=ago(100))
    # 3. A applied to FK (rejected) and works; G has nothing yet.
    InterventionFactory(case=a, kind="fk_application", fk_outcome="rejected", starts_on=ago(200))
    InterventionFactory(case=a, kind="work", starts_on=ago(100))
    # 5. Bibliotherapy: A came and completed it, B declined, C could not for the language.
    group = BibliotherapyGroupFactory(process=process, starts_on=ago(150))
    read = BibliotherapyOfferFactory(
        case=a,
        offered_on=ago(160),
        participation="completed",
        participation_changed_on=ago(60),
        group=group,
        created_by=coordinator,
    )
    GroupSessionFactory(group=group, held_on=ago(150), attended=[read])
    BibliotherapyOfferFactory(
        case=b,
        offered_on=ago(250),
        response="declined",
        decline_reason="health",
        created_by=coordinator,
    )
    BibliotherapyOfferFactory(
        case=f, offered_on=ago(170), response="not_offered_language", created_by=coordinator
    )
    # 6. Milestones: started 7 of 10 (shown), the others one or two of their targets.
    for metric, target, deadline in [
        ("started", 10, ahead(60)),
        ("closed_to_goal", 7, ahead(90)),
        ("closed_to_goal", 3, ago(25)),  # passed: C alone by then
        ("bibliotherapy_started", 5, ahead(90)),
        ("bibliotherapy_completed", 4, ahead(90)),
    ]:
        MilestoneFactory(process=process, metric=metric, target=target, deadline=deadline)
    # 7. Money is not people: shown as it is.
    for year in {ago(360).year, ago(0).year}:
        BudgetLine.objects.create(
            process=process, year=year, category="coordinator", granted=600000
        )
    Cost.objects.create(
        process=process,
        period_start=ago(120),
        period_end=ago(100),
        category="coordinator",
        amount=150000,
        financing="forbund",
    )
    # The last ended tertial sent to the board by the coordinator: as the board reads it.
    sender = HttpClient()
    sender.force_login(coordinator)
    today = timezone.localdate()
    last = max(
        (t for year in (today.year - 1, today.year) for t in tertials_of(year) if t.end < today),
        key=lambda t: t.end,
    )
    preset = f"t{[t.start.month for t in tertials_of(last.end.year)].index(last.start.month) + 1}"
    sender.post(
        reverse("reporting:report-send", args=[process.pk]),
        {"preset": preset, "year": last.end.year},
    )
    assert SentReport.objects.filter(process=process).count() == 1
    return process


#: The shares the data makes, exactly: none of them may reach the steering group.
EXACT_SHARES = {
    "outcome": 40,  # 2 of 5 closed reached the goal
    "closed_to_goal": 29,  # 2 of the target 7
    "closed_to_goal passed": 33,  # 1 of the target 3
    "bibliotherapy_started": 20,  # 1 of 5
    "bibliotherapy_completed": 25,  # 1 of 4
}


def period_query() -> str:
    today = timezone.localdate()
    return f"preset=custom&year={today.year}&start={ago(360):%Y-%m-%d}&end={today:%Y-%m-%d}"


def year_query() -> str:
    return f"preset=year&year={timezone.localdate().year}"


def crawl_urls(process) -> dict[str, list[str]]:
    """Every page the steering group and the evaluator may open, with the report's periods."""
    report = reverse("reporting:report", args=[process.pk])
    pdf = reverse("reporting:report-pdf", args=[process.pk])
    exports = [
        reverse("reporting:report-export", args=[process.pk, fmt]) for fmt in ("csv", "xlsx")
    ]
    return {
        "klientstod:home": [reverse("klientstod:home")],
        "klientstod:accessibility": [reverse("klientstod:accessibility")],
        "klientstod:health": [reverse("klientstod:health")],
        "two-factor-setup": [reverse("two-factor-setup")],
        "password_change": [reverse("password_change")],
        "password_change_done": [reverse("password_change_done")],
        "referrals:information": [reverse("referrals:information")],
        "reporting:report-index": [reverse("reporting:report-index")],
        "reporting:dashboard": [reverse("reporting:dashboard", args=[process.pk])],
        "reporting:report": [report, f"{report}?{period_query()}", f"{report}?{year_query()}"],
        "reporting:report-pdf": [f"{pdf}?{period_query()}", f"{pdf}?{year_query()}"],
        "reporting:report-export": [
            f"{url}?{query}" for url in exports for query in (period_query(), year_query())
        ],
        "reporting:sent-report-download": [
            reverse("reporting:sent-report-download", args=[process.pk, pk])
            for pk in SentReport.objects.filter(process=process).values_list("pk", flat=True)
        ],
    }


#: Pages of the account, not of the process: their text is the same for everyone and holds
#: no figure ("Steg 1 av 2" of the authenticator's set-up is a step, not a count).
ACCOUNT_PAGES = {"two-factor-setup", "password_change", "password_change_done"}

#: Read with a coordinator's own secret address (the token is the key, whoever asks), never
#: by a role: the calendar feed holds the coordinator's meetings, not figures.
BY_SECRET_ADDRESS = {"klientstod:calendar-feed"}


# Reading figures out of pages, PDFs, exports and charts ------------------------------------

#: A standalone 1 or 2: not part of a number, a date, a range or an amount in kronor
#: (written in groups of three digits: "1 200 000 kr").
SMALL_NUMBER = re.compile(r"(?<![\w,.:/–-])[12](?!\w|[,.:/–-]\d|(?:\s\d{3})+\s?kr)")


class FigureText(HTMLParser):
    """The text of a page's <main> where figures are: less forms, headings, column heads
    (period names), the report's head and period, rows of figures that are not counts of
    people, the week-by-week table (weeks are numbered 1 to 53) and the list of reports sent
    to the board (periods, dates, checksums). In a chart, only its text."""

    SKIP = {"form", "script", "style", "h1", "h2", "thead", "defs", "metadata"}

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.inside_main = False
        self.skipping: list[str] = []
        self.svg_depth = 0
        self.in_svg_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "main":
            self.inside_main = True
        # Also the report's head (the process and its dates) and the rows that are not counts
        # of people (meetings, working days, shares), which are shown as they are.
        if (
            tag in self.SKIP
            or (tag == "details" and "ks-weeks" in classes)
            or (tag == "dl" and "ks-report-head" in classes)
            or (tag == "p" and "ks-subtitle" in classes)
            or (tag == "tr" and "ks-not-people" in classes)
            or (tag == "section" and "ks-sent" in classes)
        ):
            self.skipping.append(tag)
        if tag == "svg":
            self.svg_depth += 1
        if tag == "text":
            self.in_svg_text = True

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        if tag == "main":
            self.inside_main = False
        if tag == "svg":
            self.svg_depth -= 1
        if tag == "text":
            self.in_svg_text = False

    def handle_data(self, data: str) -> None:
        shown = self.inside_main and not self.skipping
        if shown and (not self.svg_depth or self.in_svg_text) and data.strip():
            self.chunks.append(" ".join(data.split()))


def figure_text(html: str) -> list[str]:
    parser = FigureText()
    parser.feed(html)
    return parser.chunks


def small_numbers_in(chunks: list[str]) -> list[str]:
    return [chunk for chunk in chunks if SMALL_NUMBER.search(chunk)]


PERCENT_ROW = re.compile(r'<th scope="row">[^<]*\(%\)</th>(.*?)</tr>', re.DOTALL)


def shares_in(html: str) -> set[str]:
    """The percentages a page prints: "N %" in its text, and the cells of its "(%)" rows."""
    found = set(re.findall(r"(?<![\d<])(\d+) %", " ".join(figure_text(html))))
    for cells in PERCENT_ROW.findall(html):
        found |= set(re.findall(r'<td class="text-end">([^<]*)</td>', cells))
    return found


def pdf_lines(content: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


#: What a PDF prints beside its figures: headers, page numbers, section numbers,
#: period names and the week table's week numbers.
PDF_NOT_FIGURES = [
    re.compile(r"Sida \d+ / \d+"),
    re.compile(r"^\d\. "),
    re.compile(r"Tertial \d"),
    re.compile(r"^vecka \d+, \d{4} \d{4}-\d\d-\d\d"),
]


def without_axis_ticks(lines: list[str]) -> list[str]:
    """The lines less a chart's y axis: a run of bare numbers 0, 1, 2, 3, … (its scale, not a
    count; where a value is hidden the axis has no tick on 1 or 2, tested below)."""
    kept, index = [], 0
    while index < len(lines):
        run = 0
        while index + run < len(lines) and lines[index + run] == str(run):
            run += 1
        if run >= 3:
            index += run
        else:
            kept.append(lines[index])
            index += 1
    return kept


def pdf_small_numbers(lines: list[str]) -> list[str]:
    found = []
    for line in without_axis_ticks(lines):
        text = line
        for pattern in PDF_NOT_FIGURES:
            text = pattern.sub(" ", text)
        if SMALL_NUMBER.search(text):
            found.append(line)
    return found


def export_table(response) -> list[list[object]]:
    if response["Content-Type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=";")]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export_small_numbers(table: list[list[object]]) -> list[list[object]]:
    """Rows with a value of 1 or 2 (the values are the cells after section and figure)."""
    return [
        row
        for row in table[2:]
        if any(str(cell).strip() in ("1", "2") for cell in row[2:] if cell is not None)
    ]


SVG = "{http://www.w3.org/2000/svg}"
SVG_ELEMENT = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def svgs(html: str) -> list[str]:
    """The charts of a page (not, say, the QR code of the second factor's set-up)."""
    return [svg for svg in SVG_ELEMENT.findall(html) if 'id="axes_1"' in svg]


def drawn_small_values(svg: str) -> list[str]:
    """Every tick label 1 or 2, and every bar edge, line point or marker 1 or 2 units high.

    The scale is read from the y ticks (a label and its position); the bars and lines
    are the axes' patches and lines, less the axes' own furniture and the legend.
    """
    root = ET.fromstring(svg)
    found = []
    y_axis = root.find(f".//{SVG}g[@id='matplotlib.axis_2']")
    assert y_axis is not None
    ticks = []
    for tick in y_axis.findall(f"{SVG}g"):
        if not (tick.get("id") or "").startswith("ytick_"):
            continue
        mark = tick.find(f".//{SVG}use")
        label = "".join(tick.find(f".//{SVG}text").itertext()).replace("−", "-")
        ticks.append((float(label), float(mark.get("y"))))
        if label.strip() in ("1", "2"):
            found.append(f"tick {label}")
    (value_a, y_a), (value_b, y_b) = ticks[0], ticks[-1]
    per_unit = (y_a - y_b) / (value_b - value_a)

    def units(y: float) -> float:
        return value_a + (y_a - y) / per_unit

    axes = root.find(f".//{SVG}g[@id='axes_1']")
    for group in axes.findall(f"{SVG}g"):
        name = group.get("id") or ""
        if not name.startswith(("patch_", "line2d_")):
            continue  # the axes, the legend, texts
        points = []
        for path in group.iter(f"{SVG}path"):
            numbers = [float(n) for n in NUMBER.findall(path.get("d", ""))]
            points += numbers[1::2]
        points += [float(use.get("y")) for use in group.iter(f"{SVG}use")]
        for y in points:
            value = units(y)
            if any(math.isclose(value, small, abs_tol=0.02) for small in (1, 2)):
                found.append(f"{name} at {value:.2f}")
    return found


# The crawl ---------------------------------------------------------------------------------


#: The client's self-assessment page opens for whoever holds the token sent to that client,
#: logged in or not; the steering group and the evaluator hold none, and it shows no figure.
TOKEN_PAGES = {"interventions:link-answer"}


def test_the_crawl_covers_every_page_steering_and_evaluator_may_open(process):
    for role in AGGREGATE_READERS:
        # Pages that are read; a POST-only address (the SMS gateway's delivery reports)
        # shows nobody anything.
        allowed = {
            name
            for name, rule in RULES.items()
            if rule.expected[role] == 200 and rule.method == "get"
        }
        allowed -= TOKEN_PAGES | BY_SECRET_ADDRESS
        assert allowed == set(crawl_urls(process)), role


@pytest.mark.django_db
@pytest.mark.parametrize("role", AGGREGATE_READERS)
def test_no_page_shows_an_aggregate_reader_a_count_of_one_or_two(role, role_clients, small_world):
    http = role_clients[role]
    exact_shares = {str(n) for n in EXACT_SHARES.values()}
    for name, urls in crawl_urls(small_world).items():
        for url in urls:
            response = http.get(url)
            assert response.status_code == 200, url
            kind = response["Content-Type"]
            if name in ACCOUNT_PAGES:
                continue
            if kind.startswith("text/html"):
                html = response.content.decode()
                assert not small_numbers_in(figure_text(html)), (
                    url,
                    small_numbers_in(figure_text(html)),
                )
                for svg in svgs(html):
                    assert not drawn_small_values(svg), (url, drawn_small_values(svg))
                assert not exact_shares & shares_in(html), (url, shares_in(html))
            elif kind == "application/pdf":
                lines = pdf_lines(response.content)
                assert not pdf_small_numbers(lines), (url, pdf_small_numbers(lines))
                shares = re.findall(r"(?<![\d<])(\d+) %", " ".join(lines))
                shares += [
                    cell
                    for line in lines
                    if "(%)" in line and not line.startswith("Mål")
                    for cell in line.split("(%)")[-1].split()
                ]
                assert not exact_shares & set(shares), (url, shares)
            elif name == "reporting:report-export":
                table = export_table(response)
                assert not export_small_numbers(table), (url, export_small_numbers(table))
                shares = [str(cell) for row in table if "(%)" in str(row[1]) for cell in row[2:]]
                assert not exact_shares & set(shares), (url, shares)


@pytest.mark.django_db
def test_the_coordinator_sees_the_same_figures_exactly(coordinator_client, small_world):
    """The crawl means something: from the same data, the exact reader gets 1s and 2s in
    the same places, and the exact shares."""
    urls = crawl_urls(small_world)
    http = coordinator_client
    dashboard = http.get(urls["reporting:dashboard"][0]).content.decode()
    assert len(small_numbers_in(figure_text(dashboard))) >= 5
    assert all(drawn_small_values(svg) for svg in svgs(dashboard))
    report = http.get(urls["reporting:report"][1]).content.decode()
    assert len(small_numbers_in(figure_text(report))) >= 30
    assert {"40", "29", "33", "20", "25"} <= shares_in(report)
    pdf = pdf_lines(http.get(urls["reporting:report-pdf"][0]).content)
    assert len(pdf_small_numbers(pdf)) >= 30
    table = export_table(http.get(urls["reporting:report-export"][0]))
    assert len(export_small_numbers(table)) >= 30


@pytest.mark.django_db
@pytest.mark.parametrize("role", AGGREGATE_READERS)
def test_what_the_aggregate_reader_sees_instead(role, role_clients, small_world):
    http = role_clients[role]
    urls = crawl_urls(small_world)
    dashboard = http.get(urls["reporting:dashboard"][0]).content.decode()
    text = " ".join(figure_text(dashboard))
    assert "&lt;3 av 5 avslutade ärenden" in dashboard  # 2 of 5 closed cases
    assert "&lt;60 %" in dashboard  # "<3 of 5" is less than 60 %, not 40 %
    assert "Ingen prognos visas" in text  # closed to the goal: from one to two
    assert "Nästa milstolpe 10 senast" in text
    assert "prognos" in text  # started: 7, shown
    report = http.get(urls["reporting:report"][1]).content.decode()
    assert "Små antal" in report
    for share in ("&lt;43 %", "&lt;100 %", "&lt;60 %", "&lt;75 %"):
        assert share in report, share
    home = http.get(reverse("klientstod:home")).content.decode()
    assert "&lt;3" in home
    table = export_table(http.get(urls["reporting:report-export"][0]))
    [actualised] = [row for row in table if row[1] == "Aktualiserad"]
    assert actualised[2:] == ["<3"]


# The one place that decides ----------------------------------------------------------------


def test_small_counts_hide_one_and_two_and_what_is_derived_from_them():
    hide, show = SmallCounts(True), SmallCounts(False)
    assert [hide.count(n) for n in (0, 1, 2, 3, 40)] == [0, SMALL, SMALL, 3, 40]
    assert [show.count(n) for n in (0, 1, 2)] == [0, 1, 2]
    assert isinstance(hide.count(1), Masked)
    assert str(hide.count(2)) == "<3"
    # 1 of 4 is not "25": it is what "<3 of 4" says.
    assert hide.share(25, part=1, whole=4) == "<75"
    assert show.share(25, part=1, whole=4) == 25
    assert hide.share(50, part=1, whole=2) is None  # nothing to show of "<3 of <3"
    assert hide.share(0, part=0, whole=2) == 0  # none of them: nothing given away
    assert hide.share(80, part=4, whole=5) == 80
    assert hide.share(None, part=0, whole=0) is None
    # A target is not people: a hidden count against it gives a bound.
    assert hide.share(50, part=1, whole=2, whole_is_people=False) == "<150"
    assert hide.reached(2, 2) is False
    assert show.reached(2, 2) is True
    assert hide.reached(3, 3) is True


def test_a_masked_bar_is_a_band_to_three_and_no_tick_sits_on_one_or_two():
    exact = bar_chart([("2026-01", 1), ("2026-02", 2), ("2026-03", 5)], title="Startade")
    masked = bar_chart([("2026-01", SMALL), ("2026-02", SMALL), ("2026-03", 5)], title="Startade")
    assert drawn_small_values(exact)  # the check finds the bars and ticks of 1 and 2
    assert not drawn_small_values(masked)
    assert masked.count("&lt;3") == 2  # each band is labelled


def test_a_masked_point_leaves_the_line_for_a_band():
    day = datetime.date(2026, 1, 31)
    months = [day + datetime.timedelta(days=31 * n) for n in range(6)]
    values = [0, 1, 2, 2, 4, 6]
    exact = line_chart([Series("Utfall", list(zip(months, values, strict=True)))], title="t")
    shown = [SmallCounts(True).count(v) for v in values]
    masked = line_chart([Series("Utfall", list(zip(months, shown, strict=True)))], title="t")
    assert drawn_small_values(exact)
    assert not drawn_small_values(masked)
    assert masked.count("&lt;3") == 1  # one label for the run of three months
