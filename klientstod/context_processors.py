from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .roles import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role names the base template needs to pick the navigation."""
    # The local demo (make run, DEBUG on) tells on its login page how to log in.
    return {"Role": Role, "demo": settings.DEBUG}
