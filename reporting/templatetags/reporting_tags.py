"""What the report's templates need beyond Django's own tags."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def comment_for(comments: dict[str, Any] | None, key: str) -> Any:
    """The comment of the section ``key`` among the period's comments, or None."""
    return (comments or {}).get(key)


@register.filter
def form_for(form: Any, key: str) -> Any:
    """The comment form sent back with errors, if it is the one of the section ``key``."""
    if form is not None and form.data.get("section") == key:
        return form
    return None
