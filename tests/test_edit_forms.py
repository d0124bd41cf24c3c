"""Every edit form keeps what was stored: opened on an old record and sent back unchanged,
it changes nothing.

The URLs are read from the resolver: every URL that names a record (an ``<int:...>`` in
its pattern) is either an edit form here, with a record to open it on, or listed in
``NOT_EDIT_FORMS`` with the reason. A new edit form without its test fails
``test_every_record_url_is_classified``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from interventions.models import Answer, InformationMeeting, PlanItem, Questionnaire
from klientstod.models import Case, Role, User

from .factories import (
    BibliotherapyOfferFactory,
    CaseFactory,
    FiaFactory,
    InformationMeetingFactory,
    InterventionFactory,
    MeetingFactory,
    OrganisationFactory,
    PlanItemFactory,
    UnitFactory,
    UserFactory,
)

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


# The form pages ---------------------------------------------------------------------------------


class _FormParser(HTMLParser):
    """The values a browser would send for each ``<form method="post">`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, chosen, all options
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        if self._fields is None:
            return
        name = a.get("name")
        disabled = "disabled" in a
        if tag == "input" and name and not disabled:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._fields.append((name, a.get("value", "")))
        elif tag == "select" and name and not disabled:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            self._text = []
            if "selected" in a and self._option is not None:
                self._select[1].append(self._option)
        elif tag == "textarea" and name and not disabled:
            self._textarea = name
            self._text = []

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "option" and self._select is not None:
            value = self._option if self._option is not None else "".join(self._text).strip()
            self._select[2].append(value)
            self._option = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            name, chosen, options = self._select
            # A single select with nothing marked sends its first option, as a browser does.
            for value in chosen or options[:1]:
                self._fields.append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._fields is not None:
            text = "".join(self._text)
            self._fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None


def form_data(html: str, url: str) -> dict[str, list[str]]:
    """What the page's edit form sends when the user presses save without changing anything."""
    parser = _FormParser()
    parser.feed(html)
    candidates = [fields for action, fields in parser.forms if action in ("", url)]
    assert candidates, f"no form posting to {url} on the page"
    fields = max(candidates, key=len)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def stored(record: models.Model) -> dict[str, Any]:
    """Every stored field of the record, many-to-many included."""
    record = type(record)._default_manager.get(pk=record.pk)
    values = model_to_dict(record, fields=[f.name for f in record._meta.concrete_fields])
    for field in record._meta.many_to_many:
        values[field.name] = sorted(obj.pk for obj in getattr(record, field.name).all())
    return values


# The edit forms ------------------------------------------------------------------------------


@dataclass
class Opened:
    kwargs: dict[str, int]
    #: The records the form writes to; none of their fields may change.
    records: list[models.Model]
    #: Fields that change on every save by design (a version counter, "updated at").
    moving: tuple[str, ...] = ()
    #: What else the form writes, as it reads (rows it replaces, not keeping their ids).
    rows: Callable[[], Any] = lambda: None


def _old_case(process: Any, coordinator: User) -> Case:
    return CaseFactory(process=process, coordinator=coordinator, start_date=days_ago(200))


def _intervention(process: Any, coordinator: User) -> Opened:
    case = _old_case(process, coordinator)
    unit = UnitFactory(organisation=OrganisationFactory(name="Försäkringskassan"))
    intervention = InterventionFactory(
        case=case,
        kind="fk_application",
        organisation=unit.organisation,
        unit=unit,
        starts_on=days_ago(150),
        ends_on=days_ago(40),
        status="ended",
        fk_outcome="rejected",
        note="Avslag i september.",
    )
    return Opened({"pk": intervention.pk}, [intervention], moving=("updated_at",))


def _offer(process: Any, coordinator: User) -> Opened:
    case = _old_case(process, coordinator)
    offer = BibliotherapyOfferFactory(
        case=case,
        offered_on=days_ago(120),
        response="declined",
        decline_reason="hard_to_motivate",
        note="Tackade nej i telefon.",
        created_by=coordinator,
    )
    return Opened({"pk": offer.pk}, [offer])


def _information_meeting(process: Any, coordinator: User) -> Opened:
    came, stayed_away = _old_case(process, coordinator), _old_case(process, coordinator)
    meeting = InformationMeetingFactory(
        process=process, held_on=days_ago(90), place="Biblioteket", note="Tio minuter sent."
    )
    meeting.invited.set([came, stayed_away])
    meeting.attended.set([came])
    # A case invited then has closed since: the meeting still had them invited.
    Case.objects.filter(pk=stayed_away.pk).update(status="closed", closed_on=days_ago(10))
    return Opened({"pk": meeting.pk}, [InformationMeeting.objects.get(pk=meeting.pk)])


def _case(process: Any, coordinator: User) -> Opened:
    # Coordinated by a colleague who has left since: the case keeps its coordinator.
    left = UserFactory(role=Role.COORDINATOR, is_active=False, processes=[process])
    case = _old_case(process, left)
    return Opened({"pk": case.pk}, [case], moving=("version",))


def _client(process: Any, coordinator: User) -> Opened:
    case = _old_case(process, coordinator)
    return Opened({"pk": case.client.pk}, [case.client], moving=("version",))


def _meeting(process: Any, coordinator: User) -> Opened:
    case = _old_case(process, coordinator)
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=30)
    meeting = MeetingFactory(
        case=case,
        kind="alliance",
        starts_at=starts,
        duration_minutes=45,
        location="Rum 3",
        interpreter_needed=True,
        interpreter_booked=True,
    )
    return Opened({"pk": meeting.pk}, [meeting])


def _fia(process: Any, coordinator: User) -> Opened:
    case = _old_case(process, coordinator)
    interview = FiaFactory(
        case=case,
        client_goals="Arbeta i butik.",
        assessment="Nära arbete.",
        summary={"housing": "Eget kontrakt.", "home": "Två barn."},
    )
    for order, goal in enumerate(["Praktik i butik", "Körkort"]):
        PlanItemFactory(
            fia=interview,
            order=order,
            goal=goal,
            sub_goal="Först fyra timmar",
            activity="Besök hos arbetsgivaren",
            responsible="Samordnaren",
            follow_up_on=days_ago(60 - order),
        )

    def plan() -> list[dict[str, Any]]:
        fields = ["goal", "sub_goal", "activity", "responsible", "follow_up_on", "order"]
        return list(PlanItem.objects.filter(fia=interview).values(*fields))

    return Opened({"case_pk": case.pk}, [interview], rows=plan)


def _assessment(process: Any, coordinator: User) -> Opened:
    from interventions import services

    case = _old_case(process, coordinator)
    form = services.questionnaire_save(
        questionnaire=Questionnaire(kind="klientstod", title="Självskattning"),
        items=[("Hur mår du?", "scale"), ("Hur sover du?", "scale"), ("Något mer?", "text")],
    )
    feel, sleep, more = form.items.all()
    assessment = services.assessment_record(
        case=case,
        questionnaire=form,
        occasion="periodic",
        answered_on=days_ago(75),
        answers={feel.pk: 2, sleep.pk: services.DECLINED, more.pk: "Trött på morgonen."},
        by=coordinator,
    )
    # The questionnaire has changed since; the answers keep their version.
    services.questionnaire_save(
        questionnaire=Questionnaire.objects.get(pk=form.pk), items=[("Ny fråga", "scale")]
    )

    def answers() -> list[tuple[Any, ...]]:
        rows = Answer.objects.filter(assessment=assessment).order_by("item_id")
        return list(rows.values_list("item_id", "score", "text", "declined"))

    return Opened({"pk": assessment.pk}, [assessment], rows=answers)


#: Edit form URL → (the role that edits with it, a record to open it on).
EDIT_FORMS: dict[str, tuple[str, Callable[[Any, User], Opened]]] = {
    "interventions:intervention-update": (Role.COORDINATOR, _intervention),
    "interventions:offer-update": (Role.COORDINATOR, _offer),
    "interventions:information-meeting-update": (Role.COORDINATOR, _information_meeting),
    "interventions:fia-edit": (Role.COORDINATOR, _fia),
    "interventions:assessment-update": (Role.COORDINATOR, _assessment),
    "klientstod:case-update": (Role.COORDINATOR, _case),
    "klientstod:client-update": (Role.COORDINATOR, _client),
    "klientstod:meeting-update": (Role.COORDINATOR, _meeting),
}

#: URLs that name a record but do not edit its stored fields, and why.
NOT_EDIT_FORMS = {
    "referrals:referral-sent": "a receipt",
    "referrals:referral-detail": "a page to read",
    "referrals:referral-actualise": "a state change that makes a new case",
    "referrals:referral-decline": "a state change",
    "referrals:referral-letter": "a letter to print",
    "referrals:slot-delete": "withdraws a time, after a confirmation",
    "referrals:consultation-detail": "a thread; a message is added, none edited",
    "interventions:fia": "FIA status: a state change with its history",
    "interventions:fia-pdf": "a document",
    "interventions:assessment-create": "a new record",
    "interventions:assessment-detail": "a page to read",
    "interventions:offer-create": "a new record",
    "interventions:intervention-create": "a new record",
    "interventions:link-create": "a new record (a self-assessment link)",
    "interventions:link-qr": "a page to read (a link's QR code)",
    "interventions:link-revoke": "a state change",
    "interventions:participant-detail": "participation: a state change",
    "interventions:group-detail": "a group session is added, none edited",
    "reporting:report": "a report",
    "reporting:report-pdf": "a report",
    "reporting:dashboard": "a report",
    "reporting:sus-list": "a list",
    "reporting:plan": "a list; its rows are added or removed",
    "reporting:plan-item": "marks a deadline done",
    "reporting:plan-item-delete": "removes a row, after a confirmation",
    "reporting:sus-download": "a download",
    "reporting:report-send": "a new record: the report as sent",
    "reporting:report-comment": "posted from the report page (lock: test_report_document.py)",
    "reporting:sent-report-download": "a download",
    "reporting:report-export": "a download",
    "klientstod:case-detail": "a page to read",
    "klientstod:case-close": "a state change",
    "klientstod:case-follow-up": "a new record",
    "klientstod:meeting-create": "a new record",
    "klientstod:client-detail": "a page to read",
    "klientstod:case-create": "a new record",
    "klientstod:consent-create": "a new record",
    "klientstod:consent-withdraw": "a state change",
    "klientstod:meeting-outcome": "a state change",
    "klientstod:meeting-row": "a meeting's row on Min dag: shows, saves nothing",
    # The note of a held meeting is written once, when there is none to overwrite.
    "klientstod:meeting-note": "a state change",
}


def record_urls(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    """The names of the URLs whose pattern names a record by its number."""
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin keeps its own forms
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= record_urls(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name and "<int:" in str(entry.pattern):
            names.add(f"{prefix}{entry.name}")
    return names


def test_every_record_url_is_classified():
    urls = record_urls()
    missing = urls - set(EDIT_FORMS) - set(NOT_EDIT_FORMS)
    assert not missing, (
        "URLs naming a record that are neither an edit form in EDIT_FORMS (with a test that "
        f"saves it unchanged) nor listed in NOT_EDIT_FORMS: {sorted(missing)}"
    )
    assert not (set(EDIT_FORMS) | set(NOT_EDIT_FORMS)) - urls, "entries for URLs that are gone"
    assert not set(EDIT_FORMS) & set(NOT_EDIT_FORMS)


FORM_NAMES = ("form", "client_form")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EDIT_FORMS))
def test_saving_an_edit_form_unchanged_changes_nothing(name, process, users, role_clients):
    role, make = EDIT_FORMS[name]
    opened = make(process, users[Role.COORDINATOR])
    http: HttpClient = role_clients[role]
    url = reverse(name, kwargs=opened.kwargs)
    before = [stored(record) for record in opened.records]
    rows_before = opened.rows()

    page = http.get(url)
    assert page.status_code == 200, f"{name} did not open: {page.status_code}"
    response = http.post(url, form_data(page.content.decode(), url))

    errors = (
        {key: response.context[key].errors for key in FORM_NAMES if key in response.context}
        if response.status_code == 200
        else None
    )
    assert response.status_code == 302, f"{name} refused its own stored values: {errors}"
    after = [stored(record) for record in opened.records]
    for old, new in zip(before, after, strict=True):
        for field in opened.moving:
            old.pop(field, None), new.pop(field, None)
        changed = {key: (old[key], new[key]) for key in old if old[key] != new[key]}
        assert not changed, f"{name} changed what was stored: {changed}"
    assert opened.rows() == rows_before, f"{name} changed the rows it keeps"


@pytest.mark.django_db
def test_changing_only_the_fk_outcome_keeps_the_start(process, users, coordinator_client):
    """The case from the field: an outcome entered in November moved September's start."""
    opened = _intervention(process, users[Role.COORDINATOR])
    intervention = opened.records[0]
    url = reverse("interventions:intervention-update", kwargs=opened.kwargs)
    data = form_data(coordinator_client.get(url).content.decode(), url)
    data["fk_outcome"] = ["granted"]
    assert coordinator_client.post(url, data).status_code == 302
    intervention.refresh_from_db()
    assert (intervention.fk_outcome, intervention.starts_on) == ("granted", days_ago(150))
