from typing import Any

from django import template

from .. import badges

register = template.Library()


@register.filter
def badge_class(status: str) -> str:
    return badges.badge_class(status)


@register.filter
def age_on(client: Any, day: Any = None) -> int:
    return client.age(day)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def render_panel(context: Any, panel: Any) -> str:
    """A panel, rendered with its own values on top of the page's context.

    The page's context is reused rather than a new RequestContext made, which would
    run every context processor (and their queries) again for each panel.
    """
    template = context.template.engine.get_template(panel.template)
    with context.push(panel.context):
        return template.render(context)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key, "") if mapping else ""


@register.filter
def audit_action(action: int) -> str:
    from ..audit import action_label

    return action_label(action)


@register.filter
def translated(text: str) -> str:
    """A stored, untranslated label (marked with gettext_noop where it is made), translated."""
    from django.utils.translation import gettext

    return gettext(text) if text else ""
