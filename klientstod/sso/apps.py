from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "klientstod.sso"
    label = "sso"
    verbose_name = _("Sign-in with an identity provider")

    def ready(self) -> None:
        from klientstod import audit

        from . import events
        from .models import GroupMapping, IdentityProvider, ProviderIdentity

        events.connect()
        # Who changed a provider's settings, its group mappings, or removed a link; a
        # setting's text (issuer, client id, the secret's variable) shows as changed only,
        # and the stored secret, encrypted as it is, as changed without even that.
        audit.register(
            IdentityProvider,
            client=None,
            m2m=["organisations"],
            labels={"client_secret_encrypted": _("client secret, stored encrypted")},
        )
        audit.register(GroupMapping, client=None, m2m=["processes"])
        # A link is made at a first sign-in and removed by the administrator; the time of
        # each sign-in is no change to it.
        audit.register(ProviderIdentity, client=None, exclude=["last_login"])
        audit.register_names(IdentityProvider)
