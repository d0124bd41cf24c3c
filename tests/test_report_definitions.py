"""The report's definitions: the point in time, one row per client, FK outcomes, sources, days."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from interventions import services as intervention_services
from interventions.models import FkOutcome, Intervention
from reporting import periods, selectors, tables
from reporting.models import VacationPeriod

from .factories import (
    CaseFactory,
    ClientFactory,
    MeetingFactory,
    OrganisationFactory,
    ReferralFactory,
    UnitFactory,
)

D = datetime.date
TODAY = D(2026, 11, 30)  # a Monday late in the third tertial
RUNNING = periods.tertial(2026, 3)  # 2026-09-01 to 2026-12-31


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def case_with_first_meeting(process, start: datetime.date, **kwargs):
    case = CaseFactory(process=process, start_date=start, **kwargs)
    MeetingFactory(case=case, starts_at=at(start + datetime.timedelta(days=1)), status="held")
    return case


def section_three_total(report) -> int:
    (section,) = [s for s in tables.sections([report]) if s.number == 3]
    return sum(row.values[0] for row in section.rows if row.level == 0)


@pytest.mark.django_db
def test_every_client_of_a_running_tertial_is_in_exactly_one_row(process):
    # Two clients who started this month, first meeting held, no intervention yet.
    case_with_first_meeting(process, D(2026, 11, 3))
    case_with_first_meeting(process, D(2026, 11, 10))
    # An FK application, a study, both and so counted once (as the FK application).
    fk = case_with_first_meeting(process, D(2026, 5, 1))
    Intervention.objects.create(
        case=fk, kind="fk_application", fk_outcome="applied", starts_on=D(2026, 9, 5)
    )
    studies = case_with_first_meeting(process, D(2026, 6, 1))
    Intervention.objects.create(case=studies, kind="studies", starts_on=D(2026, 9, 1))
    both = case_with_first_meeting(process, D(2026, 6, 1))
    Intervention.objects.create(case=both, kind="studies", starts_on=D(2026, 9, 1))
    Intervention.objects.create(
        case=both, kind="fk_application", fk_outcome="granted", starts_on=D(2026, 9, 1)
    )
    # No first meeting; repeatedly absent; met, long ago, nothing recorded.
    CaseFactory(process=process, start_date=D(2026, 10, 1))
    absent = case_with_first_meeting(process, D(2026, 4, 1))
    for day in (D(2026, 10, 5), D(2026, 10, 12)):
        MeetingFactory(case=absent, starts_at=at(day), status="no_show")
    case_with_first_meeting(process, D(2026, 3, 1))
    # Closed in the period: by the client, and to work.
    case_with_first_meeting(
        process,
        D(2026, 2, 1),
        status="closed",
        closed_on=D(2026, 10, 1),
        closure_outcome="client_ended",
    )
    case_with_first_meeting(
        process, D(2026, 2, 1), status="closed", closed_on=D(2026, 9, 20), closure_outcome="work"
    )
    # Not of the period: closed before it, and registered in error.
    CaseFactory(
        process=process,
        start_date=D(2026, 1, 1),
        status="closed",
        closed_on=D(2026, 8, 1),
        closure_outcome="work",
    )
    CaseFactory(
        process=process,
        start_date=D(2026, 10, 1),
        status="closed",
        closed_on=D(2026, 10, 2),
        closure_outcome="registered_in_error",
    )

    report = selectors.tertial_report(process, RUNNING, today=TODAY)

    i = report.interventions
    assert i.unclear_recently_started == 2
    assert (i.fk_applications, i.count("studies")) == (2, 1)
    assert (i.unclear_no_first_meeting, i.unclear_repeatedly_absent) == (1, 1)
    assert i.unclear_not_recorded == 1
    assert (i.ended_planning, i.closed_other) == (1, 1)
    actualised = selectors.cases_during(process, RUNNING).count()
    assert actualised == 10
    assert section_three_total(report) == actualised


@pytest.mark.django_db
def test_recently_started_is_measured_against_today_in_a_running_period(process):
    case_with_first_meeting(process, D(2026, 10, 15))  # 46 days before today
    case_with_first_meeting(process, D(2026, 11, 20))
    report = selectors.tertial_report(process, RUNNING, today=TODAY)
    assert report.interventions.unclear_recently_started == 1
    assert report.interventions.unclear_not_recorded == 1
    # The same tertial, reported after it ended: measured against its last day.
    later = selectors.tertial_report(process, RUNNING, today=D(2027, 2, 1))
    assert later.interventions.unclear_recently_started == 0
    assert later.interventions.unclear_not_recorded == 2


def test_the_definitions_say_which_day_counts():
    with translation.override("sv"):
        swedish = str(selectors.INTERVENTIONS_DEFINITION)
    assert "i dag, vilken som är tidigast" in swedish
    for definition in (
        selectors.INTERVENTIONS_DEFINITION,
        selectors.REFERRALS_DEFINITION,
        selectors.FIA_DEFINITION,
        selectors.BIBLIOTHERAPY_DEFINITION,
    ):
        with translation.override(None):
            assert "today" in str(definition)


@pytest.mark.django_db
def test_an_ended_rejected_fk_application_stays_rejected(process):
    case = case_with_first_meeting(process, D(2026, 5, 1))
    Intervention.objects.create(
        case=case,
        kind="fk_application",
        fk_outcome="rejected",
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 10, 15),
        status="ended",
    )
    report = selectors.tertial_report(process, RUNNING, today=TODAY)
    i = report.interventions
    assert i.fk_applications == 1
    assert dict(i.fk_by_outcome)["Avslag"] == 1
    assert section_three_total(report) == 1
    # A cancelled application is none.
    Intervention.objects.filter(case=case).update(status="cancelled")
    report = selectors.tertial_report(process, RUNNING, today=TODAY)
    assert report.interventions.fk_applications == 0
    assert report.interventions.unclear_not_recorded == 1


@pytest.mark.django_db
def test_an_intervention_counts_as_it_stood_on_the_periods_day(process):
    """A closed tertial keeps the FK outcome of its last day, whatever was entered later."""
    case = case_with_first_meeting(process, D(2026, 5, 4))
    application = intervention_services.intervention_save(
        intervention=Intervention(
            case=case,
            kind="fk_application",
            fk_outcome="applied",
            starts_on=D(2026, 6, 1),
            status="ongoing",
        ),
        on=D(2026, 6, 1),
    )
    application.fk_outcome = "rejected"
    intervention_services.intervention_save(intervention=application, on=D(2026, 10, 12))
    application.status = "cancelled"
    intervention_services.intervention_save(intervention=application, on=D(2026, 11, 2))

    closed = selectors.tertial_report(process, periods.tertial(2026, 2), today=TODAY)
    assert closed.interventions.fk_applications == 1
    outcomes = dict(closed.interventions.fk_by_outcome)
    assert outcomes[FkOutcome.APPLIED.label] == 1
    assert outcomes[FkOutcome.REJECTED.label] == 0
    # The running tertial's day is today: the application was cancelled since.
    running = selectors.tertial_report(process, RUNNING, today=TODAY)
    assert running.interventions.fk_applications == 0
    assert section_three_total(running) == 1


@pytest.mark.django_db
def test_the_referring_source_is_the_unit_and_its_organisation(process, coordinator):
    kommun = OrganisationFactory(name="Båstads kommun")
    unit = UnitFactory(organisation=kommun, name="ekonomiskt bistånd")
    af = OrganisationFactory(name="Arbetsförmedlingen")
    for organisation, source_unit in [(kommun, unit), (kommun, unit), (kommun, None), (af, None)]:
        client = ClientFactory()
        ReferralFactory(
            process=process,
            entered_by=coordinator,
            organisation=organisation,
            unit=source_unit,
            received_on=D(2026, 9, 10),
            status="actualised",
            decided_on=D(2026, 9, 12),
            client=client,
            case=CaseFactory(process=process, client=client, start_date=D(2026, 9, 12)),
        )
    report = selectors.tertial_report(process, RUNNING, today=TODAY)
    assert report.referrals.by_source == [
        ("ekonomiskt bistånd – Båstads kommun", 2),
        ("Arbetsförmedlingen", 1),
        ("Båstads kommun", 1),
    ]
    (section,) = [s for s in tables.sections([report]) if s.number == 1]
    labels = [str(row.label) for row in section.rows]
    assert "från ekonomiskt bistånd – Båstads kommun" in labels


def test_working_days_follow_the_swedish_calendar():
    # The seed's period: 16 April to 29 July 2019 has 75 weekdays; Good Friday, Easter Monday,
    # 1 May, Ascension Day, National Day and Midsummer Eve are days off.
    seed = periods.Period(D(2019, 4, 16), D(2019, 7, 29))
    days = selectors.working_days(seed, today=D(2020, 1, 1))
    assert len(days) == 69
    for day_off in (D(2019, 4, 19), D(2019, 4, 22), D(2019, 5, 1), D(2019, 5, 30), D(2019, 6, 21)):
        assert day_off not in days
    vacation = VacationPeriod(starts_on=D(2019, 7, 1), ends_on=D(2019, 7, 12))
    assert len(selectors.working_days(seed, [vacation], today=D(2020, 1, 1))) == 59


def test_a_running_period_counts_working_days_up_to_today():
    days = selectors.working_days(RUNNING, today=TODAY)
    assert (days[0], days[-1], len(days)) == (D(2026, 9, 1), TODAY, 65)
    assert selectors.working_days(RUNNING, today=D(2027, 1, 10))[-1] == D(2026, 12, 30)


@pytest.mark.django_db
def test_weeks_are_working_days_over_five_with_one_decimal(process):
    VacationPeriod.objects.create(
        process=process, starts_on=D(2026, 10, 26), ends_on=D(2026, 10, 28)
    )
    case = CaseFactory(process=process, start_date=D(2026, 9, 1))
    for day in (D(2026, 9, 7), D(2026, 9, 14), D(2026, 11, 2)):
        MeetingFactory(case=case, starts_at=at(day), status="cancelled_by_client")
    MeetingFactory(case=case, starts_at=at(D(2026, 12, 14)), status="booked")
    m = selectors.tertial_report(process, RUNNING, today=TODAY).meetings
    assert (m.working_days, m.working_weeks) == (62, Decimal("12.4"))
    assert m.not_held_per_week == Decimal("0.2")  # 3 / 12.4
    assert m.per_week[-1][0] == TODAY  # no week after today
    # The whole tertial, after it ended: its last days are working days too.
    m = selectors.tertial_report(process, RUNNING, today=D(2027, 2, 1)).meetings
    # December: 23 weekdays less Christmas Eve, Christmas Day and New Year's Eve.
    assert m.working_days == 62 + 20


@pytest.mark.django_db
def test_the_coordinator_enters_vacation_periods(coordinator_client, process):
    url = reverse("reporting:plan", args=[process.pk])
    response = coordinator_client.post(
        url,
        {"save": "vacation", "vacation-starts_on": "2026-07-24", "vacation-ends_on": "2026-07-06"},
    )
    assert response.status_code == 200
    assert "ends_on" in response.context["forms"]["vacation"].errors
    assert not VacationPeriod.objects.exists()
    response = coordinator_client.post(
        url,
        {
            "save": "vacation",
            "vacation-starts_on": "2026-07-06",
            "vacation-ends_on": "2026-07-24",
            "vacation-note": "Semester",
        },
    )
    assert response.status_code == 302
    vacation = VacationPeriod.objects.get()
    assert (vacation.process, vacation.starts_on, vacation.ends_on) == (
        process,
        D(2026, 7, 6),
        D(2026, 7, 24),
    )
    assert "2026-07-06 – 2026-07-24" in coordinator_client.get(url).content.decode()
    coordinator_client.post(
        reverse("reporting:plan-item-delete", args=[process.pk, "vacation", vacation.pk])
    )
    assert not VacationPeriod.objects.exists()
