"""Settings for the test suite: the app's own, with a test key and a fast hasher."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
os.environ.setdefault(
    "KLIENTSTOD_PERSONNUMMER_KEYS", "dGVzdC1vbmx5LWtleS1mb3ItdGhlLXRlc3RzLTAwMDA="
)
os.environ.setdefault("KLIENTSTOD_PERSONNUMMER_INDEX_KEY", "test-only-personnummer-index-key")

from klientstod.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# Static files come from the finders; no collectstatic before a test run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# No persistent connections: the live server's threads must not keep the test
# database open when it is dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# The test client speaks plain HTTP; production redirects to HTTPS.
SECURE_SSL_REDIRECT = False

# The second factor is on in the tests, as in production (the demo runs without).
KLIENTSTOD_REQUIRE_2FA = True

# The tests' OpenID Provider runs on this machine over plain HTTP (tests/oidc_provider/).
KLIENTSTOD_OIDC_ALLOW_HTTP = True

# The SMS gateway's delivery reports come to /sms/delivered/<this>/ (reminders.views).
KLIENTSTOD_SMS_CALLBACK_SECRET = "test-delivery-report-secret"
