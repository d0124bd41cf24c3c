"""The audit log's existing entries lose the personal data they held (klientstod.audit).

Before, a change kept every value before and after (journal notes, names, phone
numbers) and each entry named its record by ``str()``, which for a client is their
name. Here every existing entry is put through the rule new entries follow: the
fields that changed, a value only for codes, yes/no and ids, the record by type and
id. The rule reads the current models' fields (their choices), and only their
definitions, never their rows. What is removed cannot come back: the reverse does
nothing.
"""

from django.db import migrations

FIELDS = ["object_repr", "changes", "changes_text", "serialized_data", "additional_data"]


def scrub_existing(apps, schema_editor):
    from klientstod import audit

    LogEntry = apps.get_model("auditlog", "LogEntry")
    batch = []
    for entry in LogEntry.objects.order_by("pk").iterator(chunk_size=1000):
        batch.append(audit.scrub(entry))
        if len(batch) == 1000:
            LogEntry.objects.bulk_update(batch, FIELDS)
            batch = []
    LogEntry.objects.bulk_update(batch, FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("klientstod", "0006_list_indexes"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub_existing, migrations.RunPython.noop)]
