"""Send the reminders that are due: run by the worker service on a schedule."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from reminders import services


class Command(BaseCommand):
    help = (
        "Queue a reminder for each booked meeting and send those due (one working day "
        "before the meeting). Safe to run often and on several workers at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, once every SECONDS (the worker service); once without it.",
        )

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every <= 0:
            self._run_once()
            return
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            close_old_connections()
            try:
                self._run_once()
            except Exception as error:
                # The next run catches up: a database restart must not stop the worker.
                self.stderr.write(f"send_reminders: the run failed: {type(error).__name__}")
            for _second in range(every):
                if stopping:
                    break
                time.sleep(1)

    def _run_once(self) -> None:
        result = services.run()
        self.stdout.write(
            f"send_reminders: {result.queued} queued, {result.sent} sent, "
            f"{result.retrying} to retry, {result.not_reached} not reached, "
            f"{result.skipped} not sent"
        )
