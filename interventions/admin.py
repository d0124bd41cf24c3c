"""Questionnaires are the administrator's; the answers stay with the coordinator."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import services
from .forms import QuestionnaireAdminForm
from .link_forms import TranslationAdminForm
from .models import Questionnaire, QuestionnaireTranslation


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    form = QuestionnaireAdminForm
    list_display = ["title", "kind", "version", "is_current", "created_at"]
    list_filter = ["kind", "is_current"]
    readonly_fields = ["version", "is_current"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # A version with answers is never changed in place: the service makes the next one.
        services.questionnaire_save(questionnaire=obj, items=form.cleaned_data["questions"])

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.has_answers


@admin.register(QuestionnaireTranslation)
class QuestionnaireTranslationAdmin(admin.ModelAdmin):
    """Every text of the client's page in another language, for one questionnaire version."""

    form = TranslationAdminForm
    list_display = ["questionnaire", "language", "title"]
    list_filter = ["language", "questionnaire__kind"]
