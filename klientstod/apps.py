from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KlientstodConfig(AppConfig):
    name = "klientstod"
    verbose_name = _("Klientstöd")

    def ready(self) -> None:
        from . import checks, timeline  # noqa: F401  (registers checks and timeline providers)
