"""What this app shows on the core's pages: Min dag, the case page and the client page."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klientstod import panels
from klientstod.charts import Series, line_chart
from klientstod.models import Case, CaseStatus, Client, User

from . import link_selectors, services
from .models import (
    BibliotherapyOffer,
    CollaborationContact,
    FiaInterview,
    Intervention,
    SelfAssessment,
)


@panels.register("my_day")
def assessments_due(user: User, obj: Any = None) -> panels.Panel | None:
    today = timezone.localdate()
    cases = list(
        Case.objects.visible_to(user)
        .filter(Q(coordinator=user) | Q(coordinator__isnull=True))
        .filter(
            Q(status=CaseStatus.ACTIVE)
            | Q(status=CaseStatus.CLOSED, closed_on__gte=today - panels.LOOKAHEAD * 4)
        )
        .select_related("client")
    )
    answered = (
        SelfAssessment.objects.filter(case__in=[case.pk for case in cases])
        .filter(questionnaire__kind__in=services.SCHEDULED_KINDS)
        .values_list("case_id", "occasion", "period")
    )
    due = services.assessments_due(cases, answered, today)
    if not due:
        return None
    return panels.Panel(
        "interventions/partials/panel_assessments_due.html",
        {"due": due[:15], "count": len(due)},
        40,
    )


@panels.register("case")
def work_with_client(user: User, case: Case) -> panels.Panel | None:
    fia = FiaInterview.objects.filter(case=case).first()
    assessments = list(
        SelfAssessment.objects.filter(case=case)
        .select_related("questionnaire")
        .annotate(mean=Avg("answers__score"))
        .order_by("-answered_on")
    )
    answered = [
        (case.pk, a.occasion, a.period)
        for a in assessments
        if a.questionnaire.kind in services.SCHEDULED_KINDS
    ]
    return panels.Panel(
        "interventions/partials/panel_case.html",
        {
            "case": case,
            "fia": fia,
            "assessments": assessments[:6],
            "due": services.assessments_due([case], answered, timezone.localdate()),
            "offers": BibliotherapyOffer.objects.filter(case=case).select_related("group"),
            "interventions": Intervention.objects.filter(case=case).select_related(
                "organisation", "unit__organisation"
            ),
            "contacts": CollaborationContact.objects.filter(case=case).select_related(
                "organisation", "unit"
            )[:5],
        },
    )


@panels.register("client")
def self_assessment_trend(user: User, client: Client) -> panels.Panel | None:
    """The mean score of each self-assessment over time, one line per kind of questionnaire."""
    rows = (
        SelfAssessment.objects.visible_to(user)
        .filter(case__client=client)
        .select_related("questionnaire")
        .annotate(mean=Avg("answers__score"))
        .filter(mean__isnull=False)
        .order_by("answered_on")
    )
    by_kind: dict[str, list[tuple[Any, float]]] = {}
    table = []
    for row in rows:
        label = str(row.questionnaire.get_kind_display())
        by_kind.setdefault(label, []).append((row.answered_on, round(row.mean, 2)))
        table.append(row)
    if not table:
        return None
    svg = line_chart(
        [Series(label, points) for label, points in by_kind.items()],
        title=_("Self-assessment trend for %(name)s") % {"name": client.full_name},
        y_label=_("Mean score (1–5)"),
        y_range=(1, 5),
    )
    return panels.Panel(
        "interventions/partials/panel_trend.html", {"svg": svg, "rows": table}, order=20
    )


@panels.register("case")
def assessment_links(user: User, case: Case) -> panels.Panel | None:
    """The links the client got to answer a self-assessment on their phone, and how far
    each came."""
    return panels.Panel(
        "interventions/partials/panel_links.html",
        {"case": case, "links": link_selectors.links_of_case(case)},
        order=55,
    )


@panels.register("my_day")
def assessment_links_my_day(user: User, obj: Any = None) -> panels.Panel | None:
    links = link_selectors.links_for_my_day(user)
    if not links:
        return None
    return panels.Panel("interventions/partials/panel_links_my_day.html", {"links": links}, 45)
