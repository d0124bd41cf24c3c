"""Identity providers in the administration: the client secret, the form, the audit log.

Against the real OpenID Provider on this machine (tests/oidc.py).
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from klientstod.models import Role
from klientstod.sso.admin import IdentityProviderForm
from klientstod.sso.models import IdentityProvider, ProviderIdentity

from .factories import OrganisationFactory
from .sso_helpers import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sso_clients")]


# Configuration ----------------------------------------------------------------------------


def test_the_client_secret_is_read_only_from_klientstods_own_variables(monkeypatch, kommun):
    provider = IdentityProvider(name="K", slug="k", issuer="https://idp.example/", client_id="c")
    provider.client_secret_env = "DJANGO_SECRET_KEY"
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert "client_secret_env" in error.value.message_dict
    assert provider.client_secret() == ""
    monkeypatch.setenv("KLIENTSTOD_OIDC_BASTAD_SECRET", "from-the-environment")
    provider.client_secret_env = "KLIENTSTOD_OIDC_BASTAD_SECRET"
    provider.full_clean()
    assert provider.client_secret() == "from-the-environment"


def test_a_stored_client_secret_is_encrypted(kommun):
    form = IdentityProviderForm(
        data={
            "name": "Båstads kommun",
            "slug": "bastad",
            "active": "on",
            "issuer": "https://login.microsoftonline.com/tenant/v2.0",
            "client_id": "app-id",
            "client_secret": "hemligt-värde",
            "scopes": "openid email profile",
            "organisations": [kommun.pk],
            "mfa_amr_values": "mfa",
            "upn_claim": "upn",
            "groups_claim": "groups",
        }
    )
    assert form.is_valid(), form.errors
    provider = form.save()
    assert "hemligt" not in provider.client_secret_encrypted
    assert provider.client_secret() == "hemligt-värde"
    # Saved again without a secret: the stored one stays.
    again = IdentityProviderForm(data={**form.data, "client_secret": ""}, instance=provider)
    assert again.is_valid(), again.errors
    assert again.save().client_secret() == "hemligt-värde"


def test_an_issuer_must_be_https_in_production(settings):
    settings.KLIENTSTOD_OIDC_ALLOW_HTTP = False
    provider = IdentityProvider(name="K", slug="k", issuer="http://idp.example/", client_id="c")
    provider.client_secret_env = "KLIENTSTOD_OIDC_K"
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert "issuer" in error.value.message_dict


def test_the_administrator_sets_a_provider_up_in_the_administration(admin_client_, kommun):
    add = reverse("admin:sso_identityprovider_add")
    assert admin_client_.get(add).status_code == 200
    response = admin_client_.post(
        add,
        {
            "name": "Båstads kommun",
            "slug": "bastad",
            "active": "on",
            "organisations": [kommun.pk],
            "roles": [Role.COORDINATOR, Role.REFERRER],
            "issuer": "https://login.microsoftonline.com/tenant/v2.0",
            "client_id": "app-id",
            "client_secret_env": "KLIENTSTOD_OIDC_BASTAD",
            "scopes": "openid email profile",
            "mfa_amr_values": "mfa",
            "upn_claim": "upn",
            "groups_claim": "groups",
            "group_mappings-TOTAL_FORMS": "0",
            "group_mappings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    provider = IdentityProvider.objects.get(slug="bastad")
    assert list(provider.organisations.all()) == [kommun]
    assert provider.role_list == [Role.COORDINATOR, Role.REFERRER]
    change = admin_client_.get(reverse("admin:sso_identityprovider_change", args=[provider.pk]))
    assert change.context["adminform"].form["roles"].value() == [Role.COORDINATOR, Role.REFERRER]
    assert not provider.required
    assert not provider.group_mapping
    for name in ("sso_identityprovider_changelist", "sso_provideridentity_changelist"):
        assert admin_client_.get(reverse(f"admin:{name}")).status_code == 200


def test_who_changed_a_provider_or_removed_a_link_is_in_the_audit_log(
    admin_client_, users, client, oidc_provider, provider, worker
):
    admin = users[Role.ADMIN]
    sign_in(client, oidc_provider, provider, sub="oid-31", email=worker.email)
    link = ProviderIdentity.objects.get()
    [made] = changes_of(link)  # made at the sign-in, as its linked event says
    assert (made.action, made.changes["subject"]) == (LogEntry.Action.CREATE, [None, None])
    old_secret = provider.client_secret_encrypted
    organisation = OrganisationFactory(name="Torekovs samordningsförbund")
    before = LogEntry.objects.order_by("pk").last().pk
    url = reverse("admin:sso_identityprovider_change", args=[provider.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {
        **{name: value for name, value in form.initial.items() if value is not None},
        "organisations": [provider.organisations.get().pk, organisation.pk],
        "roles": [Role.STEERING],
        "client_id": "ett-nytt-klient-id",
        "client_secret": "en-ny-hemlighet-99",
        "required": "on",
        "group_mappings-TOTAL_FORMS": "1",
        "group_mappings-INITIAL_FORMS": "0",
        "group_mappings-0-group": "g-styrgrupp",
        "group_mappings-0-organisation": organisation.pk,
        "group_mappings-0-role": Role.STEERING,
    }
    for name in ("active", "group_mapping"):
        data.pop(name) if not data.get(name) else data.update({name: "on"})
    response = admin_client_.post(url, data, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 302, response.context["adminform"].form.errors
    delete = reverse("admin:sso_provideridentity_delete", args=[link.pk])
    assert admin_client_.post(delete, {"post": "yes"}, REMOTE_ADDR="10.3.3.3").status_code == 302
    provider.refresh_from_db()
    assert provider.client_secret() == "en-ny-hemlighet-99"

    changed = [e for e in changes_of(provider) if e.pk > before]
    assert changed
    assert {(e.actor, e.remote_addr) for e in changed} == {(admin, "10.3.3.3")}
    fields = {name: value for e in changed for name, value in e.changes.items()}
    assert fields["required"] == ["False", "True"]
    assert fields["client_id"] == fields["client_secret_encrypted"] == [None, None]
    assert fields["organisations"]["objects"] == ["Torekovs samordningsförbund"]
    [mapping] = changes_of(provider.group_mappings.get())
    assert (mapping.actor, mapping.changes["role"]) == (admin, ["None", Role.STEERING])
    removed = changes_of(link)[-1]
    assert (removed.action, removed.actor) == (LogEntry.Action.DELETE, admin)
    assert removed.changes["user"] == [str(worker.pk), "None"]

    # The secret, typed or stored, is nowhere in the log, nor on its page.
    page = admin_client_.get(reverse("klientstod:audit-log"), {"action": "change"})
    body = page.content.decode()
    text = " ".join(
        f"{e.changes} {e.changes_text} {e.additional_data} {e.serialized_data}"
        for e in LogEntry.objects.all()
    )
    for secret in ("en-ny-hemlighet-99", old_secret, provider.client_secret_encrypted):
        assert secret not in text
        assert secret not in body
    assert "oid-31" not in text
    assert "oid-31" not in body
    assert f"Identitetsleverantör {provider.pk} (Båstads kommun)" in body
    changed_secret = (
        'Klienthemlighet, lagras krypterad</strong>: <span class="text-body-secondary">ändrat'
    )
    assert changed_secret in body


def changes_of(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.get_for_object(obj)
        .exclude(action=LogEntry.Action.ACCESS)
        .select_related("actor")
        .order_by("pk")
    )


def test_the_audit_log_page_names_the_sign_ins(admin_client_, client, oidc_provider, provider):
    sign_in(client, oidc_provider, provider, sub="nobody", email="okand@bastad.se")
    page = admin_client_.get(reverse("klientstod:audit-log")).content.decode()
    assert "Inloggning via identitetsleverantör nekad" in page
    assert f"Inget konto matchar · identitetsleverantör {provider.pk}" in page
