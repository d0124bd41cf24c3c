"""The process's own words under each section of a report ("Kommentar").

A comment belongs to a process, a report period (a tertial or a calendar year) and a
section, named by a key. The report's sections are aggregate territory: a comment is
read by the steering group and the evaluator and printed in the report that goes to
the board, so the form refuses a text that holds a personnummer or the name of one of
the process's clients.

A section of the report shows its comment with
``{% include "reporting/partials/section_comment.html" with key="…" %}``; a new section
adds its key to ``SECTION_KEYS``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from klientstod import personnummer
from klientstod.models import Client, Process

from .models import SectionComment

#: The sections a comment can be written under, in the order of the report.
SECTION_KEYS: list[str] = [
    "referrals",
    "fia",
    "interventions",
    "meetings",
    "bibliotherapy",
    "information_meetings",
    "self_assessments",
    "collaboration",
    "milestones",
    "budget",
    "outcome",
    "timetable",
]

#: Ten or twelve digits, the last four perhaps after a hyphen, plus or space: how a
#: personnummer or samordningsnummer is written. Not inside a longer run of digits.
NUMBER_LIKE = re.compile(r"(?<!\d)(\d{6}|\d{8})[-+ ]?(\d{4})(?!\d)")
WORD = re.compile(r"\w+")

HOLDS_PERSONNUMMER = _(
    "The comment holds what looks like a personnummer. A comment is read by the steering "
    "group and the board: write it without anything that identifies a person."
)
NAMES_A_CLIENT = _(
    "The comment names one of the process's clients. A comment is read by the steering "
    "group and the board: write it without anything that identifies a person."
)


def holds_personnummer(text: str) -> bool:
    """True if ``text`` holds a personnummer or samordningsnummer, valid or mistyped.

    A number whose first digits are a date of birth counts even with a wrong check
    digit: a mistyped number still points to a person.
    """
    for match in NUMBER_LIKE.finditer(text):
        try:
            personnummer.normalise(f"{match[1]}-{match[2]}")
        except ValidationError as error:
            if error.code == "checksum":
                return True
            continue
        return True
    return False


def names_a_client(text: str, process: Process) -> bool:
    """True if ``text`` holds both the first and the last name of a client of ``process``.

    Case-insensitive and on word boundaries: "Amina Svensson" and "svensson, amina" are
    both refused, "Aminas" or a first name alone is not. One query, whatever the text.
    """
    words = {word.casefold() for word in WORD.findall(text)}
    if not words:
        return False
    names = (
        Client.objects.filter(cases__process=process)
        .values_list("first_name", "last_name")
        .distinct()
    )
    for first, last in names.iterator():
        first_words = {w.casefold() for w in WORD.findall(first)}
        last_words = {w.casefold() for w in WORD.findall(last)}
        if first_words and last_words and (first_words | last_words) <= words:
            return True
    return False


class SectionCommentForm(forms.ModelForm):
    """The comment of one section: the text, and the version it was opened on."""

    section = forms.CharField(widget=forms.HiddenInput)
    # Text, not a number: see klientstod.forms.VersionedForm. Empty for a new comment.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SectionComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "maxlength": 4000})}

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = process
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["section"].initial = self.instance.section

    def clean_section(self) -> str:
        section: str = self.cleaned_data["section"]
        if section not in SECTION_KEYS:
            raise ValidationError(_("Choose a section of the report."))
        return section

    def clean_text(self) -> str:
        text: str = self.cleaned_data.get("text", "")
        if holds_personnummer(text):
            raise ValidationError(HOLDS_PERSONNUMMER, code="personnummer")
        if names_a_client(text, self.process):
            raise ValidationError(NAMES_A_CLIENT, code="client_name")
        return text
