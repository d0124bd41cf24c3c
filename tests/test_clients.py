"""Registering and editing clients: personnummer rules, and nothing typed is lost."""

import datetime

import pytest
from django.urls import reverse

from klientstod.models import Case, Client, Role

from .factories import CaseFactory, ClientFactory, UserFactory

CHECKSUM_MESSAGE = "Personnumrets kontrollsiffra stämmer inte. Kontrollera de fyra sista siffrorna."


def client_post(**changes):
    data = {
        "client-personnummer": "850312-1231",
        "client-first_name": "Amina",
        "client-last_name": "Berglund",
        "client-gender": "",
        "client-language": "somaliska",
        "client-interpreter_needed": "on",
        "client-phone": "070-000 00 00",
        "client-street_address": "Storgatan 1",
        "client-postal_code": "269 31",
        "client-city": "Båstad",
        "client-income_source": "economic_assistance",
        "client-income_source_months": "36",
        "client-education_level": "primary",
        "case-start_date": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def create_url():
    return reverse("klientstod:client-create")


@pytest.mark.django_db
def test_coordinator_registers_a_client_and_a_case_opens(
    coordinator_client, coordinator, process, create_url
):
    data = client_post(**{"case-process": process.pk, "case-coordinator": coordinator.pk})
    data["case-start_date"] = "2026-01-01"
    response = coordinator_client.post(create_url, data)
    client = Client.objects.get()
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert client.personnummer == "19850312-1231"
    assert client.gender == "man"  # from the second-last digit
    assert (case.client, case.process, case.coordinator) == (client, process, coordinator)
    assert case.is_active


@pytest.mark.parametrize("typed", ["198503121231", "19850312-1231", "8503121231", "850312-1231"])
@pytest.mark.django_db
def test_every_accepted_form_is_stored_normalised(
    typed, coordinator_client, coordinator, process, create_url
):
    data = client_post(**{"client-personnummer": typed, "case-process": process.pk})
    data["case-start_date"] = "2026-01-01"
    coordinator_client.post(create_url, data)
    assert Client.objects.get().personnummer == "19850312-1231"


@pytest.mark.django_db
def test_invalid_personnummer_is_refused_on_the_field_and_keeps_the_rest(
    coordinator_client, process, create_url
):
    data = client_post(**{"client-personnummer": "850312-1234", "case-process": process.pk})
    response = coordinator_client.post(create_url, data)
    assert response.status_code == 200
    form = response.context["client_form"]
    assert list(form.errors) == ["personnummer"]
    assert form.errors["personnummer"][0] == CHECKSUM_MESSAGE
    body = response.content.decode()
    for kept in ("Amina", "Berglund", "somaliska", "Storgatan 1", "850312-1234"):
        assert kept in body
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_impossible_birth_date_is_refused(coordinator_client, process, create_url):
    response = coordinator_client.post(
        create_url, client_post(**{"client-personnummer": "851332-1232"})
    )
    assert "födelsedatum" in response.context["client_form"].errors["personnummer"][0]


@pytest.mark.django_db
def test_known_personnummer_links_to_the_existing_client(
    coordinator_client, case, create_url, process
):
    data = client_post(
        **{"client-personnummer": case.client.personnummer, "case-process": process.pk}
    )
    data["case-start_date"] = "2026-01-01"
    response = coordinator_client.post(create_url, data)
    error = response.context["client_form"].errors["personnummer"][0]
    assert case.client.get_absolute_url() in error
    assert f'href="{case.client.get_absolute_url()}"' in response.content.decode()
    assert Client.objects.count() == 1


@pytest.mark.django_db
def test_a_second_active_case_in_the_same_process_is_refused(coordinator_client, case, process):
    response = coordinator_client.post(
        reverse("klientstod:case-create", args=[case.client_id]),
        {"case-process": process.pk, "case-start_date": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "redan ett aktivt ärende" in response.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_new_case_can_follow_a_closed_one(coordinator_client, case, process):
    case.status = "closed"
    case.closed_on = case.start_date
    case.closure_outcome = "moved"
    case.save()
    response = coordinator_client.post(
        reverse("klientstod:case-create", args=[case.client_id]),
        {"case-process": process.pk, "case-start_date": "2026-01-01"},
    )
    assert response.status_code == 302
    assert case.client.cases.count() == 2


@pytest.mark.django_db
def test_editing_keeps_the_personnummer_unique(coordinator_client, case, process):
    other = CaseFactory(process=process).client
    url = reverse("klientstod:client-update", args=[case.client_id])
    response = coordinator_client.post(
        url,
        {
            "client-personnummer": other.personnummer,
            "client-first_name": "Nytt",
            "client-last_name": "Namn",
            "client-income_source": "unknown",
            "client-education_level": "unknown",
        },
    )
    assert response.status_code == 200
    assert "personnummer" in response.context["client_form"].errors
    case.client.refresh_from_db()
    assert case.client.first_name != "Nytt"


@pytest.mark.django_db
def test_editing_a_client_saves_the_change(coordinator_client, case):
    client = case.client
    response = coordinator_client.post(
        reverse("klientstod:client-update", args=[client.pk]),
        {
            "client-personnummer": client.personnummer,
            "client-first_name": client.first_name,
            "client-last_name": "Nyberg",
            "client-gender": "woman",
            "client-income_source": "other_public",
            "client-education_level": "unknown",
            "client-version": client.version,
        },
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.last_name, client.gender, client.income_source) == (
        "Nyberg",
        "woman",
        "other_public",
    )


@pytest.mark.django_db
def test_client_visibility_is_scoped_by_process(process, other_process):
    mine = CaseFactory(process=process).client
    theirs = CaseFactory(process=other_process).client
    coordinator = UserFactory(role=Role.COORDINATOR, processes=[process])
    assert list(Client.objects.visible_to(coordinator)) == [mine]
    assert theirs not in Client.objects.visible_to(coordinator)
    for role in (Role.BIBLIOTHERAPIST, Role.REFERRER, Role.STEERING, Role.EVALUATOR, Role.ADMIN):
        user = UserFactory(role=role, processes=[process])
        assert not Client.objects.visible_to(user).exists(), role
        assert not Case.objects.visible_to(user).exists(), role


@pytest.mark.django_db
def test_client_name_with_markup_shows_as_text(coordinator_client, process):
    client = ClientFactory(first_name="<script>alert(1)</script>", last_name="<b>Bold</b>")
    case = CaseFactory(client=client, process=process)
    body = coordinator_client.get(case.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.django_db
def test_the_second_of_two_simultaneous_edits_is_refused_and_keeps_its_input(coordinator, case):
    from django.test import Client as HttpClient

    first, second = HttpClient(), HttpClient()
    first.force_login(coordinator)
    second.force_login(coordinator)
    url = reverse("klientstod:client-update", args=[case.client_id])
    opened = first.get(url).context["client_form"]["version"].value()
    assert second.get(url).context["client_form"]["version"].value() == opened

    def data(last_name):
        return {
            "client-personnummer": case.client.personnummer,
            "client-first_name": case.client.first_name,
            "client-last_name": last_name,
            "client-income_source": "unknown",
            "client-education_level": "unknown",
            "client-version": opened,
        }

    assert first.post(url, data("Först")).status_code == 302
    response = second.post(url, data("Sist"))
    assert response.status_code == 200
    assert response.context["client_form"].non_field_errors()
    assert 'value="Sist"' in response.content.decode()
    case.client.refresh_from_db()
    assert (case.client.last_name, case.client.version) == ("Först", 2)


@pytest.mark.django_db
def test_two_people_editing_a_case_do_not_overwrite_each_other(coordinator_client, case):
    url = reverse("klientstod:case-update", args=[case.pk])
    version = coordinator_client.get(url).context["form"]["version"].value()
    new_start = (case.start_date - datetime.timedelta(days=1)).isoformat()
    ok = coordinator_client.post(url, {"start_date": new_start, "version": version})
    assert ok.status_code == 302
    stale = coordinator_client.post(
        url, {"start_date": case.start_date.isoformat(), "version": version}
    )
    assert stale.status_code == 200
    assert stale.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.start_date.isoformat() == new_start


@pytest.mark.django_db
def test_a_damaged_version_field_is_refused_with_a_visible_message(coordinator_client, case):
    url = reverse("klientstod:case-update", args=[case.pk])
    new_start = (case.start_date - datetime.timedelta(days=1)).isoformat()
    response = coordinator_client.post(url, {"start_date": new_start, "version": "x"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "alert-danger" in response.content.decode()
    assert f'value="{new_start}"' in response.content.decode()
    case.refresh_from_db()
    assert case.start_date.isoformat() != new_start


@pytest.mark.django_db
def test_the_database_holds_no_personnummer_in_clear(coordinator_client, process):
    from django.db import connection

    from klientstod import crypto

    data = client_post(**{"case-process": process.pk})
    data["case-start_date"] = "2026-01-01"
    coordinator_client.post(reverse("klientstod:client-create"), data)
    client = Client.objects.get()
    assert client.personnummer == "19850312-1231"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM klientstod_client")
        row = " ".join(str(value) for value in cursor.fetchone())
    for form in ("19850312-1231", "198503121231", "850312-1231", "8503121231"):
        assert form not in row
    assert client.personnummer_index == crypto.index("19850312-1231")
    # Still found by any accepted form, through the keyed index.
    assert Client.objects.with_personnummer("8503121231").get() == client
    assert list(Client.objects.search("850312-1231")) == [client]


def test_the_index_is_keyed_not_a_plain_hash(settings):
    import hashlib

    from klientstod import crypto

    keyed = crypto.index("19850312-1231")
    assert keyed != hashlib.sha256(b"19850312-1231").hexdigest()
    settings.KLIENTSTOD_PERSONNUMMER_INDEX_KEY = "another-key"
    assert crypto.index("19850312-1231") != keyed
