"""The referral's personnummer moves to an encrypted column with a keyed-hash index."""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from klientstod import crypto

    Referral = apps.get_model("referrals", "Referral")
    for referral in Referral.objects.all().only("pk", "personnummer").iterator():
        referral.personnummer_encrypted = crypto.encrypt(referral.personnummer)
        referral.personnummer_index = crypto.index(referral.personnummer)
        referral.save(update_fields=["personnummer_encrypted", "personnummer_index"])


def decrypt_back(apps, schema_editor):
    from klientstod import crypto

    Referral = apps.get_model("referrals", "Referral")
    for referral in Referral.objects.all().iterator():
        referral.personnummer = crypto.decrypt(referral.personnummer_encrypted)
        referral.save(update_fields=["personnummer"])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="referral", name="referral_pnr_idx"),
        migrations.AddField(
            model_name="referral",
            name="personnummer_encrypted",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="referral",
            name="personnummer_index",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_existing, decrypt_back),
        migrations.RemoveField(model_name="referral", name="personnummer"),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["personnummer_index"], name="referral_pnr_idx"),
        ),
    ]
