from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KlientstodConfig(AppConfig):
    name = "klientstod"
    verbose_name = _("Klientstöd")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks, timeline  # noqa: F401  (registers checks and timeline providers)
        from .middleware import session_started
        from .twofactor import remember_enrolment

        user_logged_in.connect(session_started, dispatch_uid="klientstod-session-started")
        user_logged_in.connect(remember_enrolment, dispatch_uid="klientstod-remember-enrolment")

        from .audit import register_models

        register_models()
