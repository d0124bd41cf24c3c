"""Fill the database with realistic data for load tests and benchmarks.

``manage.py generate_load_data --processes 50 --clients 20000`` makes that many
processes, each with its own organisations and users, and spreads the clients
over them: one case per client in every state, referrals, about
``--meetings-per-client`` meetings with every outcome, FIA, self-assessments,
consents, interventions, bibliotherapy, partner contacts, milestones, budget
lines, costs and the reporting calendar (``devtools.loaddata``). Everything
goes in with bulk inserts. The data stays, so the command runs only with DEBUG
on, and only once per database.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from devtools.loaddata import TOUCHED, Made, positive, vacuum_analyze
from klientstod.models import Role, User


class Command(BaseCommand):
    help = "Fill the database with load-test data (needs DEBUG; the data stays)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--processes", type=positive, default=50, help="Processes to make.")
        parser.add_argument(
            "--clients", type=positive, default=20_000, help="Clients, spread over the processes."
        )
        parser.add_argument(
            "--meetings-per-client",
            type=positive,
            default=20,
            help="Meetings per client, on average.",
        )
        parser.add_argument(
            "--password",
            default="",
            help="Password of every user made (process-01-coordinator, …); "
            "without it they cannot log in.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "generate_load_data writes thousands of made-up clients and runs only with "
                "DEBUG on (DJANGO_DEBUG=1); never point it at a production database."
            )
        # The builder needs factory-boy, a development dependency: imported only now.
        from devtools.loaddata.builder import generate

        processes, clients = options["processes"], options["clients"]
        if clients < processes:
            raise CommandError("--clients must be at least --processes (one client per process).")
        if User.objects.filter(username__startswith="process-").exists():
            raise CommandError(
                "This database already holds load data (users process-…); "
                "generate it into an empty database."
            )
        per_client = options["meetings_per_client"]
        started = time.perf_counter()

        def report(made: Made, n: int) -> None:
            self.stdout.write(f"{made.process.name}: {n} clients, {n * per_client} meetings")

        with transaction.atomic():
            admin = User(
                username=f"load-admin-{uuid.uuid4().hex[:8]}",
                role=Role.ADMIN,
                is_staff=True,
                is_superuser=True,
            )
            admin.set_unusable_password()
            admin.save()
            generate(admin, processes, clients, per_client, options["password"] or None, report)
        vacuum_analyze(TOUCHED)
        self.stdout.write(
            f"Made {processes} processes, {clients} clients and {clients * per_client} meetings "
            f"in {time.perf_counter() - started:.1f} s."
        )
