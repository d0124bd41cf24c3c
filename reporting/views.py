"""The reports: as a page, and the same page printed to PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from klientstod.access import AuthenticatedRequest, role_required
from klientstod.charts import Series, bar_chart, line_chart
from klientstod.models import Process, Role
from klientstod.pdf import pdf_response, render_pdf

from . import periods, selectors
from .forms import PeriodForm
from .models import ReportingDeadline

READERS = (Role.STEERING, Role.EVALUATOR, Role.COORDINATOR, Role.ADMIN)
#: Roles that see aggregates only, where small counts may be masked.
AGGREGATES_ONLY = (Role.STEERING, Role.EVALUATOR)


def _form(request: AuthenticatedRequest) -> PeriodForm:
    data: QueryDict | dict[str, Any] = (
        request.GET if "preset" in request.GET else PeriodForm.default_data(timezone.localdate())
    )
    return PeriodForm(data)


def _context(request: AuthenticatedRequest, process: Process, form: PeriodForm) -> dict[str, Any]:
    context: dict[str, Any] = {
        "process": process,
        "form": form,
        "suppress": process.suppress_small_counts and request.user.role in AGGREGATES_ONLY,
        "generated": timezone.localtime(),
        "query": request.GET.urlencode(),
    }
    if form.is_valid():
        context["report"] = selectors.tertial_report(
            process, form.period(), form.cleaned_data["holiday_weeks"]
        )
    return context


@role_required(*READERS)
def report_index(request: AuthenticatedRequest) -> HttpResponse:
    processes = Process.objects.visible_to(request.user).select_related("owner")
    return render(request, "reporting/report_index.html", {"processes": processes})


@role_required(*READERS)
def report(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    form = _form(request)
    return render(request, "reporting/report.html", _context(request, process, form))


@role_required(*READERS)
def report_pdf(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    form = _form(request)
    if not form.is_valid():
        return render(
            request, "reporting/report.html", _context(request, process, form), status=400
        )
    context = _context(request, process, form)
    pdf = render_pdf("reporting/report_pdf.html", context, request)
    period = context["report"].period
    return pdf_response(
        pdf, f"lagesrapport-{process.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf"
    )


@role_required(*READERS)
def dashboard(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    """Milestones over time with a projection, caseload, inflow, outcome and the calendar."""
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    today = timezone.localdate()
    tracks = selectors.milestone_tracks(process, today)
    inflow = selectors.inflow_per_month(process, today)
    whole = periods.Period(process.starts_on, today)
    charts = [
        (
            track,
            line_chart(
                [
                    Series(str(_("Actual")), track.actual),
                    Series(str(_("Target")), track.targets, dashed=True),
                    *(
                        [
                            Series(
                                str(_("Projection")),
                                [track.actual[-1], (track.next_target[0], track.projected)],
                                dashed=True,
                            )
                        ]
                        if track.next_target and track.projected is not None
                        else []
                    ),
                ],
                title=str(track.label),
            ),
        )
        for track in tracks
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "process": process,
            "charts": charts,
            "active": selectors.cases_active_at(process, today).count(),
            "inflow": inflow,
            "inflow_chart": bar_chart(
                [(f"{month:%Y-%m}", count) for month, count in inflow],
                title=str(_("Cases started per month")),
            ),
            "outcome": selectors.outcome_figures(process, whole),
            "deadlines": ReportingDeadline.objects.filter(
                process=process, done_on__isnull=True
            ).order_by("due_on")[:8],
            "suppress": process.suppress_small_counts and request.user.role in AGGREGATES_ONLY,
            "projection_definition": selectors.PROJECTION_DEFINITION,
        },
    )
