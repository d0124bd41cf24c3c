"""Fields and date helpers the interventions forms share."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klientstod.forms import DateInput


class CaseMultipleField(forms.ModelMultipleChoiceField):
    """Cases shown by the client's name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.client.full_name)


class ParticipantMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.case.client.full_name)


class CaseField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.client.full_name} ({obj.number})"


def _not_future(day: datetime.date) -> datetime.date:
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return day


def effective_date_field(label: Any = None) -> forms.DateField:
    """The day a state change took effect: today unless the user enters it afterwards."""
    return forms.DateField(
        label=label or _("From"),
        widget=DateInput(),
        required=False,
        help_text=_("The day it happened; today unless you enter it afterwards."),
    )


def clean_effective_date(
    day: datetime.date | None, not_before: datetime.date | None, message: Any
) -> datetime.date:
    """Today when left empty; never in the future, never before ``not_before``."""
    day = _not_future(day or timezone.localdate())
    if not_before is not None and day < not_before:
        raise ValidationError(message % {"day": not_before.isoformat()})
    return day
