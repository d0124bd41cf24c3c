"""The personnummer at rest: encrypted, with a keyed hash (HMAC) to find it by.

A plain hash would not do: personnummer are few enough to be enumerated. The
keys come from the environment, apart from DJANGO_SECRET_KEY:
KLIENTSTOD_PERSONNUMMER_KEYS (Fernet keys, comma-separated; the first encrypts,
all decrypt, so a key can be rotated) and KLIENTSTOD_PERSONNUMMER_INDEX_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.KLIENTSTOD_PERSONNUMMER_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def index(value: str) -> str:
    """The keyed hash to look a personnummer up by (of the normal form)."""
    key = settings.KLIENTSTOD_PERSONNUMMER_INDEX_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
