"""Forms of the referral portal, triage and consultation. Validation only; saving is in services."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klientstod import personnummer, postal_codes
from klientstod.forms import DateInput, DateTimeInput, coordinator_choices
from klientstod.layout import Fieldset, Paragraph, form_helper
from klientstod.models import Organisation, Process, Unit, User
from klientstod.roles import Role, has_role

from .models import NotRelevantReason, Referral, ReferralSlot

#: Something that looks like a personnummer, with or without century and hyphen.
PERSONNUMMER_LIKE = re.compile(r"(?<!\d)(\d{2})?\d{6}\s?[-+]?\s?\d{4}(?!\d)")


def open_processes(user: User) -> QuerySet[Process]:
    """The open processes ``user`` may send a referral or a question to.

    A referrer reaches the processes their organisation runs or takes part in as a
    partner, and any they are a member of: on an instance that serves many
    förbund, a caseworker sees their own area's processes, not the whole country's.
    Anyone else reaches the processes they belong to.
    """
    if has_role(user, Role.REFERRER):
        scope = Q(members=user)
        if user.organisation_id:
            scope |= Q(owner_id=user.organisation_id) | Q(partners=user.organisation_id)
        reachable = Process.objects.filter(scope)
    else:
        reachable = Process.objects.visible_to(user)
    return Process.objects.filter(
        pk__in=reachable.values("pk"), ends_on__gte=timezone.localdate()
    ).order_by("name")


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        slot = cast(ReferralSlot, obj)
        local = timezone.localtime(slot.starts_at)
        return f"{local:%Y-%m-%d %H:%M} · {slot.location}"


class ReferralForm(forms.ModelForm):
    """The remiss as a referrer fills it in."""

    personnummer = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_("Personnummer or samordningsnummer, 10 or 12 digits."),
    )
    sharing_consents = forms.ModelMultipleChoiceField(
        label=_("The client consents to information sharing with"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    slot = SlotChoiceField(
        label=_("Book the first meeting"),
        queryset=ReferralSlot.objects.none(),
        required=False,
        empty_label=_("No time now: the coordinator sends one"),
        blank=True,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("That time was just taken. Choose another, or none."),
        },
        help_text=_("The time is held for this referral until the coordinator has decided."),
    )

    class Meta:
        model = Referral
        fields = [
            "process",
            "personnummer",
            "first_name",
            "last_name",
            "phone",
            "email",
            "street_address",
            "postal_code",
            "city",
            "language",
            "interpreter_needed",
            "income_source",
            "income_source_months",
            "tried_before",
            "reason",
            "expectations",
            "consent_to_referral",
            "sharing_consents",
            "enhanced_collaboration",
        ]
        widgets: dict[str, forms.Widget] = {
            "tried_before": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 4}),
            "expectations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        processes = open_processes(user)
        process_field = cast(forms.ModelChoiceField, self.fields["process"])
        process_field.queryset = processes
        # The partners the client may let us share with: those of the processes offered.
        cast(forms.ModelMultipleChoiceField, self.fields["sharing_consents"]).queryset = (
            Organisation.objects.filter(
                Q(owned_processes__in=processes) | Q(partner_processes__in=processes)
            )
            .distinct()
            .order_by("name")
        )
        process_field.empty_label = None
        free = ReferralSlot.objects.free().filter(process__in=processes).select_related("process")
        cast(forms.ModelChoiceField, self.fields["slot"]).queryset = free
        self.fields["consent_to_referral"].required = True
        self.fields["personnummer"].widget.attrs.update({"autocomplete": "off"})
        self.helper = form_helper()
        self.helper.layout = Layout(
            Fieldset(_("Process"), "process"),
            Fieldset(
                _("The client"),
                Row(
                    Column("personnummer", css_class="col-md-4"),
                    Column("first_name", css_class="col-md-4"),
                    Column("last_name", css_class="col-md-4"),
                ),
                Row(Column("phone", css_class="col-md-6"), Column("email", css_class="col-md-6")),
                Row(
                    Column("street_address", css_class="col-md-6"),
                    Column("postal_code", css_class="col-md-2"),
                    Column("city", css_class="col-md-4"),
                ),
                Row(
                    Column("language", css_class="col-md-6"),
                    Column("interpreter_needed", css_class="col-md-6 pt-md-4"),
                ),
            ),
            Fieldset(
                _("Situation"),
                Row(
                    Column("income_source", css_class="col-md-6"),
                    Column("income_source_months", css_class="col-md-6"),
                ),
                "tried_before",
                "reason",
                "expectations",
                "enhanced_collaboration",
            ),
            Fieldset(_("Consent"), "consent_to_referral", "sharing_consents"),
            Fieldset(_("First meeting"), "slot"),
        )
        if not free.exists() and not self.data.get(self.add_prefix("slot")):
            # Nothing to pick: say so rather than show an empty choice.
            del self.fields["slot"]
            self.helper.layout[-1] = Fieldset(
                _("First meeting"),
                Paragraph(
                    _("No free times are published now: the coordinator sends the client one."),
                    css_class="text-body-secondary",
                ),
            )

    def clean_personnummer(self) -> str:
        normal = personnummer.normalise(self.cleaned_data["personnummer"])
        # Not a model field: the property encrypts it and keeps its index.
        self.instance.personnummer = normal
        return normal

    def clean_postal_code(self) -> str:
        return postal_codes.normalise(self.cleaned_data.get("postal_code", ""))

    def clean_consent_to_referral(self) -> bool:
        if not self.cleaned_data.get("consent_to_referral"):
            raise ValidationError(
                _("A referral can be sent only when the client has consented to it.")
            )
        return True

    def clean(self) -> dict[str, Any]:
        super().clean()
        slot, process = self.cleaned_data.get("slot"), self.cleaned_data.get("process")
        if slot and process and slot.process_id != process.pk:
            self.add_error("slot", _("The time belongs to another process."))
        return self.cleaned_data


class PaperReferralForm(ReferralForm):
    """A paper remiss the coordinator types in on behalf of a partner."""

    class Meta(ReferralForm.Meta):
        fields = ["organisation", "unit", "referrer_name", "received_on", *ReferralForm.Meta.fields]
        widgets: dict[str, forms.Widget] = {
            **ReferralForm.Meta.widgets,
            "received_on": DateInput(),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        processes = Process.objects.visible_to(user)
        process_field = cast(forms.ModelChoiceField, self.fields["process"])
        process_field.queryset = processes
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.select_related(
            "organisation"
        )
        self.fields.pop("slot", None)
        self.helper.layout.pop(-1)  # no self-service booking on paper
        self.helper.layout.insert(
            0,
            Fieldset(
                _("From"),
                Row(
                    Column("organisation", css_class="col-md-4"),
                    Column("unit", css_class="col-md-4"),
                    Column("referrer_name", css_class="col-md-4"),
                ),
                Row(Column("received_on", css_class="col-md-4")),
            ),
        )

    def clean_received_on(self) -> datetime.date:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise ValidationError(_("The date of receipt cannot be in the future."))
        return received

    def clean(self) -> dict[str, Any]:
        super().clean()
        unit, organisation = self.cleaned_data.get("unit"), self.cleaned_data.get("organisation")
        if unit and organisation and unit.organisation_id != organisation.pk:
            self.add_error("unit", _("The unit does not belong to the organisation."))
        return self.cleaned_data


def decision_date_field() -> forms.DateField:
    return forms.DateField(
        label=_("Decided on"),
        widget=DateInput(),
        required=False,
        help_text=_("The day the decision was made; today unless you enter it afterwards."),
    )


def clean_decision_date(referral: Referral, day: datetime.date | None) -> datetime.date:
    """Today when left empty; not in the future, not before the referral was received."""
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError(_("The decision cannot be dated in the future."))
    if day < referral.received_on:
        raise ValidationError(
            _("The decision cannot be dated before the referral was received (%(day)s).")
            % {"day": referral.received_on.isoformat()}
        )
    return day


class ActualiseForm(forms.Form):
    """Taking the person on: who coordinates, from when, and the first meeting."""

    decided_on = decision_date_field()
    start_date = forms.DateField(label=_("Case starts"), widget=DateInput())
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"), queryset=User.objects.none(), required=False
    )
    first_meeting_at = forms.DateTimeField(
        label=_("First meeting"), widget=DateTimeInput(), required=False
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), initial=60, min_value=15, max_value=240
    )
    location = forms.CharField(label=_("Place"), max_length=200)
    interpreter_booked = forms.BooleanField(label=_("Interpreter booked"), required=False)
    first_meeting_note = forms.CharField(
        label=_("Journal note of the first meeting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only for a first meeting already held: it is recorded as held with this note. "
            "A meeting ahead is booked and a welcome letter written."
        ),
    )

    def __init__(self, *args: Any, referral: Referral, user: User, **kwargs: Any) -> None:
        self.referral = referral
        self.slot = ReferralSlot.objects.filter(referral=referral).first()
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("decided_on", timezone.localdate())
        initial.setdefault("start_date", timezone.localdate())
        initial.setdefault("coordinator", user.pk)
        if self.slot:
            initial.setdefault("location", self.slot.location)
            initial.setdefault("duration_minutes", self.slot.duration_minutes)
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = coordinator_choices(
            [referral.process_id]
        )
        if self.slot:
            del self.fields["first_meeting_at"]
            del self.fields["duration_minutes"]
        if not referral.interpreter_needed:
            del self.fields["interpreter_booked"]
        self.helper = form_helper()
        rows: list[Any] = [
            Row(
                Column("decided_on", css_class="col-md-4"),
                Column("start_date", css_class="col-md-4"),
                Column("coordinator", css_class="col-md-4"),
            )
        ]
        if self.slot:
            rows.append("location")  # the time itself is shown above the form
        else:
            rows.append(
                Row(
                    Column("first_meeting_at", css_class="col-md-4"),
                    Column("duration_minutes", css_class="col-md-2"),
                    Column("location", css_class="col-md-6"),
                )
            )
        if "interpreter_booked" in self.fields:
            rows.append("interpreter_booked")
        rows.append("first_meeting_note")
        self.helper.layout = Layout(*rows)

    def clean_decided_on(self) -> datetime.date:
        return clean_decision_date(self.referral, self.cleaned_data.get("decided_on"))

    def clean_first_meeting_at(self) -> datetime.datetime | None:
        moment = self.cleaned_data.get("first_meeting_at")
        if moment is None:
            raise ValidationError(_("Give the time of the first meeting."))
        if timezone.localtime(moment).date() < self.referral.received_on:
            raise ValidationError(
                _("The first meeting cannot be before the referral was received (%(day)s).")
                % {"day": self.referral.received_on.isoformat()}
            )
        if moment > timezone.now() + datetime.timedelta(days=365):
            raise ValidationError(_("Give a time within a year."))
        return moment

    def clean_start_date(self) -> datetime.date:
        start = self.cleaned_data["start_date"]
        if start < self.referral.received_on:
            raise ValidationError(
                _("The case cannot start before the referral was received (%(day)s).")
                % {"day": self.referral.received_on.isoformat()}
            )
        if (start - timezone.localdate()).days > 90:
            raise ValidationError(_("Give a start date near today."))
        return start

    def clean(self) -> dict[str, Any]:
        super().clean()
        moment = self.slot.starts_at if self.slot else self.cleaned_data.get("first_meeting_at")
        note = self.cleaned_data.get("first_meeting_note", "").strip()
        if moment is not None and moment <= timezone.now() and not note:
            self.add_error(
                "first_meeting_note",
                _("The first meeting is already past: write its journal note to record it held."),
            )
        return self.cleaned_data

    @property
    def meeting_is_past(self) -> bool:
        moment = self.slot.starts_at if self.slot else self.cleaned_data.get("first_meeting_at")
        return moment is not None and moment <= timezone.now()


class DeclineForm(forms.Form):
    decided_on = decision_date_field()
    reason = forms.ChoiceField(
        label=_("Why is the referral not relevant now?"),
        choices=NotRelevantReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the coordinators, and by the referrer with the reason."),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        self.referral = referral
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean_decided_on(self) -> datetime.date:
        return clean_decision_date(self.referral, self.cleaned_data.get("decided_on"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("reason") == NotRelevantReason.OTHER
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error("note", _("Write what the other reason is."))
        return cleaned


class SlotForm(forms.ModelForm):
    class Meta:
        model = ReferralSlot
        fields = ["process", "starts_at", "duration_minutes", "location"]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        processes = Process.objects.visible_to(user)
        process_field = cast(forms.ModelChoiceField, self.fields["process"])
        process_field.queryset = processes
        process_field.empty_label = None
        self.helper = form_helper()
        self.helper.layout = Layout(
            Row(
                Column("process", css_class="col-md-3"),
                Column("starts_at", css_class="col-md-3"),
                Column("duration_minutes", css_class="col-md-2"),
                Column("location", css_class="col-md-4"),
            )
        )

    def clean_starts_at(self) -> datetime.datetime:
        moment = self.cleaned_data["starts_at"]
        if moment <= timezone.now():
            raise ValidationError(_("A bookable time must be in the future."))
        if moment > timezone.now() + datetime.timedelta(days=365):
            raise ValidationError(_("Give a time within a year."))
        return moment


def refuse_personnummer(text: str) -> str:
    if PERSONNUMMER_LIKE.search(text or ""):
        raise ValidationError(
            _("Remove the personnummer: a consultation is about a situation, never a named person.")
        )
    return text


class ConsultationForm(forms.Form):
    process = forms.ModelChoiceField(label=_("Process"), queryset=Process.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe the situation without the person's name, personnummer or other details "
            "that identify them."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        processes = open_processes(user)
        field = cast(forms.ModelChoiceField, self.fields["process"])
        field.queryset = processes
        field.empty_label = None
        self.helper = form_helper()

    def clean_subject(self) -> str:
        return refuse_personnummer(self.cleaned_data["subject"])

    def clean_body(self) -> str:
        return refuse_personnummer(self.cleaned_data["body"])


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean_body(self) -> str:
        return refuse_personnummer(self.cleaned_data["body"])
