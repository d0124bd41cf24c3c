"""What the benchmark commands share: timing, and a description of the machine."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import django
from django.core.management.base import CommandError
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from reporting import periods


@dataclass
class Timing:
    median_ms: float
    queries: int


def measure(work: Callable[[], object], repeat: int) -> Timing:
    """The median time of ``repeat`` runs after one warm-up, and the most queries one run made."""
    work()
    times, counts = [], []
    for _ in range(repeat):
        reset_queries()  # the log is capped: an almost full one would hide the captured queries
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            work()
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(captured.captured_queries))
    return Timing(statistics.median(times), max(counts))


def tertial_inside(first_day: datetime.date, today: datetime.date) -> periods.Period:
    """The latest second tertial that lies wholly inside the data."""
    for year in range(today.year, first_day.year - 1, -1):
        period = periods.tertial(year, 2)
        if first_day <= period.start and period.end <= today:
            return period
    raise CommandError("No second tertial lies inside the generated data.")  # pragma: no cover


def database_description() -> str:
    if connection.vendor == "postgresql":
        version = getattr(connection, "pg_version", 0)
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return str(connection.display_name)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_lines() -> list[str]:
    """Where the numbers come from: the machine and the software versions."""
    return [
        f"Machine:  {platform.platform()}, {os.cpu_count()} CPUs, {cpu_model()}",
        f"Software: Python {platform.python_version()}, Django {django.get_version()}, "
        f"{database_description()} ({connection.vendor})",
    ]
