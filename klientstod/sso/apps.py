from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "klientstod.sso"
    label = "sso"
    verbose_name = _("Sign-in with an identity provider")

    def ready(self) -> None:
        from . import events

        events.connect()
