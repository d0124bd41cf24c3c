"""``{% submission_token %}``: the one-time token of a POST form (``klientstod.submissions``).

Registered as a built-in in the settings, like ``{% csrf_token %}`` beside which it
stands in every POST form; tests/test_submit_once_forms.py fails for a form without it.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token() -> SafeString:
    # autocomplete="off": a browser restoring a page from its history must not restore
    # a spent token into it.
    return format_html(
        '<input type="hidden" name="{}" value="{}" autocomplete="off">', FIELD, new_token()
    )
