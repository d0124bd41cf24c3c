"""One register per data controller: a coordinator learns nothing about a person outside it.

The organisation that runs a process (its owner) is personuppgiftsansvarig for the
participants' records. The same person in a process of another organisation is another
record, which no lookup, duplicate check, message or query count reveals.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klientstod import services as core_services
from klientstod.models import Case, Client, Consent, Organisation, Role
from referrals import services
from referrals.models import Referral, ReferralStatus

from .factories import (
    CaseFactory,
    ClientFactory,
    ConsentFactory,
    OrganisationFactory,
    ProcessFactory,
    ReferralFactory,
    UserFactory,
    make_personnummer,
)

ELSEWHERE = {
    "first_name": "Annanstans",
    "last_name": "Hemligsson",
    "phone": "070-999 99 99",
    "email": "hemlig@example.se",
    "street_address": "Skyddade vägen 7",
}


def registration(process, coordinator, personnummer):
    return {
        "client-personnummer": personnummer,
        "client-first_name": "Amina",
        "client-last_name": "Berglund",
        "client-gender": "",
        "client-phone": "070-000 00 00",
        "client-income_source": "economic_assistance",
        "client-education_level": "primary",
        "case-process": process.pk,
        "case-coordinator": coordinator.pk,
        "case-start_date": timezone.localdate().isoformat(),
    }


@pytest.fixture
def elsewhere(other_process):
    """A person known only to another organisation's process, with protected identity."""
    client = ClientFactory(
        controller=other_process.owner,
        personnummer=make_personnummer(9001),
        protected_identity=True,
        **ELSEWHERE,
    )
    case = CaseFactory(process=other_process, client=client)
    ConsentFactory(client=client, kind=Consent.Kind.FOLLOW_UP, note="Samtycke annanstans")
    return case


def shows_nothing_of_elsewhere(body: str) -> None:
    for value in [*ELSEWHERE.values(), "Samtycke annanstans"]:
        assert value not in body


@pytest.mark.django_db
def test_a_person_known_to_another_controller_gets_a_record_of_this_one(
    coordinator_client, coordinator, process, elsewhere
):
    theirs = elsewhere.client
    response = coordinator_client.post(
        reverse("klientstod:client-create"),
        registration(process, coordinator, theirs.personnummer),
        follow=True,
    )
    mine = Client.objects.exclude(pk=theirs.pk).get()
    assert mine.controller == process.owner
    assert mine.personnummer == theirs.personnummer
    assert Case.objects.get(process=process).client == mine
    body = response.content.decode()
    assert "Klienten har registrerats och ärendet har öppnats." in body
    shows_nothing_of_elsewhere(body)
    for url in (mine.get_absolute_url(), reverse("klientstod:client-update", args=[mine.pk])):
        shows_nothing_of_elsewhere(coordinator_client.get(url).content.decode())
    theirs.refresh_from_db()
    assert (theirs.first_name, theirs.phone) == (ELSEWHERE["first_name"], ELSEWHERE["phone"])
    assert coordinator_client.get(theirs.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_answer_and_its_cost_are_the_same_as_for_a_person_nobody_knows(
    coordinator, process, elsewhere, client
):
    """Neither the message nor the number of queries tells that the person is known elsewhere."""
    client.force_login(coordinator)
    url = reverse("klientstod:client-create")
    answers = []
    for number in (elsewhere.client.personnummer, make_personnummer(9002)):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, registration(process, coordinator, number), follow=True)
        answers.append((response.redirect_chain[0][1], len(queries)))
        messages = [str(m) for m in response.context["messages"]]
        assert messages == ["Klienten har registrerats och ärendet har öppnats."]
    assert answers[0] == answers[1]


@pytest.mark.django_db
def test_the_caseload_search_finds_nobody_of_another_controller(coordinator_client, elsewhere):
    url = reverse("klientstod:case-list")
    for term in (elsewhere.client.personnummer, ELSEWHERE["last_name"]):
        coordinator_client.post(url, {"q": term})
        response = coordinator_client.get(f"{url}?status=")
        assert response.context["page_obj"].paginator.count == 0
        assert elsewhere.number not in response.content.decode()


