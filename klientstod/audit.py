"""The audit log: who did what to whom, never the data itself (SPEC §5).

django-auditlog records the changes of the models that the apps register here
(``register``, each from its own ``AppConfig.ready()``); the views record the reads
(``record_read``, ``record_reads``, ``record_search``). Whoever writes an entry, it
passes ``scrub`` on its way into the table, so that the log holds:

- for a change, the names of the fields that changed, and a value only where it is a
  code from a fixed list (a status, an outcome), a yes/no or the id of another record;
  any other value (free text, names, contact details, dates, the personnummer) is kept
  as "changed" without it (``None``);
- the record by its type and id ("client:42"), never by ``str()``, which for a client
  is their name;
- for a read, the page and the ids of what was shown; for a search, the number of hits,
  never the words searched for. Nothing is serialised.

The administrator reads the log on /audit/ (``entries`` and ``describe``): the fields
by their labels, the codes by their names, in local time; each view of the log is an
entry of its own. Gallring (``scrub_client``) goes over an erased client's entries once
more, keeping the event, the actor, the time and the ids.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from .models import Client, User

Action = LogEntry.Action

# The registry ---------------------------------------------------------------------------------

#: How to find the rows of a model that belong to a client: a lookup path to the client
#: ("case__client"), or a function giving the condition; None for records about no client.
ClientPath = str | Callable[[Client], Q] | None


@dataclass(frozen=True)
class Audited:
    model: type[models.Model]
    of_client: Callable[[Client], Q] | None
    m2m: frozenset[str] = frozenset()
    labels: Mapping[str, Any] = field(default_factory=dict)


_audited: dict[type[models.Model], Audited] = {}

#: The models whose records the log page may show by name (``str()``): the register of
#: users, processes and partners. Any other record shows as its type and id.
_named: set[type[models.Model]] = set()

#: The pages and documents whose reads are logged: stored untranslated, shown translated.
_pages: set[str] = set()


def register(
    model: type[models.Model],
    *,
    client: ClientPath,
    exclude: Sequence[str] = (),
    m2m: Sequence[str] = (),
    labels: Mapping[str, Any] | None = None,
) -> None:
    """Audit the changes of ``model``: an app calls this from its ``AppConfig.ready()``."""
    if isinstance(client, str):
        path = client

        def of_client(person: Client) -> Q:
            return Q(**{path: person.pk})

    else:
        of_client = client  # type: ignore[assignment]
    # Timestamps the database sets and the primary key say nothing of what was done.
    automatic = [
        f.name
        for f in model._meta.concrete_fields
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    _audited[model] = Audited(model, of_client, frozenset(m2m), dict(labels or {}))
    if not auditlog.contains(model):
        auditlog.register(model, exclude_fields=[*exclude, *automatic], m2m_fields=set(m2m))


def register_names(*named: type[models.Model]) -> None:
    """Let the log page show these models' records by name: they say nothing of a person."""
    _named.update(named)


def register_pages(*names: str) -> None:
    """Name the pages and documents whose reads an app records (marked with gettext_noop)."""
    _pages.update(names)


def audited_models() -> list[type[models.Model]]:
    return list(_audited)


LOG_PAGE = gettext_noop("audit log")
SEARCH_PAGE = gettext_noop("caseload search")
register_pages(
    gettext_noop("case page"),
    gettext_noop("client page"),
    gettext_noop("client form"),
    gettext_noop("personnummer check"),
    LOG_PAGE,
    SEARCH_PAGE,
)

#: Events recorded besides reads and changes.
ERASED = "erased"

#: Events the apps record (``record_event``), such as a login: code → label (gettext_noop).
_events: dict[str, str] = {}
#: Why an event failed: code → label (gettext_noop).
_reasons: dict[str, str] = {}


def register_events(events: Mapping[str, str], reasons: Mapping[str, str] | None = None) -> None:
    """Name the events an app records with ``record_event``, and their reasons' codes."""
    _events.update(events)
    _reasons.update(reasons or {})


def action_label(action: int) -> str:
    return {
        Action.CREATE: _("Created"),
        Action.UPDATE: _("Changed"),
        Action.DELETE: _("Deleted"),
        Action.ACCESS: _("Read"),
    }.get(action, str(action))


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
