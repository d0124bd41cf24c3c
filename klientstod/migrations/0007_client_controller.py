"""One register per data controller, step 1: each client record gets its controller.

The personnummer becomes unique within one controller's register only (step 3); step 2
moves the existing rows.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("klientstod", "0006_list_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="personnummer_index",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="client",
            name="controller",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="klientstod.organisation",
                verbose_name="data controller",
            ),
        ),
    ]
