"""Nothing a user or administrator typed runs as code: not as a template, not as HTML.

Every text a person types and the app shows (names of processes, partners, units,
people and groups, questionnaires and their questions, notes, messages, the
information page, costs and deadlines) is filled with a template expression and a
script. Every page that shows them, as the role that reads it, and every PDF must
print the text literally: escaped in HTML, as written in a PDF, and never the
``8`` that evaluating the expression would give.
"""

from __future__ import annotations

import ast
import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from interventions import services as work
from interventions.models import (
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    InformationMeeting,
    Intervention,
    Questionnaire,
    QuestionnaireKind,
)
from klientstod.charts import Series, bar_chart, line_chart
from klientstod.models import Consent, MeetingStatus, Role
from referrals import services as triage
from referrals.models import Consultation, InformationPage
from reporting.models import BudgetLine, Cost, Milestone, ReportingDeadline

from .factories import (
    ConsentFactory,
    MeetingFactory,
    ReferralFactory,
    SlotFactory,
)

PAYLOAD = "{{ 7|add:1 }}<script>alert(1)</script>"
SHOWN = escape(PAYLOAD)
#: What a page would hold if the text had been evaluated or printed as markup.
EVALUATED = ("8<script", "8&lt;script", "<script>alert(1)")
ROOT = Path(__file__).resolve().parent.parent


def typed(suffix: str = "") -> str:
    return PAYLOAD + suffix


