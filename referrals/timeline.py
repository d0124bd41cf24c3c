"""The referral's events on the case timeline."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from klientstod.dates import local_time
from klientstod.models import Case
from klientstod.timeline import TimelineEvent, register

from .models import Referral


@register
def referral_events(case: Case) -> Iterable[TimelineEvent]:
    for referral in Referral.objects.filter(case=case).select_related(
        "organisation", "unit__organisation"
    ):
        source = str(referral.unit or referral.organisation)
        yield TimelineEvent(
            at=local_time(referral.received_on),
            title=_("Referral received"),
            kind="referral",
            details=[
                _("%(reference)s from %(source)s")
                % {"reference": referral.reference, "source": source}
            ],
            text=referral.reason,
            all_day=True,
        )
