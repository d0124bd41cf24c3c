"""Template filters for referrals, given the day the page was drawn."""

from __future__ import annotations

import datetime

from django import template

from ..models import Referral

register = template.Library()


@register.filter
def days_waiting(referral: Referral, today: datetime.date) -> int:
    return referral.days_waiting(today)


@register.filter
def waits_long(referral: Referral, today: datetime.date) -> bool:
    return referral.waits_long(today)
