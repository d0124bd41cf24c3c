"""Crispy layout objects that print their text as text.

crispy-forms renders a ``Fieldset``'s legend, an ``HTML`` block and a button's
value as Django templates, and crispy-bootstrap5 prints the result unescaped. A
legend made of data (a questionnaire's title, typed by an administrator) would
then run as template code in the coordinator's page and could put a script in
it. The project's forms use the objects below instead: their text is escaped and
never evaluated. (crispy's ``Column``, ``Row``, ``Layout`` and ``Div`` hold only
fields and are safe as they are.)
"""

from __future__ import annotations

from typing import Any

from crispy_forms import layout
from crispy_forms.helper import FormHelper
from crispy_forms.utils import TEMPLATE_PACK
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString


class Fieldset(layout.Fieldset):
    """A fieldset whose legend is escaped text, never a template."""

    def render(
        self, form: Any, context: Any, template_pack: str = TEMPLATE_PACK, **kwargs: Any
    ) -> SafeString:
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        legend = conditional_escape(self.legend) if self.legend else SafeString("")
        context.update({"fieldset": self, "legend": legend, "fields": fields})
        return render_to_string(self.get_template_name(template_pack), context.flatten())


class Paragraph:
    """A paragraph of plain text among the fields, escaped (crispy's ``HTML`` is a template)."""

    def __init__(self, text: Any, css_class: str = "") -> None:
        self.text = text
        self.css_class = css_class

    def render(
        self, form: Any, context: Any, template_pack: str = TEMPLATE_PACK, **kwargs: Any
    ) -> SafeString:
        return format_html('<p class="{}">{}</p>', self.css_class, self.text)


def form_helper(*fields: Any, hidden_fields: bool = False) -> FormHelper:
    """The helper of a form the page's template wraps in its own ``<form>``.

    ``fields``: the layout, if the fields are not simply shown in order.
    ``hidden_fields``: render the hidden fields a layout leaves out (a record's version).
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.render_hidden_fields = hidden_fields
    if fields:
        helper.layout = layout.Layout(*fields)
    return helper