@pytest.mark.django_db
def test_editing_to_a_number_known_only_to_another_controller_is_not_a_probe(
    coordinator_client, case, elsewhere
):
    """The other register is not consulted: the number is simply this record's now."""
    mine = case.client
    response = coordinator_client.post(
        reverse("klientstod:client-update", args=[mine.pk]),
        {
            "client-personnummer": elsewhere.client.personnummer,
            "client-first_name": mine.first_name,
            "client-last_name": mine.last_name,
            "client-income_source": "unknown",
            "client-education_level": "unknown",
            "client-version": mine.version,
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.personnummer == elsewhere.client.personnummer


@pytest.mark.django_db
def test_a_number_taken_in_the_same_register_is_refused_and_the_attempt_is_on_record(
    coordinator_client, coordinator, case, process
):
    """The same organisation's other process: the number is refused, and the probe logged."""
    sibling = ProcessFactory(owner=process.owner)
    hidden = CaseFactory(process=sibling).client
    mine = case.client
    response = coordinator_client.post(
        reverse("klientstod:client-update", args=[mine.pk]),
        {
            "client-personnummer": hidden.personnummer,
            "client-first_name": "Nytt",
            "client-last_name": mine.last_name,
            "client-income_source": "unknown",
            "client-education_level": "unknown",
            "client-version": mine.version,
        },
    )
    assert response.status_code == 200
    errors = response.context["client_form"].errors["personnummer"]
    assert errors == ["En annan person i registret har det här personnumret."]
    assert hidden.get_absolute_url() not in response.content.decode()
    probe = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(hidden.pk))
    assert probe.actor == coordinator
    mine.refresh_from_db()
    assert mine.first_name != "Nytt"


@pytest.mark.django_db
def test_one_record_serves_the_processes_of_one_controller(
    coordinator_client, coordinator, process
):
    sibling = ProcessFactory(owner=process.owner)
    known = CaseFactory(process=sibling).client
    response = coordinator_client.post(
        reverse("klientstod:client-create"),
        registration(process, coordinator, known.personnummer),
    )
    assert response.status_code == 302
    assert Client.objects.count() == 1
    assert Case.objects.get(process=process).client == known


@pytest.mark.django_db
def test_actualising_a_person_known_to_another_controller_makes_this_controllers_record(
    coordinator_client, coordinator, process, elsewhere
):
    referral = ReferralFactory(process=process, personnummer=elsewhere.client.personnummer)
    case = services.referral_actualise(
        referral=referral,
        by=coordinator,
        start_date=timezone.localdate(),
        coordinator=coordinator,
        first_meeting_at=timezone.now() + datetime.timedelta(days=3),
        location="Kommunhuset",
    )
    assert case.client != elsewhere.client
    assert case.client.controller == process.owner
    assert case.client.first_name == referral.first_name
    assert Consent.objects.filter(client=elsewhere.client).count() == 1
    shows_nothing_of_elsewhere(coordinator_client.get(referral.get_absolute_url()).content.decode())
    shows_nothing_of_elsewhere(coordinator_client.get(case.get_absolute_url()).content.decode())


@pytest.mark.django_db
def test_a_coordination_association_cannot_own_a_process():
    association = OrganisationFactory(kind=Organisation.Kind.COORDINATION_ASSOCIATION)
    process = ProcessFactory.build(
        owner=association, financier=association, name="Klientstöd förbund"
    )
    with pytest.raises(ValidationError) as refused:
        process.full_clean()
    assert "owner" in refused.value.error_dict


@pytest.mark.django_db
def test_a_case_cannot_be_opened_on_another_controllers_record(process, elsewhere, coordinator):
    with pytest.raises(ValidationError):
        core_services.case_open(
            client=elsewhere.client,
            process=process,
            start_date=timezone.localdate(),
            coordinator=coordinator,
        )
    assert not Case.objects.filter(process=process).exists()


# Two coordinators at the same moment -----------------------------------------------


def _at_once(*calls):
    """Run the calls in threads released together; each result or refusal, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except ValidationError as refusal:
            results[index] = refusal
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _actualising(referral_pk, coordinator):
    def call():
        return services.referral_actualise(
            referral=Referral.objects.get(pk=referral_pk),
            by=coordinator,
            start_date=timezone.localdate(),
            coordinator=coordinator,
            first_meeting_at=timezone.now() + datetime.timedelta(days=3),
            location="Kommunhuset",
        )

    return call


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need PostgreSQL (DATABASE_URL); SQLite serialises them")


@pytest.mark.django_db(transaction=True)
def test_two_processes_of_one_controller_actualising_the_same_new_person_share_one_record(
    postgresql,
):
    first = ProcessFactory()
    second = ProcessFactory(owner=first.owner)
    coordinator = UserFactory(role=Role.COORDINATOR, processes=[first, second])
    number = make_personnummer(9100)
    referrals = [ReferralFactory(process=p, personnummer=number) for p in (first, second)]
    results = _at_once(*(_actualising(r.pk, coordinator) for r in referrals))
    assert all(isinstance(result, Case) for result in results), results
    assert Client.objects.count() == 1
    assert Case.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_controllers_actualising_the_same_new_person_keep_a_record_each(postgresql):
    processes = [ProcessFactory(), ProcessFactory()]
    number = make_personnummer(9200)
    calls = []
    for process in processes:
        coordinator = UserFactory(role=Role.COORDINATOR, processes=[process])
        calls.append(
            _actualising(ReferralFactory(process=process, personnummer=number).pk, coordinator)
        )
    results = _at_once(*calls)
    assert all(isinstance(result, Case) for result in results), results
    assert {c.controller_id for c in Client.objects.all()} == {p.owner_id for p in processes}


@pytest.mark.django_db(transaction=True)
def test_two_referrals_of_one_person_to_one_process_end_in_one_case_and_a_clear_refusal(
    postgresql,
):
    process = ProcessFactory()
    coordinator = UserFactory(role=Role.COORDINATOR, processes=[process])
    number = make_personnummer(9300)
    referrals = [ReferralFactory(process=process, personnummer=number) for _ in range(2)]
    results = _at_once(*(_actualising(r.pk, coordinator) for r in referrals))
    cases = [r for r in results if isinstance(r, Case)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(cases) == 1, results
    assert len(refusals) == 1, results
    assert "aktivt ärende" in " ".join(refusals[0].messages)
    assert Client.objects.count() == 1
    assert Case.objects.count() == 1
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == sorted([ReferralStatus.ACTUALISED, ReferralStatus.RECEIVED])


# Existing data -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_splits_a_client_shared_by_two_controllers():
    from django.db.migrations.executor import MigrationExecutor

    before = [("klientstod", "0006_list_indexes"), ("referrals", "0003_list_indexes")]
    after = [("klientstod", "0009_client_controller_required")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Org = old.get_model("klientstod", "Organisation")
    OldProcess = old.get_model("klientstod", "Process")
    OldClient = old.get_model("klientstod", "Client")
    OldCase = old.get_model("klientstod", "Case")
    OldConsent = old.get_model("klientstod", "Consent")
    association = Org.objects.create(name="Förbundet", kind="coordination_association")
    owners = [Org.objects.create(name=f"Kommun {n}", kind="municipality") for n in (1, 2)]
    day = datetime.date(2026, 1, 1)
    processes = [
        OldProcess.objects.create(
            name=f"P{n}", owner=o, financier=association, starts_on=day, ends_on=day
        )
        for n, o in enumerate(owners)
    ]
    shared = OldClient.objects.create(
        personnummer_encrypted="x",
        personnummer_index="same-person",
        first_name="Delad",
        last_name="Person",
        gender="woman",
        birth_date=datetime.date(1980, 1, 1),
    )
    cases = [OldCase.objects.create(client=shared, process=p, start_date=day) for p in processes]
    OldConsent.objects.create(
        client=shared,
        kind="follow_up",
        given_on=day,
        note=f"Given at closure of KS-{cases[1].pk:05d}",
    )
    OldConsent.objects.create(client=shared, kind="sus_registration", given_on=day)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    NewClient = new.get_model("klientstod", "Client")
    records = {c.controller_id: c for c in NewClient.objects.all()}
    assert set(records) == {o.pk for o in owners}
    for owner, case in zip(owners, cases, strict=True):
        record = records[owner.pk]
        assert record.first_name == "Delad"
        assert record.personnummer_index == "same-person"
        assert new.get_model("klientstod", "Case").objects.get(pk=case.pk).client_id == record.pk
    Consents = new.get_model("klientstod", "Consent")
    assert Consents.objects.get(kind="follow_up").client_id == records[owners[1].pk].pk
    assert Consents.objects.get(kind="sus_registration").client_id == records[owners[0].pk].pk

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    assert old.get_model("klientstod", "Client").objects.count() == 1
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_administrators_lookup_by_personnummer_names_every_register(
    admin_client_, case, elsewhere
):
    """The person is in two registers: the administrator is told of both records."""
    number = case.client.personnummer
    elsewhere.client.personnummer = number
    elsewhere.client.save()
    response = admin_client_.post(
        reverse("klientstod:audit-log"), {"personnummer": number}, follow=True
    )
    [message] = [str(m) for m in response.context["messages"]]
    first, second = sorted([case.client, elsewhere.client], key=lambda c: c.pk)
    assert f"klient {first.pk} ({first.controller})" in message
    assert f"klient {second.pk} ({second.controller})" in message
    assert response.redirect_chain[0][0].endswith(f"?client={first.pk}&action=access")
