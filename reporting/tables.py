"""The report's figures laid out as tables: one column per period.

The tertial report has one column; the annual report has each tertial beside
the year's total. The page, the PDF and the CSV/XLSX exports all read these
tables, so a figure is labelled and ordered the same way everywhere, and each
value is already what the reader may see of it (``SmallCounts``): nothing
downstream masks or unmasks a figure.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from interventions.choices import FiaStatus
from klientstod.smallcounts import Shown, SmallCounts

from .choices import Metric, MilestoneSubject
from .selectors import Report


@dataclass
class Row:
    label: Any
    values: list[Any]
    level: int = 0  # 1 for a breakdown of the row above
    people: bool = True  # a count of people, which small-count masking applies to
    #: The day a report was sent to the board whose value of this figure differs.
    changed_since: datetime.date | None = None


@dataclass
class Section:
    number: int
    title: Any
    #: What the section is, whatever its number: its anchor, and the key a comment on it uses.
    key: str = ""
    rows: list[Row] = field(default_factory=list)
    #: Its figures are states on the period's point in time, not events in it: in the annual
    #: report each tertial's column is the state on the tertial's last day and the year's
    #: column the state at the year's end, never a sum of the tertials.
    states: bool = False
    #: Collaboration, the milestones and the budget (sections 8–10) stand before this section.
    after_plan: bool = False
    #: The meetings week by week follow the figures.
    week_by_week: bool = False
    #: The day a report was sent to the board that this section's figures differ from.
    changed_since: datetime.date | None = None


Getter = Callable[[Report], Any]


def _row(reports: Sequence[Report], label: Any, get: Getter, **options: Any) -> Row:
    return Row(label, [get(report) for report in reports], **options)


def _breakdown(
    reports: Sequence[Report],
    get: Callable[[Report], list[tuple[Any, int]]],
    level: int = 1,
    **options: Any,
) -> list[Row]:
    """Rows for a list of (label, count) pairs, in the order of the first report."""
    pairs = [get(report) for report in reports]
    return [
        Row(label, [dict(p).get(label, 0) for p in pairs], level=level, **options)
        for label, _count in pairs[0]
    ]


def sections(reports: Sequence[Report], counts: SmallCounts | None = None) -> list[Section]:
    """Sections 1–5 and 8 of the status report as rows of figures, one value per report.

    ``counts``: how the reader is shown counts of people (exactly, if not given).
    """
    counts = counts or SmallCounts()
    r = reports
    referrals = Section(1, _("Referrals"), "referrals")
    referrals.rows = [
        _row(r, _("Referred in the period"), lambda x: x.referrals.received),
        _row(r, _("Not relevant now"), lambda x: x.referrals.not_relevant),
        *_breakdown(r, lambda x: x.referrals.not_relevant_by_reason),
        _row(r, _("Actualised"), lambda x: x.referrals.actualised),
        *_breakdown(r, _sources(r)),
        _row(r, _("Not yet decided"), lambda x: x.referrals.waiting),
        _row(r, _("Women"), lambda x: x.referrals.women),
        _row(r, _("Men"), lambda x: x.referrals.men),
        *_breakdown(r, lambda x: x.referrals.by_age, level=0),
        _row(r, _("In need of an interpreter"), lambda x: x.referrals.interpreter),
        _row(r, _("In SAMSYN"), lambda x: x.referrals.samsyn),
        _row(r, _("Women"), lambda x: x.referrals.samsyn_women, level=1),
        _row(r, _("Men"), lambda x: x.referrals.samsyn_men, level=1),
    ]
    fia = Section(2, _("FIA interviews"), "fia", states=True)
    fia.rows = [Row(label, [dict(x.fia.rows)[label] for x in r]) for label, _n in r[0].fia.rows]
    completed = [row.label for row in fia.rows].index(FiaStatus.COMPLETED.label)
    fia.rows.insert(
        completed + 1,
        _row(
            r, _("with an on-site interpreter"), lambda x: x.fia.completed_with_interpreter, level=1
        ),
    )
    fia.rows += _breakdown(r, lambda x: x.fia.aborted_by_reason)
    interventions = Section(3, _("Current interventions"), "interventions", states=True)
    kinds = [
        ("af_municipality", _("In need of collaboration employment service + municipality")),
        ("health_municipality", _("In need of collaboration health care + municipality")),
        ("studies", _("Studying")),
        ("work", _("Working")),
        ("internship", _("In an internship")),
        ("other", _("Other intervention")),
    ]
    interventions.rows = [
        _row(
            r,
            _("Applied for sickness or activity compensation at FK"),
            lambda x: x.interventions.fk_applications,
        ),
        *_breakdown(r, lambda x: x.interventions.fk_by_outcome),
        *[_row(r, label, _kind(kind)) for kind, label in kinds],
        _row(r, _("Ended the planning"), lambda x: x.interventions.ended_planning),
        _row(
            r,
            _("Case closed for another reason"),
            lambda x: x.interventions.closed_other,
        ),
        _row(r, _("Intervention unclear"), lambda x: x.interventions.unclear),
        _row(
            r,
            _("no first meeting yet"),
            lambda x: x.interventions.unclear_no_first_meeting,
            level=1,
        ),
        _row(r, _("recently started"), lambda x: x.interventions.unclear_recently_started, level=1),
        _row(
            r, _("repeatedly absent"), lambda x: x.interventions.unclear_repeatedly_absent, level=1
        ),
        _row(
            r,
            _("no intervention recorded yet"),
            lambda x: x.interventions.unclear_not_recorded,
            level=1,
        ),
    ]
    meetings = Section(4, _("Meetings and cancellations"), "meetings", week_by_week=True)
    meetings.rows = [
        _row(r, _("Meetings planned in the period"), lambda x: x.meetings.booked, people=False),
        _row(r, _("Held"), lambda x: x.meetings.held, people=False),
        _row(r, _("Cancelled or rebooked"), lambda x: x.meetings.not_held, people=False),
        *_breakdown(r, lambda x: x.meetings.by_cause, people=False),
        _row(r, _("Working days"), lambda x: x.meetings.working_days, people=False),
        _row(r, _("Working weeks"), lambda x: x.meetings.working_weeks, people=False),
        _row(
            r,
            _("Cancelled or rebooked per week"),
            lambda x: x.meetings.not_held_per_week,
            people=False,
        ),
        _row(r, _("Cancelled by us"), lambda x: x.meetings.cancelled_by_us, people=False),
        *_breakdown(r, lambda x: x.meetings.cancelled_by_us_by_reason, people=False),
        # Do reminders help? Small groups of people, so masked as counts of people are.
        _row(r, _("Meetings with a reminder sent"), lambda x: x.meetings.reminders.with_reminder),
        _row(r, _("no-show"), lambda x: x.meetings.reminders.with_reminder_no_show, level=1),
        _row(
            r,
            _("cancelled by the client"),
            lambda x: x.meetings.reminders.with_reminder_cancelled,
            level=1,
        ),
        _row(r, _("Meetings without a reminder"), lambda x: x.meetings.reminders.without_reminder),
        _row(r, _("no-show"), lambda x: x.meetings.reminders.without_reminder_no_show, level=1),
        _row(
            r,
            _("cancelled by the client"),
            lambda x: x.meetings.reminders.without_reminder_cancelled,
            level=1,
        ),
    ]
    bibliotherapy = Section(5, _("Bibliotherapy"), "bibliotherapy", states=True)
    bibliotherapy.rows = [
        _row(r, _("Offered bibliotherapy"), lambda x: x.bibliotherapy.offered),
        _row(r, _("accepted"), lambda x: x.bibliotherapy.accepted, level=1),
        _row(r, _("started"), lambda x: x.bibliotherapy.started, level=1),
        _row(r, _("to be rebooked"), lambda x: x.bibliotherapy.to_be_rebooked, level=1),
        _row(r, _("completed"), lambda x: x.bibliotherapy.completed, level=1),
        _row(r, _("Declined"), lambda x: x.bibliotherapy.declined),
        *_breakdown(r, lambda x: x.bibliotherapy.declined_by_reason),
        _row(
            r, _("Not offered because of language"), lambda x: x.bibliotherapy.not_offered_language
        ),
        _row(r, _("Still to be offered"), lambda x: x.bibliotherapy.still_to_offer),
    ]
    information = Section(6, _("Information meetings"), "information_meetings")
    information.rows = [
        _row(
            r,
            _("Information meetings held"),
            lambda x: x.information_meetings.meetings,
            people=False,
        ),
        _row(r, _("Clients invited"), lambda x: x.information_meetings.invited),
        _row(r, _("Clients who came"), lambda x: x.information_meetings.came),
    ]
    assessments = Section(7, _("Self-assessments"), "self_assessments")
    assessments.rows = _assessment_rows(r, counts)
    outcome = Section(11, _("Outcome against the goal"), "outcome", after_plan=True)
    outcome.rows = [
        _row(r, _("Closed in the period"), lambda x: x.outcome.closed),
        *_breakdown(r, lambda x: x.outcome.by_outcome),
        _row(r, _("Reached work, studies or sickness compensation"), lambda x: x.outcome.reached),
        # Shares of counts of people: from what the reader is shown of the counts.
        _row(
            r,
            _("Share reaching the goal (%)"),
            lambda x: counts.share(x.outcome.share, part=x.outcome.reached, whole=x.outcome.closed),
            people=False,
        ),
        _row(
            r,
            _("Share since the process started (%)"),
            lambda x: counts.share(
                x.outcome.share_total, part=x.outcome.reached_total, whole=x.outcome.closed_total
            ),
            people=False,
        ),
        _row(r, _("Goal (%)"), lambda x: x.outcome.goal_percent, people=False),
    ]
    result = [
        referrals,
        fia,
        interventions,
        meetings,
        bibliotherapy,
        information,
        assessments,
        outcome,
    ]
    for section in result:
        for row in section.rows:
            if row.people:
                row.values = [counts.count(value) for value in row.values]
    return result


@dataclass
class MilestoneLine:
    """A milestone against its target, as the reader may see it."""

    metric: Any
    deadline: datetime.date
    target: int
    actual: Shown
    share: Shown | None
    met: bool


def milestone_lines(report: Report, counts: SmallCounts | None = None) -> list[MilestoneLine]:
    """Section 6: each milestone's count, its share of the target, and whether it is met."""
    counts = counts or SmallCounts()
    return [
        MilestoneLine(
            metric=row.metric,
            deadline=row.deadline,
            target=row.target,
            actual=counts.count(row.actual),
            # The target is a plan, not people: a hidden count gives a bound of it.
            share=counts.share(row.share, part=row.actual, whole=row.target, whole_is_people=False),
            met=counts.reached(row.actual, row.target),
        )
        for row in report.milestones
    ]


