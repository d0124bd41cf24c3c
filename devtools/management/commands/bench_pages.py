"""Time the pages people use most, on generated data at two sizes, on a database of its own.

``manage.py bench_pages`` makes a throwaway database next to the configured one
(its name ends in ``_pages``), fills it with ``--sizes`` clients, 400 to a
process (``devtools.loaddata``; 2,000 clients are 5 processes, 20,000 are 50:
a hosted instance grows by customers), runs VACUUM ANALYZE, and then, as the
people of the first process, requests each page ``--repeat`` times after a
first request with an empty cache: the caseload list, a case page, Min dag, the calendar's week,
the referral inbox and the coordinator's consultations, the referrer's
referrals and referral form, the steering dashboard, the tertial report page and its PDF. Each
page's median is set beside the median of a trivial view (``/health/``)
measured in the same run. The database is dropped, and the same is done at the
next size. At the end both sizes are printed with their ratio, and the targets
beside them.

The time is the server's: Django's whole handling of the request in this
process (middleware, view, queries, template), without network or a WSGI
server. The timed requests run with DEBUG off, as in production; the queries
are counted in one extra request. The first request's time is printed too: it
draws the charts that later requests find in the cache. The PDF is timed with
the cache emptied before each request, so every one is printed.
"""

from __future__ import annotations

import datetime
import logging
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from devtools.benchmarking import machine_lines, tertial_inside
from devtools.loaddata import (
    CASES_PER_COORDINATOR,
    TOUCHED,
    WINDOW_DAYS,
    Made,
    positive,
    vacuum_analyze,
)
from klientstod.models import Case, Role, User


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    #: Target median in ms on the project's 2-core machine (docs/performance.md).
    target_ms: float


PAGES = [
    Page("trivial", "trivial view (/health/)", 0),
    Page("caseload", "caseload list", 50),
    Page("case", "case page", 50),
    Page("my-day", "Min dag", 50),
    Page("calendar", "calendar: week", 50),
    Page("inbox", "referral inbox", 50),
    Page("consultations", "consultations", 50),
    Page("mine", "referrer: my referrals", 50),
    # A form page, not a list or detail page: measured, with no target of its own.
    Page("referral-form", "referrer: referral form", 0),
    Page("dashboard", "steering dashboard", 150),
    Page("report", "tertial report page", 150),
    Page("pdf", "tertial report PDF", 2000),
]
#: Timed without the cache: the target is for printing the report, not fetching a print.
COLD = {"pdf"}
#: The 20,000-client figures may be at most this many times the 2,000-client ones.
GROWTH_LIMIT = 1.5


def checkpoint() -> None:
    """Write the generated data out now, not while the pages are timed (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:  # CHECKPOINT needs a superuser or pg_checkpoint
        pass


@dataclass
class Result:
    median_ms: float
    queries: int
    first_ms: float


def time_page(get: Callable[[], object], repeat: int, *, cold: bool = False) -> Result:
    """A first request with an empty cache, one with its queries counted, then ``repeat``.

    ``cold``: the cache is emptied before every timed request too.
    """
    cache.clear()
    started = time.perf_counter()
    get()
    first_ms = (time.perf_counter() - started) * 1000
    reset_queries()  # the log is capped: a full one would hide the captured queries
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = len(captured)  # now: the next request empties the log it reads from
    times = []
    for _ in range(repeat):
        if cold:
            cache.clear()
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    return Result(statistics.median(times), queries, first_ms)


def requests_for(made: Made, today: datetime.date) -> dict[str, tuple[User, str]]:
    """Each page's user and address, for the first process."""
    process = made.process
    case = (
        Case.objects.filter(process=process)
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")
        .first()
    )
    if case is None:
        raise CommandError("The generated process has no cases.")
    referrer = (
        User.objects.filter(pk__in=[user.pk for user in made.referrers])
        .annotate(n=Count("referrals_sent"))
        .order_by("-n", "pk")
        .first()
    )
    assert referrer is not None
    period = tertial_inside(today - datetime.timedelta(days=WINDOW_DAYS), today)
    report_query = f"?preset=t2&year={period.start.year}"
    coordinator = made.coordinator
    return {
        "trivial": (coordinator, reverse("klientstod:health")),
        "caseload": (coordinator, reverse("klientstod:case-list")),
        "case": (coordinator, reverse("klientstod:case-detail", args=[case.pk])),
        "my-day": (coordinator, reverse("klientstod:home")),
        "calendar": (coordinator, reverse("klientstod:calendar")),
        "inbox": (coordinator, reverse("referrals:referral-inbox")),
        "consultations": (coordinator, reverse("referrals:consultation-list")),
        "mine": (referrer, reverse("referrals:referral-mine")),
        "referral-form": (referrer, reverse("referrals:referral-create")),
        "dashboard": (made.steering, reverse("reporting:dashboard", args=[process.pk])),
        "report": (made.evaluator, reverse("reporting:report", args=[process.pk]) + report_query),
        "pdf": (made.evaluator, reverse("reporting:report-pdf", args=[process.pk]) + report_query),
    }


