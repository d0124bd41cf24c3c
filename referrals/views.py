"""The referral portal (referrers), the inbox and triage (coordinators), and the public page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from klientstod import audit
from klientstod.access import AuthenticatedRequest, role_required
from klientstod.forms import add_form_errors
from klientstod.models import Case, User
from klientstod.pdf import pdf_response, render_pdf
from klientstod.roles import COORDINATOR, REFERRAL_PARTIES, REFERRER, Role, has_role

from . import services
from .forms import (
    ActualiseForm,
    ConsultationForm,
    DeclineForm,
    PaperReferralForm,
    ReferralForm,
    ReplyForm,
    SlotForm,
    open_processes,
)
from .models import (
    Consultation,
    ConsultationMessage,
    InformationPage,
    Letter,
    Referral,
    ReferralSlot,
    ReferralStatus,
)

PAGE_SIZE = 25


def information(request: HttpRequest) -> HttpResponse:
    """Public: what Klientstöd offers, who it is for, how to refer, whom to call."""
    pages = (
        InformationPage.objects.filter(published=True, process__ends_on__gte=timezone.localdate())
        .select_related("process__owner", "process__financier")
        .order_by("process__name")
    )
    return render(request, "referrals/information.html", {"pages": pages})


# Referrer ------------------------------------------------------------------


@role_required(*REFERRER)
def referral_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ReferralForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_submit(
                referral=form.instance,
                by=request.user,
                sharing=form.cleaned_data["sharing_consents"],
                slot=form.cleaned_data.get("slot"),
            )
        except ValidationError as error:
            form.instance.pk = None
            add_form_errors(form, error)
        else:
            return redirect("referrals:referral-sent", pk=referral.pk)
    return render(request, "referrals/referral_form.html", {"form": form})


@role_required(*REFERRER)
def referral_sent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related("process", "slot"), pk=pk
    )
    return render(request, "referrals/referral_sent.html", {"referral": referral})


@role_required(*REFERRER)
def referral_mine(request: AuthenticatedRequest) -> HttpResponse:
    referrals = Referral.objects.visible_to(request.user).select_related("process", "slot")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    coordinators = (
        User.objects.filter(
            role=Role.COORDINATOR, is_active=True, processes__in=open_processes(request.user)
        )
        .prefetch_related("processes")
        .distinct()
    )
    return render(
        request, "referrals/referral_mine.html", {"page_obj": page, "coordinators": coordinators}
    )


# Coordinator -----------------------------------------------------------------


@role_required(*COORDINATOR)
def referral_inbox(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", ReferralStatus.RECEIVED)
    if status not in ReferralStatus.values:
        status = ReferralStatus.RECEIVED
    visible = Referral.objects.visible_to(request.user)
    # The held time and the unit come in queries of their own: joined in, they made
    # PostgreSQL spend some 30 ms planning the query (ten tables), far more than running it.
    referrals = (
        visible.filter(status=status)
        .select_related("process", "organisation", "referrer")
        .prefetch_related("slot", "unit__organisation")
    )
    referrals = referrals.order_by("received_on", "pk") if status == "received" else referrals
    counts = dict(visible.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/referral_inbox.html",
        {
            "page_obj": page,
            "status": status,
            "tabs": [
                (value, label, counts.get(value, 0)) for value, label in ReferralStatus.choices
            ],
            "today": timezone.localdate(),
        },
    )


def _history(user: Any, referral: Referral) -> dict[str, Any]:
    """Earlier referrals of the same person, and their cases, within the user's processes."""
    return {
        "earlier_referrals": Referral.objects.visible_to(user)
        .of_person(referral.personnummer_index)
        .exclude(pk=referral.pk)
        .select_related("organisation", "process"),
        "cases": Case.objects.visible_to(user)
        .filter(client__personnummer_index=referral.personnummer_index)
        .select_related("process"),
    }


@role_required(*REFERRAL_PARTIES)
def referral_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user)
        .with_related()
        .select_related("slot", "letter__meeting", "client", "case")
        .prefetch_related("sharing_consents"),
        pk=pk,
    )
    audit.record_read(referral, "referral page")
    if has_role(request.user, Role.REFERRER):
        return render(request, "referrals/referral_status.html", {"referral": referral})
    context: dict[str, Any] = {"referral": referral, **_history(request.user, referral)}
    context["active_case"] = next(
        (
            case
            for case in context["cases"]
            if case.is_active and case.process_id == referral.process_id
        ),
        None,
    )
    if referral.is_open:
        context["actualise_form"] = ActualiseForm(referral=referral, user=request.user)
        context["decline_form"] = DeclineForm(referral=referral)
    return render(request, "referrals/referral_detail.html", context)


@role_required(*COORDINATOR)
def referral_paper_create(request: AuthenticatedRequest) -> HttpResponse:
    form = PaperReferralForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_submit(
                referral=form.instance,
                by=request.user,
                sharing=form.cleaned_data["sharing_consents"],
            )
        except ValidationError as error:
            form.instance.pk = None
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                _("The paper referral was registered as %(reference)s.")
                % {"reference": referral.reference},
            )
            return redirect(referral)
    return render(request, "referrals/referral_form.html", {"form": form, "paper": True})


