"""The audit log's existing entries lose the personal data they held (klientstod.audit).

Before, a change kept every value before and after (journal notes, names, phone
numbers) and each entry named its record by ``str()``, which for a client is their
name. Here every existing entry is put through the rule new entries follow: the
fields that changed, a value only for codes, yes/no and ids, the record by type and
id. The rule reads the current models' fields (their choices), only their
definitions, never their rows; a model that no longer exists keeps no values.

What needs no reading is set in a few statements; the changes and extra data are
read in batches and written once for each distinct result (entries share them:
the same fields, the same codes), which keeps a log of millions of entries to
minutes. What is removed cannot come back: the reverse does nothing.
"""

import json
from collections import defaultdict

from django.db import migrations
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat

BATCH = 5000


def scrub_existing(apps, schema_editor):
    from django.apps import apps as current

    from klientstod import audit

    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry.objects.exclude(changes_text="", serialized_data=None).update(
        changes_text="", serialized_data=None
    )
    models = {}
    for content_type in ContentType.objects.filter(
        pk__in=LogEntry.objects.values("content_type_id")
    ):
        LogEntry.objects.filter(content_type=content_type).update(
            object_repr=Case(
                When(object_pk="", then=Value(content_type.model)),
                default=Concat(Value(f"{content_type.model}:"), F("object_pk")),
            )
        )
        try:
            models[content_type.pk] = current.get_model(content_type.app_label, content_type.model)
        except LookupError:
            models[content_type.pk] = None

    rows = LogEntry.objects.filter(
        Q(changes__isnull=False) | Q(additional_data__isnull=False)
    ).order_by("pk")
    last = 0
    while True:
        batch = list(
            rows.filter(pk__gt=last).values_list(
                "pk", "content_type_id", "action", "changes", "additional_data"
            )[:BATCH]
        )
        if not batch:
            break
        last = batch[-1][0]
        changes, extra = defaultdict(list), defaultdict(list)
        for pk, content_type_id, action, old_changes, old_extra in batch:
            new_changes = audit.scrub_changes(models.get(content_type_id), old_changes, action)
            if new_changes != old_changes:
                changes[json.dumps(new_changes, sort_keys=True)].append(pk)
            new_extra = audit.scrub_additional(old_extra)
            if new_extra != old_extra:
                extra[json.dumps(new_extra, sort_keys=True)].append(pk)
        for value, pks in changes.items():
            LogEntry.objects.filter(pk__in=pks).update(changes=json.loads(value))
        for value, pks in extra.items():
            LogEntry.objects.filter(pk__in=pks).update(additional_data=json.loads(value))


class Migration(migrations.Migration):
    dependencies = [
        ("klientstod", "0011_form_submission"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub_existing, migrations.RunPython.noop)]