@dataclass
class MilestoneGroup:
    """The milestones of one subject (klientstöd, bibliotherapy) whose deadline falls in one
    year, as the process plan lists them."""

    subject: Any
    year: int
    lines: list[MilestoneLine] = field(default_factory=list)


def milestone_groups(report: Report, counts: SmallCounts | None = None) -> list[MilestoneGroup]:
    """Section 9: the milestones grouped by subject and year, each by its deadline."""
    order = {value: n for n, value in enumerate(MilestoneSubject.values)}
    metrics = {value: n for n, value in enumerate(Metric.values)}
    pairs = sorted(
        zip(report.milestones, milestone_lines(report, counts), strict=True),
        key=lambda pair: (pair[0].deadline, metrics.get(pair[0].kind, len(metrics))),
    )
    groups: dict[tuple[int, int], MilestoneGroup] = {}
    for row, line in pairs:
        subject = MilestoneSubject(row.subject)
        key = (order[subject], row.deadline.year)
        groups.setdefault(key, MilestoneGroup(subject.label, row.deadline.year)).lines.append(line)
    return [groups[key] for key in sorted(groups)]


def _assessment_rows(reports: Sequence[Report], counts: SmallCounts) -> list[Row]:
    """Who answered, and for each questionnaire answered in any column, the change since
    the start. The mean change is of people's answers: shown only where the number compared
    is."""
    used = [
        (n, change.label)
        for n, change in enumerate(reports[0].assessments.by_questionnaire)
        if any(report.assessments.by_questionnaire[n].answered for report in reports)
    ]
    rows = [_row(reports, _("Answered a self-assessment"), lambda x: x.assessments.answered)]
    rows += [
        Row(label, [x.assessments.by_questionnaire[n].answered for x in reports], level=1)
        for n, label in used
    ]
    for n, label in used:
        changes = [x.assessments.by_questionnaire[n] for x in reports]
        rows += [
            Row(
                _("%(questionnaire)s: compared with the start") % {"questionnaire": label},
                [c.compared for c in changes],
            ),
            Row(_("improved"), [c.improved for c in changes], level=1),
            Row(_("unchanged"), [c.unchanged for c in changes], level=1),
            Row(_("worse"), [c.worse for c in changes], level=1),
            Row(
                _("mean change (scale 1–5)"),
                [None if counts.hides(c.compared) else c.mean_change for c in changes],
                level=1,
                people=False,
            ),
            Row(_("declined answers, left out"), [c.declined for c in changes], level=1),
        ]
    return rows


def _kind(kind: str) -> Getter:
    return lambda report: report.interventions.count(kind)


def _sources(reports: Sequence[Report]) -> Callable[[Report], list[tuple[Any, int]]]:
    """Every referring organisation of any column, so that the columns line up."""
    names = sorted({name for report in reports for name, _n in report.referrals.by_source})

    def get(report: Report) -> list[tuple[Any, int]]:
        counts = dict(report.referrals.by_source)
        return [(_("from %(source)s") % {"source": name}, counts.get(name, 0)) for name in names]

    return get