@pytest.fixture
def world(process, users, case, coordinator) -> dict[str, Any]:
    """One of everything a person types, each holding the payload."""
    today = timezone.localdate()
    referrer = users[Role.REFERRER]
    partner = referrer.organisation
    partner.name, partner.short_name = typed(" partner"), PAYLOAD
    partner.save()
    referrer.unit.name = PAYLOAD
    referrer.unit.save()
    for organisation, suffix in ((process.owner, " owner"), (process.financier, " förbund")):
        organisation.name = typed(suffix)
        organisation.save()
    process.name = PAYLOAD
    process.save()
    for user in users.values():
        user.first_name, user.last_name, user.phone = PAYLOAD, PAYLOAD, PAYLOAD
        user.save()

    client = case.client
    for field in ("first_name", "last_name", "language", "phone", "street_address", "city"):
        setattr(client, field, PAYLOAD)
    client.save()
    MeetingFactory(case=case, location=PAYLOAD)
    MeetingFactory(
        case=case,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        status=MeetingStatus.HELD,
        location=PAYLOAD,
        journal_note=PAYLOAD,
    )
    ConsentFactory(
        client=client,
        kind=Consent.Kind.INFORMATION_SHARING,
        organisation=partner,
        note=PAYLOAD,
    )

    texts = {
        field: PAYLOAD
        for field in (
            "first_name",
            "last_name",
            "street_address",
            "city",
            "language",
            "tried_before",
            "reason",
            "expectations",
        )
    }
    origin = {"process": process, "referrer": referrer, "organisation": partner}
    waiting = ReferralFactory(**origin, unit=referrer.unit, referrer_name=PAYLOAD, **texts)
    welcomed = ReferralFactory(**origin, **texts)
    triage.referral_actualise(
        referral=welcomed,
        by=coordinator,
        start_date=today,
        coordinator=coordinator,
        first_meeting_at=timezone.now() + datetime.timedelta(days=4),
        location=PAYLOAD,
    )
    declined = ReferralFactory(**origin, **texts)
    triage.referral_decline(referral=declined, reason="work", note=PAYLOAD, by=coordinator)
    SlotFactory(process=process, created_by=coordinator, location=PAYLOAD)
    consultation = triage.consultation_ask(
        consultation=Consultation(process=process, subject=PAYLOAD), body=PAYLOAD, by=referrer
    )
    triage.consultation_reply(consultation=consultation, body=PAYLOAD, by=coordinator)
    InformationPage.objects.create(
        process=process,
        offer=PAYLOAD,
        target_group=PAYLOAD,
        how_to_refer=PAYLOAD,
        contact=PAYLOAD,
    )

    fia = work.fia_for(case)
    work.fia_save_summary(
        fia=fia,
        summary={"housing": PAYLOAD, "work_goals": PAYLOAD},
        client_goals=PAYLOAD,
        assessment=PAYLOAD,
        plan=[{"goal": PAYLOAD, "sub_goal": PAYLOAD, "activity": PAYLOAD, "responsible": PAYLOAD}],
    )
    questionnaires = {
        kind.value: work.questionnaire_save(
            questionnaire=Questionnaire(kind=kind, title=PAYLOAD, instructions=PAYLOAD),
            items=[(PAYLOAD, "scale"), (typed(" text"), "text")],
        )
        for kind in QuestionnaireKind
    }
    items = list(questionnaires["klientstod"].items.all())
    assessment = work.assessment_record(
        case=case,
        questionnaire=questionnaires["klientstod"],
        occasion="start",
        answered_on=case.start_date,
        answers={items[0].pk: "3", items[1].pk: PAYLOAD},
        by=coordinator,
    )
    group = BibliotherapyGroup.objects.create(
        process=process, name=PAYLOAD, place=PAYLOAD, starts_on=case.start_date
    )
    offer = work.offer_save(
        offer=BibliotherapyOffer(
            case=case, offered_on=case.start_date, response="accepted", note=PAYLOAD
        ),
        by=coordinator,
    )
    work.participation_set(offer=offer, status="to_be_booked", group=group)
    offer.refresh_from_db()
    work.session_record(group=group, held_on=today, theme=PAYLOAD, attended=[offer])
    information_meeting = InformationMeeting.objects.create(
        process=process, held_on=today, place=PAYLOAD, note=PAYLOAD
    )
    intervention = Intervention.objects.create(
        case=case,
        kind="studies",
        organisation=partner,
        unit=referrer.unit,
        starts_on=case.start_date,
        note=PAYLOAD,
    )
    CollaborationContact.objects.create(
        process=process,
        organisation=partner,
        unit=referrer.unit,
        held_on=today,
        kind="case_consultation",
        state="established",
        case=case,
        note=PAYLOAD,
        created_by=coordinator,
    )

    Milestone.objects.create(
        process=process, metric="started", target=10, deadline=today + datetime.timedelta(days=90)
    )
    BudgetLine.objects.create(process=process, year=today.year, category="other", granted=1000)
    Cost.objects.create(
        process=process,
        period_start=today.replace(day=1),
        period_end=today,
        category="other",
        description=PAYLOAD,
        amount=-100,
    )
    ReportingDeadline.objects.create(
        process=process,
        kind="board_meeting",
        due_on=today + datetime.timedelta(days=10),
        description=PAYLOAD,
    )
    return {
        "process": process,
        "case": case,
        "client": client,
        "waiting": waiting,
        "welcomed": welcomed,
        "declined": declined,
        "consultation": consultation,
        "assessment": assessment,
        "group": group,
        "offer": offer,
        "information_meeting": information_meeting,
        "intervention": intervention,
        "questionnaire": questionnaires["klientstod"],
        "partner": partner,
    }


