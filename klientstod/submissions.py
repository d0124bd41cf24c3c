"""One-time submission tokens: a double-clicked form makes one record.

Every POST form carries a fresh token (``{% submission_token %}`` next to
``{% csrf_token %}``). ``SubmitOnceMiddleware`` claims the token before the view runs,
by inserting a ``FormSubmission`` row with a unique key in a transaction of its own, so
that two workers cannot both run the same sending. A second sending with the same token
(a double click, a resubmitting reload, a second tab) does not run the view again: it
ends where the first ended, waiting briefly if the first is still running. A first
sending that did not succeed releases its token, so the corrected form can be sent.

The token is not issued by the server: any hard-to-guess string works, as with an
idempotency key. What makes it one user's is the key: a keyed hash of the token, the
user and the session. A token taken from someone else's page is therefore only a new
token in one's own session, and cannot lead to where their sending ended.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import FormSubmission

logger = logging.getLogger(__name__)

#: The form field and, for requests without a form body, the header with the token.
FIELD = "submission_token"
HEADER = "X-Submission-Token"
#: Longer values are not tokens of ours; such a request runs as if it had none.
MAX_TOKEN_LENGTH = 100
#: How long a second sending waits for a first that is still running.
WAIT_SECONDS = 10.0
#: A first sending still marked running after this has died with its worker.
ABANDONED_AFTER = datetime.timedelta(minutes=2)
#: How long a sending is remembered; older rows are purged on every PURGE_EVERY-th claim.
KEPT_FOR = datetime.timedelta(days=1)
PURGE_EVERY = 100


def new_token() -> str:
    return secrets.token_urlsafe(16)


def token_of(request: HttpRequest) -> str | None:
    token = request.POST.get(FIELD) or request.headers.get(HEADER) or ""
    return token if 0 < len(token) <= MAX_TOKEN_LENGTH else None


def submission_key(user_pk: object, session_key: str | None, token: str) -> str:
    return salted_hmac(
        "klientstod.submissions", f"{user_pk}\n{session_key or ''}\n{token}", algorithm="sha256"
    ).hexdigest()


@dataclass(frozen=True)
class Earlier:
    """The first sending of the same form: where it ended, or "" if it is still running."""

    location: str


def claim_or_wait(key: str) -> FormSubmission | Earlier:
    """Claim this sending (the caller runs the view), or wait for the earlier one."""
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.05
    while True:
        claimed = _claim(key)
        if claimed is not None:
            return claimed
        earlier = FormSubmission.objects.filter(key=key).first()
        if earlier is not None and earlier.is_finished:
            return Earlier(earlier.location)
        if earlier is not None and earlier.is_abandoned(timezone.now(), ABANDONED_AFTER):
            FormSubmission.objects.filter(pk=earlier.pk, location="").delete()
            continue
        if time.monotonic() >= deadline:
            return Earlier("")
        if earlier is None:
            continue  # the first failed and let go of the token just now: claim it again
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def _claim(key: str) -> FormSubmission | None:
    try:
        # Its own transaction (a savepoint inside the tests' one), committed before the
        # view runs, so that every other worker sees the claim at once.
        with transaction.atomic():
            submission = FormSubmission.objects.create(key=key)
    except IntegrityError:
        return None
    if submission.pk % PURGE_EVERY == 0:
        purge()
    return submission


def finish(submission: FormSubmission, request: HttpRequest, response: HttpResponseBase) -> None:
    """Remember where a successful sending led; let go of the token of any other.

    Success is a redirect, as after every saved form here; a form with errors (200),
    a refusal (4xx) or an error (5xx) releases the token. So does an answer that sets
    the session, language or CSRF cookie anew (a login, a logout, a new password, the
    language switch): a second sending sent where the first led would not carry the
    cookie, so the second runs as if there were no token; doing those twice is harmless.
    """
    location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
    rows = FormSubmission.objects.filter(pk=submission.pk)
    try:
        if location and not _changes_cookies_of_the_login(request, response):
            rows.update(location=location[:2000])
        else:
            rows.delete()
    except DatabaseError:
        # The view's answer stands; the claim is taken over as abandoned later.
        logger.exception("Could not finish the form submission %s", submission.pk)


def _changes_cookies_of_the_login(request: HttpRequest, response: HttpResponseBase) -> bool:
    names = (settings.SESSION_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    return any(
        name in response.cookies and response.cookies[name].value != request.COOKIES.get(name)
        for name in names
    )


def purge() -> int:
    cutoff = timezone.now() - KEPT_FOR
    deleted, _by_model = FormSubmission.objects.filter(started_at__lt=cutoff).delete()
    return deleted
