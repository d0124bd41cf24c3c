"""The personnummer moves to an encrypted column with a keyed-hash index (klientstod.crypto)."""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from klientstod import crypto

    Client = apps.get_model("klientstod", "Client")
    for client in Client.objects.all().only("pk", "personnummer").iterator():
        client.personnummer_encrypted = crypto.encrypt(client.personnummer)
        client.personnummer_index = crypto.index(client.personnummer)
        client.save(update_fields=["personnummer_encrypted", "personnummer_index"])


def decrypt_back(apps, schema_editor):
    from klientstod import crypto

    Client = apps.get_model("klientstod", "Client")
    for client in Client.objects.all().iterator():
        client.personnummer = crypto.decrypt(client.personnummer_encrypted)
        client.save(update_fields=["personnummer"])


class Migration(migrations.Migration):
    dependencies = [("klientstod", "0004_client_erased_on")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="personnummer_encrypted",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="client",
            name="personnummer_index",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(encrypt_existing, decrypt_back),
        migrations.RemoveField(model_name="client", name="personnummer"),
        migrations.AlterField(
            model_name="client",
            name="personnummer_index",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
