"""Which models the log audits, which records it may name, and which pages it knows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import Client

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
