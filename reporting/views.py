"""The reports: as a page, and the same page printed to PDF."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klientstod import audit
from klientstod.access import AuthenticatedRequest, role_required
from klientstod.middleware import client_address
from klientstod.models import Process
from klientstod.pdf import pdf_response, render_pdf
from klientstod.roles import COORDINATOR, PLANNERS, REPORT_READERS, has_role
from klientstod.services import ChangedMeanwhile
from klientstod.smallcounts import SmallCounts

from . import exports, followup, periods, selectors, sent, services, shown, sus, tables
from .comments import SectionCommentForm
from .forms import PLAN_FORMS, PeriodForm
from .head import report_head
from .models import (
    BudgetLine,
    Cost,
    Download,
    Milestone,
    ReportingDeadline,
    SectionComment,
    VacationPeriod,
)


def _form(request: AuthenticatedRequest) -> PeriodForm:
    data: QueryDict | dict[str, Any] = (
        request.GET if "preset" in request.GET else PeriodForm.default_data(timezone.localdate())
    )
    return PeriodForm(data)


def _context(
    request: AuthenticatedRequest,
    process: Process,
    form: PeriodForm,
    comment_form: SectionCommentForm | None = None,
    *,
    counts: SmallCounts | None = None,
    printed: bool = False,
) -> dict[str, Any]:
    """The report's context; ``counts``: how counts of people are shown (the user's way)."""
    counts = counts or process.small_counts_for(request.user)
    context: dict[str, Any] = {
        "process": process,
        "form": form,
        "counts": counts,
        "generated": timezone.localtime(),
        "query": request.GET.urlencode(),
        **_entries(),
    }
    if form.is_valid():
        period = form.period()
        report = selectors.tertial_report(process, period)
        # The annual report puts each tertial beside the year's total.
        columns = (
            [
                selectors.tertial_report(process, t, columns_only=True)
                for t in periods.tertials_of(period.end.year)
            ]
            + [report]
            if form.annual
            else [report]
        )
        commentable = periods.is_report_period(period)
        if form.annual:
            # The annual report keeps the local before/after follow-up, in aggregate.
            context["followup"] = followup.shown(
                selectors.followup_figures(process, period), counts
            )
            report.definitions.append((_("Before and after"), selectors.FOLLOWUP_DEFINITION))
        context.update(
            report=report,
            head=report_head(process, period),
            columns=columns,
            sections=tables.sections(columns, counts),
            milestones=tables.milestone_lines(report, counts),
            milestone_groups=tables.milestone_groups(report, counts),
            milestone_charts=shown.milestone_charts(
                selectors.milestone_tracks(process, period.end), counts, printed=printed
            ),
            comments=(
                {
                    c.section: c
                    for c in SectionComment.objects.filter(
                        process=process, period_start=period.start, period_end=period.end
                    )
                }
                if commentable
                else {}
            ),
            can_comment=commentable and has_role(request.user, *COORDINATOR),
            comment_form=comment_form,
        )
    return context


@role_required(*REPORT_READERS)
def report_index(request: AuthenticatedRequest) -> HttpResponse:
    processes = Process.objects.visible_to(request.user).select_related("owner")
    return render(request, "reporting/report_index.html", {"processes": processes, **_entries()})


def _entries() -> dict[str, Any]:
    """The two entries of the reports: the last completed tertial, and its year."""
    tertial = periods.last_completed_tertial(timezone.localdate())
    data = PeriodForm.tertial_data(tertial)
    return {
        "tertial": tertial,
        "tertial_number": data["preset"][1:],
        "tertial_query": urlencode(data),
        "annual_year": tertial.start.year,
        "annual_query": urlencode({"preset": "year", "year": tertial.start.year}),
    }


@role_required(*REPORT_READERS)
def report(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    process = get_object_or_404(_processes(request), pk=process_pk)
    form = _form(request)
    context = _context(request, process, form)
    context["sent_reports"] = sent.sent_reports(process, request.user)
    context["sus_export"] = has_role(request.user, *COORDINATOR) and sus.export_allowed(process)
    if "report" in context:
        context["sent_latest"], context["sent_changes"] = sent.compare(
            process, context["columns"], context["sections"]
        )
        context["can_send"] = has_role(request.user, *COORDINATOR) and sent.can_send(
            form.cleaned_data["preset"], context["report"].period
        )
    return render(request, "reporting/report.html", context)


@require_POST
@role_required(*COORDINATOR)
def report_comment(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    """Write the comment under a section of the report of the period in the query."""
    process = get_object_or_404(_processes(request), pk=process_pk)
    form = _form(request)
    if not form.is_valid() or not periods.is_report_period(form.period()):
        return HttpResponseBadRequest(_("Comments are written for a tertial or a year."))
    period = form.period()
    existing = SectionComment.objects.filter(
        process=process,
        period_start=period.start,
        period_end=period.end,
        section=request.POST.get("section", ""),
    ).first()
    comment_form = SectionCommentForm(request.POST, instance=existing, process=process)
    if comment_form.is_valid():
        try:
            services.comment_save(
                process=process,
                period=period,
                section=comment_form.cleaned_data["section"],
                text=comment_form.cleaned_data["text"],
                user=request.user,
                seen=comment_form.cleaned_data.get("version"),
            )
        except ChangedMeanwhile as error:
            comment_form.add_error(None, error)
        else:
            messages.success(request, _("The comment is saved."))
            section = comment_form.cleaned_data["section"]
            return redirect(
                f"{reverse('reporting:report', args=[process.pk])}?{form_query(form)}"
                f"#comment-{section}"
            )
    context = _context(request, process, form, comment_form)
    return render(request, "reporting/report.html", context, status=400)


def _processes(request: AuthenticatedRequest) -> QuerySet[Process]:
    return Process.objects.visible_to(request.user).select_related("owner", "financier")


def form_query(form: PeriodForm) -> str:
    """The query string of the period chosen in ``form``."""
    return urlencode({k: v for k, v in form.data.items() if k in form.fields})


@role_required(*REPORT_READERS)
def report_pdf(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    process = get_object_or_404(_processes(request), pk=process_pk)
    form = _form(request)
    if not form.is_valid():
        return render(
            request, "reporting/report.html", _context(request, process, form), status=400
        )
    context = _context(request, process, form, printed=True) | {"can_comment": False}
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
    if not sus.export_allowed(process):
        raise Http404
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
    if not sus.export_allowed(process):
        raise Http404
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
