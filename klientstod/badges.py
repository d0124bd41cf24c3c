"""The colour of a status's badge.

Each app registers the badge classes of its own statuses in its
``AppConfig.ready``, so the core's ``badge_class`` filter knows no other app.
"""

from __future__ import annotations

from collections.abc import Mapping

_classes: dict[str, str] = {}


def register(classes: Mapping[str, str]) -> None:
    _classes.update(classes)


def badge_class(status: str) -> str:
    return _classes.get(status, "text-bg-light")
