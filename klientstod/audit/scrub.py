"""What an entry may hold: every entry passes ``scrub`` on its way into the table."""

from __future__ import annotations

import re
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.signals import pre_save

from .registry import ERASED, _audited, _events, _pages, _reasons

Action = LogEntry.Action

# What an entry may hold -------------------------------------------------------------------

OPS = ("add", "delete")
ACTIONS = ("access", "change")
FILTERS = ("action", "user", "client", "start", "end", "page")
_OBJECT = re.compile(r"[a-z_]+:\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _pair(value: Any) -> tuple[Any, Any]:
    """A change's (old, new), or (None, None) for anything else."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None, None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def value_is_kept(model_field: Any, value: Any) -> bool:
    """Whether the log may keep this value of the field: a code, a yes/no or a record's id.

    Values reach the log as text (auditlog's ``str()`` of the value, "None" for none).
    A code must be one of the field's choices, so nothing else can travel under its name.
    """
    if model_field is None or not isinstance(value, str):
        return False
    if value == "None":
        return True
    if getattr(model_field, "choices", None):
        return value == "" or value in {str(code) for code, _label in model_field.flatchoices}
    if isinstance(model_field, models.BooleanField):
        return value in ("True", "False")
    if model_field.many_to_one or model_field.one_to_one:
        return value.isdigit()
    return False


def scrub_changes(
    model: type[models.Model] | None, changes: Any, action: int
) -> dict[str, Any] | None:
    """The changes as the log keeps them: field names, and only the values ``value_is_kept``."""
    if not isinstance(changes, dict):
        return None
    audited = _audited.get(model) if model is not None else None
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        model_field = _field(model, name)
        if isinstance(value, dict):  # a many-to-many change, auditlog's shape
            # The names of the records added or removed, where the app registered the
            # field: processes, groups and permissions of a user.
            listed = audited is not None and name in audited.m2m
            clean[name] = {
                "type": "m2m",
                "operation": value.get("operation") if value.get("operation") in OPS else "",
                "objects": [str(o) for o in value.get("objects", [])] if listed else [],
            }
            continue
        if model_field is not None and not model_field.concrete:
            continue  # a reverse relation, which auditlog lists on a record made
        old, new = _pair(value)
        # A record made or deleted lists its fields from or to nothing: only those with a value.
        if (action == Action.CREATE and new in ("", "None")) or (
            action == Action.DELETE and old in ("", "None")
        ):
            continue
        kept = all(v is None or value_is_kept(model_field, v) for v in (old, new))
        clean[name] = [old, new] if kept else [None, None]
    return clean or None


def _filter_value(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and (bool(_DATE.fullmatch(value)) or value in ACTIONS)


def scrub_additional(data: Any) -> dict[str, Any] | None:
    """A read's extra data: the page, the ids shown, a count of hits, the log's filters."""
    if not isinstance(data, dict):
        return None
    clean: dict[str, Any] = {}
    if data.get("page") in _pages:
        clean["page"] = data["page"]
    if isinstance(data.get("object"), str) and _OBJECT.fullmatch(data["object"]):
        clean["object"] = data["object"]
    hits = data.get("hits")
    if isinstance(hits, int) and not isinstance(hits, bool):
        clean["hits"] = hits
    if isinstance(data.get("filters"), dict):
        clean["filters"] = {
            key: value
            for key, value in data["filters"].items()
            if key in FILTERS and _filter_value(value)
        }
    if data.get("event") == ERASED or data.get("event") in _events:
        clean["event"] = data["event"]
    if data.get("reason") in _reasons:
        clean["reason"] = data["reason"]
    provider = data.get("provider")
    if isinstance(provider, int) and not isinstance(provider, bool):
        clean["provider"] = provider
    if isinstance(data.get("mfa"), bool):
        clean["mfa"] = data["mfa"]
    return clean or None


def object_repr(content_type: ContentType, object_pk: Any) -> str:
    return (
        f"{content_type.model}:{object_pk}" if object_pk not in (None, "") else content_type.model
    )


def scrub(entry: LogEntry) -> LogEntry:
    """Make ``entry`` hold only what the log may keep (see the module's docstring)."""
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    model = content_type.model_class()
    entry.object_repr = object_repr(content_type, entry.object_pk)
    entry.changes = scrub_changes(model, entry.changes, entry.action)
    entry.changes_text = ""
    entry.serialized_data = None
    entry.additional_data = scrub_additional(entry.additional_data)
    return entry


def _scrub_before_save(sender: Any, instance: LogEntry, **kwargs: Any) -> None:
    """Every entry, whoever writes it (auditlog's receivers or ours), is scrubbed first.

    A signal because auditlog writes its entries itself; this is the one place where
    the log's content is decided, whatever the writer.
    """
    scrub(instance)


def connect() -> None:
    pre_save.connect(_scrub_before_save, sender=LogEntry, dispatch_uid="klientstod-audit-scrub")
