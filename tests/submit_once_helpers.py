"""What the tests of the one-time form token share: the dates typed, and finding the token."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post", re.I)
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def today(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def later(days: int, hour: int = 10) -> str:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def token_of_form(html: str, field: str) -> str:
    """The one-time token of the POST form on the page that has the field ``field``."""
    for form in FORM.findall(html):
        if POST_FORM.match(form) and f'name="{field}"' in form:
            [token] = TOKEN.findall(form)
            return token
    raise AssertionError(f"no POST form with {field} on the page")
