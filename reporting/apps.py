from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from klientstod import audit

        from . import panels  # noqa: F401  (registers the reporting calendar on Min dag)
        from .models import Download, SectionComment, SentReport

        # A download of personal data lands in the audit log too, with actor and address;
        # each person on the list is a read of their own (the SUS pages below).
        audit.register(Download, client=None)
        # A report's comment: who wrote or changed it (the text itself stays out of the log).
        audit.register(SectionComment, client=None, exclude=["version", "updated_at"])
        # A sent report: who sent which period when; its PDF and figures are not logged.
        audit.register(SentReport, client=None, exclude=["pdf", "figures", "sha256"])
        audit.register_pages(gettext_noop("SUS list"), gettext_noop("SUS download"))
