"""Finding a client's entries, gallring them, and reading the log as the administrator."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Client, User
from .registry import ERASED, _audited, _events, _named, _reasons, action_label
from .scrub import FILTERS, _field, _pair, scrub

Action = LogEntry.Action

# Finding a client's entries, and gallring ------------------------------------------------


def of_client(client_id: int) -> Q:
    """The entries about a client: their record, and every registered record of theirs."""
    client = Client.objects.filter(pk=client_id).first()
    client_type = ContentType.objects.get_for_model(Client)
    if client is None:
        return Q(content_type=client_type, object_id=client_id)
    paths = {model: audited.of_client for model, audited in _audited.items() if audited.of_client}
    types = ContentType.objects.get_for_models(*paths)
    condition = Q()
    for model, path in paths.items():
        rows = model._base_manager.filter(path(client)).values("pk")
        condition |= Q(content_type=types[model], object_id__in=rows)
    return condition


def entries(
    *,
    user: User | None = None,
    action: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    client: int | None = None,
) -> QuerySet[LogEntry]:
    """The log, newest first, filtered as the administrator asked."""
    found = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if user is not None:
        found = found.filter(actor=user)
    if action == "access":
        found = found.filter(action=Action.ACCESS)
    elif action == "change":
        found = found.exclude(action=Action.ACCESS)
    if start:
        found = found.filter(timestamp__date__gte=start)
    if end:
        found = found.filter(timestamp__date__lte=end)
    if client:
        found = found.filter(of_client(client))
    return found


#: Entries on a page of the log.
PAGE_SIZE = 50


def log_page(filters: Mapping[str, Any], number: Any) -> tuple[Page, list[Row]]:
    """A page of the log as the administrator filtered it, and its entries described."""
    page = Paginator(entries(**filters), PAGE_SIZE).get_page(number)
    return page, describe(page.object_list)


def scrub_client(client: Client) -> int:
    """Gallring: go over the client's entries again; the event, actor, time and ids stay.

    Entries written before the log kept no personal data, or by any path that escaped
    ``scrub``, lose here whatever could still name the person. Returns how many changed.
    """
    fields = ["object_repr", "changes", "changes_text", "serialized_data", "additional_data"]
    changed = []
    for entry in LogEntry.objects.filter(of_client(client.pk)).iterator(chunk_size=500):
        before = [getattr(entry, name) for name in fields]
        scrub(entry)
        if [getattr(entry, name) for name in fields] != before:
            changed.append(entry)
    LogEntry.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def record_erasure(client: Client) -> None:
    LogEntry(
        content_type=ContentType.objects.get_for_model(Client),
        object_pk=str(client.pk),
        object_id=client.pk,
        action=Action.UPDATE,
        additional_data={"event": ERASED},
        cid=get_cid(),
    ).save()


# Reading the log ------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    #: "Active → Closed", "added: Process A"; empty when only the fact of a change is kept.
    text: str = ""


@dataclass
class Row:
    entry: LogEntry
    action: str
    record: str
    what: str = ""
    changes: list[Change] = field(default_factory=list)
    #: For an entry about a client: their id, for the "who has read" link.
    client_id: str | None = None


def _record_label(model: type[models.Model] | None, pk: Any, names: Mapping[Any, str]) -> str:
    if model is None:
        return str(pk)
    if model is LogEntry:
        return _("Audit log")
    if pk in (None, ""):
        return str(capfirst(model._meta.verbose_name_plural))
    label = f"{capfirst(model._meta.verbose_name)} {pk}"
    name = names.get((model, str(pk)))
    return f"{label} ({name})" if name else label


def _field_label(model: type[models.Model] | None, name: str) -> str:
    audited = _audited.get(model) if model is not None else None
    if audited is not None and name in audited.labels:
        return str(capfirst(audited.labels[name]))
    model_field = _field(model, name)
    verbose = getattr(model_field, "verbose_name", None)
    return str(capfirst(verbose)) if verbose else name.replace("_", " ")


def _value_label(model_field: Any, value: str | None, names: Mapping[Any, str]) -> str:
    if value in (None, "None", ""):
        return "–"
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value == "True" else _("No")
    if model_field is not None and (model_field.many_to_one or model_field.one_to_one):
        related = model_field.related_model
        return names.get((related, value)) or _record_label(related, value, {})
    return str(value)


def _names(rows: list[tuple[LogEntry, type[models.Model] | None]]) -> dict[Any, str]:
    """The names of the register records the entries point to (processes, partners, users).

    Only the models registered with ``register_names`` are looked up, one query for each;
    any other record, a person's above all, shows as its type and id.
    """
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry, model in rows:
        if model in _named and entry.object_pk:
            wanted[model].add(entry.object_pk)  # type: ignore[index]
        user = ((entry.additional_data or {}).get("filters") or {}).get("user")
        if isinstance(user, int):
            wanted[User].add(str(user))
        for name, value in (entry.changes or {}).items():
            model_field = _field(model, name)
            if (
                isinstance(value, list)
                and model_field is not None
                and (model_field.many_to_one or model_field.one_to_one)
            ):
                related = model_field.related_model
                if related in _named:
                    wanted[related].update(v for v in value if isinstance(v, str) and v.isdigit())
    names: dict[Any, str] = {}
    for model, pks in wanted.items():
        for pk, obj in model._base_manager.in_bulk([int(pk) for pk in pks]).items():
            names[(model, str(pk))] = str(obj)
    return names


def describe(page: Iterable[LogEntry]) -> list[Row]:
    """The entries of a page of the log as the administrator reads them."""
    listed = [(entry, entry.content_type.model_class()) for entry in page]
    names = _names(listed)
    rows = []
    for entry, model in listed:
        event = (entry.additional_data or {}).get("event")
        row = Row(
            entry=entry,
            action=str(capfirst(_(_events[event])))
            if event in _events
            else action_label(entry.action),
            record=_record_label(model, entry.object_pk, names),
            client_id=entry.object_pk if model is Client and entry.object_pk else None,
        )
        row.what = _what(entry.additional_data or {}, names)
        for name, value in sorted((entry.changes or {}).items(), key=_in_form_order(model)):
            label = _field_label(model, name)
            if isinstance(value, dict):
                objects = ", ".join(value.get("objects", []))
                verb = _("added") if value.get("operation") == "add" else _("removed")
                row.changes.append(Change(label, f"{verb}: {objects}" if objects else verb))
                continue
            old, new = _pair(value)
            if old is None and new is None:
                row.changes.append(Change(label))
            else:
                model_field = _field(model, name)
                before = _value_label(model_field, old, names)
                after = _value_label(model_field, new, names)
                row.changes.append(Change(label, f"{before} → {after}"))
        rows.append(row)
    return rows


def _in_form_order(model: type[models.Model] | None) -> Callable[[tuple[str, Any]], int]:
    """Changes in the order of the model's fields, as its forms show them."""
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model else {}
    return lambda item: order.get(item[0], len(order))


