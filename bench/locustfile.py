"""The load test: the four kinds of user at work on generated data (``make loadtest``).

Each simulated person logs in through the login form with one of the accounts
``generate_load_data`` makes (``process-NN-coordinator-1``, ``-referrer-1``,
``-steering``, ``-evaluator``; password in LOADTEST_PASSWORD), each on an
account of their own, and then works with pauses of 1–5 seconds:

- coordinators open Min dag, the caseload, case pages, the referral inbox and
  book meetings;
- referrers follow their referrals and open the referral form;
- the steering group opens its dashboard and the status report;
- evaluators open the tertial report and download its PDF and CSV.

At the end the run fails (exit code 1) if any request failed or the 95th
percentile of all requests is LOADTEST_P95_MS (300) or more.
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
import re
from typing import Any
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "load-test-password")
PROCESSES = int(os.environ.get("LOADTEST_PROCESSES", "50"))
P95_LIMIT_MS = float(os.environ.get("LOADTEST_P95_MS", "300"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
REPORT_LINK = re.compile(r'href="/reports/(\d+)/"')
#: Each kind of user takes the processes in turn, so no two people share an account.
_next_process: dict[str, itertools.count[int]] = {}


def local_today() -> datetime.date:
    """Today in Stockholm, the app's time zone, whatever the load generator's clock says."""
    return datetime.datetime.now(ZoneInfo("Europe/Stockholm")).date()


def next_account(kind: str) -> str:
    number = next(_next_process.setdefault(kind, itertools.count())) % PROCESSES + 1
    return f"process-{number:02d}-{kind}"


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    kind = ""

    def on_start(self) -> None:
        self.username = next_account(self.kind)
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="log in",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure(f"{self.username} could not log in")

    def get(self, url: str, name: str) -> Any:
        return self.client.get(url, name=name)


class Coordinator(Person):
    weight = 12
    kind = "coordinator-1"
    cases: list[str] = []

    @task(4)
    def my_day(self) -> None:
        self.get("/", "Min dag")

    @task(3)
    def caseload(self) -> None:
        page = self.get("/cases/", "caseload list")
        self.cases = CASE_LINK.findall(page.text) or self.cases

    @task(4)
    def case_page(self) -> None:
        if self.cases:
            self.get(f"/cases/{random.choice(self.cases)}/", "case page")

    @task(1)
    def inbox(self) -> None:
        self.get("/referrals/inbox/", "referral inbox")

    @task(1)
    def book_meeting(self) -> None:
        if not self.cases:
            return
        url = f"/cases/{random.choice(self.cases)}/meetings/new/"
        form = self.get(url, "meeting form")
        token = CSRF.search(form.text)
        day = local_today() + datetime.timedelta(days=random.randint(1, 30))
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "kind": "alliance",
                "starts_at": f"{day:%Y-%m-%d} {random.randint(8, 15)}:00",
                "duration_minutes": "60",
                "location": "Mottagningen",
            },
            headers={"Referer": f"{self.host}{url}"},
            name="book a meeting",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"booking answered {response.status_code}")


class Referrer(Person):
    weight = 8
    kind = "referrer-1"

    @task(4)
    def mine(self) -> None:
        self.get("/referrals/mine/", "my referrals")

    @task(1)
    def form(self) -> None:
        self.get("/referrals/new/", "referral form")


class Reader(Person):
    """Steering and evaluators: their process is the one the report list offers."""

    abstract = True
    report = ""

    def on_start(self) -> None:
        super().on_start()
        found = REPORT_LINK.search(self.get("/reports/", "report list").text)
        self.report = f"/reports/{found.group(1)}/" if found else "/reports/0/"
        today = local_today()
        # The latest second tertial (May–August) that has ended.
        self.tertial = f"?preset=t2&year={today.year if today.month > 8 else today.year - 1}"


class Steering(Reader):
    weight = 5
    kind = "steering"

    @task(3)
    def dashboard(self) -> None:
        self.get(f"{self.report}dashboard/", "steering dashboard")

    @task(1)
    def status_report(self) -> None:
        self.get(self.report, "status report page")


class Evaluator(Reader):
    weight = 5
    kind = "evaluator"

    @task(3)
    def tertial_report(self) -> None:
        self.get(f"{self.report}{self.tertial}", "tertial report page")

    @task(1)
    def pdf(self) -> None:
        self.get(f"{self.report}pdf/{self.tertial}", "tertial report PDF")

    @task(1)
    def csv(self) -> None:
        self.get(f"{self.report}export.csv{self.tertial}", "tertial report CSV")


@events.quitting.add_listener
def check_targets(environment: Any, **_kwargs: Any) -> None:
    total = environment.stats.total
    p95 = total.get_response_time_percentile(0.95)
    if total.num_failures:
        print(f"FAILED: {total.num_failures} of {total.num_requests} requests failed.")
        environment.process_exit_code = 1
    elif p95 >= P95_LIMIT_MS:
        print(f"FAILED: the 95th percentile is {p95:.0f} ms (limit {P95_LIMIT_MS:.0f} ms).")
        environment.process_exit_code = 1
    else:
        print(
            f"PASSED: {total.num_requests} requests, none failed; "
            f"95th percentile {p95:.0f} ms (limit {P95_LIMIT_MS:.0f} ms)."
        )
