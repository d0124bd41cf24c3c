"""Self-assessment questionnaires, their items, and the client's answers."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klientstod.models import Case

from .choices import Occasion, QuestionnaireKind
from .querysets import AssessmentQuerySet

# Self-assessment -------------------------------------------------------------------


class Questionnaire(models.Model):
    """One version of a self-assessment questionnaire.

    A version that has answers is never changed: a change makes the next version,
    and the answers already given keep pointing at theirs.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=QuestionnaireKind.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    #: What 1 and 5 mean on this questionnaire's scale, shown at every question.
    scale_low = models.CharField(
        _("1 on the scale means"), max_length=80, blank=True, help_text=_("E.g. “not at all”.")
    )
    scale_high = models.CharField(
        _("5 on the scale means"), max_length=80, blank=True, help_text=_("E.g. “completely”.")
    )
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="questionnaire_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_current=True), name="questionnaire_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def has_answers(self) -> bool:
        return self.assessments.exists()

    def scale_labels(self) -> tuple[str, str]:
        """What 1 and 5 mean; a plain "not at all" and "completely" where none is given."""
        return (
            self.scale_low or str(_("not at all")),
            self.scale_high or str(_("completely")),
        )


class QuestionnaireItem(models.Model):
    """A question: answered on a scale from 1 to 5, or in the client's own words."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1–5")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCALE)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


class SelfAssessment(models.Model):
    """A client's answers to one questionnaire version on one occasion."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("case")
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("questionnaire"),
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    #: For periodic occasions: which two-month mark (1 = two months after the start).
    period = models.PositiveSmallIntegerField(_("period"), default=0)
    answered_on = models.DateField(_("answered on"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    #: The client gave the answers themselves, through a link on their own phone.
    answered_by_client = models.BooleanField(_("answered by the client"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["answered_on", "pk"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        indexes = [models.Index(fields=["case", "answered_on"], name="assessment_case_idx")]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.answered_on}"


class Answer(models.Model):
    assessment = models.ForeignKey(
        SelfAssessment,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("self-assessment"),
    )
    item = models.ForeignKey(
        QuestionnaireItem,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("question"),
    )
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("answer"), blank=True)
    #: The client chose not to answer the question; a mean over the answers leaves it out.
    declined = models.BooleanField(_("does not want to answer"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="answer_once_per_item"),
            models.CheckConstraint(
                condition=Q(declined=False) | Q(score__isnull=True, text=""),
                name="answer_declined_is_empty",
            ),
        ]

    def __str__(self) -> str:
        if self.declined:
            return str(_("Does not want to answer"))
        return str(self.score) if self.score is not None else self.text[:40]
