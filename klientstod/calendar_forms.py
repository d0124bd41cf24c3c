"""Forms of the coordinator's desk and calendar: the note written later, the case to book
for, and the confirmation a booking over another meeting asks for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .layout import form_helper
from .models import Case, Meeting

#: The checkbox a booking over another of the coordinator's meetings needs ("Boka ändå").
CONFIRM_OVERLAP = "confirm_overlap"


def offer_overlap_confirmation(form: forms.BaseForm, overlaps: list[Meeting] | None = None) -> None:
    """Add the "book anyway" checkbox to ``form``; ``overlaps``: the meetings it overlaps,
    which the page shows above the form."""
    form.overlaps = overlaps or []  # type: ignore[attr-defined]
    if CONFIRM_OVERLAP in form.fields:
        return
    form.fields[CONFIRM_OVERLAP] = forms.BooleanField(
        label=_("Book anyway"),
        required=False,
        help_text=_(
            "The time overlaps another meeting in the coordinator's calendar (see above). "
            "Tick to book it all the same, or choose another time."
        ),
    )
    layout = getattr(getattr(form, "helper", None), "layout", None)
    if layout is not None:
        layout.append(CONFIRM_OVERLAP)


def keep_overlap_confirmation(form: forms.BaseForm) -> None:
    """A form sent back with the checkbox keeps it (and its tick)."""
    form.overlaps = []  # type: ignore[attr-defined]
    if form.is_bound and form.add_prefix(CONFIRM_OVERLAP) in form.data:
        offer_overlap_confirmation(form)


class MeetingNoteForm(forms.Form):
    """The journal note of a meeting recorded as held without one."""

    journal_note = forms.CharField(
        label=_("Journal note"), widget=forms.Textarea(attrs={"rows": 6}), strip=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journal_note"].error_messages["required"] = _(
            "Write a journal note for a held meeting."
        )
        self.helper = form_helper()


def _case_label(case: Case) -> str:
    return f"{case.client.full_name} · {case.number} · {case.process.name}"


class BookingCaseForm(forms.Form):
    """Which of the coordinator's cases a meeting booked from the calendar is for."""

    case = forms.ModelChoiceField(
        label=_("Case"),
        queryset=Case.objects.none(),
        empty_label=_("Choose the client"),
        error_messages={
            "required": _("Choose the client the meeting is with."),
            "invalid_choice": _("Choose one of your active cases."),
        },
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = cases
        field.label_from_instance = _case_label  # type: ignore[method-assign,assignment]
        self.helper = form_helper()
