"""Uppföljning Finsam as CSV: one row per insats and one per förbund, no personal data."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .exports import cell_value
from .selectors.finsam import FinsamFigures, FinsamForbund, headings


def swedish_number(value: int | Decimal) -> str:
    """A number as Swedish spreadsheets read it: a decimal comma, no thousands separator."""
    return str(value).replace(".", ",")


def _values(figures: FinsamFigures) -> list[str]:
    return [
        swedish_number(n)
        for n in (
            figures.women,
            figures.men,
            figures.other,
            figures.participants,
            figures.granted,
            figures.outcome,
            figures.own,
        )
    ]


def rows(forbund: list[FinsamForbund], year: int) -> list[list[Any]]:
    lines: list[list[Any]] = [[str(h) for h in headings()]]
    for entry in forbund:
        for insats in entry.insatser:
            process = insats.process
            lines.append(
                [
                    entry.financier.name,
                    process.name,
                    f"{process.starts_on:%Y-%m-%d}",
                    f"{process.ends_on:%Y-%m-%d}",
                    year,
                    *_values(insats.figures),
                ]
            )
        lines.append(
            [entry.financier.name, _("The förbund in all"), "", "", year, *_values(entry.total)]
        )
    return lines


def to_csv(forbund: list[FinsamForbund], year: int) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a byte order mark: how Excel in Sweden reads a CSV file.
    writer = csv.writer(buffer, delimiter=";")
    for line in rows(forbund, year):
        writer.writerow([cell_value(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