class Command(BaseCommand):
    help = (
        "Time the main pages on generated data at two sizes, each in a throwaway database "
        "of its own (needs DEBUG)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sizes",
            type=positive,
            nargs=2,
            default=[2_000, 20_000],
            metavar=("SMALL", "LARGE"),
            help="Clients in the two runs.",
        )
        parser.add_argument(
            "--clients-per-process",
            type=positive,
            default=400,
            help="Clients in each process: 2,000 clients make 5 processes, 20,000 make 50.",
        )
        parser.add_argument(
            "--meetings-per-client", type=positive, default=20, help="Meetings per client."
        )
        parser.add_argument(
            "--cases-per-coordinator",
            type=positive,
            default=CASES_PER_COORDINATOR,
            help="Cases each coordinator has over the two years (about half of them active).",
        )
        parser.add_argument("--repeat", type=positive, default=25, help="Timed requests per page.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "bench_pages makes throwaway databases of made-up clients and runs only with "
                "DEBUG on (DJANGO_DEBUG=1)."
            )
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        sizes, repeat = options["sizes"], options["repeat"]
        for line in machine_lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Data:     {options['clients_per_process']} clients per process, "
            f"{options['meetings_per_client']} meetings per client, "
            f"{options['cases_per_coordinator']} cases per coordinator; "
            f"median of {repeat} requests after a warm-up, DEBUG off\n"
        )
        runs = [self.run(size, options) for size in sizes]
        self.table(sizes, runs)

    def run(self, clients: int, options: dict[str, Any]) -> dict[str, Result]:
        """Make a database, fill it, time the pages, drop it."""
        # The builder needs factory-boy, a development dependency: imported only after the
        # DEBUG check of ``handle``.
        from devtools.loaddata.builder import generate

        name = connection.settings_dict["NAME"]
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{name}_pages"
        creation = connection.creation
        self.stdout.write(f"{clients} clients: making the database …")
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            started = time.perf_counter()
            with transaction.atomic():
                admin = User.objects.create(
                    username=f"bench-admin-{uuid.uuid4().hex[:8]}",
                    role=Role.ADMIN,
                    is_staff=True,
                    is_superuser=True,
                )
                processes = max(1, clients // options["clients_per_process"])
                made = generate(
                    admin,
                    processes,
                    clients,
                    options["meetings_per_client"],
                    cases_per_coordinator=options["cases_per_coordinator"],
                )
            vacuum_analyze(TOUCHED)
            checkpoint()
            self.stdout.write(
                f"{clients} clients: generated in {time.perf_counter() - started:.1f} s; timing …"
            )
            return self.time_pages(made[0], options["repeat"])
        finally:
            creation.destroy_test_db(name, verbosity=0)

    def time_pages(self, made: Made, repeat: int) -> dict[str, Result]:
        today = timezone.localdate()
        browsers: dict[int, TestClient] = {}
        results = {}
        # DEBUG off, as in production (templates are compiled once, queries not logged);
        # the test client's host is "testserver", which the settings need not allow.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for key, (user, url) in requests_for(made, today).items():
                if user.pk not in browsers:
                    browsers[user.pk] = TestClient(raise_request_exception=True)
                    browsers[user.pk].force_login(user)
                browser = browsers[user.pk]

                def get(browser: TestClient = browser, url: str = url) -> None:
                    response = browser.get(url)
                    if response.status_code != 200:
                        raise CommandError(f"GET {url} answered {response.status_code}.")

                results[key] = time_page(get, repeat, cold=key in COLD)
        return results

    def table(self, sizes: list[int], runs: list[dict[str, Result]]) -> None:
        small, large = runs
        trivial = (small["trivial"].median_ms, large["trivial"].median_ms)
        head = (
            f"{'':<26}{f'{sizes[0]:,} clients':>32}{f'{sizes[1]:,} clients':>32}"
            f"{'large/small':>12}  target"
        )
        sub = f"{'page':<26}" + f"{'1st ms':>8}{'ms':>8}{'x trivial':>10}{'queries':>8}" * 2
        lines = ["", head, sub, "-" * len(head)]
        missed = []
        for page in PAGES:
            cells = ""
            for run, floor in zip((small, large), trivial, strict=True):
                result = run[page.key]
                cells += (
                    f"{result.first_ms:>8.0f}{result.median_ms:>8.1f}"
                    f"{result.median_ms / floor:>10.1f}{result.queries:>8}"
                )
            growth = large[page.key].median_ms / small[page.key].median_ms
            target = ""
            if page.target_ms:
                met = large[page.key].median_ms < page.target_ms and growth <= GROWTH_LIMIT
                target = f"< {page.target_ms:,.0f} ms {'met' if met else 'MISSED'}"
                if not met:
                    missed.append(page.title)
            lines.append(f"{page.title:<26}{cells}{growth:>12.2f}  {target}")
        lines.append("")
        lines.append(
            f"1st ms: the first request, with an empty cache. ms: the median of the later "
            f"ones (the PDF is printed for each: the cache is emptied before every request). "
            f"x trivial: that median over the trivial view's.\n"
            f"Targets: the median at {sizes[1]:,} clients under the target, and at most "
            f"{GROWTH_LIMIT} times the median at {sizes[0]:,}."
        )
        lines.append(f"Missed: {', '.join(missed)}." if missed else "Every target met.")
        self.stdout.write("\n".join(lines))
