from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from klientstod import audit, badges

        from . import panels, timeline  # noqa: F401  (register their providers)
        from .choices import ReminderStatus
        from .models import Reminder, ReminderTemplate

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
        audit.register(Reminder, client="meeting__case__client")
        audit.register_names(ReminderTemplate)