def pages(w: dict[str, Any]) -> list[tuple[str, str]]:
    process, case, client = w["process"], w["case"], w["client"]
    coordinator = [
        reverse("klientstod:home"),
        reverse("klientstod:case-list"),
        reverse("klientstod:case-detail", args=[case.pk]),
        reverse("klientstod:client-detail", args=[client.pk]),
        reverse("klientstod:client-update", args=[client.pk]),
        reverse("klientstod:case-update", args=[case.pk]),
        reverse("klientstod:consent-create", args=[client.pk]),
        reverse("klientstod:meeting-create", args=[case.pk]),
        reverse("referrals:referral-inbox"),
        reverse("referrals:referral-inbox") + "?status=actualised",
        reverse("referrals:referral-inbox") + "?status=not_relevant",
        reverse("referrals:referral-detail", args=[w["waiting"].pk]),
        reverse("referrals:referral-detail", args=[w["declined"].pk]),
        reverse("referrals:referral-actualise", args=[w["waiting"].pk]),
        reverse("referrals:referral-paper-create"),
        reverse("referrals:slot-list"),
        reverse("referrals:consultation-list"),
        reverse("referrals:consultation-detail", args=[w["consultation"].pk]),
        reverse("interventions:fia", args=[case.pk]),
        reverse("interventions:fia-edit", args=[case.pk]),
        reverse("interventions:assessment-create", args=[case.pk]),
        reverse("interventions:assessment-detail", args=[w["assessment"].pk]),
        reverse("interventions:bibliotherapy"),
        reverse("interventions:participant-detail", args=[w["offer"].pk]),
        reverse("interventions:offer-update", args=[w["offer"].pk]),
        reverse("interventions:group-detail", args=[w["group"].pk]),
        reverse("interventions:information-meeting-update", args=[w["information_meeting"].pk]),
        reverse("interventions:intervention-update", args=[w["intervention"].pk]),
        reverse("interventions:partner-overview"),
        reverse("interventions:contact-create") + f"?case={case.pk}",
        reverse("reporting:report-index"),
        reverse("reporting:report", args=[process.pk]),
        reverse("reporting:dashboard", args=[process.pk]),
        reverse("reporting:plan", args=[process.pk]),
        reverse("reporting:sus-list", args=[process.pk]),
        reverse("reporting:finsam") + f"?year={timezone.localdate().year}",
    ]
    referrer = [
        reverse("referrals:referral-mine"),
        reverse("referrals:referral-create"),
        reverse("referrals:referral-detail", args=[w["waiting"].pk]),
        reverse("referrals:referral-sent", args=[w["waiting"].pk]),
        reverse("referrals:consultation-list"),
        reverse("referrals:consultation-detail", args=[w["consultation"].pk]),
        reverse("referrals:consultation-create"),
        reverse("referrals:information"),
    ]
    bibliotherapist = [
        reverse("interventions:bibliotherapy"),
        reverse("interventions:participant-detail", args=[w["offer"].pk]),
        reverse("interventions:group-detail", args=[w["group"].pk]),
        reverse("interventions:assessment-create", args=[case.pk]),
    ]
    steering = [
        reverse("klientstod:home"),
        reverse("reporting:report-index"),
        reverse("reporting:report", args=[process.pk]),
        reverse("reporting:dashboard", args=[process.pk]),
    ]
    admin = [
        reverse("klientstod:home"),
        reverse("klientstod:audit-log"),
        reverse("reporting:plan", args=[process.pk]),
        *[
            reverse(f"admin:{name}")
            for name in (
                "klientstod_organisation_changelist",
                "klientstod_process_changelist",
                "klientstod_user_changelist",
                "interventions_questionnaire_changelist",
                "reporting_milestone_changelist",
                "reporting_budgetline_changelist",
                "reporting_cost_changelist",
                "reporting_reportingdeadline_changelist",
                "referrals_informationpage_changelist",
            )
        ],
        reverse("admin:klientstod_organisation_change", args=[w["partner"].pk]),
        reverse("admin:klientstod_process_change", args=[process.pk]),
        reverse("admin:interventions_questionnaire_change", args=[w["questionnaire"].pk]),
    ]
    return (
        [(Role.COORDINATOR, url) for url in coordinator]
        + [(Role.REFERRER, url) for url in referrer]
        + [(Role.BIBLIOTHERAPIST, url) for url in bibliotherapist]
        + [(Role.STEERING, url) for url in steering]
        + [(Role.EVALUATOR, reverse("reporting:report", args=[process.pk]))]
        + [(Role.ADMIN, url) for url in admin]
        + [("anonymous", reverse("referrals:information"))]
    )


@pytest.mark.django_db
def test_typed_text_is_shown_literally_on_every_page(world, role_clients, settings):
    settings.KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset({world["process"].pk})
    problems = []
    for role, url in pages(world):
        response = role_clients[role].get(url)
        html = response.content.decode()
        if response.status_code != 200:
            problems.append(f"{role} {url}: {response.status_code}")
        elif any(sign in html for sign in EVALUATED):
            index = min(html.find(sign) for sign in EVALUATED if sign in html)
            problems.append(f"{role} {url}: evaluated: …{html[max(0, index - 120) : index + 60]}")
        elif SHOWN not in html:
            problems.append(f"{role} {url}: the typed text is not on the page")
    assert not problems, "\n".join(problems)


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # Line breaks and spacing differ in a PDF's text; the characters must not.
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.mark.django_db
def test_typed_text_is_printed_literally_in_every_pdf(world, role_clients):
    coordinator, steering = role_clients[Role.COORDINATOR], role_clients[Role.STEERING]
    printed = {
        "fia": coordinator.get(reverse("interventions:fia-pdf", args=[world["case"].pk])),
        "welcome letter": coordinator.get(
            reverse("referrals:referral-letter", args=[world["welcomed"].pk])
        ),
        "decline letter": coordinator.get(
            reverse("referrals:referral-letter", args=[world["declined"].pk])
        ),
        "status report": steering.get(reverse("reporting:report-pdf", args=[world["process"].pk])),
    }
    literal = re.sub(r"\s+", "", PAYLOAD)
    for name, response in printed.items():
        text = pdf_text(response)
        assert literal in text, name
        assert "8<script" not in text, name


