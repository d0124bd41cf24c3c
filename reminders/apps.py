from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from klientstod import audit, badges

        from . import panels, retention, timeline  # noqa: F401  (register their providers)
        from .choices import ReminderStatus
        from .models import ReminderTemplate

        badges.register(
            {
                ReminderStatus.QUEUED: "text-bg-light",
                ReminderStatus.SENDING: "text-bg-light",
                ReminderStatus.SENT: "text-bg-success",
                ReminderStatus.DELIVERED: "text-bg-success",
                ReminderStatus.NOT_REACHED: "text-bg-danger",
                ReminderStatus.SKIPPED: "text-bg-secondary",
            }
        )
        # A reminder is written by the job alone, never by a person, and holds no text of
        # the client's: its state is the record (and the case timeline shows it), so it is
        # not in the audit log. The log may name the administrator's reminder texts.
        audit.register_names(ReminderTemplate)
