"""Min dag as the coordinator's desk: a meeting's row, its outcome forms and its late note.

The rows of Min dag carry their outcome buttons. With JavaScript (htmx) a button that
needs more (the note of a held meeting, our reason for cancelling, the new time) opens
its form inside the row, and the saved row replaces it; without, the same buttons are
links and forms of the ordinary pages, which lead back to Min dag.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import panels, services
from .access import AuthenticatedRequest, role_required
from .calendar_forms import MeetingNoteForm
from .dates import local_time
from .forms import MeetingOutcomeForm, add_form_errors
from .models import CaseStatus, Meeting, MeetingStatus, Process
from .roles import COORDINATOR

#: The outcomes whose form opens inside the row; the others are sent with one click.
INLINE_FORMS = (MeetingStatus.HELD, MeetingStatus.CANCELLED_BY_US, MeetingStatus.REBOOKED)
ROW = "klientstod/partials/meeting_row.html"
ROW_FORM = "klientstod/partials/meeting_row_form.html"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def next_url(request: HttpRequest) -> str:
    """Where the page should lead back to (``?next=``), if it is a page of this site."""
    url = request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def row_ids(meeting: Meeting, inline: bool) -> dict[str, Any]:
    """Field ids of a form shown in a row: one per meeting, as several rows may be open."""
    return {"auto_id": f"m{meeting.pk}-%s"} if inline else {}


def row_redirect(request: HttpRequest, meeting: Meeting) -> HttpResponseRedirect:
    """After a row's form is saved, htmx follows this to the updated row."""
    url = reverse("klientstod:meeting-row", args=[meeting.pk])
    return HttpResponseRedirect(url + "?date=1" if request.POST.get("row_date") else url)


#: The field a row's form opens on: the keyboard is there at once.
FIRST_FIELD = {
    "note": "journal_note",
    MeetingStatus.HELD: "journal_note",
    MeetingStatus.CANCELLED_BY_US: "cancel_reason",
    MeetingStatus.REBOOKED: "new_starts_at",
}


def render_row_form(request: HttpRequest, meeting: Meeting, form: Any, status: str) -> HttpResponse:
    first = FIRST_FIELD.get(status)
    if first in form.fields:
        form.fields[first].widget.attrs["autofocus"] = True
    return render(
        request,
        ROW_FORM,
        {
            "meeting": meeting,
            "form": form,
            "status": status,
            "show_date": request.GET.get("date") == "1" or bool(request.POST.get("row_date")),
        },
    )


@require_GET
@role_required(*COORDINATOR)
def meeting_row(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A meeting's row on Min dag, or the form one of its buttons opens in it (``?form=``)."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("case__client"), pk=pk
    )
    opened = request.GET.get("form", "")
    if opened == "note" and meeting.awaits_note:
        return render_row_form(request, meeting, MeetingNoteForm(**row_ids(meeting, True)), "note")
    if opened in INLINE_FORMS and meeting.is_booked and opened in meeting.outcome_choices():
        form = MeetingOutcomeForm(
            meeting=meeting, initial={"status": opened}, **row_ids(meeting, True)
        )
        return render_row_form(request, meeting, form, opened)
    return render(
        request,
        ROW,
        {"meeting": meeting, "show_date": request.GET.get("date") == "1", "updated": True},
    )


@role_required(*COORDINATOR)
def meeting_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Write the journal note of a meeting recorded as held without one."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).with_related(), pk=pk)
    inline = is_htmx(request)
    back = next_url(request)
    form = MeetingNoteForm(request.POST or None, **row_ids(meeting, inline))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_write_note(
                meeting=meeting, journal_note=form.cleaned_data["journal_note"], by=request.user
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            if inline:
                return row_redirect(request, meeting)
            messages.success(request, _("The journal note was saved."))
            return redirect(back or meeting.case)
    if inline:
        return render_row_form(request, meeting, form, "note")
    if request.method == "GET" and not meeting.awaits_note:
        messages.info(request, _("The meeting has its journal note already."))
        return redirect(back or meeting.case)
    return render(
        request,
        "klientstod/meeting_note_form.html",
        {"form": form, "meeting": meeting, "case": meeting.case, "back": back},
    )


def my_day(request: AuthenticatedRequest) -> HttpResponse:
    """The coordinator's start page: today's meetings with their outcome buttons, the week
    ahead, and what is still to be documented."""
    user = request.user
    today = timezone.localdate()
    mine = Meeting.objects.visible_to(user).filter(
        Q(case__coordinator=user) | Q(case__coordinator__isnull=True)
    )
    # Only what a meeting row shows: fewer joins, which PostgreSQL plans in a fraction
    # of the time the full with_related() takes.
    week = list(
        mine.select_related("case__client")
        .between(today, today + datetime.timedelta(days=8))
        .order_by("starts_at")
    )
    days: dict[datetime.date, list[Meeting]] = {}
    for meeting in week:
        days.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    awaiting = mine.awaiting_outcome().select_related("case__client").order_by("starts_at")
    notes = mine.awaiting_note().select_related("case__client").order_by("starts_at")
    processes = list(
        Process.objects.visible_to(user).annotate(
            active_cases=Count("cases", filter=Q(cases__status=CaseStatus.ACTIVE))
        )
    )
    for process in processes:
        process.free_places = max(process.capacity - process.active_cases, 0)
    return render(
        request,
        "klientstod/my_day.html",
        {
            "today": today,
            "todays_meetings": days.pop(today, []),
            "coming_days": sorted(days.items()),
            # Today's meetings are documented in their rows under "Today".
            "awaiting": awaiting.filter(starts_at__lt=local_time(today))[:10],
            "awaiting_count": awaiting.count(),
            "awaiting_notes": notes[:10],
            "awaiting_notes_count": notes.count(),
            "processes": processes,
            "missing_interpreters": sum(1 for m in week if m.lacks_interpreter),
            "panels": panels.build("my_day", user),
        },
    )
