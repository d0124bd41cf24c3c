"""Forms of the coordinator's daily work. Validation only; saving is in services."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from messaging.phone import MobileNumberField

from . import personnummer, postal_codes, services
from .audit import record_read
from .calendar_forms import keep_overlap_confirmation
from .closure import OpenItem
from .layout import Fieldset, form_helper
from .models import (
    CHOSEN_CANCEL_REASONS,
    Case,
    Client,
    ClosureOutcome,
    Consent,
    Gender,
    IncomeSource,
    Meeting,
    MeetingCancelReason,
    MeetingStatus,
    Process,
    Role,
    User,
)

#: How far ahead or back a meeting may be placed; anything further is a typing error.
MEETING_HORIZON = datetime.timedelta(days=2 * 365)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def defaults_for_new(kwargs: dict[str, Any], **defaults: Any) -> None:
    """Put ``defaults`` in a form's initial values, but only for a new record.

    A model form's ``initial`` wins over the instance's stored values, so a default such as
    today's date given on an edit would show today and write it back. On an edit the
    stored values stand.
    """
    instance = kwargs.get("instance")
    if instance is not None and instance.pk is not None:
        return
    initial = kwargs.get("initial")
    initial = kwargs["initial"] = dict(initial or {})
    for name, value in defaults.items():
        initial.setdefault(name, value)


def add_form_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when it names one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VersionedForm(forms.ModelForm):
    """An edit form that refuses to overwrite a change someone else saved meanwhile."""

    # Text, not a number: a damaged value then fails the comparison below and the user sees
    # the message on the form, where an error on a hidden field would stay invisible.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def save_unless_changed(self) -> bool:
        """Save, or say on the form that the record changed since it was opened."""
        try:
            services.save_versioned(
                self.instance, seen=self.cleaned_data.get("version"), save=self.save
            )
        except services.ChangedMeanwhile as error:
            self.add_error(None, error)
            return False
        return True


class ClientForm(VersionedForm):
    """The client's own data. Gender defaults to the one the personnummer gives."""

    personnummer = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_("Personnummer or samordningsnummer, 10 or 12 digits."),
    )
    mobile = MobileNumberField(
        label=_("Mobile number"),
        required=False,
        help_text=_("For reminders by SMS. A Swedish mobile number, e.g. 070-123 45 67."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("From the personnummer")), *Gender.choices],
        required=False,
    )

    class Meta:
        model = Client
        fields = [
            "personnummer",
            "first_name",
            "last_name",
            "gender",
            "born_abroad",
            "language",
            "interpreter_needed",
            "phone",
            "mobile",
            "email",
            "street_address",
            "postal_code",
            "city",
            "protected_identity",
            "income_source",
            "income_source_months",
            "education_level",
            "samsyn_participant",
        ]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.initial.setdefault("personnummer", self.instance.personnummer)
        self.fields["personnummer"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "numeric", "placeholder": "ÅÅÅÅMMDD-NNNN"}
        )
        self.fields["income_source_months"].widget.attrs["min"] = 0
        self.helper = form_helper(hidden_fields=True)
        self.helper.layout = Layout(
            Fieldset(
                _("Identity"),
                Row(
                    Column("personnummer", css_class="col-md-4"),
                    Column("gender", css_class="col-md-4"),
                ),
                Row(
                    Column("first_name", css_class="col-md-6"),
                    Column("last_name", css_class="col-md-6"),
                ),
                Row(
                    Column("language", css_class="col-md-4"),
                    Column("interpreter_needed", css_class="col-md-4 pt-md-4"),
                    Column("born_abroad", css_class="col-md-4 pt-md-4"),
                ),
                "protected_identity",
            ),
            Fieldset(
                _("Contact"),
                Row(
                    Column("mobile", css_class="col-md-4"),
                    Column("phone", css_class="col-md-4"),
                    Column("email", css_class="col-md-4"),
                ),
                Row(
                    Column("street_address", css_class="col-md-6"),
                    Column("postal_code", css_class="col-md-2"),
                    Column("city", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Background"),
                Row(
                    Column("income_source", css_class="col-md-6"),
                    Column("income_source_months", css_class="col-md-6"),
                ),
                Row(
                    Column("education_level", css_class="col-md-6"),
                    Column("samsyn_participant", css_class="col-md-6 pt-md-4"),
                ),
            ),
        )

    def clean_postal_code(self) -> str:
        return postal_codes.normalise(self.cleaned_data.get("postal_code", ""))

    def clean_personnummer(self) -> str:
        normal = personnummer.normalise(self.cleaned_data["personnummer"])
        if not self.instance.pk or normal == self.instance.personnummer:
            # A new client is looked up in the register of the process it is registered
            # in, which the case part of the page chooses (services.client_register).
            return normal
        other = (
            Client.objects.filter(controller_id=self.instance.controller_id)
            .with_personnummer(normal)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if other is None:
            return normal
        if Client.objects.visible_to(self.user).filter(pk=other.pk).exists():
            raise already_registered(other)
        # The same organisation's register has this number for someone the user does
        # not work with. The number cannot be used twice; the attempt is on record.
        record_read(other, "personnummer check")
        raise ValidationError(
            _("Another person in the register has this personnummer."), code="taken"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        normal = cleaned.get("personnummer")
        if normal and normal != (self.instance.personnummer if self.instance.pk else None):
            # Not a model field: the property encrypts it and keeps its index.
            self.instance.personnummer = normal
        if normal and not cleaned.get("gender"):
            cleaned["gender"] = (
                Gender.WOMAN if personnummer.legal_gender(normal) == "F" else Gender.MAN
            )
        return cleaned


def already_registered(client: Client) -> ValidationError:
    """The personnummer is of a client the user already works with: a link to them."""
    return ValidationError(
        format_html(
            '{} <a href="{}">{}</a>',
            _("A client with this personnummer is already registered."),
            client.get_absolute_url(),
            _("Open a new case from their page"),
        ),
        code="exists",
    )


def coordinator_choices(processes: Any) -> Any:
    return User.objects.filter(
        role=Role.COORDINATOR, is_active=True, processes__in=processes
    ).distinct()


class CaseOpenForm(forms.ModelForm):
    """The case part of registering a client: which process, who coordinates, from when."""

    class Meta:
        model = Case
        fields = ["process", "coordinator", "start_date"]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        processes = Process.objects.visible_to(user)
        defaults_for_new(kwargs, start_date=timezone.localdate(), coordinator=user.pk)
        if len(processes) == 1:
            defaults_for_new(kwargs, process=processes[0].pk)
        super().__init__(*args, **kwargs)
        process_field = cast(forms.ModelChoiceField, self.fields["process"])
        process_field.queryset = processes
        process_field.empty_label = None
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = coordinator_choices(
            processes
        )
        self.helper = form_helper(hidden_fields=True)
        self.helper.layout = Layout(
            Fieldset(
                _("Case"),
                Row(
                    Column("process", css_class="col-md-4"),
                    Column("coordinator", css_class="col-md-4"),
                    Column("start_date", css_class="col-md-4"),
                ),
            )
        )

    def clean_start_date(self) -> datetime.date:
        start = self.cleaned_data["start_date"]
        today = timezone.localdate()
        if start > today + datetime.timedelta(days=90) or start < today - MEETING_HORIZON:
            raise ValidationError(_("Give a start date near today."))
        return start


class CaseForm(VersionedForm):
    """Editing an open case: who coordinates it and from when. Closing has its own form."""

    class Meta:
        model = Case
        fields = ["coordinator", "start_date"]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The case's own coordinator stays a choice, even one who has left since.
        choices = coordinator_choices([self.instance.process_id]).values("pk")
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = User.objects.filter(
            Q(pk__in=choices) | Q(pk=self.instance.coordinator_id)
        )
        self.helper = form_helper(hidden_fields=True)
        self.helper.layout = Layout(
            Row(
                Column("coordinator", css_class="col-md-6"),
                Column("start_date", css_class="col-md-6"),
            )
        )


CLOSING_FIELDS = ("closed_on", "outcome", "income_source_end", "followup_consent")


class CaseCloseForm(forms.Form):
    """Closing a case: the outcome, the income source at the end, and consent to follow-up."""

    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ClosureOutcome.choices, widget=forms.RadioSelect
    )
    income_source_end = forms.ChoiceField(
        label=_("Income source at the end"), choices=IncomeSource.choices
    )
    followup_consent = forms.BooleanField(
        label=_("The client consents to a follow-up after six months"),
        required=False,
        help_text=_("The follow-up shows up on Min dag when it is due."),
    )

    def __init__(self, *args: Any, items: list[OpenItem] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("closed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        #: What is still open on the case (``klientstod.closure``); each one that can be
        #: ended here has a field named by its key, listed beside it in the page.
        self.items = items or []
        for item in self.items:
            if len(item.choices) == 1:
                self.fields[item.key] = forms.BooleanField(
                    label=item.choices[0][1],
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
            elif item.choices:
                self.fields[item.key] = forms.ChoiceField(
                    label=_("Ends as"),
                    choices=[("", _("— Choose —")), *item.choices],
                    required=False,
                    widget=forms.Select(
                        attrs={
                            "class": "form-select form-select-sm",
                            "aria-describedby": f"label-{item.key}",
                        }
                    ),
                )

    def endings(self) -> dict[str, str]:
        """The ending chosen for each open item: {item key: choice}."""
        chosen = {}
        for item in self.items:
            value = self.cleaned_data.get(item.key)
            if value is True:
                chosen[item.key] = item.choices[0][0]
            elif value:
                chosen[item.key] = str(value)
        return chosen

    def closing_fields(self) -> list[Any]:
        """The closing's own fields, shown below the open items (each with its errors; the
        page shows the form's own errors once, above everything)."""
        return [self[name] for name in CLOSING_FIELDS]

    def item_rows(self) -> list[tuple[OpenItem, Any]]:
        """Each open item with its bound field (None if it is ended on its own page)."""
        return [(item, self[item.key] if item.key in self.fields else None) for item in self.items]


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Follow-up done on"), widget=DateInput())
    result = forms.CharField(
        label=_("How is the client doing?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Work, studies, income source and what the client says of the support."),
    )
    income_source = forms.ChoiceField(
        label=_("Income source at the follow-up"),
        choices=[("", "—"), *IncomeSource.choices],
        required=False,
        help_text=_("Counted, without names, in the annual report's before/after follow-up."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper = form_helper(hidden_fields=True)


class MeetingForm(forms.ModelForm):
    """Booking a meeting, or changing a booked one."""

    #: The meetings the time overlaps, once the booking was refused for them.
    overlaps: list[Meeting]

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "starts_at",
            "duration_minutes",
            "location",
            "interpreter_needed",
            "interpreter_booked",
        ]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["starts_at"].help_text = _("Date and time, for example 2026-03-14 10:00.")
        self.helper = form_helper(hidden_fields=True)
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-6"), Column("starts_at", css_class="col-md-6")),
            Row(
                Column("duration_minutes", css_class="col-md-4"),
                Column("location", css_class="col-md-8"),
            ),
            Row(
                Column("interpreter_needed", css_class="col-md-6"),
                Column("interpreter_booked", css_class="col-md-6"),
            ),
        )
        keep_overlap_confirmation(self)

    def clean_starts_at(self) -> datetime.datetime:
        return validate_meeting_time(self.cleaned_data["starts_at"], self.case)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("interpreter_booked") and not cleaned.get("interpreter_needed"):
            self.add_error(
                "interpreter_booked", _("An interpreter is booked only when one is needed.")
            )
        return cleaned


def validate_meeting_time(value: datetime.datetime, case: Case) -> datetime.datetime:
    now = timezone.now()
    if value < now - MEETING_HORIZON or value > now + MEETING_HORIZON:
        raise ValidationError(_("Give a time within two years from today."))
    if timezone.localtime(value).date() < case.start_date:
        raise ValidationError(_("The meeting cannot be before the case started."))
    return value


class MeetingOutcomeForm(forms.Form):
    """What became of a booked meeting."""

    #: The meetings a rebooking's new time overlaps, once it was refused for them.
    overlaps: list[Meeting]

    status = forms.ChoiceField(
        label=_("What happened?"),
        choices=[c for c in MeetingStatus.choices if c[0] != MeetingStatus.BOOKED],
        widget=forms.RadioSelect,
    )
    cancel_reason = forms.ChoiceField(
        label=_("Why we cancel"),
        choices=[(r.value, r.label) for r in CHOSEN_CANCEL_REASONS],
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Only when we cancel the meeting ourselves. For another reason, write it in the "
            "journal note."
        ),
    )
    journal_note = forms.CharField(
        label=_("Journal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For a held meeting: now, or later if you tick below. For a cancellation, the cause."
        ),
    )
    note_later = forms.BooleanField(
        label=_("Write the journal note later"),
        required=False,
        help_text=_("The held meeting then awaits its note on My day."),
    )
    new_starts_at = forms.DateTimeField(
        label=_("New time"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Only for a rebooking: the new meeting is booked at this time."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        # Before its time a meeting can only be cancelled or rebooked: the other outcomes
        # are not offered, and one sent anyway is refused with the reason.
        allowed = meeting.outcome_choices()
        status_field = cast(forms.ChoiceField, self.fields["status"])
        status_field.choices = [c for c in MeetingStatus.choices if c[0] in allowed]
        if not meeting.has_started():
            status_field.error_messages["invalid_choice"] = services.not_started_message(meeting)
            status_field.help_text = _(
                "The meeting has not started yet: it can be cancelled or rebooked."
            )
        self.helper = form_helper(hidden_fields=True)
        keep_overlap_confirmation(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        status = cleaned.get("status")
        if not self.meeting.is_booked:
            raise ValidationError(_("An outcome can only be recorded for a booked meeting."))
        note = (cleaned.get("journal_note") or "").strip()
        if status == MeetingStatus.HELD and not note and not cleaned.get("note_later"):
            self.add_error("journal_note", _("Write a journal note for a held meeting."))
        reason = cleaned.get("cancel_reason") or ""
        if status == MeetingStatus.CANCELLED_BY_US:
            if not reason and "cancel_reason" not in self.errors:
                self.add_error("cancel_reason", _("Give the reason we cancel the meeting."))
            elif reason == MeetingCancelReason.OTHER and not note:
                self.add_error("journal_note", _("Write what the other reason is."))
        elif reason:
            self.add_error("cancel_reason", _("A reason is given only for a meeting we cancel."))
        new = cleaned.get("new_starts_at")
        if status == MeetingStatus.REBOOKED:
            if new is None and "new_starts_at" not in self.errors:
                self.add_error("new_starts_at", _("A rebooking needs the new time."))
            elif new is not None:
                try:
                    validate_meeting_time(new, self.meeting.case)
                except ValidationError as error:
                    self.add_error("new_starts_at", error)
        elif new is not None:
            self.add_error("new_starts_at", _("A new time is given only for a rebooking."))
        return cleaned


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["kind", "organisation", "given_on", "note"]
        widgets = {"given_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        defaults_for_new(kwargs, given_on=timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper = form_helper(hidden_fields=True)

    def clean_given_on(self) -> datetime.date:
        given = self.cleaned_data["given_on"]
        if given > timezone.localdate():
            raise ValidationError(_("A consent cannot be given in the future."))
        return given


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User"), queryset=User.objects.order_by("username"), required=False
    )
    action = forms.ChoiceField(
        label=_("What"),
        choices=[("", _("Reads and changes")), ("access", _("Reads")), ("change", _("Changes"))],
        required=False,
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    client = forms.IntegerField(label=_("Client (id)"), min_value=1, required=False)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The user's own new password (Django's form; saving clears ``must_change_password``)."""

    def save(self, commit: bool = True) -> User:
        return services.password_change(user=self.user, password=self.cleaned_data["new_password1"])
