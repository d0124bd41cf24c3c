"""The processes' reminder texts, edited by the administrator with a preview.

Reminders themselves are the coordinator's: the case page shows them; the
administration lists them read-only to see how the job fares.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import texts
from .models import Reminder, ReminderTemplate


@admin.register(ReminderTemplate)
class ReminderTemplateAdmin(admin.ModelAdmin):
    list_display = ["process", "language", "updated_at"]
    list_filter = ["process"]
    readonly_fields = ["preview", "placeholders"]
    fields = [
        "process",
        "language",
        "text",
        "email_subject",
        "interpreter_line",
        "preview",
        "placeholders",
    ]

    @admin.display(description=_("preview"))
    def preview(self, obj: ReminderTemplate | None) -> str:
        template = obj if obj is not None and obj.pk else ReminderTemplate()
        values = texts.example_values(template.interpreter_line)
        body = texts.render(template.text, values)
        subject = texts.render(template.email_subject, values)
        # format_html escapes what the administrator typed; the text is shown as it is sent.
        return format_html(
            '<div class="readonly"><strong>{}</strong><pre style="white-space:pre-wrap">{}</pre>'
            "<small>{}</small></div>",
            subject,
            body,
            _("%(count)d characters; an SMS holds 160 (70 outside the GSM alphabet).")
            % {"count": len(body)},
        )

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj: Any) -> str:
        return ", ".join(f"{{{name}}}" for name in texts.PLACEHOLDERS)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["meeting", "starts_at", "status", "channel", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["meeting"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
