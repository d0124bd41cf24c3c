"""Closing as a guided step: what is still open is listed and ended right on the closing
page, dated the closing day, and the case closes with it all in one transaction."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions.models import BibliotherapyOffer, FiaInterview, FiaStatusChange, Intervention
from klientstod.models import Case, Consent

from .factories import (
    BibliotherapyGroupFactory,
    BibliotherapyOfferFactory,
    FiaFactory,
    InterventionFactory,
    MeetingFactory,
    SelfAssessmentFactory,
)
from .submit_once_helpers import token_of_form

pytestmark = pytest.mark.django_db


def at_local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def url(case: Case) -> str:
    return reverse("klientstod:case-close", args=[case.pk])


def close_data(closed_on: datetime.date | None = None, **endings: str) -> dict[str, str]:
    return {
        "closed_on": (closed_on or timezone.localdate()).isoformat(),
        "outcome": "studies",
        "income_source_end": "study_support",
        "followup_consent": "on",
        **endings,
    }


def open_work(case: Case) -> dict[str, object]:
    """A case with one of everything still open."""
    MeetingFactory(case=case, kind="fia_session", status="held", starts_at=at_local(-20))
    return {
        "meeting": MeetingFactory(case=case, starts_at=at_local(4)),
        "fia": FiaFactory(case=case, status="ongoing", status_changed_on=case.start_date),
        "intervention": InterventionFactory(case=case, status="ongoing"),
        "offer": BibliotherapyOfferFactory(
            case=case,
            participation="started",
            participation_changed_on=case.start_date,
            group=BibliotherapyGroupFactory(process=case.process),
        ),
    }


def endings(work: dict[str, object], *, fia: str = "completed") -> dict[str, str]:
    return {
        f"meeting-{work['meeting'].pk}": "on",
        f"fia-{work['fia'].pk}": fia,
        f"intervention-{work['intervention'].pk}": "ended",
        f"participation-{work['offer'].pk}": "completed",
    }


def test_the_page_lists_what_is_open_with_links(coordinator_client, case):
    work = open_work(case)
    body = coordinator_client.get(url(case)).content.decode()
    for link in (
        reverse("klientstod:meeting-update", args=[work["meeting"].pk]),
        reverse("interventions:fia", args=[case.pk]),
        reverse("interventions:intervention-update", args=[work["intervention"].pk]),
        reverse("interventions:participant-detail", args=[work["offer"].pk]),
        reverse("interventions:assessment-create", args=[case.pk]),
    ):
        assert f'href="{link}' in body, link
    for text in ("Fortfarande öppet", "FIA: Pågående", "Deltagande: Påbörjad", "Avslutas som"):
        assert text in body
    # The final self-assessment is listed, but does not stop the closing.
    assert "hindrar inte avslutet" in body


def test_a_refusal_names_what_blocks_links_to_it_and_saves_nothing(coordinator_client, case):
    work = open_work(case)
    response = coordinator_client.post(url(case), close_data())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ärendet kan inte avslutas än: 4 saker är fortfarande öppna." in body
    form = response.context["form"]
    for key in endings(work):
        assert form.errors[key] == ["Välj hur det avslutas, eller avsluta det på dess egen sida."]
        assert f'href="#id_{key}"' in body
    assert {item.key for item in response.context["blocked"]} == set(endings(work))
    assert form.data["outcome"] == "studies"  # nothing typed is lost
    case.refresh_from_db()
    assert case.is_active
    assert not Consent.objects.filter(client=case.client).exists()


def test_closing_ends_everything_on_the_closing_day(coordinator_client, case):
    work = open_work(case)
    closed_on = timezone.localdate() - datetime.timedelta(days=3)
    response = coordinator_client.post(url(case), close_data(closed_on, **endings(work)))
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("closed", closed_on)
    meeting = work["meeting"]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled_by_us", "case_closed")
    fia = FiaInterview.objects.get(pk=work["fia"].pk)
    assert (fia.status, fia.status_changed_on) == ("completed", closed_on)
    assert FiaStatusChange.objects.get(fia=fia, status="completed").changed_on == closed_on
    intervention = Intervention.objects.get(pk=work["intervention"].pk)
    assert (intervention.status, intervention.ends_on) == ("ended", closed_on)
    assert intervention.history.get(status="ended").changed_on == closed_on
    offer = BibliotherapyOffer.objects.get(pk=work["offer"].pk)
    assert (offer.participation, offer.participation_changed_on) == ("completed", closed_on)
    # Nothing is left ongoing on the case page.
    body = coordinator_client.get(case.get_absolute_url()).content.decode()
    assert "Pågående" not in body
    assert "Påbörjad" not in body


def test_an_aborted_fia_says_why(coordinator_client, case):
    fia = FiaFactory(case=case, status="planned", status_changed_on=case.start_date)
    page = coordinator_client.get(url(case))
    choices = dict(page.context["form"].fields[f"fia-{fia.pk}"].choices)
    assert "completed" not in choices  # a planned FIA was never held
    response = coordinator_client.post(url(case), close_data(**{f"fia-{fia.pk}": "aborted:moved"}))
    assert response.status_code == 302
    fia.refresh_from_db()
    assert (fia.status, fia.abort_reason, fia.status_changed_on) == (
        "aborted",
        "moved",
        timezone.localdate(),
    )


def test_a_failure_half_way_saves_nothing(coordinator_client, case):
    """The FIA cannot be completed without a held FIA session: the meeting cancelled before
    it in the same closing stays booked, and the case open."""
    work = open_work(case)
    case.meetings.filter(kind="fia_session").delete()
    response = coordinator_client.post(url(case), close_data(**endings(work)))
    assert response.status_code == 200
    errors = response.context["form"].errors[f"fia-{work['fia'].pk}"]
    assert "FIA-samtal" in errors[0] or "FIA" in errors[0]
    case.refresh_from_db()
    assert case.is_active
    work["meeting"].refresh_from_db()
    assert work["meeting"].status == "booked"
    assert FiaInterview.objects.get(pk=work["fia"].pk).status == "ongoing"
    assert Intervention.objects.get(pk=work["intervention"].pk).status == "ongoing"
    assert BibliotherapyOffer.objects.get(pk=work["offer"].pk).participation == "started"
    assert not Consent.objects.filter(client=case.client).exists()


def test_an_intervention_starting_after_the_closing_day_is_changed_on_its_page(
    coordinator_client, case
):
    later = InterventionFactory(
        case=case, status="planned", starts_on=timezone.localdate() + datetime.timedelta(days=9)
    )
    page = coordinator_client.get(url(case))
    assert f"intervention-{later.pk}" not in page.context["form"].fields
    response = coordinator_client.post(url(case), close_data())
    assert response.status_code == 200
    assert "Den börjar efter avslutsdagen" in response.content.decode()
    later.status = "cancelled"
    later.save()
    assert coordinator_client.post(url(case), close_data()).status_code == 302


def test_the_final_self_assessment_does_not_stop_the_closing(coordinator_client, case, coordinator):
    body = coordinator_client.get(url(case)).content.decode()
    assert "Den avslutande självskattningen ska göras" in body
    SelfAssessmentFactory(case=case, occasion="closure", entered_by=coordinator)
    body = coordinator_client.get(url(case)).content.decode()
    assert "Den avslutande självskattningen ska göras" not in body
    assert "Inget är öppet: ärendet kan avslutas." in body


def test_a_double_sending_closes_once(coordinator_client, case):
    work = open_work(case)
    page = coordinator_client.get(url(case)).content.decode()
    data = {**close_data(**endings(work)), "submission_token": token_of_form(page, "outcome")}
    first = coordinator_client.post(url(case), data)
    assert first.status_code == 302
    second = coordinator_client.post(url(case), data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Consent.objects.filter(client=case.client, kind="follow_up").count() == 1
    assert FiaStatusChange.objects.filter(fia=work["fia"], status="completed").count() == 1
    assert work["intervention"].history.filter(status="ended").count() == 1


def test_the_page_costs_the_same_queries_at_5_and_50_open_items(coordinator_client, case):
    def measured() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(url(case)).status_code == 200
        return len(queries)

    def grow(count: int) -> None:
        for day in range(count):
            MeetingFactory(case=case, starts_at=at_local(day + 1))
            InterventionFactory(case=case, status="ongoing")

    grow(5)
    few = measured()
    grow(45)
    assert measured() == few
