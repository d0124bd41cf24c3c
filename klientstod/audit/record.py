"""Writing entries: the reads the views record, and changes made in bulk."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from ..models import Client, User
from .registry import LOG_PAGE, SEARCH_PAGE, _audited, _events, _pages

Action = LogEntry.Action

# Reads ----------------------------------------------------------------------------------------


def _read(subject: models.Model, what: str, obj: models.Model | None) -> LogEntry:
    assert what in _pages, what
    assert type(subject) in _audited, type(subject)
    detail: dict[str, Any] = {"page": what}
    if obj is not None:
        detail["object"] = f"{obj._meta.model_name}:{obj.pk}"
    return LogEntry(
        content_type=ContentType.objects.get_for_model(subject),
        object_pk=str(subject.pk),
        object_id=subject.pk,
        action=Action.ACCESS,
        additional_data=detail,
        cid=get_cid(),
    )


def record_read(subject: models.Model, what: str, obj: models.Model | None = None) -> None:
    """Log that the request's user read a person's data, on which page and of which record.

    ``subject`` is the person's record: their Client, or, for a referral not yet
    actualised, the Referral. ``obj`` is the record shown, when it is another (the case).
    """
    _read(subject, what, obj).save()


def record_reads(shown: Iterable[tuple[models.Model, models.Model | None]], what: str) -> None:
    """Log one read for each (person, record) a list showed, in one insert."""
    _bulk([_read(subject, what, obj) for subject, obj in shown])


def _bulk(entries: list[LogEntry]) -> None:
    """Insert many entries in one query, each prepared as its ``save()`` would prepare it.

    ``bulk_create`` sends no ``pre_save``; sending it here lets auditlog's middleware set
    the request's actor and address (its receiver is connected only during a request)
    and ``scrub`` do its part.
    """
    for entry in entries:
        pre_save.send(
            sender=LogEntry,
            instance=entry,
            raw=False,
            using=LogEntry.objects.db,
            update_fields=None,
        )
    if entries:
        LogEntry.objects.bulk_create(entries)


def _change(obj: models.Model, action: int, changes: dict[str, Any] | None) -> LogEntry:
    return LogEntry(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        object_id=obj.pk,
        action=action,
        changes=changes,
        cid=get_cid(),
    )


def record_created(objs: Iterable[models.Model]) -> None:
    """Log the records a bulk insert made (``bulk_create`` sends auditlog no signal)."""
    _bulk(
        [
            _change(obj, Action.CREATE, model_instance_diff(None, obj))
            for obj in objs
            if type(obj) in _audited
        ]
    )


def record_updated(objs: Iterable[models.Model], **values: Any) -> None:
    """Log a queryset ``update(**values)`` of these records, as they were before it."""
    entries = []
    for obj in objs:
        changes = {
            name: [smart_str(getattr(obj, name)), smart_str(value)]
            for name, value in values.items()
            if getattr(obj, name) != value
        }
        if changes and type(obj) in _audited:
            entries.append(_change(obj, Action.UPDATE, changes))
    _bulk(entries)


def record_search(hits: int) -> None:
    """Log that the caseload was searched and how many cases it found; never the words."""
    LogEntry(
        content_type=ContentType.objects.get_for_model(Client),
        object_pk="",
        action=Action.ACCESS,
        additional_data={"page": SEARCH_PAGE, "hits": hits},
        cid=get_cid(),
    ).save()


def record_log_view(filters: Mapping[str, Any], *, hits: int | None = None) -> None:
    """Log that the administrator looked at the log, and with which filters (ids and dates)."""

    def plain(value: Any) -> Any:  # a user as their id, a date as text
        if isinstance(value, datetime.date):
            return value.isoformat()
        return getattr(value, "pk", value)

    shown = {key: plain(value) for key, value in filters.items() if value not in (None, "")}
    detail: dict[str, Any] = {"page": LOG_PAGE, "filters": shown}
    if hits is not None:
        detail["hits"] = hits
    LogEntry(
        content_type=ContentType.objects.get_for_model(LogEntry),
        object_pk="",
        action=Action.ACCESS,
        additional_data=detail,
        cid=get_cid(),
    ).save()


def record_event(
    event: str, *, user: User | None = None, detail: Mapping[str, Any] | None = None
) -> None:
    """Log an event an app registered: about ``user`` and by them, when one is known.

    ``detail`` holds codes and ids only (``scrub_additional`` keeps nothing else): the
    reason of a failure, the identity provider's id, whether it asserted a second factor.
    """
    assert event in _events, event
    LogEntry(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk) if user is not None else "",
        object_id=user.pk if user is not None else None,
        actor=user,
        action=Action.ACCESS,
        additional_data={**(detail or {}), "event": event},
        cid=get_cid(),
    ).save()
