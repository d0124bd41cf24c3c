from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from . import timeline  # noqa: F401  (registers the referral's timeline events)
