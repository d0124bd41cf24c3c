from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from klientstod import audit, badges

        from . import bookings, retention, timeline  # noqa: F401  (registers gallring, timeline events and bookings)
        from .models import Consultation, ConsultationMessage, Letter, Referral, ReferralStatus

        badges.register(
            {
                ReferralStatus.RECEIVED: "text-bg-primary",
                ReferralStatus.ACTUALISED: "text-bg-success",
                ReferralStatus.NOT_RELEVANT: "text-bg-secondary",
            }
        )

        # A referral is the person's before any case: theirs by link or by personnummer.
        audit.register(
            Referral,
            client=lambda client: (
                Q(client=client) | Q(personnummer_index=client.personnummer_index)
            ),
            exclude=["personnummer_encrypted"],
            labels={"personnummer_index": _("personnummer")},
        )
        audit.register(
            Letter,
            client=lambda client: (
                Q(referral__client=client)
                | Q(referral__personnummer_index=client.personnummer_index)
            ),
        )
        audit.register(Consultation, client=None)
        audit.register(ConsultationMessage, client=None)
        audit.register_pages(gettext_noop("referral page"), gettext_noop("letter PDF"))
