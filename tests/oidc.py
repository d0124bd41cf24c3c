"""A real OpenID Provider for the tests: tests/oidc_provider/server.mjs under Node.

The fixture ``oidc_provider`` starts it once per test session on a free port (running
``npm ci`` first when its node_modules is missing) and stops it at the end. A test
registers a client of its own, signs in through the provider's login page with the
subject and claims it chooses, and can make the provider issue a tampered ID token or
rotate its signing key (see the script's header).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).parent / "oidc_provider"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TestProvider:
    __test__ = False  # not a test class

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def _post(self, switch: str, data: dict) -> dict:
        response = requests.post(f"{self.issuer}/__test/{switch}", json=data, timeout=10)
        response.raise_for_status()
        return response.json()

    def add_client(self, redirect_uris: list[str], post_logout_redirect_uris: list[str]) -> tuple:
        client_id, secret = f"client-{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
        self._post(
            "clients",
            {
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": post_logout_redirect_uris,
            },
        )
        return client_id, secret

    def tamper(self, mode: str) -> None:
        self._post("tamper", {"mode": mode})

    def rotate(self, *, keep_old: bool = True) -> str:
        return str(self._post("rotate", {"keep_old": keep_old})["kid"])

    def jwks_fetches(self) -> int:
        response = requests.get(f"{self.issuer}/__test/stats", timeout=10)
        return int(response.json()["jwks"])

    def follow(self, browser: requests.Session, url: str, stop_at: str) -> str:
        """Follow the provider's redirects until one leads to ``stop_at``; return that URL."""
        for _ in range(10):
            if url.startswith(stop_at):
                return url
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code not in (302, 303):
                return url
            url = urljoin(url, response.headers["Location"])
        raise AssertionError("too many redirects at the provider")

    def sign_in(
        self,
        browser: requests.Session,
        authorize_url: str,
        stop_at: str,
        *,
        sub: str,
        email: str = "",
        email_verified: bool = True,
        upn: str = "",
        groups: str = "",
        amr: str = "pwd",
        acr: str = "",
    ) -> str:
        """Through the provider's login page as a person's browser would; the callback URL."""
        url = self.follow(browser, authorize_url, stop_at)
        if url.startswith(stop_at):
            return url  # the provider still had a session: no login page
        assert "/interaction/" in urlsplit(url).path, url
        form = {"sub": sub, "email": email, "upn": upn, "groups": groups, "amr": amr, "acr": acr}
        if email_verified:
            form["email_verified"] = "1"
        response = browser.post(url, data=form, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), response.text
        return self.follow(browser, urljoin(url, response.headers["Location"]), stop_at)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> TestProvider:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the tests' OpenID Provider (Debian: nodejs, npm)")
    # One installation whatever the number of test workers: the others wait for it.
    with open(HERE / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (HERE / "node_modules" / ".package-lock.json").is_file():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=HERE,
                check=True,
            )
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("oidc") / "provider.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [node, "server.mjs"],
            cwd=HERE,
            env={**os.environ, "PORT": str(port), "ISSUER": issuer},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the OpenID Provider did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield TestProvider(issuer)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
