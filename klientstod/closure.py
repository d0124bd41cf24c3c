"""What is still open on a case when it closes, and how each thing is ended at closure.

The closing page lists every open item of the case: the core's booked meetings, and
what the apps register (FIA, interventions, bibliotherapy, the final self-assessment).
Each app registers a provider, ``(case, closed_on) -> list[OpenItem]``, from its
``AppConfig.ready()``. An item offers the ways it can be ended right on the closing page
(``choices``); ``case_close`` applies the coordinator's choices, dated the closing day, in
the same transaction as the closing itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Case, Meeting, MeetingCancelReason, MeetingStatus

if TYPE_CHECKING:
    from .models import User

#: Ends an item with the chosen value, dated the closing day, by the user.
Ender = Callable[[str, datetime.date, "User"], None]


@dataclass(frozen=True)
class OpenItem:
    """One thing still open on a case that is to be closed."""

    #: Unique on the page; the name of its field in the closing form.
    key: str
    #: The heading it is listed under ("Booked meetings", "FIA", …).
    group: str
    #: What it is, without the client's name: "Alliance meeting 2026-12-02 10:00".
    label: str
    #: Its own page, where it can be seen or changed.
    url: str
    #: The ways it can be ended on the closing page: (value, label). None: on its page only.
    choices: tuple[tuple[str, str], ...] = ()
    #: What to do when it cannot be ended here, or what is missing.
    hint: str = ""
    #: Whether the case waits for it: a booked meeting does, the final self-assessment not.
    blocking: bool = True
    end: Ender | None = field(default=None, compare=False, repr=False)

    @property
    def values(self) -> set[str]:
        return {value for value, _label in self.choices}


Provider = Callable[[Case, datetime.date], list[OpenItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def open_items(case: Case, closed_on: datetime.date) -> list[OpenItem]:
    """Everything still open on ``case`` if it closes on ``closed_on``; a query or two each."""
    return [item for provider in _providers for item in provider(case, closed_on)]


class ClosureBlocked(ValidationError):
    """The case cannot close yet: ``items`` are open and were not given an ending."""

    def __init__(self, items: list[OpenItem]) -> None:
        errors: dict[str, list[str]] = {}
        for item in items:
            if item.choices:
                errors[item.key] = [_("Choose how it ends, or end it on its own page.")]
        errors["__all__"] = [
            ngettext(
                "The case cannot be closed yet: %(count)d thing is still open.",
                "The case cannot be closed yet: %(count)d things are still open.",
                len(items),
            )
            % {"count": len(items)}
        ]
        super().__init__(errors)
        self.items = items


def end_items(
    items: list[OpenItem], endings: dict[str, str], closed_on: datetime.date, by: User
) -> None:
    """End each item the coordinator chose an ending for; refuse if a blocking one has none.

    Runs inside the closing's transaction: if ending one fails, nothing is saved.
    """
    blocked = [i for i in items if i.blocking and endings.get(i.key) not in i.values]
    if blocked:
        raise ClosureBlocked(blocked)
    for item in items:
        choice = endings.get(item.key)
        if item.end is None or choice not in item.values:
            continue
        try:
            item.end(choice, closed_on, by)
        except ValidationError as error:
            raise ValidationError({item.key: error.messages}) from error


# The core's part: the case's booked meetings. -------------------------------------------------


def cancellable_at_closing(meeting: Meeting, closed_on: datetime.date) -> bool:
    """A booked meeting may be cancelled at closing unless it took place by the closing
    day: then it may have been held, and its outcome is recorded first."""
    return not meeting.has_started() or timezone.localtime(meeting.starts_at).date() > closed_on


def _cancel_meeting(pk: int) -> Ender:
    def end(choice: str, closed_on: datetime.date, by: User) -> None:
        locked = Meeting.objects.select_for_update().get(pk=pk)
        if locked.status != MeetingStatus.BOOKED:
            raise ValidationError(_("The meeting is no longer booked: reload the page."))
        locked.status = MeetingStatus.CANCELLED_BY_US
        locked.cancel_reason = MeetingCancelReason.CASE_CLOSED
        locked.outcome_recorded_at = timezone.now()
        locked.save(update_fields=["status", "cancel_reason", "outcome_recorded_at", "updated_at"])

    return end


@register
def booked_meetings(case: Case, closed_on: datetime.date) -> list[OpenItem]:
    items = []
    cancel = (("cancel", _("Cancel it: cancelled by us, because the case is closed")),)
    for meeting in case.meetings.booked().order_by("starts_at", "pk"):
        when = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}"
        label = _("%(kind)s %(time)s, booked") % {"kind": meeting.get_kind_display(), "time": when}
        if cancellable_at_closing(meeting, closed_on):
            items.append(
                OpenItem(
                    key=f"meeting-{meeting.pk}",
                    group=_("Booked meetings"),
                    label=label,
                    url=reverse("klientstod:meeting-update", args=[meeting.pk]),
                    choices=cancel,
                    end=_cancel_meeting(meeting.pk),
                )
            )
        else:
            items.append(
                OpenItem(
                    key=f"meeting-{meeting.pk}",
                    group=_("Booked meetings"),
                    label=label,
                    url=reverse("klientstod:meeting-outcome", args=[meeting.pk]),
                    hint=_(
                        "Its time has passed: record what happened first (it may have been held)."
                    ),
                )
            )
    return items
