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

from .log import (
    PAGE_SIZE,
    Change,
    Row,
    describe,
    entries,
    log_page,
    of_client,
    record_erasure,
    scrub_client,
)
from .record import (
    record_created,
    record_event,
    record_log_view,
    record_read,
    record_reads,
    record_search,
    record_updated,
)
from .registry import (
    ERASED,
    LOG_PAGE,
    SEARCH_PAGE,
    Audited,
    ClientPath,
    action_label,
    audited_models,
    register,
    register_events,
    register_names,
    register_pages,
)
from .scrub import (
    ACTIONS,
    FILTERS,
    OPS,
    connect,
    object_repr,
    scrub,
    scrub_additional,
    scrub_changes,
    value_is_kept,
)

__all__ = [
    "ACTIONS",
    "ERASED",
    "FILTERS",
    "LOG_PAGE",
    "OPS",
    "PAGE_SIZE",
    "SEARCH_PAGE",
    "Audited",
    "Change",
    "ClientPath",
    "Row",
    "action_label",
    "audited_models",
    "connect",
    "describe",
    "entries",
    "log_page",
    "object_repr",
    "of_client",
    "record_created",
    "record_erasure",
    "record_event",
    "record_log_view",
    "record_read",
    "record_reads",
    "record_search",
    "record_updated",
    "register",
    "register_events",
    "register_names",
    "register_pages",
    "scrub",
    "scrub_additional",
    "scrub_changes",
    "scrub_client",
    "value_is_kept",
]
