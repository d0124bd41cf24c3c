"""Forms for questionnaires and a client's self-assessment."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms.layout import Column, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from klientstod.forms import DateInput
from klientstod.layout import Fieldset, form_helper

from .form_fields import _not_future
from .models import Occasion, Questionnaire, QuestionnaireItem, SelfAssessment

# Self-assessment -------------------------------------------------------------------------------


class QuestionnaireAdminForm(forms.ModelForm):
    """The admin writes the questions one per line; "text:" in front asks for free text."""

    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text=_(
            "One question per line, answered on a scale from 1 to 5. Start a line with "
            "“text:” for a question answered in the client's own words. Saving a questionnaire "
            "that already has answers creates a new version; the answers keep the old one."
        ),
    )

    class Meta:
        model = Questionnaire
        fields = ["kind", "title", "instructions", "scale_low", "scale_high"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["questions"].initial = "\n".join(
                ("text: " if item.kind == QuestionnaireItem.Kind.TEXT else "") + item.text
                for item in self.instance.items.all()
            )
            self.fields["kind"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.instance.pk and not self.instance.is_current:
            # Answers and reports refer to the old versions as they were.
            current = Questionnaire.objects.filter(kind=self.instance.kind, is_current=True).first()
            raise ValidationError(
                _(
                    "Only the current version can be changed. Open version %(version)s of "
                    "this questionnaire to change it."
                ),
                code="not_current",
                params={"version": current.version if current else "–"},
            )
        return self.cleaned_data

    def clean_questions(self) -> list[tuple[str, str]]:
        items = []
        for line in self.cleaned_data["questions"].splitlines():
            line = line.strip()
            if not line:
                continue
            if line.lower().startswith("text:"):
                items.append((line[5:].strip(), QuestionnaireItem.Kind.TEXT.value))
            else:
                items.append((line, QuestionnaireItem.Kind.SCALE.value))
        if not items or any(not text for text, _kind in items):
            raise ValidationError(_("Write at least one question, each with some text."))
        if any(len(text) > 300 for text, _kind in items):
            raise ValidationError(_("A question can be at most 300 characters."))
        return items


SCALE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
DECLINED = "declined"  # services.DECLINED, the answer "does not want to answer"


class AssessmentForm(forms.Form):
    """A client's answers, one field per question of the questionnaire version.

    Each scale question is answered 1–5 or marked "does not want to answer"; free text is
    optional. On an edit (``assessment``) the stored answers are shown and the form keeps
    the questionnaire version they were given on.
    """

    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        occasions: list[str],
        assessment: SelfAssessment | None = None,
        **kwargs: Any,
    ) -> None:
        if assessment is not None:
            kwargs["initial"] = {**self.initial_from(assessment), **(kwargs.get("initial") or {})}
        else:
            kwargs.setdefault("initial", {}).setdefault("answered_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        cast(forms.ChoiceField, self.fields["occasion"]).choices = [
            (value, label) for value, label in Occasion.choices if value in occasions
        ]
        self.item_fields: list[tuple[str, QuestionnaireItem]] = []
        for item in questionnaire.items.all():
            name = f"item_{item.pk}"
            if item.kind == QuestionnaireItem.Kind.SCALE:
                self.fields[name] = forms.ChoiceField(
                    label=item.text,
                    choices=[*SCALE_CHOICES, (DECLINED, _("Does not want to answer"))],
                    widget=forms.RadioSelect(attrs={"class": "ks-scale"}),
                    error_messages={
                        "required": _(
                            "Choose an answer, or “Does not want to answer” if the client "
                            "does not want to answer this question."
                        )
                    },
                )
            else:
                self.fields[name] = forms.CharField(
                    label=item.text, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
            self.item_fields.append((name, item))
        self.helper = form_helper(
            Row(
                Column("occasion", css_class="col-md-6"),
                Column("answered_on", css_class="col-md-6"),
            ),
            Fieldset(questionnaire.title, *[name for name, _item in self.item_fields]),
        )

    @staticmethod
    def initial_from(assessment: SelfAssessment) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "occasion": assessment.occasion,
            "answered_on": assessment.answered_on,
        }
        for answer in assessment.answers.all():
            if answer.declined:
                value: str = DECLINED
            elif answer.score is not None:
                value = str(answer.score)
            else:
                value = answer.text
            initial[f"item_{answer.item_id}"] = value
        return initial

    def clean_answered_on(self) -> datetime.date:
        return _not_future(self.cleaned_data["answered_on"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        unanswered = [
            name
            for name, item in self.item_fields
            if item.kind == QuestionnaireItem.Kind.SCALE and name in self.errors
        ]
        if unanswered:
            self.add_error(
                None,
                ngettext(
                    "%(count)d of %(total)d questions is not answered. Answer it, or mark it "
                    "“Does not want to answer”.",
                    "%(count)d of %(total)d questions are not answered. Answer each, or mark "
                    "it “Does not want to answer”.",
                    len(unanswered),
                )
                % {
                    "count": len(unanswered),
                    "total": sum(
                        item.kind == QuestionnaireItem.Kind.SCALE for _n, item in self.item_fields
                    ),
                },
            )
        return self.cleaned_data

    def answers(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(name, "") for name, item in self.item_fields}
