"""Forms of the work with the client. Validation only; saving is in services."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms.layout import Column, Row
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klientstod.forms import DateInput, defaults_for_new
from klientstod.layout import Fieldset, form_helper
from klientstod.models import Case, Organisation, Process, Unit, User

from .assessment_forms import DECLINED, SCALE_CHOICES, AssessmentForm, QuestionnaireAdminForm
from .choices import DeclineReason
from .form_fields import (
    CaseField,
    CaseMultipleField,
    ParticipantMultipleField,
    _not_future,
    clean_effective_date,
    effective_date_field,
)
from .models import (
    FIA_PARTS,
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    FiaAbortReason,
    FiaStatus,
    InformationMeeting,
    Intervention,
    ParticipationStatus,
    PlanItem,
)

__all__ = [
    "DECLINED",
    "SCALE_CHOICES",
    "AssessmentForm",
    "CaseField",
    "CaseMultipleField",
    "ContactForm",
    "FiaStatusForm",
    "FiaSummaryForm",
    "GroupForm",
    "InformationMeetingForm",
    "InterventionForm",
    "OfferForm",
    "ParticipantMultipleField",
    "ParticipationForm",
    "PlanFormSet",
    "PlanItemForm",
    "QuestionnaireAdminForm",
    "SessionForm",
    "clean_effective_date",
    "effective_date_field",
]

# FIA ---------------------------------------------------------------------------------------


class FiaStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("FIA status"), choices=FiaStatus.choices)
    on = effective_date_field()
    abort_reason = forms.ChoiceField(
        label=_("Reason for aborting"),
        choices=[("", "–"), *FiaAbortReason.choices],
        required=False,
        help_text=_("Only when the FIA was aborted."),
    )
    abort_note = forms.CharField(
        label=_("The other reason"),
        required=False,
        max_length=500,
        help_text=_("Required when the reason is “Other reason”."),
    )
    on_site_interpreter = forms.BooleanField(
        label=_("Held with an on-site interpreter"), required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        self.case = case
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(Column("status", css_class="col-md-8"), Column("on", css_class="col-md-4")),
            "abort_reason",
            "abort_note",
            "on_site_interpreter",
        )

    def clean_on(self) -> datetime.date:
        return clean_effective_date(
            self.cleaned_data.get("on"),
            self.case.start_date,
            _("The change cannot be dated before the case started (%(day)s)."),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("status") == FiaStatus.ABORTED
            and cleaned.get("abort_reason") == FiaAbortReason.OTHER
            and not (cleaned.get("abort_note") or "").strip()
        ):
            self.add_error("abort_note", _("Write what the other reason is."))
        return cleaned


class FiaSummaryForm(forms.Form):
    """FIA's three parts and their areas, the client's goals and the coordinator's assessment."""

    client_goals = forms.CharField(
        label=_("The client's own goals"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    assessment = forms.CharField(
        label=_("The coordinator's assessment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fieldsets = []
        for part, label, areas in FIA_PARTS:
            names = []
            for key, area_label in areas:
                name = f"area_{key}"
                self.fields[name] = forms.CharField(
                    label=area_label, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
                names.append(name)
            fieldsets.append(Fieldset(label, *names, css_id=f"fia-part-{part}"))
        fieldsets.append(Fieldset(_("Goals and assessment"), "client_goals", "assessment"))
        self.helper = form_helper(*fieldsets)

    @classmethod
    def initial_from(cls, fia: Any) -> dict[str, Any]:
        initial = {f"area_{key}": text for key, text in fia.summary.items()}
        initial.update(client_goals=fia.client_goals, assessment=fia.assessment)
        return initial

    def summary(self) -> dict[str, str]:
        return {
            name.removeprefix("area_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("area_")
        }


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["goal", "sub_goal", "activity", "responsible", "follow_up_on"]
        widgets = {"activity": forms.Textarea(attrs={"rows": 2}), "follow_up_on": DateInput()}


PlanFormSet = forms.formset_factory(PlanItemForm, extra=2, can_delete=True)


# Bibliotherapy ------------------------------------------------------------------------------------


class OfferForm(forms.ModelForm):
    class Meta:
        model = BibliotherapyOffer
        fields = ["offered_on", "response", "decline_reason", "note"]
        widgets = {"offered_on": DateInput(), "response": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        defaults_for_new(kwargs, offered_on=timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["decline_reason"].help_text = _("Only when the client declined.")
        if self.instance.pk:
            # A changed answer (declined, then accepted weeks later) is dated by the user.
            self.fields["answered_on"] = effective_date_field(_("A changed answer given on"))
        self.helper = form_helper()

    def clean_offered_on(self) -> datetime.date:
        return _not_future(self.cleaned_data["offered_on"])

    def clean_answered_on(self) -> datetime.date:
        return _not_future(self.cleaned_data.get("answered_on") or timezone.localdate())

    def clean(self) -> dict[str, Any]:
        super().clean()
        response, reason = (
            self.cleaned_data.get("response"),
            self.cleaned_data.get("decline_reason"),
        )
        if response == "declined" and not reason:
            self.add_error("decline_reason", _("Give the reason the client declined."))
        elif reason == DeclineReason.OTHER and not (self.cleaned_data.get("note") or "").strip():
            self.add_error("note", _("Write what the other reason is."))
        return self.cleaned_data


class ParticipationForm(forms.Form):
    participation = forms.ChoiceField(label=_("Participation"), choices=ParticipationStatus.choices)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=BibliotherapyGroup.objects.none(), required=False
    )
    on = effective_date_field()

    def __init__(self, *args: Any, user: User, offer: BibliotherapyOffer, **kwargs: Any) -> None:
        self.offer = offer
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["group"]
        ).queryset = BibliotherapyGroup.objects.visible_to(user)
        self.helper = form_helper(
            Row(
                Column("participation", css_class="col-md-4"),
                Column("group", css_class="col-md-5"),
                Column("on", css_class="col-md-3"),
            )
        )

    def clean_on(self) -> datetime.date:
        return clean_effective_date(
            self.cleaned_data.get("on"),
            self.offer.offered_on,
            _("The change cannot be dated before the offer (%(day)s)."),
        )


class GroupForm(forms.ModelForm):
    class Meta:
        model = BibliotherapyGroup
        fields = ["process", "name", "starts_on", "ends_on", "place", "therapist"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        processes = Process.objects.visible_to(user)
        process_field = cast(forms.ModelChoiceField, self.fields["process"])
        process_field.queryset = processes
        process_field.empty_label = None
        cast(forms.ModelChoiceField, self.fields["therapist"]).queryset = User.objects.filter(
            role="bibliotherapist", is_active=True, processes__in=processes
        ).distinct()
        self.helper = form_helper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        starts, ends = self.cleaned_data.get("starts_on"), self.cleaned_data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The group cannot end before it starts."))
        return self.cleaned_data


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    theme = forms.CharField(label=_("Text or theme"), max_length=300, required=False)
    attended = ParticipantMultipleField(
        label=_("Who came"),
        queryset=BibliotherapyOffer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, group: BibliotherapyGroup, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["attended"])
        field.queryset = group.participants.select_related("case__client")
        self.helper = form_helper(
            Row(Column("held_on", css_class="col-md-4"), Column("theme", css_class="col-md-8")),
            "attended",
        )

    def clean_held_on(self) -> datetime.date:
        return _not_future(self.cleaned_data["held_on"])


class InformationMeetingForm(forms.ModelForm):
    class Meta:
        model = InformationMeeting
        fields = ["process", "held_on", "place", "invited", "attended", "note"]
        field_classes = {"invited": CaseMultipleField, "attended": CaseMultipleField}
        widgets = {
            "held_on": DateInput(),
            "invited": forms.CheckboxSelectMultiple,
            "attended": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        processes = Process.objects.visible_to(user)
        process_field = cast(forms.ModelChoiceField, self.fields["process"])
        process_field.queryset = processes
        process_field.empty_label = None
        cases = Case.objects.visible_to(user).active()
        if self.instance.pk:
            # Those invited stay on an edit, even when their case has closed since.
            cases = Case.objects.visible_to(user).filter(
                Q(pk__in=cases.values("pk")) | Q(pk__in=self.instance.invited.values("pk"))
            )
        cases = cases.select_related("client")
        for name in ("invited", "attended"):
            cast(forms.ModelMultipleChoiceField, self.fields[name]).queryset = cases
        self.helper = form_helper(
            Row(
                Column("process", css_class="col-md-4"),
                Column("held_on", css_class="col-md-4"),
                Column("place", css_class="col-md-4"),
            ),
            Row(Column("invited", css_class="col-md-6"), Column("attended", css_class="col-md-6")),
            "note",
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        invited = set(self.cleaned_data.get("invited") or [])
        attended = set(self.cleaned_data.get("attended") or [])
        if attended - invited:
            self.add_error("attended", _("Only those invited can be marked as having come."))
        return self.cleaned_data


# Interventions and samverkan -------------------------------------------------------------------


class InterventionForm(forms.ModelForm):
    changed_on = forms.DateField(
        label=_("Status or outcome since"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "Only when the status or the FK outcome changes: the day it changed; today unless "
            "you enter it afterwards (a new intervention: its start)."
        ),
    )

    class Meta:
        model = Intervention
        fields = [
            "kind",
            "organisation",
            "unit",
            "starts_on",
            "ends_on",
            "status",
            "fk_outcome",
            "note",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        defaults_for_new(kwargs, starts_on=timezone.localdate())
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.select_related(
            "organisation"
        )
        self.fields["fk_outcome"].help_text = _("Only for an application at FK.")
        self.helper = form_helper(
            Row(Column("kind", css_class="col-md-6"), Column("status", css_class="col-md-6")),
            Row(Column("organisation", css_class="col-md-6"), Column("unit", css_class="col-md-6")),
            Row(
                Column("starts_on", css_class="col-md-4"),
                Column("ends_on", css_class="col-md-4"),
                Column("fk_outcome", css_class="col-md-4"),
            ),
            Row(Column("changed_on", css_class="col-md-4")),
            "note",
        )

    def clean_changed_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("changed_on")
        return _not_future(day) if day else None


class ContactForm(forms.ModelForm):
    confirm_without_consent = forms.BooleanField(
        label=_("Record it anyway: the client was not named to the partner"),
        required=False,
    )

    class Meta:
        model = CollaborationContact
        fields = ["process", "organisation", "unit", "held_on", "kind", "state", "case", "note"]
        field_classes = {"case": CaseField}
        widgets = {"held_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        defaults_for_new(kwargs, held_on=timezone.localdate())
        super().__init__(*args, **kwargs)
        processes = Process.objects.visible_to(user)
        process_field = cast(forms.ModelChoiceField, self.fields["process"])
        process_field.queryset = processes
        process_field.empty_label = None
        cast(
            forms.ModelChoiceField, self.fields["organisation"]
        ).queryset = Organisation.objects.all()
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.select_related(
            "organisation"
        )
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = Case.objects.visible_to(
            user
        ).select_related("client")
        self.fields["case"].help_text = _("Only for a contact about one client.")
        self.helper = form_helper(
            Row(
                Column("process", css_class="col-md-4"),
                Column("organisation", css_class="col-md-4"),
                Column("unit", css_class="col-md-4"),
            ),
            Row(
                Column("held_on", css_class="col-md-4"),
                Column("kind", css_class="col-md-4"),
                Column("state", css_class="col-md-4"),
            ),
            "case",
            "note",
            "confirm_without_consent",
        )

    def clean_held_on(self) -> datetime.date:
        return _not_future(self.cleaned_data["held_on"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        unit, organisation = self.cleaned_data.get("unit"), self.cleaned_data.get("organisation")
        if unit and organisation and unit.organisation_id != organisation.pk:
            self.add_error("unit", _("The unit does not belong to the organisation."))
        return self.cleaned_data
