"""System checks for configuration the app needs to start safely."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register()
def check_time_zone_and_language(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.TIME_ZONE != "Europe/Stockholm":
        errors.append(
            Warning(
                "TIME_ZONE is not Europe/Stockholm; meeting times would show in another zone.",
                id="klientstod.W001",
            )
        )
    if not settings.USE_TZ:
        errors.append(
            Error("USE_TZ must be on: meeting times are stored in UTC.", id="klientstod.E001")
        )
    return errors
