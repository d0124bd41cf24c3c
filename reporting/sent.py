"""A report as sent to the board: its figures kept beside its PDF, and what has changed since.

The board reads the report as an aggregates-only reader does (``board_counts``): with the
process's small-count rule applied. The PDF that is sent and the figures kept with it are
both made that way, whoever sends them; the live report is compared with the figures in
the same way, so a count the coordinator sees exactly is not "changed" only because the
board read it as "<3".

The figures are the rows of the report's CSV export (``exports.rows``): section, figure,
one value per column, all kept as text in the site's language, so that comparing them
does not depend on the reader's language.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from klientstod.models import Process
from klientstod.roles import AGGREGATES_ONLY, has_role
from klientstod.smallcounts import SmallCounts

from . import exports, tables
from .choices import ReportKind
from .models import SentReport
from .periods import Period
from .selectors import Report

#: The shape of ``SentReport.figures``; a later shape compares only with its own.
FORMAT = 1

Key = tuple[str, str, int]


def board_counts(process: Process) -> SmallCounts:
    """How the förbund's board (aggregates only) is shown this process's counts of people."""
    return SmallCounts(process.suppress_small_counts)


def kind_of(preset: str) -> str | None:
    """The report a period preset makes: a tertial or the annual report; none for other dates."""
    if preset == "year":
        return ReportKind.ANNUAL
    if preset in ("t1", "t2", "t3"):
        return ReportKind.TERTIAL
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def figures(columns: Sequence[Report], counts: SmallCounts) -> dict[str, Any]:
    """The report's figures as kept with a sent report (JSON)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = list(exports.rows(columns, counts))[1:]  # the first row names the columns
        rows = [
            [str(section), str(label), [_text(v) for v in values]]
            for section, label, *values in lines
        ]
    return {"format": FORMAT, "rows": rows}


def _keyed(rows: Iterable[Sequence[Any]]) -> dict[Key, list[str]]:
    """Each row by its section, its label and, for a label repeated in a section, its turn."""
    seen: Counter[tuple[str, str]] = Counter()
    keyed: dict[Key, list[str]] = {}
    for section, label, values in rows:
        keyed[(section, label, seen[(section, label)])] = list(values)
        seen[(section, label)] += 1
    return keyed


@dataclass(frozen=True)
class ChangedFigure:
    section: str
    label: str
    turn: int
    sent: str
    now: str

    @property
    def key(self) -> Key:
        return (self.section, self.label, self.turn)


def changes(sent: dict[str, Any], now: dict[str, Any]) -> list[ChangedFigure]:
    """The figures whose values differ between the sent report and the live one, in order."""
    if sent.get("format") != now.get("format"):
        return []
    before, after = _keyed(sent["rows"]), _keyed(now["rows"])
    changed = []
    for key in [*after, *(k for k in before if k not in after)]:
        old, new = before.get(key), after.get(key)
        if old != new:
            changed.append(
                ChangedFigure(
                    *key,
                    " / ".join(old) if old is not None else "–",
                    " / ".join(new) if new is not None else "–",
                )
            )
    return changed


def mark(
    shown: Sequence[tables.Section],
    columns: Sequence[Report],
    counts: SmallCounts,
    changed: Iterable[ChangedFigure],
    sent_on: datetime.date,
) -> None:
    """Mark the rows (and their sections) of the page's tables whose figures changed.

    The keys are those ``exports.rows`` gives the same rows: the page's tables and the
    board's are the same sections in the same order, built again here in the site's
    language to name them.
    """
    keys = {c.key for c in changed}
    seen: Counter[tuple[str, str]] = Counter()
    with translation.override(settings.LANGUAGE_CODE):
        named = tables.sections(columns, counts)
        for page_section, section in zip(shown, named, strict=True):
            title = f"{section.number}. {section.title}"
            for page_row, row in zip(page_section.rows, section.rows, strict=True):
                label = f"– {row.label}" if row.level else str(row.label)
                turn = seen[(title, label)]
                seen[(title, label)] += 1
                if (title, label, turn) in keys:
                    page_row.changed_since = sent_on
                    page_section.changed_since = sent_on


def latest_for(process: Process, columns: Sequence[Report]) -> SentReport | None:
    """The report last sent for the period the page shows (its PDF left unread)."""
    period = columns[-1].period
    return (
        SentReport.objects.filter(process=process, period_start=period.start, period_end=period.end)
        .defer("pdf")
        .order_by("-sent_at", "-pk")
        .first()
    )


def compare(
    process: Process, columns: Sequence[Report], shown: Sequence[tables.Section]
) -> tuple[SentReport | None, list[ChangedFigure]]:
    """The period's last sent report and what has changed since; marks the page's rows."""
    latest = latest_for(process, columns)
    if latest is None:
        return None, []
    counts = board_counts(process)
    changed = changes(latest.figures, figures(columns, counts))
    mark(shown, columns, counts, changed, latest.sent_on)
    return latest, changed


@dataclass(frozen=True)
class SentLine:
    """A sent report as a list shows it to one reader."""

    report: SentReport
    #: Who sent it: their name for those who work in the process, their role for the others.
    sender: str


def sent_reports(process: Process, user: Any) -> list[SentLine]:
    """Every report the process has sent to the board, the latest first (PDFs left unread)."""
    reports = (
        SentReport.objects.filter(process=process)
        .select_related("sent_by")
        .defer("pdf", "figures")
        .order_by("-sent_at", "-pk")
    )
    by_role = has_role(user, *AGGREGATES_ONLY)
    return [
        SentLine(
            report,
            str(report.sent_by.get_role_display())
            if by_role
            else report.sent_by.get_full_name() or report.sent_by.get_username(),
        )
        for report in reports
    ]


def can_send(preset: str, period: Period, today: datetime.date | None = None) -> bool:
    """A tertial or annual report can be sent once its period has come to its last day."""
    return kind_of(preset) is not None and period.end <= (today or timezone.localdate())
