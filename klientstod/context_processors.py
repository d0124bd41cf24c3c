from typing import Any

from django.http import HttpRequest

from .models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role names the base template needs to pick the navigation."""
    return {"Role": Role}
