"""``manage.py seed_demo``: fill an empty database with the demo (``devtools.demo``)."""

from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from klientstod.models import User


class Command(BaseCommand):
    help = (
        "Create a fictional demo of Klientstöd Båstad: partners, the process, one user per "
        "role (password klientstod-demo), thirty clients at every stage with their cases, "
        "meetings, consents and referrals, bookable times, consultations, the information "
        "page, and the work with the client: self-assessments, FIA, bibliotherapy, "
        "interventions and samverkan; and the reporting: milestones, budget and costs, and "
        "the reporting calendar. Only with DEBUG on; does nothing if the demo users exist."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates demo users with a known password; "
                "it runs only with DJANGO_DEBUG=1."
            )
        # The demo is made with factory-boy, a development dependency: imported only now.
        from devtools.demo.build import Demo, summary
        from devtools.demo.people import COORDINATOR_USERNAME

        if User.objects.filter(username=COORDINATOR_USERNAME).exists():
            self.stdout.write(
                f"The demo data is already there (user {COORDINATOR_USERNAME!r} exists); "
                "nothing to do."
            )
            return
        demo = Demo()
        # The demo's history is made up, not done by anyone: the audit log starts empty
        # and records what people do in the demo from then on.
        with transaction.atomic(), disable_auditlog():
            process = demo.build()
        for note in demo.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(self.style.SUCCESS(f"Demo data created for the process {process.name}:"))
        for line in summary(process):
            self.stdout.write(line)
