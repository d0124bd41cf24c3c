"""Query budgets: every list, detail, dashboard and report page costs the same at 5 and 50 rows.

Each test makes 5 rows of what a page lists or counts, in the scope of the user who
looks at it, measures the page, makes 45 more and measures it again. The page must
answer 200 and show the rows both times, and the two counts of queries must be equal
and under a ceiling. The pages whose rows were already grown to 5 and 50 elsewhere
(tests/test_caseload.py, test_my_day.py, test_referrals.py, test_fia.py,
test_bibliotherapy.py, test_interventions.py, test_reports.py and test_report_exports.py)
are here only for what those tests did not grow: partner units, plan rows, questionnaire
items, the coordinator's lists on the bibliotherapy page, and so on. The form
pages are here for the choice lists they show.

The tests are split by subject: test_query_budgets_core.py, _referrals.py,
_interventions.py and _reports.py; this module holds what they share.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klientstod.models import User

FEW, MANY = 5, 50
D = datetime.date


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def hours_from_now(n: float) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) + datetime.timedelta(hours=n)


def logged_in(user: User) -> HttpClient:
    """A test client logged in as ``user``, past the second factor (see conftest)."""
    http = HttpClient()
    http.force_login(user)
    return http


# Measuring ---------------------------------------------------------------------------------


@dataclass
class Measured:
    response: HttpResponse
    queries: list[str]

    @property
    def text(self) -> str:
        return self.response.content.decode(errors="replace")

    def __repr__(self) -> str:
        return f"<{self.response.status_code}, {len(self.queries)} queries>"

    def context(self, key: str) -> Any:
        return self.response.context[key]


def measure(http: HttpClient, url: str) -> Measured:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Measured(response, [query["sql"] for query in captured])


def _shape(sql: str) -> str:
    """A statement without its literal values, so that the same query made twice matches."""
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def assert_same_queries(url: str, few: Measured, many: Measured, most: int) -> None:
    if len(few.queries) != len(many.queries):
        grown = Counter(map(_shape, many.queries)) - Counter(map(_shape, few.queries))
        detail = "\n".join(f"{n} more × {sql[:300]}" for sql, n in grown.most_common(5))
        pytest.fail(
            f"{url}: {len(few.queries)} queries at {FEW} rows, {len(many.queries)} at "
            f"{MANY}:\n{detail}"
        )
    assert len(many.queries) <= most, (url, len(many.queries), most)


def assert_flat(
    http: HttpClient,
    urls: list[str] | Callable[[], list[str]],
    add: Callable[[int], object],
    shows: Callable[[Measured, int], object],
    *,
    most: int,
) -> None:
    """Add 5 rows, measure each page, add 45 more, measure again: the counts must be equal.

    ``shows(page, n)`` checks that the page shows the ``n`` rows made so far; a first,
    unmeasured request warms the caches (content types, translations) of the process.
    """
    add(FEW)
    pages = urls() if callable(urls) else urls
    for url in pages:
        http.get(url)
    few = {url: measure(http, url) for url in pages}
    for url, page in few.items():
        assert shows(page, FEW), (url, f"does not show the {FEW} rows")
    add(MANY - FEW)
    for url in pages:
        many = measure(http, url)
        assert shows(many, MANY), (url, f"does not show the {MANY} rows")
        assert_same_queries(url, few[url], many, most)
