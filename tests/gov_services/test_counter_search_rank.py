"""The counter's item search (the one catalogue search, core.zh_text.query_groups) ranks what this station
files most first, after an exact code; another station's filings do not move it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gov_services.catalogue.selectors import service_item_search
from gov_services.models import ServiceRequest
from gov_services.requests.selectors.counter import ranked_by_station_use
from tests.factories import ServiceItemFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificates(department):
    return [ServiceItemFactory(department=department, code=f"ZM-{n:02d}", name=name, lowest_level="village")
            for n, name in enumerate(["出生证明", "居住证明", "亲属关系证明"], start=1)]


def _file(item, station, times, *, days_ago=1):
    for _ in range(times):
        request = ServiceRequestFactory(item=item, station=station)
        ServiceRequest.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))


def test_the_counter_search_puts_what_this_station_files_most_first(client, operator, station, other_station,
                                                                    certificates):
    birth, residence, kinship = certificates
    _file(kinship, station, 3)
    _file(residence, station, 1)
    _file(birth, other_station, 9)  # another station's habits do not count here
    _file(birth, station, 5, days_ago=400)  # nor last year's
    client.force_login(operator)

    found = list(client.get(reverse("gov_services:counter-request-create"), {"q": "开证明"}).context["items"])
    assert found[:3] == [kinship, residence, birth]
    assert [item.station_uses for item in found[:3]] == [3, 1, 0]


def test_an_exact_code_stays_on_top_of_the_stations_habits(station, certificates):
    birth, _residence, kinship = certificates
    _file(kinship, station, 4)
    ranked = list(ranked_by_station_use(service_item_search(query="ZM-01"), station_id=station.pk))
    assert ranked[0] == birth


def test_browsing_without_words_lists_the_stations_usual_items_first(station, certificates):
    birth, residence, kinship = certificates
    _file(residence, station, 2)
    ranked = list(ranked_by_station_use(service_item_search(), station_id=station.pk))
    assert ranked[0] == residence and set(ranked[1:3]) == {birth, kinship}


def test_the_ranked_search_is_still_one_query(station, certificates, django_assert_num_queries):
    _file(certificates[0], station, 2)
    with django_assert_num_queries(1):
        list(ranked_by_station_use(service_item_search(query="ZM"), station_id=station.pk))
