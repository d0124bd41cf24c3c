"""The authentication backend a provider's sign-in is logged in with."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class ProviderBackend(ModelBackend):
    """Authenticates nothing itself: ``views.callback`` logs in the account it matched.

    It is named in the session so that each request finds the user again, and, as
    Django's own, it finds no deactivated user: an account deactivated in the app ends
    its provider sessions at the next request.
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        return None
