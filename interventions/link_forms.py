"""Forms of the self-assessment link: the coordinator's sending and the client's answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klientstod.layout import form_helper

from .assessment_forms import DECLINED
from .models import (
    LinkChannel,
    Occasion,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireTranslation,
    TranslationLanguage,
)

SWEDISH = "sv"
#: Longest free-text answer the client's page takes.
TEXT_MAX_LENGTH = 2000


def matching_translation(
    translations: list[QuestionnaireTranslation], language: str
) -> QuestionnaireTranslation | None:
    """The translation in the language the client's record names ("arabiska", "ar"), if any."""
    wanted = language.strip().lower()
    if not wanted:
        return None
    for translation in translations:
        names = {translation.language, str(translation.get_language_display()).lower()}
        names.add(str(TranslationLanguage(translation.language).label).lower())
        if wanted in names:
            return translation
    return None


class LinkSendForm(forms.Form):
    """How the link reaches the client, for which occasion, in which language."""

    occasion = forms.ChoiceField(label=gettext_lazy("Occasion"))
    channel = forms.ChoiceField(label=gettext_lazy("Send by"), widget=forms.RadioSelect)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)

    def __init__(
        self,
        *args: Any,
        occasions: list[tuple[str, str]],
        channels: list[tuple[str, str]],
        translations: list[QuestionnaireTranslation],
        client_language: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.translations = {t.language: t for t in translations}
        self.fields["occasion"].choices = occasions  # type: ignore[attr-defined]
        self.fields["channel"].choices = channels  # type: ignore[attr-defined]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            (SWEDISH, _("Swedish")),
            *((t.language, t.get_language_display()) for t in translations),
        ]
        match = matching_translation(translations, client_language)
        self.initial.setdefault("language", match.language if match else SWEDISH)
        if occasions:
            self.initial.setdefault("occasion", occasions[0][0])
        if channels:
            self.initial.setdefault("channel", channels[0][0])
        self.helper = form_helper()

    def translation(self) -> QuestionnaireTranslation | None:
        return self.translations.get(self.cleaned_data.get("language") or SWEDISH)


def occasion_choices(due: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The occasions due, then "other occasion" for an assessment between them."""
    seen = {value for value, _label in due}
    other = [(Occasion.OTHER.value, str(Occasion.OTHER.label))]
    return [*due, *(other if Occasion.OTHER not in seen else [])]


def channel_choices(*, mobile: str, email: str) -> list[tuple[str, str]]:
    channels = []
    if mobile:
        channels.append((LinkChannel.SMS.value, _("SMS to %(number)s") % {"number": mobile}))
    if email:
        channels.append((LinkChannel.EMAIL.value, _("E-mail to %(address)s") % {"address": email}))
    channels.append((LinkChannel.QR.value, str(LinkChannel.QR.label)))
    return channels


class ClientAnswerForm(forms.Form):
    """The client's own answers: every scale question 1–5 or "does not want to answer".

    The texts are the translation's where the link has one; the answers are stored
    against the questionnaire's own questions.
    """

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        translation: QuestionnaireTranslation | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        items = list(questionnaire.items.all())
        texts = translation.question_texts() if translation else []
        if len(texts) != len(items):
            texts = [item.text for item in items]
        declined = translation.declined_label if translation else _("I do not want to answer")
        missing = (
            translation.missing_answer
            if translation
            else _("Choose a number, or “I do not want to answer”.")
        )
        self.questions: list[tuple[str, QuestionnaireItem]] = []
        for item, text in zip(items, texts, strict=True):
            name = f"item_{item.pk}"
            if item.kind == QuestionnaireItem.Kind.SCALE:
                self.fields[name] = forms.ChoiceField(
                    label=text,
                    choices=[*((str(n), str(n)) for n in range(1, 6)), (DECLINED, declined)],
                    widget=forms.RadioSelect,
                    error_messages={"required": missing, "invalid_choice": missing},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=text,
                    required=False,
                    max_length=TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            self.questions.append((name, item))

    def answers(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(name, "") for name, item in self.questions}


class TranslationAdminForm(forms.ModelForm):
    """A translation has as many questions as its questionnaire version, in its order."""

    class Meta:
        model = QuestionnaireTranslation
        fields = [
            "questionnaire",
            "language",
            "greeting",
            "title",
            "instructions",
            "questions",
            "scale_low",
            "scale_high",
            "declined_label",
            "submit_label",
            "missing_answer",
            "thanks",
        ]
        widgets = {"questions": forms.Textarea(attrs={"rows": 12, "cols": 90})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        questionnaire = self.cleaned_data.get("questionnaire")
        questions = self.cleaned_data.get("questions")
        if questionnaire is not None and questions is not None:
            wanted = questionnaire.items.count()
            lines = [line for line in questions.splitlines() if line.strip()]
            if len(lines) != wanted:
                self.add_error(
                    "questions",
                    ValidationError(
                        _(
                            "The questionnaire has %(wanted)d questions; the translation has "
                            "%(count)d. Write one line per question, in the same order."
                        ),
                        code="count",
                        params={"wanted": wanted, "count": len(lines)},
                    ),
                )
        return self.cleaned_data
