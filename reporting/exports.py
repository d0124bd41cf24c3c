"""The report's aggregates as CSV and XLSX: the same tables as the page and the PDF.

The values are what the reader may see (``SmallCounts``): "<3" is a text cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from klientstod.smallcounts import Masked, SmallCounts

from . import tables
from .selectors import Report

#: What Excel and LibreOffice read as the start of a formula, or of a new cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value: Any) -> Any:
    """A value as a spreadsheet cell: a number or date as it is, text never as a formula.

    Names in the exports are typed by people (a process, a partner); one that starts
    like a formula (``=HYPERLINK(…)``) would run when the file is opened. Such text
    gets a leading apostrophe, the spreadsheet's own mark for "this is text".
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    """A masked figure as plain text ("<3"); numbers stay numbers."""
    return str(value) if isinstance(value, Masked) else value


def rows(columns: Sequence[Report], counts: SmallCounts) -> Iterator[list[Any]]:
    """The report as rows: section, figure, then one value per period."""
    report = columns[-1]
    yield [_("Section"), _("Figure"), *[str(c.period) for c in columns]]
    for section in tables.sections(columns, counts):
        if section.after_plan:
            yield from _plan_rows(report, counts, len(columns))
        for row in section.rows:
            label = f"– {row.label}" if row.level else str(row.label)
            yield [f"{section.number}. {section.title}", label, *map(_cell, row.values)]


def _plan_rows(report: Report, counts: SmallCounts, width: int) -> Iterator[list[Any]]:
    """Sections 8–10, which the report shows for its own period: in its column alone."""
    pad = [""] * (width - 1)
    collaboration = report.collaboration
    if collaboration is not None:
        for partner in collaboration.partners:
            for kind, n in zip(collaboration.kinds, partner.by_kind, strict=True):
                yield [f"8. {_('Partner collaboration')}", f"{partner.name}: {kind}", *pad, n]
            yield [
                f"8. {_('Partner collaboration')}",
                f"{partner.name}: {_('state')}",
                *pad,
                f"{partner.state} ({partner.last_on:%Y-%m-%d})",
            ]
    for milestone in tables.milestone_lines(report, counts):
        yield [
            f"9. {_('Milestones')}",
            f"{milestone.metric} ({milestone.deadline:%Y-%m-%d}), {_('target')} {milestone.target}",
            *pad,
            _cell(milestone.actual),
        ]
    for line in [*report.budget.rows, report.budget.total]:
        for heading, value in (
            (_("Granted for the year"), line.granted),
            (_("Costs, förbund"), line.forbund),
            (_("Costs, own financing"), line.own),
            (_("Invoiced"), line.invoiced),
        ):
            yield [
                f"10. {_('Budget')} {report.budget.year}",
                f"{line.category}: {heading}",
                *pad,
                int(value),
            ]
    years = report.budget_years
    if years is not None:
        for granted in [*years.rows, years.total]:
            yield [
                f"10. {_('Granted funds per year')}",
                f"{granted.category}: {_('own financing')}",
                *pad,
                int(granted.own),
            ]
            for year, value in zip(years.years, granted.per_year, strict=True):
                yield [
                    f"10. {_('Granted funds per year')}",
                    f"{granted.category}: {year}",
                    *pad,
                    int(value),
                ]
    for cost_period in report.cost_periods or []:
        span = f"{cost_period.start:%Y-%m-%d} – {cost_period.end:%Y-%m-%d}"
        for cost in cost_period.lines:
            label = f"{cost.label} ({_('own financing')})" if cost.own else str(cost.label)
            yield [f"10. {_('Costs per cost period')}", f"{span}: {label}", *pad, int(cost.amount)]


def _swedish(value: Any) -> Any:
    """A decimal number with a decimal comma ("1,6"), as the PDF prints it and Excel in
    Sweden reads it; whole numbers and text as they are."""
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return value


def to_csv(columns: Sequence[Report], counts: SmallCounts) -> bytes:
    buffer = io.StringIO()
    # Semicolons, decimal commas and a byte order mark: how Excel in Sweden reads a CSV file.
    writer = csv.writer(buffer, delimiter=";")
    for line in rows(columns, counts):
        writer.writerow(
            ["" if value is None else cell_value(_swedish(_cell(value))) for value in line]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(columns: Sequence[Report], counts: SmallCounts, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Status report")[:31]
    sheet.append([cell_value(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    for number, line in enumerate(rows(columns, counts)):
        sheet.append(["" if value is None else cell_value(_cell(value)) for value in line])
        if number == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
