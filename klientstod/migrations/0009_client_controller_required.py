"""One register per data controller, step 3: every record has one, and a number is unique in it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("klientstod", "0008_client_register_split"),
    ]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="controller",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="klientstod.organisation",
                verbose_name="data controller",
            ),
        ),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.UniqueConstraint(
                fields=("controller", "personnummer_index"),
                name="client_one_record_per_controller",
                violation_error_message="The person is already in the register of this data controller.",
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["personnummer_index"], name="client_pnr_idx"),
        ),
        migrations.AlterField(
            model_name="process",
            name="owner",
            field=models.ForeignKey(
                help_text=(
                    "The organisation that runs the process. It is the data controller "
                    "(personuppgiftsansvarig) of the participants' records; a coordination "
                    "association cannot be, as it holds no participants' personal data."
                ),
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_processes",
                to="klientstod.organisation",
                verbose_name="process owner",
            ),
        ),
    ]
