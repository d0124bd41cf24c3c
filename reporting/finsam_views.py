"""Uppföljning Finsam: the page and the CSV the deltagaransvarig fills the national form from."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from klientstod.access import AuthenticatedRequest, role_required
from klientstod.middleware import client_address
from klientstod.models import Process
from klientstod.roles import PLANNERS

from . import finsam, periods, services
from .forms import YearForm
from .models import Download
from .selectors.finsam import FINSAM_DEFINITION, finsam_figures


def _form(request: AuthenticatedRequest) -> YearForm:
    data: QueryDict | dict[str, Any] = (
        request.GET if "year" in request.GET else YearForm.default_data(timezone.localdate())
    )
    return YearForm(data)


def _page(request: AuthenticatedRequest, form: YearForm, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "definition": FINSAM_DEFINITION}
    if form.is_valid():
        year = form.cleaned_data["year"]
        context.update(
            year=year,
            forbund=finsam_figures(Process.objects.visible_to(request.user), year),
            query=request.GET.urlencode() or f"year={year}",
        )
    return render(request, "reporting/finsam.html", context, status=status)


# The deltagaransvarig: the coordinator, who knows the insats's participants, and the
# administrator, who keeps every process's budget; the figures are aggregates.
@role_required(*PLANNERS)
def finsam_page(request: AuthenticatedRequest) -> HttpResponse:
    """Per insats and per förbund, for a year, in the order the national form asks."""
    return _page(request, _form(request))


@role_required(*PLANNERS)
def finsam_export(request: AuthenticatedRequest) -> HttpResponse:
    """The same figures as CSV (Swedish decimals); each download is recorded."""
    form = _form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    year = form.cleaned_data["year"]
    forbund = finsam_figures(Process.objects.visible_to(request.user), year)
    with transaction.atomic():
        services.downloads_record(
            user=request.user,
            processes=[insats.process for entry in forbund for insats in entry.insatser],
            kind=Download.Kind.FINSAM,
            period=periods.calendar_year(year),
            ip_address=client_address(request),
        )
    response = HttpResponse(finsam.to_csv(forbund, year), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="uppfoljning-finsam-{year}.csv"'
    return response
