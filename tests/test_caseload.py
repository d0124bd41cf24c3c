"""The caseload list: filters, search kept out of the address, paging, and bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klientstod import ages
from klientstod.models import Case, Client

from .factories import CaseFactory, ClientFactory, MeetingFactory, make_personnummer

URL = "/cases/"


def born(age: int) -> datetime.date:
    return ages.years_before(timezone.localdate(), age) - datetime.timedelta(days=10)


def case_with(process, n: int, *, age: int = 40, **client_fields):
    client = ClientFactory(personnummer=make_personnummer(n, born(age)), **client_fields)
    return CaseFactory(client=client, process=process)


def listed(response) -> list[Case]:
    return list(response.context["page_obj"])


@pytest.mark.django_db
def test_active_cases_by_default_and_every_status_on_request(coordinator_client, process):
    active = case_with(process, 1)
    closed = case_with(process, 2)
    Case.objects.filter(pk=closed.pk).update(
        status="closed", closed_on=timezone.localdate(), closure_outcome="work"
    )
    assert listed(coordinator_client.get(URL)) == [active]
    assert set(listed(coordinator_client.get(URL, {"status": ""}))) == {active, closed}


@pytest.mark.django_db
def test_every_row_links_to_its_case(coordinator_client, process):
    cases = [CaseFactory(process=process) for _ in range(3)]
    body = coordinator_client.get(URL).content.decode()
    for case in cases:
        assert f'href="{case.get_absolute_url()}"' in body


@pytest.mark.django_db
def test_lists_only_the_coordinators_processes(coordinator_client, process, other_process):
    mine = CaseFactory(process=process)
    CaseFactory(process=other_process)
    assert listed(coordinator_client.get(URL)) == [mine]


@pytest.mark.django_db
def test_filters_by_status_gender_and_interpreter(coordinator_client, process):
    woman = case_with(process, 1, gender="woman", interpreter_needed=True)
    man = case_with(process, 2, gender="man")
    closed = case_with(process, 3, gender="man")
    Case.objects.filter(pk=closed.pk).update(
        status="closed", closed_on=timezone.localdate(), closure_outcome="work"
    )
    assert listed(coordinator_client.get(URL, {"gender": "woman"})) == [woman]
    assert set(listed(coordinator_client.get(URL, {"gender": "man", "status": ""}))) == {
        man,
        closed,
    }
    assert listed(coordinator_client.get(URL, {"status": "closed"})) == [closed]
    assert listed(coordinator_client.get(URL, {"interpreter": "true"})) == [woman]
    assert woman not in listed(coordinator_client.get(URL, {"interpreter": "false"}))


@pytest.mark.django_db
def test_filters_by_age_band(coordinator_client, process):
    young = case_with(process, 1, age=25)
    middle = case_with(process, 2, age=40)
    older = case_with(process, 3, age=60)
    outside = case_with(process, 4, age=70)
    for band, expected in [
        ("20-29", young),
        ("30-54", middle),
        ("55-65", older),
        ("other", outside),
    ]:
        assert listed(coordinator_client.get(URL, {"age_band": band})) == [expected], band


@pytest.mark.django_db
def test_age_band_edges():
    today = datetime.date(2026, 6, 15)
    # Born on the edges of 20-29 on the day given: 20 today, 19 until tomorrow,
    # 29 until tomorrow, 30 today.
    edges = {
        datetime.date(2006, 6, 15): "20-29",
        datetime.date(2006, 6, 16): "other",
        datetime.date(1996, 6, 16): "20-29",
        datetime.date(1996, 6, 15): "30-54",
    }
    clients = {
        birth: ClientFactory(personnummer=make_personnummer(n, birth))
        for n, birth in enumerate(edges, start=1)
    }
    for band in ("20-29", "30-54", "other"):
        matched = Client.objects.filter(ages.birth_date_q(band, on=today))
        expected = {clients[birth].pk for birth, b in edges.items() if b == band}
        assert set(matched.values_list("pk", flat=True)) == expected, band
    assert ages.band_of(ages.age_on(datetime.date(2006, 6, 15), today)) == "20-29"
    assert ages.band_of(ages.age_on(datetime.date(2006, 6, 16), today)) == "other"
    assert ages.band_of(ages.age_on(datetime.date(1996, 6, 16), today)) == "20-29"
    assert ages.band_of(ages.age_on(datetime.date(1996, 6, 15), today)) == "30-54"


@pytest.mark.django_db
def test_search_by_name_or_personnummer_without_putting_it_in_the_url(coordinator_client, process):
    wanted = case_with(process, 1, first_name="Leyla", last_name="Karimi")
    case_with(process, 2, first_name="Per", last_name="Holm")
    response = coordinator_client.post(URL, {"q": "leyla kar"})
    assert response.status_code == 302
    assert "leyla" not in response["Location"].lower()
    assert listed(coordinator_client.get(response["Location"])) == [wanted]

    ten_digits = wanted.client.personnummer[2:].replace("-", "")
    response = coordinator_client.post(URL, {"q": ten_digits})
    assert ten_digits not in response["Location"]
    assert listed(coordinator_client.get(response["Location"])) == [wanted]

    coordinator_client.post(URL, {"q": ""})
    assert len(listed(coordinator_client.get(URL))) == 2


@pytest.mark.django_db
def test_pages_of_twenty_five(coordinator_client, process):
    for n in range(30):
        case_with(process, n)
    first = coordinator_client.get(URL)
    assert len(listed(first)) == 25
    second = coordinator_client.get(URL, {"page": 2})
    assert len(listed(second)) == 5
    assert "page=2" in first.content.decode()


@pytest.mark.django_db
def test_shows_the_next_booked_meeting(coordinator_client, case):
    soon = timezone.now() + datetime.timedelta(days=2)
    MeetingFactory(case=case, starts_at=soon)
    MeetingFactory(case=case, starts_at=soon + datetime.timedelta(days=7))
    [row] = listed(coordinator_client.get(URL))
    assert row.next_meeting == soon


def count_queries(http, url):
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_caseload_queries_do_not_grow_with_rows(
    coordinator_client, process, django_assert_max_num_queries
):
    for n in range(5):
        MeetingFactory(case=case_with(process, n))
    few = count_queries(coordinator_client, URL)
    for n in range(5, 50):
        MeetingFactory(case=case_with(process, n))
    with django_assert_max_num_queries(8):
        many = count_queries(coordinator_client, URL)
    assert few == many


@pytest.mark.django_db
def test_case_page_queries_do_not_grow_with_meetings(
    coordinator_client, case, django_assert_max_num_queries
):
    for n in range(5):
        MeetingFactory(case=case, starts_at=timezone.now() + datetime.timedelta(days=n + 1))
    url = reverse("klientstod:case-detail", args=[case.pk])
    few = count_queries(coordinator_client, url)
    for n in range(5, 50):
        MeetingFactory(case=case, starts_at=timezone.now() - datetime.timedelta(days=n))
    # One query per timeline provider and per panel of the other apps, whatever the case holds.
    with django_assert_max_num_queries(25):
        many = count_queries(coordinator_client, url)
    assert few == many
