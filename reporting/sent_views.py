"""Sending a report to the board, and reading a sent report again as the board received it."""

from __future__ import annotations

import base64
import hashlib
import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klientstod.access import AuthenticatedRequest, role_required
from klientstod.middleware import client_address
from klientstod.models import Process
from klientstod.pdf import pdf_response, render_pdf
from klientstod.roles import COORDINATOR, REPORT_READERS

from . import sent, services, views
from .forms import PeriodForm
from .models import Download, SentReport
from .periods import Period

logger = logging.getLogger(__name__)


@require_POST
@role_required(*COORDINATOR)
def report_send(request: AuthenticatedRequest, process_pk: int) -> HttpResponse:
    """Send the tertial or annual report the form names: keep its PDF and figures as sent."""
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    form = PeriodForm(request.POST)
    fields = ("preset", "year", "start", "end")
    back = reverse("reporting:report", args=[process.pk])
    if not form.is_valid():
        messages.error(request, _("Choose a tertial or a year to send."))
        return redirect(back)
    back += "?" + urlencode({k: request.POST[k] for k in fields if request.POST.get(k)})
    preset, period = form.cleaned_data["preset"], form.period()
    kind = sent.kind_of(preset)
    if kind is None:
        messages.error(request, _("Only a tertial report or an annual report can be sent."))
        return redirect(back)
    if not sent.can_send(preset, period):
        messages.error(request, _("A report can be sent once its period has come to its end."))
        return redirect(back)
    # The board's reading: the small-count rule applied, whoever sends.
    counts = sent.board_counts(process)
    # Printed as the PDF view prints it: the charts as pictures, no comment forms.
    context = views._context(request, process, form, counts=counts, printed=True) | {
        "can_comment": False
    }
    pdf = render_pdf("reporting/report_pdf.html", context, request, cached=True)
    report = services.report_send(
        process=process,
        kind=kind,
        period=period,
        pdf=pdf,
        figures=sent.figures(context["columns"], counts),
        by=request.user,
    )
    if report.deadline is not None:
        messages.success(
            request,
            _("The report was sent to the board. The deadline %(date)s is marked as done.")
            % {"date": f"{report.deadline.due_on:%Y-%m-%d}"},
        )
    else:
        messages.success(
            request,
            _(
                "The report was sent to the board. The reporting calendar has no open deadline "
                "for it."
            ),
        )
    return redirect(back)


@role_required(*REPORT_READERS)
def sent_report_download(request: AuthenticatedRequest, process_pk: int, pk: int) -> HttpResponse:
    """A sent report's PDF, byte for byte as it was sent; its checksum checked first."""
    process = get_object_or_404(Process.objects.visible_to(request.user), pk=process_pk)
    report = get_object_or_404(SentReport.objects.filter(process=process), pk=pk)
    pdf = bytes(report.pdf)
    digest = hashlib.sha256(pdf)
    if digest.hexdigest() != report.sha256:
        logger.error("Sent report %s does not match its SHA-256", report.pk)
        return HttpResponse(
            _("The stored report does not match its checksum and is not served."),
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    with transaction.atomic():
        services.download_record(
            user=request.user,
            process=process,
            kind=Download.Kind.SENT_REPORT,
            period=Period(report.period_start, report.period_end),
            ip_address=client_address(request),
            sent_report=report,
        )
    response = pdf_response(pdf, report.filename)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    # RFC 9530: the checksum of what is sent, for whoever wants to check the copy.
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(digest.digest()).decode()}:"
    return response
