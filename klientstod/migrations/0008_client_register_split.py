"""One register per data controller, step 2: the existing records move.

A client record now belongs to the organisation that runs the processes the person takes
part in (the process owner, personuppgiftsansvarig), and the personnummer is unique within
that register only. A record shared by processes of different owners is split: each other
owner gets its own copy of the person's details, and its cases, referrals and the consents
given with them move to that copy. Nothing is left that one controller's users could reach
through another's.
"""

import re

from django.db import migrations, models

#: A case number (KS-00012) or a referral reference (R-2026-00012), as consent notes quote them.
REFERENCE = re.compile(r"\b(KS-\d{5,}|R-\d{4}-\d{5,})\b")

#: What a copy of a client takes over from the record it is split from.
PERSON_FIELDS = [
    "personnummer_encrypted",
    "personnummer_index",
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "born_abroad",
    "language",
    "interpreter_needed",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protected_identity",
    "income_source",
    "income_source_months",
    "education_level",
    "samsyn_participant",
    "erased_on",
]


def split_by_controller(apps, schema_editor):
    Client = apps.get_model("klientstod", "Client")
    Case = apps.get_model("klientstod", "Case")
    Consent = apps.get_model("klientstod", "Consent")
    Process = apps.get_model("klientstod", "Process")
    Referral = apps.get_model("referrals", "Referral")
    owner_of = dict(Process.objects.values_list("pk", "owner_id"))
    # A client with neither a case nor a referral cannot be reached by anyone; it goes to
    # the register of the first process's owner.
    fallback = Process.objects.order_by("pk").values_list("owner_id", flat=True).first()

    for client in Client.objects.order_by("pk").iterator():
        cases = list(Case.objects.filter(client=client).order_by("start_date", "pk"))
        referrals = list(Referral.objects.filter(client=client).order_by("received_on", "pk"))
        controllers = list(
            dict.fromkeys(
                [owner_of[case.process_id] for case in cases]
                + [owner_of[referral.process_id] for referral in referrals]
            )
        ) or [fallback]
        if controllers[0] is None:
            raise RuntimeError(
                f"Client {client.pk} has no process to take its data controller from."
            )
        first, *others = controllers
        client.controller_id = first
        client.save(update_fields=["controller"])
        for controller in others:
            copy = Client.objects.create(
                controller_id=controller,
                **{name: getattr(client, name) for name in PERSON_FIELDS},
            )
            theirs = [case for case in cases if owner_of[case.process_id] == controller]
            their_referrals = [r for r in referrals if owner_of[r.process_id] == controller]
            Case.objects.filter(pk__in=[case.pk for case in theirs]).update(client=copy)
            Referral.objects.filter(pk__in=[r.pk for r in their_referrals]).update(client=copy)
            references = {f"KS-{case.pk:05d}" for case in theirs} | {
                f"R-{r.received_on.year}-{r.pk:05d}" for r in their_referrals
            }
            for consent in Consent.objects.filter(client=client):
                quoted = set(REFERENCE.findall(consent.note))
                if quoted and quoted <= references:
                    consent.client = copy
                    consent.save(update_fields=["client"])


def merge_back(apps, schema_editor):
    """Back to one record per personnummer: copies fold into the oldest record."""
    Client = apps.get_model("klientstod", "Client")
    Case = apps.get_model("klientstod", "Case")
    Consent = apps.get_model("klientstod", "Consent")
    Referral = apps.get_model("referrals", "Referral")
    shared = (
        Client.objects.values("personnummer_index")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("personnummer_index", flat=True)
    )
    for index in list(shared):
        keep, *copies = Client.objects.filter(personnummer_index=index).order_by("pk")
        for model in (Case, Consent, Referral):
            model.objects.filter(client__in=copies).update(client=keep)
        Client.objects.filter(pk__in=[copy.pk for copy in copies]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("klientstod", "0007_client_controller"),
        ("referrals", "0003_list_indexes"),
    ]

    operations = [migrations.RunPython(split_by_controller, merge_back)]
