"""FIA, self-assessments, bibliotherapy, interventions and samverkan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from klientstod import audit
from klientstod.access import AuthenticatedRequest, role_required
from klientstod.forms import add_form_errors
from klientstod.models import Case, MeetingKind, Organisation
from klientstod.pdf import pdf_response, render_pdf
from klientstod.roles import COORDINATOR, LIBRARY, Role, has_role

from . import services
from .forms import (
    AssessmentForm,
    ContactForm,
    FiaStatusForm,
    FiaSummaryForm,
    GroupForm,
    InformationMeetingForm,
    InterventionForm,
    OfferForm,
    ParticipationForm,
    PlanFormSet,
    SessionForm,
)
from .models import (
    Answer,
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    GroupSession,
    InformationMeeting,
    Intervention,
    Occasion,
    OfferResponse,
    QuestionnaireKind,
    SelfAssessment,
)


def _case(request: AuthenticatedRequest, case_pk: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user).with_related(), pk=case_pk)


# FIA ------------------------------------------------------------------------------------


@role_required(*COORDINATOR)
def fia(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    interview = services.fia_for(case)
    form = FiaStatusForm(
        request.POST or None,
        case=case,
        initial={
            "status": interview.status,
            "abort_reason": interview.abort_reason,
            "abort_note": interview.abort_note,
            "on_site_interpreter": interview.on_site_interpreter,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.fia_set_status(
                fia=interview,
                status=form.cleaned_data["status"],
                abort_reason=form.cleaned_data["abort_reason"],
                abort_note=form.cleaned_data["abort_note"],
                on_site_interpreter=form.cleaned_data["on_site_interpreter"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The FIA status was saved."))
            return redirect("interventions:fia", case_pk=case.pk)
    audit.record_read(case.client, "FIA page", case)
    sessions = case.meetings.filter(kind=MeetingKind.FIA_SESSION).order_by("starts_at")
    return render(
        request,
        "interventions/fia_detail.html",
        {
            "case": case,
            "fia": interview,
            "form": form,
            "sessions": sessions,
            "plan": interview.plan.all() if interview.pk else [],
        },
    )


@role_required(*COORDINATOR)
def fia_edit(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    interview = services.fia_for(case)
    form = FiaSummaryForm(request.POST or None, initial=FiaSummaryForm.initial_from(interview))
    plan = PlanFormSet(
        request.POST or None,
        prefix="plan",
        initial=[
            {
                "goal": item.goal,
                "sub_goal": item.sub_goal,
                "activity": item.activity,
                "responsible": item.responsible,
                "follow_up_on": item.follow_up_on,
            }
            for item in (interview.plan.all() if interview.pk else [])
        ],
    )
    if request.method == "POST" and form.is_valid() and plan.is_valid():
        rows = [
            {key: value for key, value in row.cleaned_data.items() if key != "DELETE"}
            for row in plan.forms
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]
        services.fia_save_summary(
            fia=interview,
            summary=form.summary(),
            client_goals=form.cleaned_data["client_goals"],
            assessment=form.cleaned_data["assessment"],
            plan=rows,
        )
        messages.success(request, _("The summary and the plan were saved."))
        return redirect("interventions:fia", case_pk=case.pk)
    audit.record_read(case.client, "FIA form", case)
    return render(
        request,
        "interventions/fia_form.html",
        {"case": case, "fia": interview, "form": form, "plan": plan},
    )


@role_required(*COORDINATOR)
def fia_pdf(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    interview = services.fia_for(case)
    audit.record_read(case.client, "FIA PDF", case)
    pdf = render_pdf(
        "interventions/fia_pdf.html",
        {
            "case": case,
            "client": case.client,
            "fia": interview,
            "parts": interview.parts(),
            "plan": interview.plan.all() if interview.pk else [],
            "today": timezone.localdate(),
        },
        request,
    )
    return pdf_response(pdf, f"fia-{case.number}.pdf")


# Self-assessment ----------------------------------------------------------------------------


@role_required(*LIBRARY)
def assessment_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    kind = request.GET.get("kind", QuestionnaireKind.KLIENTSTOD)
    if has_role(request.user, Role.BIBLIOTHERAPIST):
        # The bibliotherapist enters bibliotherapy answers for their participants, nothing else.
        offer = (
            BibliotherapyOffer.objects.visible_to(request.user)
            .select_related("case__client")
            .filter(case_id=case_pk)
            .first()
        )
        if offer is None:
            raise Http404
        case = offer.case
        kind = QuestionnaireKind.BIBLIOTHERAPY
    else:
        case = _case(request, case_pk)
    if kind not in QuestionnaireKind.values:
        raise Http404
    questionnaire = services.current_questionnaire(kind)
    if questionnaire is None:
        messages.error(
            request, _("There is no questionnaire of that kind yet. Ask the administrator.")
        )
        return _back(request, case)
    occasions = _occasions(kind)
    asked = request.GET.get("occasion")
    if asked is None:
        # The first occasion the client has not answered yet.
        asked = next(
            (o for o in occasions if not services.assessment_taken(case, kind, o)), occasions[0]
        )
    elif request.method == "GET" and asked in services.ONCE_PER_CASE:
        # One assessment per occasion: asking for a second opens the first to change it.
        taken = services.assessment_taken(case, kind, asked)
        if taken is not None:
            messages.info(
                request,
                _(
                    "The client already has this self-assessment (%(occasion)s). "
                    "Here you can change it."
                )
                % {"occasion": taken.get_occasion_display().lower()},
            )
            return redirect("interventions:assessment-update", pk=taken.pk)
    initial = {"occasion": asked}
    form = AssessmentForm(
        request.POST or None, questionnaire=questionnaire, occasions=occasions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                case=case,
                questionnaire=questionnaire,
                occasion=form.cleaned_data["occasion"],
                answered_on=form.cleaned_data["answered_on"],
                answers=form.answers(),
                by=request.user,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The self-assessment was saved."))
            return _back(request, case)
    return render(
        request,
        "interventions/assessment_form.html",
        {"case": case, "form": form, "questionnaire": questionnaire},
    )


def _occasions(kind: str) -> list[str]:
    if kind == QuestionnaireKind.CLOSURE:
        return [Occasion.CLOSURE.value]
    return [o.value for o in Occasion if o != Occasion.CLOSURE]


@role_required(*LIBRARY)
def assessment_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Correct an assessment's answers; it keeps the questionnaire version it was given on."""
    assessment = get_object_or_404(
        SelfAssessment.objects.visible_to(request.user).select_related(
            "case__client", "questionnaire"
        ),
        pk=pk,
    )
    case, questionnaire = assessment.case, assessment.questionnaire
    form = AssessmentForm(
        request.POST or None,
        questionnaire=questionnaire,
        occasions=_occasions(questionnaire.kind),
        assessment=assessment,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(
                assessment=assessment,
                occasion=form.cleaned_data["occasion"],
                answered_on=form.cleaned_data["answered_on"],
                answers=form.answers(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The self-assessment was saved."))
            return redirect("interventions:assessment-detail", pk=assessment.pk)
    audit.record_read(case.client, "self-assessment", assessment)
    return render(
        request,
        "interventions/assessment_form.html",
        {"case": case, "form": form, "questionnaire": questionnaire, "assessment": assessment},
    )


def _back(request: AuthenticatedRequest, case: Case) -> HttpResponse:
    """Back to where the user works with the client: the participant page or the case."""
    if has_role(request.user, Role.BIBLIOTHERAPIST):
        offer = BibliotherapyOffer.objects.visible_to(request.user).filter(case=case).first()
        if offer:
            return redirect("interventions:participant-detail", pk=offer.pk)
    return redirect(case)


@role_required(*LIBRARY)
def assessment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        SelfAssessment.objects.visible_to(request.user).select_related(
            "case__client", "questionnaire", "entered_by"
        ),
        pk=pk,
    )
    audit.record_read(assessment.case.client, "self-assessment", assessment)
    answers = (
        Answer.objects.filter(assessment=assessment)
        .select_related("item")
        .order_by("item__order", "item__pk")
    )
    return render(
        request,
        "interventions/assessment_detail.html",
        {"assessment": assessment, "answers": answers, "case": assessment.case},
    )


# Bibliotherapy --------------------------------------------------------------------------------


@role_required(*LIBRARY)
def bibliotherapy(request: AuthenticatedRequest) -> HttpResponse:
    """The bibliotherapy overview: participants by status, groups and information meetings."""
    offers = BibliotherapyOffer.objects.visible_to(request.user).select_related(
        "case__client", "group"
    )
    participants = offers.accepted().order_by("participation", "case__client__last_name")
    context: dict[str, Any] = {
        "participants": participants,
        "groups": BibliotherapyGroup.objects.visible_to(request.user)
        .select_related("therapist")
        .annotate(
            participant_count=Count("participants", distinct=True),
            session_count=Count("sessions", distinct=True),
        ),
        "meetings": InformationMeeting.objects.visible_to(request.user).annotate(
            invited_count=Count("invited", distinct=True),
            attended_count=Count("attended", distinct=True),
        )[:10],
    }
    if has_role(request.user, Role.COORDINATOR):
        # Coordinators also see who is still to be offered, and the declines with reasons.
        context["to_offer"] = (
            Case.objects.visible_to(request.user)
            .active()
            .filter(bibliotherapy_offers__isnull=True)
            .select_related("client")
            .order_by("client__last_name")
        )
        context["declined"] = offers.exclude(response=OfferResponse.ACCEPTED).order_by(
            "-offered_on"
        )[:25]
    return render(request, "interventions/bibliotherapy.html", context)


@role_required(*COORDINATOR)
def offer_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    form = OfferForm(request.POST or None, instance=BibliotherapyOffer(case=case))
    if request.method == "POST" and form.is_valid():
        try:
            # The answer is given when the offer is made: an acceptance lines the client up
            # for booking from that day, however late it is entered.
            services.offer_save(
                offer=form.instance, by=request.user, on=form.cleaned_data["offered_on"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The bibliotherapy offer was recorded."))
            return redirect(case)
    return render(request, "interventions/offer_form.html", {"form": form, "case": case})


@role_required(*COORDINATOR)
def offer_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(
        BibliotherapyOffer.objects.visible_to(request.user).select_related("case__client"), pk=pk
    )
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_save(
                offer=form.instance, by=request.user, on=form.cleaned_data["answered_on"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The bibliotherapy offer was saved."))
            return redirect(offer.case)
    return render(
        request, "interventions/offer_form.html", {"form": form, "case": offer.case, "offer": offer}
    )


@role_required(*LIBRARY)
def participant_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One participant as the bibliotherapist sees them: contact and bibliotherapy data only."""
    offer = get_object_or_404(
        BibliotherapyOffer.objects.visible_to(request.user)
        .accepted()
        .select_related("case__client", "group"),
        pk=pk,
    )
    audit.record_read(offer.case.client, "bibliotherapy participant", offer)
    form = ParticipationForm(
        request.POST or None,
        user=request.user,
        offer=offer,
        initial={"participation": offer.participation, "group": offer.group_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_set(
                offer=offer,
                status=form.cleaned_data["participation"],
                group=form.cleaned_data["group"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The participation was saved."))
            return redirect("interventions:participant-detail", pk=offer.pk)
    return render(
        request,
        "interventions/participant_detail.html",
        {
            "offer": offer,
            "client": offer.case.client,
            "form": form,
            "sessions": GroupSession.objects.filter(attended=offer).select_related("group"),
            "assessments": SelfAssessment.objects.visible_to(request.user)
            .filter(case=offer.case, questionnaire__kind=QuestionnaireKind.BIBLIOTHERAPY)
            .select_related("questionnaire"),
        },
    )


@role_required(*LIBRARY)
def group_create(request: AuthenticatedRequest) -> HttpResponse:
    initial = {"therapist": request.user.pk} if has_role(request.user, Role.BIBLIOTHERAPIST) else {}
    form = GroupForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, _("The group was created."))
        return redirect(group)
    return render(request, "interventions/group_form.html", {"form": form})


@role_required(*LIBRARY)
def group_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(
        BibliotherapyGroup.objects.visible_to(request.user).select_related("therapist"), pk=pk
    )
    form = SessionForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_record(
                group=group,
                held_on=form.cleaned_data["held_on"],
                theme=form.cleaned_data["theme"],
                attended=form.cleaned_data["attended"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The session was recorded."))
            return redirect(group)
    participants = group.participants.select_related("case__client").annotate(
        attended_count=Count("sessions_attended")
    )
    sessions = group.sessions.annotate(attended_count=Count("attended"))
    return render(
        request,
        "interventions/group_detail.html",
        {"group": group, "form": form, "participants": participants, "sessions": sessions},
    )


@role_required(*COORDINATOR)
def information_meeting_form(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    instance = (
        get_object_or_404(InformationMeeting.objects.visible_to(request.user), pk=pk)
        if pk
        else None
    )
    form = InformationMeetingForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The information meeting was saved."))
        return redirect("interventions:bibliotherapy")
    return render(
        request, "interventions/information_meeting_form.html", {"form": form, "meeting": instance}
    )


# Interventions ------------------------------------------------------------------------------


@role_required(*COORDINATOR)
def intervention_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    form = InterventionForm(request.POST or None, instance=Intervention(case=case))
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_save(
                intervention=form.instance, on=form.cleaned_data["changed_on"]
            )
        except ValidationError as error:
            form.instance.pk = None
            add_form_errors(form, error)
        else:
            messages.success(request, _("The intervention was added."))
            return redirect(case)
    return render(request, "interventions/intervention_form.html", {"form": form, "case": case})


@role_required(*COORDINATOR)
def intervention_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    intervention = get_object_or_404(
        Intervention.objects.visible_to(request.user).select_related("case__client"), pk=pk
    )
    form = InterventionForm(request.POST or None, instance=intervention)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_save(
                intervention=form.instance, on=form.cleaned_data["changed_on"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The intervention was saved."))
            return redirect(intervention.case)
    return render(
        request,
        "interventions/intervention_form.html",
        {"form": form, "case": intervention.case, "intervention": intervention},
    )


# Samverkan -------------------------------------------------------------------------------------


@role_required(*COORDINATOR)
def partner_overview(request: AuthenticatedRequest) -> HttpResponse:
    """Each partner with its number of contacts, the latest one, and the state it left."""
    contacts = CollaborationContact.objects.visible_to(request.user)
    recent = contacts.select_related("organisation", "unit__organisation", "case__client")[:30]
    return render(
        request,
        "interventions/partner_overview.html",
        {
            "partners": contacts.per_partner(),
            "recent": recent,
            "state_labels": dict(CollaborationContact._meta.get_field("state").choices or []),
            "without_contact": Organisation.objects.exclude(
                pk__in=contacts.values("organisation")
            ).order_by("name"),
        },
    )


@role_required(*COORDINATOR)
def contact_create(request: AuthenticatedRequest) -> HttpResponse:
    initial = {}
    # From a case page: ?case=<id>. Anything that is not an id starts an empty form.
    if (case_pk := request.GET.get("case", "")).isdecimal():
        case = Case.objects.visible_to(request.user).filter(pk=case_pk).first()
        if case:
            initial = {"case": case.pk, "process": case.process_id, "kind": "case_consultation"}
    form = ContactForm(request.POST or None, user=request.user, initial=initial)
    needs_confirmation = False
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_record(
                contact=form.instance,
                by=request.user,
                confirmed_without_consent=form.cleaned_data["confirm_without_consent"],
            )
        except ValidationError as error:
            needs_confirmation = getattr(error, "code", "") == "no_consent"
            add_form_errors(form, error)
        else:
            messages.success(request, _("The contact was recorded."))
            if contact.case_id:
                return redirect("klientstod:case-detail", pk=contact.case_id)
            return redirect("interventions:partner-overview")
    return render(
        request,
        "interventions/contact_form.html",
        {"form": form, "needs_confirmation": needs_confirmation},
    )