# The charts are inline SVG printed with |safe: the text in them must be escaped there.


@pytest.mark.parametrize("draw", ["line", "bar"])
def test_chart_labels_are_escaped_and_a_dollar_is_no_formula(draw):
    label = PAYLOAD + " $\\frac{ 5 $ kr"
    if draw == "line":
        days = [datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)]
        svg = line_chart(
            [Series(label, [(days[0], 1), (days[1], 2)]), Series("b", [(days[0], 2)])],
            title=label,
        )
    else:
        svg = bar_chart([(label, 3), ("b", 1)], title=label)
    assert "<script" not in svg
    assert escape(PAYLOAD) in svg.replace("&#x27;", "'")
    assert "$\\frac{ 5 $ kr" in svg
    # Presentation attributes only: nothing a CSP without inline styles would refuse.
    assert "style" not in svg


def test_a_help_text_and_a_legend_are_printed_as_text():
    from crispy_forms.helper import FormHelper
    from crispy_forms.layout import Layout
    from crispy_forms.utils import render_crispy_form
    from django import forms

    from klientstod.layout import Fieldset, Paragraph

    class Form(forms.Form):
        name = forms.CharField(help_text=PAYLOAD)

        def __init__(self) -> None:
            super().__init__()
            self.helper = FormHelper()
            self.helper.layout = Layout(Fieldset(PAYLOAD, "name", Paragraph(PAYLOAD)))

    html = render_crispy_form(Form())
    assert html.count(SHOWN) == 3  # the legend, the help text and the paragraph
    assert not any(sign in html for sign in EVALUATED)


# The project's source: where typed text could become markup or a template ---------------------

APP_DIRS = ["klientstod", "referrals", "interventions", "reporting"]
#: crispy-forms layout objects that render their text as a template.
TEMPLATE_RENDERING = {"Fieldset", "HTML", "Button", "Submit", "Reset", "Hidden", "Alert"}
#: The only values a template prints with |safe: SVG the app draws and escapes itself.
SAFE_SVG = {"svg|safe", "chart.svg|safe", "inflow_chart|safe", "qr_svg|safe"}


def python_files() -> list[Path]:
    return [
        path
        for folder in APP_DIRS
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]


def test_forms_use_the_escaping_layout_objects():
    offenders = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "crispy_forms.layout":
                names = {alias.name for alias in node.names} & TEMPLATE_RENDERING
                if names and path.name != "layout.py":
                    offenders.append(f"{path.relative_to(ROOT)} imports {sorted(names)}")
    assert not offenders, "use klientstod.layout instead:\n" + "\n".join(offenders)


def test_no_text_is_marked_safe_or_rendered_as_a_template():
    offenders = []
    for path in python_files():
        source = path.read_text()
        offenders.extend(
            f"{path.relative_to(ROOT)}: {sign}"
            for sign in ("mark_safe(", "Template(", "SafeString(", "|safe", "autoescape")
            if sign in source and not (path.name == "layout.py" and sign == "SafeString(")
        )
    for path in (ROOT / "templates").rglob("*.html"):
        source = path.read_text()
        offenders.extend(
            f"{path.relative_to(ROOT)}: {match[1]}"
            for match in re.finditer(r"\{\{\s*([\w.]+\|safe)\s*\}\}", source)
            if match[1] not in SAFE_SVG
        )
        if "{% autoescape off" in source or "|safeseq" in source:
            offenders.append(f"{path.relative_to(ROOT)}: autoescape off")
    assert not offenders, "\n".join(offenders)
