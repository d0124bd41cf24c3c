"""The identity providers the administrator sets up, and who has signed in through which."""

from __future__ import annotations

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from klientstod import crypto
from klientstod.models import Organisation, Process, Role

#: The environment variables a client secret may be read from: never DJANGO_SECRET_KEY or
#: a database password, which a provider's token endpoint would otherwise be sent.
SECRET_ENV_PREFIX = "KLIENTSTOD_OIDC_"
_ENV_NAME = re.compile(r"KLIENTSTOD_OIDC_[A-Z0-9_]+")


def _values(text: str) -> set[str]:
    return {value.strip() for value in text.replace(" ", ",").split(",") if value.strip()}


class IdentityProviderQuerySet(models.QuerySet["IdentityProvider"]):
    def active(self) -> IdentityProviderQuerySet:
        return self.filter(active=True)

    def required_for(self, user: object) -> IdentityProvider | None:
        """The active provider that is the only way in for ``user``'s organisation and role."""
        organisation_id = getattr(user, "organisation_id", None)
        if organisation_id is None:
            return None
        required = self.active().filter(required=True, organisations=organisation_id)
        return next((p for p in required if p.serves_role(getattr(user, "role", ""))), None)


class IdentityProvider(models.Model):
    """An organisation's OpenID Connect provider (Entra ID, a SITHS/Efos or BankID broker)."""

    name = models.CharField(
        _("organisation label"),
        max_length=100,
        help_text=_('Shown on the login page as "Sign in with <label>", e.g. "Malmö stad".'),
    )
    slug = models.SlugField(
        _("short name in addresses"),
        unique=True,
        help_text=_("Part of the redirect URI registered at the provider."),
    )
    active = models.BooleanField(_("active"), default=True)
    issuer = models.URLField(
        _("issuer"),
        max_length=300,
        help_text=_(
            "The provider's issuer; its settings are read from "
            "<issuer>/.well-known/openid-configuration. For Entra ID: "
            "https://login.microsoftonline.com/<tenant id>/v2.0"
        ),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret_env = models.CharField(
        _("client secret from the environment"),
        max_length=100,
        blank=True,
        help_text=_(
            "The name of the environment variable that holds the client secret; it begins "
            "with KLIENTSTOD_OIDC_. Leave empty to store the secret encrypted instead."
        ),
    )
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    organisations = models.ManyToManyField(
        Organisation,
        related_name="identity_providers",
        verbose_name=_("organisations"),
        help_text=_("The organisations whose staff sign in through this provider."),
    )
    roles = models.CharField(
        _("roles"),
        max_length=200,
        blank=True,
        help_text=_("The roles whose users sign in through this provider; none chosen: all."),
    )
    required = models.BooleanField(
        _("required for these organisations"),
        default=False,
        help_text=_("Local login with password and code is turned off for their users."),
    )
    mfa_amr_values = models.CharField(
        _("amr values that mean multi-factor"),
        max_length=200,
        default="mfa",
        blank=True,
        help_text=_(
            "Comma-separated. When the ID token's amr holds one of them, the app's own "
            "code step is skipped. Entra ID sends mfa."
        ),
    )
    mfa_acr_values = models.CharField(
        _("acr values that mean multi-factor"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated; an ID token with one of them as acr counts as well."),
    )
    upn_claim = models.CharField(
        _("UPN claim"),
        max_length=60,
        default="upn",
        blank=True,
        help_text=_(
            "The claim that holds the user's principal name, matched against the account's "
            "user name or e-mail at the first sign-in (Entra ID: upn or preferred_username)."
        ),
    )
    group_mapping = models.BooleanField(
        _("roles from groups"),
        default=False,
        help_text=_(
            "Off by default. When on, the groups claim decides the role and processes "
            "(see the mappings below), a user in none of the groups is refused, and an "
            "account is made for a new user in a mapped group."
        ),
    )
    groups_claim = models.CharField(_("groups claim"), max_length=60, default="groups")
    #: Saving the settings makes the app read the discovery document and key set anew.
    updated_at = models.DateTimeField(auto_now=True)

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.client_secret_env and not _ENV_NAME.fullmatch(self.client_secret_env):
            raise ValidationError(
                {
                    "client_secret_env": _(
                        "The name begins with KLIENTSTOD_OIDC_ and has only capital letters, "
                        "digits and underscores."
                    )
                }
            )
        if not settings.KLIENTSTOD_OIDC_ALLOW_HTTP and not self.issuer.startswith("https://"):
            raise ValidationError({"issuer": _("The issuer must be an https:// address.")})

    @property
    def issuer_url(self) -> str:
        return self.issuer.rstrip("/")

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer_url}/.well-known/openid-configuration"

    @property
    def role_list(self) -> list[str]:
        return [role for role in self.roles.split(",") if role]

    def serves_role(self, role: str) -> bool:
        return not self.role_list or role in self.role_list

    def set_client_secret(self, secret: str) -> None:
        self.client_secret_encrypted = crypto.encrypt(secret) if secret else ""

    def client_secret(self) -> str:
        if self.client_secret_env:
            if not _ENV_NAME.fullmatch(self.client_secret_env):
                return ""
            return os.environ.get(self.client_secret_env, "")
        return crypto.decrypt(self.client_secret_encrypted)

    def asserts_mfa(self, claims: dict) -> bool:
        amr = claims.get("amr") or []
        if isinstance(amr, str):
            amr = [amr]
        if _values(self.mfa_amr_values) & {str(value) for value in amr}:
            return True
        acr = claims.get("acr")
        return bool(acr) and str(acr) in _values(self.mfa_acr_values)


class ProviderIdentity(models.Model):
    """That a provider's subject is this account: made at the first sign-in, then used."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="identities",
        verbose_name=_("identity provider"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_identities",
        verbose_name=_("user"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_login = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("provider link")
        verbose_name_plural = _("provider links")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="sso_one_account_per_subject"
            ),
            models.UniqueConstraint(fields=["provider", "user"], name="sso_one_subject_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} – {self.user}"


class GroupMapping(models.Model):
    """A group in the provider's groups claim, and the role and processes it gives."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="group_mappings"
    )
    group = models.CharField(
        _("group"), max_length=200, help_text=_("As in the groups claim (Entra ID: object id).")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[(value, label) for value, label in Role.choices if value != Role.ADMIN],
    )
    processes = models.ManyToManyField(Process, blank=True, verbose_name=_("processes"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("group mapping")
        verbose_name_plural = _("group mappings")
        constraints = [
            models.UniqueConstraint(fields=["provider", "group"], name="sso_one_mapping_per_group")
        ]

    def __str__(self) -> str:
        return self.group
