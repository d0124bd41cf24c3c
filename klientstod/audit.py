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

from .models import Client

#: The models holding a person's data, by app label and model name. The other
#: apps' models are named here (not imported) so that the core imports none of them.
AUDITED: dict[str, dict[str, dict[str, Any]]] = {
    "klientstod": {
        "client": {"mask_fields": ["personnummer"]},
        "case": {},
        "meeting": {},
        "consent": {},
    },
    "referrals": {
        "referral": {"mask_fields": ["personnummer"]},
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
    detail = {"page": what}
    if obj is not None:
        detail["object"] = f"{obj._meta.model_name}:{obj.pk}"
    LogEntry.objects.log_create(
        client, force_log=True, action=LogEntry.Action.ACCESS, additional_data=detail
    )
