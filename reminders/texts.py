"""The reminder's words: templates with a fixed set of placeholders.

A template is text an administrator typed, so it is never handed to the Django template
engine nor to ``str.format``: only the placeholders of a fixed list (``{dag}``) are replaced
by plain values; everything else stays as typed, and an unknown ``{name}`` is refused when
the template is saved. A line whose placeholders have no value (a meeting without a place,
no interpreter booked) is left out.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The placeholders a template may use, and what each becomes.
PLACEHOLDERS: dict[str, str] = {
    "dag": "weekday and date, e.g. tisdag 1 december",
    "datum": "the date as 2026-12-01",
    "tid": "the time, e.g. 10.00",
    "plats": "the place of the meeting",
    "tolk": "the template's interpreter line, when an interpreter is booked",
    "samordnare": "the coordinator's first name",
    "telefon": "the coordinator's phone number",
}

DEFAULT_TEXT = (
    "Hej! Påminnelse: du har ett möte {dag} kl. {tid}.\n"
    "Plats: {plats}\n"
    "{tolk}\n"
    "Kan du inte komma? Ring {samordnare} på {telefon} för att avboka eller boka om."
)
DEFAULT_SUBJECT = "Påminnelse om ditt möte {dag}"
DEFAULT_INTERPRETER_LINE = "Tolk är bokad."

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def validate_template(text: str) -> None:
    """Refuse a placeholder that is not on the list (a typo would be sent as typed)."""
    unknown = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    if unknown:
        raise ValidationError(
            _("Unknown placeholder {%(name)s}. Use only: %(allowed)s.")
            % {"name": unknown[0], "allowed": ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)}
        )


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders replaced, everything else as typed; a line whose
    placeholders are all empty is dropped."""
    lines = []
    for line in text.splitlines():
        names = [name for name in _PLACEHOLDER.findall(line) if name in PLACEHOLDERS]
        if names and not any(values.get(name) for name in names):
            continue
        filled = _PLACEHOLDER.sub(
            lambda match: (
                values.get(match.group(1), "") if match.group(1) in PLACEHOLDERS else match.group(0)
            ),
            line,
        )
        if filled.strip():
            lines.append(filled.rstrip())
    return "\n".join(lines)


def meeting_values(
    *,
    starts_at: datetime.datetime,
    place: str,
    interpreter_booked: bool,
    interpreter_line: str,
    coordinator: str,
    phone: str,
) -> dict[str, str]:
    local = timezone.localtime(starts_at)
    return {
        "dag": f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}",
        "datum": f"{local:%Y-%m-%d}",
        "tid": f"{local:%H.%M}",
        "plats": place.strip(),
        "tolk": interpreter_line.strip() if interpreter_booked else "",
        "samordnare": coordinator.strip(),
        "telefon": phone.strip(),
    }


def example_values(interpreter_line: str = DEFAULT_INTERPRETER_LINE) -> dict[str, str]:
    """Values for the administration's preview."""
    starts_at = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    return meeting_values(
        starts_at=starts_at + datetime.timedelta(days=1),
        place="Storgatan 1, Båstad",
        interpreter_booked=True,
        interpreter_line=interpreter_line,
        coordinator="Kim",
        phone="0431-123 45",
    )
