"""The coordinator's daily work, and each role's start page."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView

from . import audit, closure, panels, services, timeline
from . import desk_views as desk
from .access import AuthenticatedRequest, CoreUpdateView, ScopedMixin, role_required
from .calendar_forms import CONFIRM_OVERLAP, offer_overlap_confirmation
from .calendar_views import local_datetime
from .filters import CaseFilter
from .forms import (
    CaseCloseForm,
    CaseForm,
    CaseOpenForm,
    ClientForm,
    ConsentForm,
    FollowUpForm,
    MeetingForm,
    MeetingOutcomeForm,
    add_form_errors,
    already_registered,
)
from .models import (
    Case,
    CaseStatus,
    Client,
    Consent,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organisation,
    Process,
    User,
)
from .roles import AGGREGATES_ONLY, COORDINATOR, Role, has_role

CASELOAD_PAGE_SIZE = 25
#: The caseload search text is personal data (a name or a personnummer), so it
#: is kept in the session rather than in the address bar and the access log.
SEARCH_SESSION_KEY = "caseload_search"


# Start pages ---------------------------------------------------------------


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for the load balancer and monitoring: the application answers.

    The view itself does nothing (the middleware still runs, as for every page), so
    it is also the floor the page benchmarks (``bench_pages``) measure pages against.
    """
    return HttpResponse("ok\n", content_type="text/plain")


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (tillgänglighetsredogörelse), public as DOS-lagen requires."""
    return render(
        request,
        "klientstod/accessibility.html",
        {
            "contact": settings.KLIENTSTOD_ACCESSIBILITY_CONTACT
            or _("the process owner's contact centre")
        },
    )


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each role's start page: the coordinator's is "Min dag"."""
    user = request.user
    if has_role(user, Role.COORDINATOR):
        return desk.my_day(request)
    if has_role(user, *AGGREGATES_ONLY):
        return render(
            request, "klientstod/home_overview.html", {"processes": _process_overview(user)}
        )
    if has_role(user, Role.REFERRER):
        return redirect("referrals:referral-mine")
    if has_role(user, Role.BIBLIOTHERAPIST):
        return redirect("interventions:bibliotherapy")
    if has_role(user, Role.ADMIN):
        return render(request, "klientstod/home_admin.html", _admin_context())
    return render(request, "klientstod/home_norole.html")


def _process_overview(user: User) -> list[Process]:
    """Aggregates only: no person can be read from these figures.

    Each process gets ``shown``: its counts of people as ``user`` may see them (a
    process may hide counts of one or two from the steering group and the evaluator).
    Meetings are events, not people, and are shown as they are.
    """
    today = timezone.localdate()
    month_start = today.replace(day=1)
    processes = list(
        Process.objects.visible_to(user)
        .select_related("owner", "financier")
        .annotate(
            active_cases=Count("cases", filter=Q(cases__status=CaseStatus.ACTIVE), distinct=True),
            started_this_year=Count(
                "cases", filter=Q(cases__start_date__year=today.year), distinct=True
            ),
            meetings_this_month=Count(
                "cases__meetings",
                filter=Q(
                    cases__meetings__status=MeetingStatus.HELD,
                    cases__meetings__starts_at__date__gte=month_start,
                    cases__meetings__starts_at__date__lte=today,
                ),
            ),
        )
    )
    for process in processes:
        counts = process.small_counts_for(user)
        process.shown = {
            "active_cases": counts.count(process.active_cases),
            "started_this_year": counts.count(process.started_this_year),
        }
    return processes


def _admin_context() -> dict[str, Any]:
    counts = Counter(
        dict(
            User.objects.filter(is_active=True)
            .values_list("role")
            .annotate(n=Count("pk"))
            .values_list("role", "n")
        )
    )
    return {
        "role_counts": [(label, counts.get(value, 0)) for value, label in Role.choices],
        "process_count": Process.objects.count(),
        "organisation_count": Organisation.objects.count(),
    }


# Caseload ------------------------------------------------------------------


