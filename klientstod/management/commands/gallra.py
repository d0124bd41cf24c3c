"""manage.py gallra: list the clients past the retention period, and with --apply erase them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from klientstod import retention


class Command(BaseCommand):
    help = (
        "Erase (gallra) what identifies clients whose records are older than the retention "
        "period. Without --apply it only lists them (a dry run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Erase; without it, a dry run.")

    def handle(self, *args: Any, **options: Any) -> None:
        due = retention.clients_due()
        years = settings.KLIENTSTOD_RETENTION_YEARS
        self.stdout.write(
            f"{len(due)} client(s) with nothing newer than {retention.cutoff()} "
            f"(retention {years} years)."
        )
        for item in due:
            # Ids only: the command's output may end up in a log.
            self.stdout.write(f"  client {item.client_id}: last record {item.last_activity}")
        if not options["apply"]:
            self.stdout.write("Dry run: nothing was changed. Run again with --apply to erase.")
            return
        for item in due:
            retention.client_erase(client_id=item.client_id)
        self.stdout.write(self.style.SUCCESS(f"Erased {len(due)} client(s)."))
