"""The per-person participant list once registered in SUS: retired unless a process opts in.

Uppföljning Finsam, which replaced SUS for the samordningsförbund in 2023, takes no
personal data (``reporting.selectors.finsam``). This list of personnummer, income before
and after and end reasons is the one export with personal data: off unless the process is
named in ``KLIENTSTOD_SUS_EXPORT_PROCESSES`` (docs/data-protection.md), the coordinator's
alone, and every download is recorded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from klientstod.models import Case, Consent, EducationLevel, IncomeSource, Process

from .exports import cell_value
from .periods import Period
from .selectors import cases_during


def export_allowed(process: Process) -> bool:
    """Whether the process has opted in to the per-person list (off by default)."""
    return process.pk in settings.KLIENTSTOD_SUS_EXPORT_PROCESSES


@dataclass
class Participant:
    case: Case
    sus_consent: bool

    @property
    def missing(self) -> list[str]:
        """The fields SUS needs that this case still lacks."""
        case, client = self.case, self.case.client
        gaps = []
        if not self.sus_consent:
            gaps.append(_("consent to SUS registration"))
        if client.income_source == IncomeSource.UNKNOWN:
            gaps.append(_("income source at start"))
        if client.education_level == EducationLevel.UNKNOWN:
            gaps.append(_("education level"))
        if case.closed_on and not case.income_source_end:
            gaps.append(_("income source at end"))
        if case.closed_on and not case.closure_outcome:
            gaps.append(_("reason for ending"))
        return gaps


def participants(process: Process, period: Period) -> list[Participant]:
    consent = Consent.objects.in_force(period.end).filter(
        client=OuterRef("client"), kind=Consent.Kind.SUS_REGISTRATION
    )
    cases: QuerySet[Case] = (
        cases_during(process, period)
        .select_related("client")
        .annotate(sus_consent=Exists(consent))
        .order_by("start_date", "pk")
    )
    return [Participant(case, case.sus_consent) for case in cases]  # type: ignore[attr-defined]


HEADINGS = [
    "Personnummer",
    "Startdatum",
    "Slutdatum",
    "Försörjning före",
    "Försörjning efter",
    "Utbildningsnivå",
    "Avslutsorsak",
    "Samtycke SUS",
    "Saknas",
]


def row(participant: Participant) -> list[Any]:
    case, client = participant.case, participant.case.client
    return [
        client.personnummer,
        case.start_date,
        case.closed_on,
        client.get_income_source_display(),
        case.get_income_source_end_display() if case.income_source_end else "",
        client.get_education_level_display(),
        case.get_closure_outcome_display() if case.closure_outcome else "",
        _("Yes") if participant.sus_consent else _("No"),
        ", ".join(participant.missing),
    ]


def to_xlsx(people: list[Participant], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "SUS"
    sheet.append([cell_value(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(HEADINGS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for participant in people:
        sheet.append([cell_value(value) for value in row(participant)])
    for column, width in zip("ABCDEFGHI", (16, 12, 12, 30, 30, 28, 30, 12, 50), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=3, min_col=2, max_col=3):
        for cell in cells:
            cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