def _what(data: Mapping[str, Any], names: Mapping[Any, str]) -> str:
    parts = []
    if data.get("event") == ERASED:
        parts.append(_("erased (gallring)"))
    if data.get("reason") in _reasons:
        parts.append(str(capfirst(_(_reasons[data["reason"]]))))
    if "provider" in data:
        parts.append(_("identity provider %(id)s") % {"id": data["provider"]})
    if data.get("mfa") is True:
        parts.append(_("multi-factor at the provider"))
    if data.get("page"):
        parts.append(str(capfirst(_(data["page"]))))
    if data.get("object"):
        model_name, _sep, pk = data["object"].partition(":")
        model = next((m for m in _audited if m._meta.model_name == model_name), None)
        parts.append(_record_label(model, pk, {}) if model else data["object"])
    if "hits" in data:
        parts.append(ngettext("%(n)s hit", "%(n)s hits", data["hits"]) % {"n": data["hits"]})
    filters = data.get("filters")
    if filters is not None:
        label = _filters_label(filters, names)
        parts.append(_("filters: %(filters)s") % {"filters": label} if label else _("no filters"))
    return " · ".join(parts)


def _filters_label(filters: Mapping[str, Any], names: Mapping[Any, str]) -> str:
    """The filters of a view of the log, in the form's order: "reads, client 42, from …"."""
    actions = {"access": _("reads"), "change": _("changes")}
    user = filters.get("user")
    shown = {
        "user": f"{_('user')} {names.get((User, str(user))) or user}",
        "action": actions.get(filters.get("action", ""), ""),
        "client": f"{_('client')} {filters.get('client')}",
        "start": f"{_('from')} {filters.get('start')}",
        "end": f"{_('to')} {filters.get('end')}",
        "page": f"{_('page')} {filters.get('page')}",
    }
    return ", ".join(
        shown[key]
        for key in FILTERS
        if key in filters and not (key == "page" and filters[key] == 1)
    )
