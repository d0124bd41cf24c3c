from typing import Any

from django.http import HttpRequest

from klientstod.roles import Role, has_role

from .models import Referral


def waiting_referrals(request: HttpRequest) -> dict[str, Any]:
    """The navigation badge: referrals waiting for the coordinator's decision."""
    user = getattr(request, "user", None)
    if user is None or not has_role(user, Role.COORDINATOR):
        return {}
    return {"waiting_referrals": Referral.objects.visible_to(user).waiting().count()}
