"""Time the status report (Lägesrapport) on throwaway data, at two sizes.

``manage.py bench_reports`` builds a process with ``--cases`` cases and
``--meetings`` meetings spread over the last two years, with referrals, FIA,
interventions, bibliotherapy, milestones, budget lines and costs around them.
For a tertial inside that data it times ``reporting.selectors.tertial_report``
and the PDF through the real view, each ``--repeat`` times after one warm-up,
and counts their queries. Then it does the same for a second process with
``--scale`` times the cases and meetings, and prints both and the ratio.

Everything is written in one transaction that is rolled back at the end, so
the database is left as it was; still, the command runs only with DEBUG on.
``make bench`` runs it against PostgreSQL (see bench/README.md).
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import Client as TestClient
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from devtools.benchmarking import Timing, machine_lines, measure, tertial_inside
from devtools.loaddata import TOUCHED, WINDOW_DAYS, positive, vacuum_analyze
from klientstod.models import Role, User
from reporting import periods, selectors

if TYPE_CHECKING:
    from devtools.loaddata.builder import Builder


@dataclass
class Run:
    label: str
    cases: int
    meetings: int
    selectors: Timing
    pdf: Timing


class Command(BaseCommand):
    help = (
        "Time the status report (selectors and PDF) on throwaway data at two sizes. "
        "Needs DEBUG; writes only inside a transaction that is rolled back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=positive, default=1000, help="Cases in the small run.")
        parser.add_argument(
            "--meetings", type=positive, default=20_000, help="Meetings in the small run."
        )
        parser.add_argument(
            "--scale", type=positive, default=10, help="How many times larger the second run is."
        )
        parser.add_argument(
            "--repeat", type=positive, default=5, help="Timed runs after the warm-up."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "bench_reports writes throwaway data and runs only with DEBUG on "
                "(DJANGO_DEBUG=1); point DATABASE_URL at a database for benchmarks."
            )
        # The builder needs factory-boy, a development dependency: imported only now.
        from devtools.loaddata.builder import Builder

        # WeasyPrint warns of every SVG property of the charts it ignores, hundreds of lines
        # per PDF; only its errors are shown here (the time spent logging them is small).
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        cases, meetings = options["cases"], options["meetings"]
        scale, repeat = options["scale"], options["repeat"]
        today = timezone.localdate()
        period = tertial_inside(today - datetime.timedelta(days=WINDOW_DAYS), today)
        self.machine(period, repeat)
        with transaction.atomic():
            try:
                admin = User(
                    username=f"bench-admin-{uuid.uuid4().hex[:8]}",
                    role=Role.ADMIN,
                    is_staff=True,
                    is_superuser=True,
                )
                admin.set_unusable_password()
                admin.save()
                builder = Builder(admin, today)
                runs = [
                    self.run("small", builder, cases, meetings, period, repeat),
                    self.run(
                        f"large (x{scale})",
                        builder,
                        cases * scale,
                        meetings * scale,
                        period,
                        repeat,
                    ),
                ]
            finally:
                transaction.set_rollback(True)
        self.table(runs)
        self.stdout.write("The data was rolled back.")

    def machine(self, period: periods.Period, repeat: int) -> None:
        write = self.stdout.write
        for line in machine_lines():
            write(line)
        write(
            f"Period:   {period}; median of {repeat} timed runs after one warm-up "
            f"(DEBUG on, so every query is logged)"
        )
        write("")

    def run(
        self,
        label: str,
        builder: Builder,
        n_cases: int,
        n_meetings: int,
        period: periods.Period,
        repeat: int,
    ) -> Run:
        self.stdout.write(f"{label}: generating {n_cases} cases and {n_meetings} meetings …")
        started = time.perf_counter()
        process = builder.build(n_cases, n_meetings).process
        vacuum_analyze(TOUCHED)
        self.stdout.write(f"{label}: generated in {time.perf_counter() - started:.1f} s; timing …")
        selectors_timing = measure(lambda: selectors.tertial_report(process, period), repeat)

        browser = TestClient(raise_request_exception=True)
        browser.force_login(builder.admin)
        url = reverse("reporting:report-pdf", args=[process.pk])
        url += f"?preset=t2&year={period.start.year}"

        def pdf() -> None:
            cache.clear()  # print it every time: a repeated download would come from the cache
            response = browser.get(url)
            if response.status_code != 200 or response["Content-Type"] != "application/pdf":
                raise CommandError(f"GET {url} answered {response.status_code}, not a PDF.")

        # The test client's host is "testserver", which the settings need not allow.
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            pdf_timing = measure(pdf, repeat)
        return Run(label, n_cases, n_meetings, selectors_timing, pdf_timing)

    def table(self, runs: list[Run]) -> None:
        small, large = runs
        header = (
            f"{'':<18} {'cases':>8} {'meetings':>9} {'selectors ms':>13} {'PDF ms':>9} "
            f"{'queries sel/PDF':>16}"
        )
        lines = ["", header, "-" * len(header)]
        lines.extend(
            f"{run.label:<18} {run.cases:>8} {run.meetings:>9} "
            f"{run.selectors.median_ms:>13.1f} {run.pdf.median_ms:>9.1f} "
            f"{f'{run.selectors.queries} / {run.pdf.queries}':>16}"
            for run in runs
        )

        def ratio(a: float, b: float) -> str:
            return f"{a / b:.2f}" if b else "-"

        queries = (
            f"{ratio(large.selectors.queries, small.selectors.queries)} / "
            f"{ratio(large.pdf.queries, small.pdf.queries)}"
        )
        lines.append(
            f"{'ratio large/small':<18} {ratio(large.cases, small.cases):>8} "
            f"{ratio(large.meetings, small.meetings):>9} "
            f"{ratio(large.selectors.median_ms, small.selectors.median_ms):>13} "
            f"{ratio(large.pdf.median_ms, small.pdf.median_ms):>9} {queries:>16}"
        )
        self.stdout.write("\n".join(lines))
