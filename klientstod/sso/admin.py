"""The administrator sets up identity providers and sees (and removes) account links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from klientstod.models import Role

from .models import GroupMapping, IdentityProvider, ProviderIdentity


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The roles whose users sign in through this provider; none chosen: all."),
    )
    client_secret = forms.CharField(
        label=_("client secret, stored encrypted"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Only when the secret is not read from the environment. Leave empty to keep the "
            "stored one; it is never shown again."
        ),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "slug",
            "active",
            "organisations",
            "roles",
            "required",
            "issuer",
            "client_id",
            "client_secret_env",
            "scopes",
            "mfa_amr_values",
            "mfa_acr_values",
            "upn_claim",
            "group_mapping",
            "groups_claim",
        ]
        field_classes = {"issuer": HttpsURLField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["roles"] = self.instance.role_list

    def clean_roles(self) -> str:
        return ",".join(self.cleaned_data["roles"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_secret = bool(
            cleaned.get("client_secret")
            or cleaned.get("client_secret_env")
            or self.instance.client_secret_encrypted
        )
        if not has_secret:
            self.add_error(
                "client_secret",
                _("Give the client secret, or the environment variable that holds it."),
            )
        return cleaned

    def save(self, commit: bool = True) -> IdentityProvider:
        provider = super().save(commit=False)
        secret = self.cleaned_data.get("client_secret")
        if secret:
            provider.set_client_secret(secret)
        elif provider.client_secret_env:
            provider.client_secret_encrypted = ""
        if commit:
            provider.save()
            self.save_m2m()
        return provider


class GroupMappingInline(admin.TabularInline):
    model = GroupMapping
    extra = 0
    filter_horizontal = ("processes",)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    form = IdentityProviderForm
    list_display = ("name", "issuer", "active", "required")
    list_filter = ("active", "required")
    filter_horizontal = ("organisations",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [GroupMappingInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "active", "organisations", "roles", "required")}),
        (
            _("Connection"),
            {"fields": ("issuer", "client_id", "client_secret_env", "client_secret", "scopes")},
        ),
        (_("Second factor"), {"fields": ("mfa_amr_values", "mfa_acr_values")}),
        (_("Accounts"), {"fields": ("upn_claim", "group_mapping", "groups_claim")}),
    )


@admin.register(ProviderIdentity)
class ProviderIdentityAdmin(admin.ModelAdmin):
    """The links made at first sign-ins; deleting one makes the next sign-in match anew."""

    list_display = ("user", "provider", "linked_at", "last_login")
    list_filter = ("provider",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "provider")
    readonly_fields = ("provider", "user", "subject", "linked_at", "last_login")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
