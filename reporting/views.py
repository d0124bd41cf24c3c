"""The reports: as a page, and the same page printed to PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klientstod import audit
from klientstod.access import AuthenticatedRequest, role_required
from klientstod.middleware import client_address
from klientstod.models import Process
from klientstod.pdf import pdf_response, render_pdf
from klientstod.roles import COORDINATOR, PLANNERS, REPORT_READERS

from . import exports, periods, selectors, services, shown, sus, tables
from .forms import PLAN_FORMS, PeriodForm
from .models import BudgetLine, Cost, Download, Milestone, ReportingDeadline, VacationPeriod


def _form(request: AuthenticatedRequest) -> PeriodForm:
    data: QueryDict | dict[str, Any] = (
        request.GET if "preset" in request.GET else PeriodForm.default_data(timezone.localdate())
    )
    return PeriodForm(data)


def _context(request: AuthenticatedRequest, process: Process, form: PeriodForm) -> dict[str, Any]:
    counts = process.small_counts_for(request.user)
    context: dict[str, Any] = {
        "process": process,
        "form": form,
        "counts": counts,
        "generated": timezone.localtime(),
        "query": request.GET.urlencode(),
    }
    if form.is_valid():
        period = form.period()
        report = selectors.tertial_report(process, period)
        # The annual report puts each tertial beside the year's total.
        columns = (
            [selectors.tertial_report(process, t) for t in periods.tertials_of(period.end.year)]
            + [report]
            if form.cleaned_data["preset"] == "year"
            else [report]
        )
        context.update(
            report=report,
            columns=columns,
            sections=tables.sections(columns, counts),
            milestones=tables.milestone_lines(report, counts),
            milestone_charts=shown.milestone_charts(
                selectors.milestone_tracks(process, period.end), counts
            ),
        )
    return context


@role_required(*REPORT_READERS)
def report_index(request: AuthenticatedRequest) -> HttpResponse:
    processes = Process.objects.visible_to(request.user).select_related("owner")
    return render(request, "reporting/report_index.html", {"processes": processes})


@role_required(*REPORT_READERS)
def report(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    form = _form(request)
    return render(request, "reporting/report.html", _context(request, process, form))


@role_required(*REPORT_READERS)
def report_pdf(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    form = _form(request)
    if not form.is_valid():
        return render(
            request, "reporting/report.html", _context(request, process, form), status=400
        )
    context = _context(request, process, form)
    pdf = render_pdf("reporting/report_pdf.html", context, request, cached=True)
    period = context["report"].period
    return pdf_response(
        pdf, f"lagesrapport-{process.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf"
    )


@role_required(*REPORT_READERS)
def dashboard(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    """Milestones over time with a projection, caseload, inflow, outcome and the calendar."""
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    today = timezone.localdate()
    counts = process.small_counts_for(request.user)
    inflow, inflow_chart = shown.inflow(selectors.inflow_per_month(process, today), counts)
    whole = periods.Period(process.starts_on, today)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "process": process,
            "counts": counts,
            "charts": shown.milestone_charts(selectors.milestone_tracks(process, today), counts),
            "active": counts.count(selectors.cases_active_at(process, today).count()),
            "inflow": inflow,
            "inflow_chart": inflow_chart,
            "outcome": shown.outcome_since_start(selectors.outcome_figures(process, whole), counts),
            "deadlines": ReportingDeadline.objects.filter(
                process=process, done_on__isnull=True
            ).order_by("due_on")[:8],
            "projection_definition": selectors.PROJECTION_DEFINITION,
        },
    )


@role_required(*REPORT_READERS)
def report_export(request: AuthenticatedRequest, process_pk: int, fmt: str) -> HttpResponse:
    """The aggregates as CSV or XLSX. Counts only: no names, personnummer or notes."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    form = _form(request)
    if not form.is_valid():
        return render(
            request, "reporting/report.html", _context(request, process, form), status=400
        )
    context = _context(request, process, form)
    columns, counts = context["columns"], context["counts"]
    period = context["report"].period
    name = f"lagesrapport-{process.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(columns, counts), content_type="text/csv")
    else:
        response = HttpResponse(
            exports.to_xlsx(columns, counts, f"{process.name} · {period}"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@role_required(*COORDINATOR)
def sus_list(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    """The SUS participant list on screen, with the cases that still lack a field."""
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    form = _form(request)
    context: dict[str, Any] = {"process": process, "form": form, "query": request.GET.urlencode()}
    if form.is_valid():
        people = sus.participants(process, form.period())
        audit.record_reads(((p.case.client, p.case) for p in people), "SUS list")
        context.update(
            period=form.period(),
            participants=people,
            incomplete=[p for p in people if p.missing],
        )
    return render(request, "reporting/sus_list.html", context)


@role_required(*COORDINATOR)
def sus_download(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    """The SUS participant list as XLSX. Personal data: each download is recorded."""
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    form = _form(request)
    if not form.is_valid():
        return redirect("reporting:sus-list", process_pk=process.pk)
    period = form.period()
    people = sus.participants(process, period)
    with transaction.atomic():
        Download.objects.create(
            user=request.user,
            process=process,
            kind=Download.Kind.SUS_PARTICIPANTS,
            period_start=period.start,
            period_end=period.end,
            rows=len(people),
            ip_address=client_address(request),
        )
        audit.record_reads(((p.case.client, p.case) for p in people), "SUS download")
    response = HttpResponse(
        sus.to_xlsx(people, f"{process.name} · {period}"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="sus-{process.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"'
    )
    response["Cache-Control"] = "no-store"
    return response


PLAN_MODELS = {
    "milestone": Milestone,
    "budget": BudgetLine,
    "cost": Cost,
    "deadline": ReportingDeadline,
    "vacation": VacationPeriod,
}


@role_required(*PLANNERS)
def plan(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    """Milestones, budget, costs and the reporting calendar of one process."""
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    forms = {
        name: form_class(prefix=name, instance=PLAN_MODELS[name](process=process))
        for name, form_class in PLAN_FORMS.items()
    }
    if request.method == "POST":
        name = request.POST.get("save", "")
        if name not in forms:
            return HttpResponseBadRequest(_("Choose what to add."))
        if name in forms:
            form = PLAN_FORMS[name](
                request.POST, prefix=name, instance=PLAN_MODELS[name](process=process)
            )
            if form.is_valid():
                form.save()
                messages.success(request, _("Saved."))
                return redirect("reporting:plan", process_pk=process.pk)
            forms[name] = form
    return render(
        request,
        "reporting/plan.html",
        {
            "process": process,
            "forms": forms,
            "milestones": Milestone.objects.filter(process=process).order_by("deadline"),
            "budget": BudgetLine.objects.filter(process=process).order_by("-year", "category"),
            "costs": Cost.objects.filter(process=process).order_by("-period_end")[:40],
            "deadlines": ReportingDeadline.objects.filter(process=process).order_by("due_on"),
            "vacations": VacationPeriod.objects.filter(process=process).order_by("-starts_on")[:40],
        },
    )


def _plan_row(request: AuthenticatedRequest, process_pk: int, kind: str, pk: int) -> Any:
    """A row of ``kind`` of one process the user may plan, or 404."""
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    model = PLAN_MODELS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model._default_manager.filter(process=process), pk=pk)


@require_POST
@role_required(*PLANNERS)
def plan_item(request: AuthenticatedRequest, process_pk: int, kind: str, pk: int) -> HttpResponse:
    """Mark a reporting deadline done."""
    item = _plan_row(request, process_pk, kind, pk)
    if request.POST.get("action") == "done" and isinstance(item, ReportingDeadline):
        services.deadline_done(deadline=item)
        messages.success(request, _("Marked as done."))
    return redirect("reporting:plan", process_pk=process_pk)


@role_required(*PLANNERS)
def plan_item_delete(
    request: AuthenticatedRequest, process_pk: int, kind: str, pk: int
) -> HttpResponse:
    """Remove a row of the follow-up page: shown first, removed on confirmation."""
    item = _plan_row(request, process_pk, kind, pk)
    if request.method == "POST":
        services.plan_row_remove(row=item)
        messages.success(request, _("Removed."))
        return redirect("reporting:plan", process_pk=process_pk)
    return render(
        request,
        "reporting/plan_item_confirm_delete.html",
        {"process": item.process, "item": item, "kind": kind},
    )
