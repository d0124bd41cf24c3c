"""Which account a provider's sign-in is: the administrator's accounts, matched and linked.

- Once linked, by the provider's subject (``sub``), which the provider never reuses.
- The first time, by a verified e-mail address (``email`` with ``email_verified``) or
  the UPN claim, against the e-mail and user name of the accounts of the provider's own
  organisations, exactly one of them, not yet linked to another subject of the provider;
  the subject is then linked to it.
- Never an account or a role of its own making, unless the administrator turned on the
  provider's group mapping; then the groups claim gives the role and processes (never
  the administrator's), a user in none of the mapped groups is refused, and a user
  whom no account matches gets one, in the mapping's organisation.
- A deactivated account is refused, whichever way it was found, and so is an account
  of a role the provider does not serve (when the administrator chose its roles).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from klientstod.models import Role, User

from . import events
from .models import GroupMapping, IdentityProvider, ProviderIdentity


class SignInRefused(Exception):
    def __init__(self, reason: str, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


@dataclass
class SignIn:
    user: User
    linked: bool = False
    created: bool = False


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name) if name else None
    return value.strip() if isinstance(value, str) else ""


def _first_match(provider: IdentityProvider, claims: dict[str, Any]) -> User | None:
    email = _text(claims, "email") if claims.get("email_verified") is True else ""
    upn = _text(claims, provider.upn_claim)
    condition = Q()
    if email:
        condition |= Q(email__iexact=email)
    if upn:
        condition |= Q(email__iexact=upn) | Q(username__iexact=upn)
    if not condition:
        return None
    found = list(
        User.objects.filter(condition, organisation__in=provider.organisations.all())
        .exclude(provider_identities__provider=provider)
        .distinct()[:2]
    )
    if len(found) > 1:
        raise SignInRefused(events.AMBIGUOUS_ACCOUNT)
    return found[0] if found else None


def _mapping(provider: IdentityProvider, claims: dict[str, Any]) -> GroupMapping:
    groups = claims.get(provider.groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = (
        provider.group_mappings.filter(group__in=[str(g) for g in groups])
        .prefetch_related("processes")
        .first()
    )
    if mapping is None:
        raise SignInRefused(events.NO_GROUP)
    return mapping


def _new_account(provider: IdentityProvider, claims: dict[str, Any], mapping: GroupMapping) -> User:
    email = _text(claims, "email") if claims.get("email_verified") is True else ""
    username = _text(claims, provider.upn_claim) or email
    if not username or User.objects.filter(username__iexact=username).exists():
        raise SignInRefused(events.AMBIGUOUS_ACCOUNT if username else events.UNKNOWN_ACCOUNT)
    user = User(
        username=username[:150],
        email=email,
        first_name=_text(claims, "given_name")[:150],
        last_name=_text(claims, "family_name")[:150],
        organisation=mapping.organisation,
        role=mapping.role,
    )
    user.set_unusable_password()
    user.save()
    return user


def _apply_mapping(user: User, mapping: GroupMapping) -> None:
    """The mapping's role and processes; an administrator's account is left as it is."""
    if user.role == Role.ADMIN or user.is_staff:
        return
    if user.role != mapping.role:
        user.role = mapping.role
        user.save(update_fields=["role"])
    wanted = {p.pk for p in mapping.processes.all()}
    if set(user.processes.values_list("pk", flat=True)) != wanted:
        user.processes.set(wanted)


def sign_in(provider: IdentityProvider, claims: dict[str, Any]) -> SignIn:
    """The account of a verified ID token's claims, linked if it was not; or refused."""
    subject = _text(claims, "sub")
    if not subject:
        raise SignInRefused(events.UNKNOWN_ACCOUNT)
    with transaction.atomic():
        identity = (
            ProviderIdentity.objects.select_related("user")
            .select_for_update()
            .filter(provider=provider, subject=subject)
            .first()
        )
        result: SignIn
        if identity is not None:
            result = SignIn(identity.user)
        else:
            user = _first_match(provider, claims)
            mapping = _mapping(provider, claims) if provider.group_mapping else None
            if user is None and mapping is not None:
                result = SignIn(_new_account(provider, claims, mapping), created=True)
            elif user is None:
                raise SignInRefused(events.UNKNOWN_ACCOUNT)
            else:
                result = SignIn(user)
        user = result.user
        if not user.is_active:
            raise SignInRefused(events.INACTIVE, user)
        organisation = user.organisation_id
        if organisation is None or not provider.organisations.filter(pk=organisation).exists():
            # Linked once, since moved to an organisation the provider does not serve.
            raise SignInRefused(events.UNKNOWN_ACCOUNT, user)
        if provider.group_mapping:
            _apply_mapping(user, _mapping(provider, claims))
        if not provider.serves_role(user.role):
            raise SignInRefused(events.ROLE_NOT_SERVED, user)
        now = timezone.now()
        if identity is None:
            try:
                with transaction.atomic():
                    ProviderIdentity.objects.create(
                        provider=provider, user=user, subject=subject, last_login=now
                    )
            except IntegrityError:
                raise SignInRefused(events.AMBIGUOUS_ACCOUNT, user) from None
            result.linked = True
        else:
            ProviderIdentity.objects.filter(pk=identity.pk).update(last_login=now)
    return result
