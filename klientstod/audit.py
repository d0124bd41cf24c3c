"""The audit log: every change to a person's records, and every read of them.

Changes are recorded by django-auditlog for the models registered here, with the
values before and after (the personnummer masked). Reads are recorded by the
views through ``record_access``, always against the Client, so that "who has
looked at this client?" is one query. The actor and the address come from
auditlog's middleware.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Client

#: The pages and documents whose reads are logged; stored untranslated, shown translated.
PAGES = [
    gettext_noop("case page"),
    gettext_noop("client page"),
    gettext_noop("client form"),
    gettext_noop("letter PDF"),
    gettext_noop("FIA page"),
    gettext_noop("FIA PDF"),
    gettext_noop("self-assessment"),
    gettext_noop("bibliotherapy participant"),
    gettext_noop("personnummer check"),
]


def action_label(action: int) -> str:
    return {
        LogEntry.Action.CREATE: _("Created"),
        LogEntry.Action.UPDATE: _("Changed"),
        LogEntry.Action.DELETE: _("Deleted"),
        LogEntry.Action.ACCESS: _("Read"),
    }.get(action, str(action))


#: The models holding a person's data, by app label and model name. The other
#: apps' models are named here (not imported) so that the core imports none of them.
AUDITED: dict[str, dict[str, dict[str, Any]]] = {
    "klientstod": {
        "client": {"exclude_fields": ["personnummer_encrypted"]},
        "case": {},
        "meeting": {},
        "consent": {},
    },
    "referrals": {
        "referral": {"exclude_fields": ["personnummer_encrypted"]},
        "letter": {},
        "consultation": {},
        "consultationmessage": {},
    },
    "interventions": {
        "fiainterview": {},
        "planitem": {},
        "selfassessment": {},
        "answer": {},
        "bibliotherapyoffer": {},
        "intervention": {},
        "collaborationcontact": {},
    },
}


def register_models() -> None:
    for app_label, models in AUDITED.items():
        for model_name, options in models.items():
            model = apps.get_model(app_label, model_name)
            if not auditlog.contains(model):
                auditlog.register(model, **options)


def record_access(client: Client, what: str, obj: Any = None) -> None:
    """Log that the request's user read this client's data, and on which page or document."""
    assert what in PAGES, what
    detail = {"page": what}
    if obj is not None:
        detail["object"] = f"{obj._meta.model_name}:{obj.pk}"
    LogEntry.objects.log_create(
        client, force_log=True, action=LogEntry.Action.ACCESS, additional_data=detail
    )