@role_required(*COORDINATOR)
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        request.session[SEARCH_SESSION_KEY] = request.POST.get("q", "").strip()[:100]
        params = request.GET.copy()
        params.pop("page", None)
        return HttpResponseRedirect(f"{reverse('klientstod:case-list')}?{params.urlencode()}")
    search = request.session.get(SEARCH_SESSION_KEY, "")
    data = request.GET.copy()
    data["q"] = search
    # The working list is the active cases; "all statuses" sends an empty status.
    data.setdefault("status", CaseStatus.ACTIVE)
    next_meeting = (
        Meeting.objects.filter(
            case=OuterRef("pk"), status=MeetingStatus.BOOKED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    cases = (
        Case.objects.visible_to(request.user)
        .with_related()
        .annotate(next_meeting=Subquery(next_meeting))
        .order_by("client__last_name", "client__first_name", "-start_date")
    )
    filterset = CaseFilter(data, queryset=cases)
    page = Paginator(filterset.qs, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    if search:
        audit.record_search(page.paginator.count)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "klientstod/case_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "search": search,
            "query_string": params.urlencode(),
            "today": timezone.localdate(),
        },
    )


class CaseDetailView(ScopedMixin, DetailView):
    roles = COORDINATOR
    model = Case

    def get_queryset(self) -> Any:
        return super().get_queryset().with_related()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        case = self.object
        audit.record_read(case.client, "case page", case)
        return super().get_context_data(
            client=case.client,
            timeline=timeline.build(case),
            booked=case.meetings.filter(status=MeetingStatus.BOOKED).order_by("starts_at"),
            referrals=case.referrals.select_related("organisation"),
            panels=panels.build("case", cast(User, self.request.user), case),
            other_cases=Case.objects.visible_to(cast(User, self.request.user))
            .filter(client=case.client)
            .exclude(pk=case.pk)
            .select_related("process"),
            **kwargs,
        )


class CaseUpdateView(CoreUpdateView):
    roles = COORDINATOR
    model = Case
    form_class = CaseForm
    success_message = _("The case was saved.")

    def get_queryset(self) -> Any:
        return super().get_queryset().with_related()

    def form_valid(self, form: Any) -> HttpResponse:
        if not form.save_unless_changed():
            return self.form_invalid(form)
        messages.success(self.request, str(self.success_message))
        return redirect(form.instance)


@role_required(*COORDINATOR)
def case_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Closing as a guided step: what is still open is listed, each with its way to end
    here, and the case closes with all of them in one transaction."""
    case = get_object_or_404(Case.objects.visible_to(request.user).with_related(), pk=pk)
    if not case.is_active:
        messages.error(request, _("The case is already closed."))
        return redirect(case)
    closed_on = _posted_date(request, "closed_on") or timezone.localdate()
    items = closure.open_items(case, closed_on)
    form = CaseCloseForm(request.POST or None, items=items)
    blocked: list[closure.OpenItem] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                case=case,
                closed_on=form.cleaned_data["closed_on"],
                outcome=form.cleaned_data["outcome"],
                income_source_end=form.cleaned_data["income_source_end"],
                followup_consent=form.cleaned_data["followup_consent"],
                endings=form.endings(),
                by=request.user,
            )
        except ValidationError as error:
            blocked = getattr(error, "items", [])
            add_form_errors(form, error)
        else:
            messages.success(
                request, _("The case was closed. Enter the client's final self-assessment.")
            )
            return redirect(case)
    return render(
        request,
        "klientstod/case_close_form.html",
        {
            "form": form,
            "case": case,
            "blocked": blocked,
            "blocked_keys": {item.key for item in blocked},
        },
    )


def _posted_date(request: HttpRequest, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        return None


@role_required(*COORDINATOR)
def case_follow_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.visible_to(request.user).with_related(), pk=pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_follow_up(
                case=case,
                done_on=form.cleaned_data["done_on"],
                result=form.cleaned_data["result"],
                by=request.user,
                income_source=form.cleaned_data["income_source"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The follow-up was recorded."))
            return redirect(case)
    return render(
        request,
        "klientstod/case_follow_up_form.html",
        {"form": form, "case": case, "consent": services.has_followup_consent(case)},
    )


# Clients -------------------------------------------------------------------


@role_required(*COORDINATOR)
def client_create(request: AuthenticatedRequest) -> HttpResponse:
    """Register a client and open their case in one step."""
    client_form = ClientForm(request.POST or None, user=request.user, prefix="client")
    case_form = CaseOpenForm(request.POST or None, user=request.user, prefix="case")
    if request.method == "POST" and client_form.is_valid() and case_form.is_valid():
        try:
            case, reused = services.client_register(
                client=client_form.instance,
                process=case_form.cleaned_data["process"],
                start_date=case_form.cleaned_data["start_date"],
                coordinator=case_form.cleaned_data["coordinator"],
                by=request.user,
            )
        except services.AlreadyRegistered as known:
            client_form.add_error("personnummer", already_registered(known.client))
        except ValidationError as error:
            add_form_errors(case_form, error)
        else:
            if reused:
                messages.info(
                    request,
                    _(
                        "The person was already in %(controller)s's register: the case was "
                        "opened for the existing record. Check that its details are up to date."
                    )
                    % {"controller": case.process.owner},
                )
            else:
                messages.success(request, _("The client was registered and the case opened."))
            return redirect(case)
    return render(
        request,
        "klientstod/client_form.html",
        {"client_form": client_form, "case_form": case_form, "creating": True},
    )


class ClientDetailView(ScopedMixin, DetailView):
    roles = COORDINATOR
    model = Client

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        client = self.object
        audit.record_read(client, "client page")
        return super().get_context_data(
            cases=Case.objects.visible_to(cast(User, self.request.user))
            .filter(client=client)
            .select_related("process", "coordinator"),
            consents=client.consents.select_related("organisation"),
            panels=panels.build("client", cast(User, self.request.user), client),
            today=timezone.localdate(),
            **kwargs,
        )


@role_required(*COORDINATOR)
def client_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    form = ClientForm(request.POST or None, instance=client, user=request.user, prefix="client")
    audit.record_read(client, "client form")
    if request.method == "POST" and form.is_valid() and form.save_unless_changed():
        messages.success(request, _("The client's details were saved."))
        return redirect(client)
    return render(request, "klientstod/client_form.html", {"client_form": form, "client": client})


@role_required(*COORDINATOR)
def case_create(request: AuthenticatedRequest, client_pk: int) -> HttpResponse:
    """Open a new case for a client already in the register."""
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=client_pk)
    form = CaseOpenForm(request.POST or None, user=request.user, prefix="case")
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                client=client,
                process=form.cleaned_data["process"],
                start_date=form.cleaned_data["start_date"],
                coordinator=form.cleaned_data["coordinator"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The case was opened."))
            return redirect(case)
    return render(request, "klientstod/case_open_form.html", {"form": form, "client": client})


# Meetings ------------------------------------------------------------------


@role_required(*COORDINATOR)
def meeting_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    """Book a meeting; from the calendar, at the time chosen there (``?starts_at=``)."""
    case = get_object_or_404(Case.objects.visible_to(request.user).with_related(), pk=case_pk)
    kind = request.GET.get("kind")
    initial = {
        "interpreter_needed": case.client.interpreter_needed,
        "kind": kind
        if kind in MeetingKind.values
        else ("alliance" if case.meetings.exists() else "first"),
    }
    if starts_at := local_datetime(request.GET.get("starts_at", "")):
        initial["starts_at"] = starts_at
    form = MeetingForm(request.POST or None, case=case, initial=initial)
    back = desk.next_url(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_book(
                case=case,
                meeting=form.instance,
                by=request.user,
                allow_overlap=bool(form.cleaned_data.get(CONFIRM_OVERLAP)),
            )
        except services.Overlap as overlap:
            offer_overlap_confirmation(form, overlap.meetings)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The meeting was booked."))
            return redirect(back or case)
    return render(
        request,
        "klientstod/meeting_form.html",
        {"form": form, "case": case, "creating": True, "back": back},
    )


@role_required(*COORDINATOR)
def meeting_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).with_related(), pk=pk)
    case = meeting.case
    if not meeting.is_booked:
        messages.error(request, _("Only a booked meeting can be changed."))
        return redirect(case)
    form = MeetingForm(request.POST or None, instance=meeting, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_change(
                meeting=form.instance,
                by=request.user,
                allow_overlap=bool(form.cleaned_data.get(CONFIRM_OVERLAP)),
            )
        except services.Overlap as overlap:
            offer_overlap_confirmation(form, overlap.meetings)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The meeting was changed."))
            return redirect(case)
    return render(
        request, "klientstod/meeting_form.html", {"form": form, "case": case, "meeting": meeting}
    )


@role_required(*COORDINATOR)
def meeting_outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What became of a booked meeting: on its page, or in its row on Min dag (htmx)."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).with_related(), pk=pk)
    case = meeting.case
    inline = desk.is_htmx(request)
    back = desk.next_url(request)
    initial = None
    if request.method == "GET":
        # A meeting whose time has come was most likely held.
        default = MeetingStatus.HELD if meeting.has_started() else None
        initial = {"status": request.GET.get("status") or default}
    form = MeetingOutcomeForm(
        request.POST or None, meeting=meeting, initial=initial, **desk.row_ids(meeting, inline)
    )
    if request.method == "POST" and form.is_valid():
        new = _record_outcome(form, meeting, request.user)
        if not form.errors and not form.overlaps:
            if inline:
                return desk.row_redirect(request, meeting)
            _tell_outcome(request, new)
            return redirect(back or case)
    if inline:
        return desk.render_row_form(
            request, meeting, form, request.POST.get("status") or MeetingStatus.HELD
        )
    if not meeting.is_booked and request.method == "GET":
        messages.error(request, _("An outcome can only be recorded for a booked meeting."))
        return redirect(back or case)
    return render(
        request,
        "klientstod/meeting_outcome_form.html",
        {"form": form, "meeting": meeting, "case": case, "back": back},
    )


def _record_outcome(form: MeetingOutcomeForm, meeting: Meeting, by: User) -> Meeting | None:
    """Record the form's outcome; a refusal or an overlap is put on the form."""
    data = form.cleaned_data
    try:
        return services.meeting_record_outcome(
            meeting=meeting,
            status=data["status"],
            journal_note=data["journal_note"],
            new_starts_at=data["new_starts_at"],
            cancel_reason=data["cancel_reason"],
            note_later=data["note_later"],
            allow_overlap=bool(data.get(CONFIRM_OVERLAP)),
            by=by,
        )
    except services.Overlap as overlap:
        offer_overlap_confirmation(form, overlap.meetings)
    except ValidationError as error:
        add_form_errors(form, error)
    return None


def _tell_outcome(request: HttpRequest, new: Meeting | None) -> None:
    if new is not None:
        messages.success(
            request,
            _("The meeting was rebooked to %(time)s.")
            % {"time": f"{timezone.localtime(new.starts_at):%Y-%m-%d %H:%M}"},
        )
    else:
        messages.success(request, _("The outcome was recorded."))


# Consent -------------------------------------------------------------------


@role_required(*COORDINATOR)
def consent_create(request: AuthenticatedRequest, client_pk: int) -> HttpResponse:
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=client_pk)
    form = ConsentForm(request.POST or None, instance=Consent(client=client))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The consent was recorded."))
        return redirect(client)
    return render(request, "klientstod/consent_form.html", {"form": form, "client": client})


@require_POST
@role_required(*COORDINATOR)
def consent_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.visible_to(request.user), pk=pk)
    if services.consent_withdraw(consent=consent):
        messages.success(request, _("The consent was withdrawn."))
    return redirect(consent.client)
