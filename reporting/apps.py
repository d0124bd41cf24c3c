from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import panels  # noqa: F401  (registers the reporting calendar on Min dag)
        from .models import Download

        # A download of personal data lands in the audit log too, with actor and address.
        if not auditlog.contains(Download):
            auditlog.register(Download)