@role_required(*COORDINATOR)
def referral_actualise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.visible_to(request.user).with_related(), pk=pk)
    if not referral.is_open:
        messages.error(request, _("The referral has already been decided."))
        return redirect(referral)
    form = ActualiseForm(request.POST or None, referral=referral, user=request.user)
    active_case = None
    if request.method == "POST" and form.is_valid():
        try:
            case = services.referral_actualise(
                referral=referral,
                by=request.user,
                start_date=form.cleaned_data["start_date"],
                coordinator=form.cleaned_data["coordinator"],
                first_meeting_at=form.cleaned_data.get("first_meeting_at"),
                location=form.cleaned_data["location"],
                duration_minutes=form.cleaned_data.get("duration_minutes") or 60,
                interpreter_booked=form.cleaned_data.get("interpreter_booked", False),
                first_meeting_note=form.cleaned_data.get("first_meeting_note", ""),
                on=form.cleaned_data["decided_on"],
            )
        except services.ActiveCaseExists as error:
            active_case = error.case
            add_form_errors(form, error)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            if form.meeting_is_past:
                text = _(
                    "The referral was actualised as %(case)s and the first meeting recorded as "
                    "held."
                )
            else:
                text = _(
                    "The referral was actualised as %(case)s and the first meeting booked. "
                    "Print the welcome letter and post it."
                )
            messages.success(request, text % {"case": case.number})
            _warn_of_the_letter(request, referral)
            return redirect(referral)
    return render(
        request,
        "referrals/referral_actualise.html",
        {"referral": referral, "form": form, "active_case": active_case},
    )


@role_required(*COORDINATOR)
def referral_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.visible_to(request.user).with_related(), pk=pk)
    if not referral.is_open:
        messages.error(request, _("The referral has already been decided."))
        return redirect(referral)
    form = DeclineForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_decline(
                referral=referral,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
                on=form.cleaned_data["decided_on"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request, _("The referral was marked not relevant. Print the letter to the client.")
            )
            _warn_of_the_letter(request, referral)
            return redirect(referral)
    return render(request, "referrals/referral_decline.html", {"referral": referral, "form": form})


def _warn_of_the_letter(request: AuthenticatedRequest, referral: Referral) -> None:
    """What to know before printing the letter the decision made, as messages."""
    letter = Letter.objects.select_related("meeting", "referral__client").filter(referral=referral)
    for found in letter:
        for warning in found.warnings():
            messages.warning(request, warning)


@role_required(*COORDINATOR)
def referral_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(
        Letter.objects.filter(
            referral__in=Referral.objects.visible_to(request.user)
        ).select_related(
            "referral__process__owner",
            "referral__client",
            "meeting__case__coordinator",
            "created_by",
        ),
        referral_id=pk,
    )
    coordinator = (
        letter.meeting.case.coordinator
        if letter.meeting and letter.meeting.case.coordinator
        else letter.created_by
    )
    audit.record_read(letter.referral, "letter PDF", letter)
    pdf = render_pdf(
        "referrals/letter_pdf.html",
        {
            "letter": letter,
            "referral": letter.referral,
            "client": letter.referral.client or letter.referral,
            "meeting": letter.meeting,
            "coordinator": coordinator,
        },
        request,
    )
    return pdf_response(pdf, letter.filename)


@role_required(*COORDINATOR)
def slot_list(request: AuthenticatedRequest) -> HttpResponse:
    form = SlotForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.slot_publish(slot=form.save(commit=False), by=request.user)
        messages.success(request, _("The time was published for referrers."))
        return redirect("referrals:slot-list")
    slots = (
        ReferralSlot.objects.visible_to(request.user)
        .listed()
        .filter(starts_at__gte=timezone.now())
        .select_related("process", "referral", "meeting__case__client")
    )
    return render(request, "referrals/slot_list.html", {"form": form, "slots": slots})


@role_required(*COORDINATOR)
def slot_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Withdraw a free time: shown first, withdrawn on confirmation."""
    slot = get_object_or_404(
        ReferralSlot.objects.visible_to(request.user).select_related("process"), pk=pk
    )
    if request.method != "POST":
        if not slot.is_free:
            messages.error(request, _("The time is held for a referral and cannot be withdrawn."))
            return redirect("referrals:slot-list")
        return render(request, "referrals/slot_confirm_delete.html", {"slot": slot})
    if services.slot_withdraw(slot=slot):
        messages.success(request, _("The time was withdrawn."))
    else:
        messages.error(request, _("The time is held for a referral and cannot be withdrawn."))
    return redirect("referrals:slot-list")


# Consultation (both) -----------------------------------------------------------


@role_required(*REFERRAL_PARTIES)
def consultation_list(request: AuthenticatedRequest) -> HttpResponse:
    consultations = (
        Consultation.objects.visible_to(request.user)
        .select_related("process", "asked_by__organisation")
        .annotate(message_count=Count("messages"))
        .order_by("answered", "-created_at")
    )
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/consultation_list.html", {"page_obj": page})


@role_required(*REFERRER)
def consultation_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        consultation = services.consultation_ask(
            consultation=Consultation(
                process=form.cleaned_data["process"], subject=form.cleaned_data["subject"]
            ),
            body=form.cleaned_data["body"],
            by=request.user,
        )
        messages.success(request, _("Your question was sent to the coordinator."))
        return redirect(consultation)
    return render(request, "referrals/consultation_form.html", {"form": form})


@role_required(*REFERRAL_PARTIES)
def consultation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(
        Consultation.objects.visible_to(request.user)
        .select_related("process", "asked_by__organisation")
        .prefetch_related(
            Prefetch("messages", ConsultationMessage.objects.select_related("author"))
        ),
        pk=pk,
    )
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consultation_reply(
            consultation=consultation, body=form.cleaned_data["body"], by=request.user
        )
        messages.success(request, _("The message was sent."))
        return redirect(consultation)
    return render(
        request,
        "referrals/consultation_detail.html",
        {"consultation": consultation, "form": form},
    )
