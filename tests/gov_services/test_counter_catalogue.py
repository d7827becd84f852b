"""Which items can be filed where: the counter's catalogue is the station's jurisdiction and acceptance
level, and the online form and the filing service ask the same rule."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from gov_services.models import ServiceRequest
from gov_services.requests.services import service_request_submit
from tests.factories import (
    DepartmentFactory,
    ServiceItemFactory,
    StationFactory,
    UserFactory,
    region,
    staff_user,
    valid_id_number,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def laoting(db):
    """乐亭县 with two townships, each with a village and its 便民服务中心, and a county bureau."""
    city = region("city", name="唐山市")
    county = region("county", city, name="乐亭县")
    leting, hujiatuo = region("township", county, name="乐亭镇"), region("township", county, name="胡家坨镇")
    chengguan, hujiatuo_village = region("village", leting, name="城关村"), region("village", hujiatuo, name="胡家坨村")
    nanjie = region("community", leting, name="南街社区")
    leting_centre = DepartmentFactory(region=leting, name="乐亭镇便民服务中心", level="township")
    hujiatuo_centre = DepartmentFactory(region=hujiatuo, name="胡家坨镇便民服务中心", level="township")
    bureau = DepartmentFactory(region=county, name="县公安局")
    station = StationFactory(village=chengguan, name="城关村服务站")
    operator = staff_user(Role.OPERATOR, station=station)
    return {
        "county": county, "chengguan": chengguan, "hujiatuo_village": hujiatuo_village, "nanjie": nanjie,
        "station": station, "operator": operator, "hujiatuo_centre": hujiatuo_centre,
        "water_there": ServiceItemFactory(department=hujiatuo_centre, name="自来水报修", online_allowed=True),
        "lamp_here": ServiceItemFactory(department=leting_centre, name="路灯维修", online_allowed=True),
        "certificate": ServiceItemFactory(department=bureau, name="户籍证明", online_allowed=True),
        "community_only": ServiceItemFactory(department=leting_centre, name="社区证明", lowest_level="community"),
        "township_office": ServiceItemFactory(department=bureau, name="无犯罪记录证明", lowest_level="township",
                                              online_allowed=True),
        "county_office": ServiceItemFactory(department=bureau, name="食品经营许可证", lowest_level="county"),
        "inactive": ServiceItemFactory(department=bureau, name="停办事项", is_active=False),
    }


def _file_at_the_counter(laoting, item):
    return service_request_submit(
        actor=laoting["operator"], idempotency_key=uuid.uuid4(), kind="application", item=item,
        applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone="13812345678",
        consent="witnessed", channel="counter", station=laoting["station"], form_data={})


def test_the_chengguan_counter_cannot_file_hujiatuos_water_repair(client, laoting):
    """城关村 (乐亭镇) used to find 自来水报修 of 胡家坨镇 and file it, routed to 胡家坨镇便民服务中心."""
    water = laoting["water_there"]
    client.force_login(laoting["operator"])
    found = client.get(reverse("gov_services:counter-request-create"), {"q": "自来水"}).context["items"]
    assert water not in found
    assert client.get(reverse("gov_services:counter-application-create", args=[water.pk])).status_code == 404
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        _file_at_the_counter(laoting, water)
    message = " ".join(refused.value.message_dict["item"])
    assert "自来水报修" in message and "城关村" in message and "胡家坨镇便民服务中心" in message
    assert not ServiceRequest.objects.filter(department=laoting["hujiatuo_centre"]).exists()


def test_the_counter_offers_the_stations_townships_items_and_the_countys(client, laoting):
    client.force_login(laoting["operator"])
    found = set(client.get(reverse("gov_services:counter-request-create")).context["items"])
    assert found == {laoting["lamp_here"], laoting["certificate"], laoting["township_office"]}
    filed = _file_at_the_counter(laoting, laoting["lamp_here"])
    assert filed.department == laoting["lamp_here"].department


@pytest.mark.parametrize("item", ["community_only", "county_office", "inactive"])
def test_an_item_accepted_only_higher_up_or_elsewhere_is_not_filed_at_a_village_counter(laoting, item):
    with pytest.raises(ValidationError) as refused:
        _file_at_the_counter(laoting, laoting[item])
    assert "item" in refused.value.message_dict
    assert not ServiceRequest.objects.exists()


def test_the_counter_and_the_online_form_read_one_rule_both_ways(laoting):
    """For every place and item: the item is in the place's catalogue exactly when the place is offered for
    the item online (the counter's search and the resident's village list)."""
    from gov_services.catalogue.selectors import places_offering, service_items_available_at

    places = [laoting[name] for name in ("chengguan", "hujiatuo_village", "nanjie")]
    items = [laoting[name] for name in ("water_there", "lamp_here", "certificate", "community_only",
                                        "township_office", "county_office")]
    for place in places:
        available = set(service_items_available_at(place=place))
        assert available == {item for item in items if place in places_offering(item=item)}, place.name
    assert set(service_items_available_at(place=laoting["nanjie"])) >= {laoting["community_only"]}


def test_online_the_resident_chooses_among_the_villages_where_the_item_is_available(client, laoting):
    resident = UserFactory(roles=[Role.RESIDENT])
    client.force_login(resident)
    page = client.get(reverse("gov_services:resident-service-request-create", args=[laoting["water_there"].code]))
    choices = [pk for _group, options in page.context["form"].fields["village"].choices[1:] for pk, _n in options]
    assert choices == [laoting["hujiatuo_village"].pk]
    with pytest.raises(ValidationError) as refused:
        service_request_submit(
            actor=resident, idempotency_key=uuid.uuid4(), kind="application", item=laoting["water_there"],
            applicant_name="李四", applicant_id_number=valid_id_number(3), applicant_phone="13900000000",
            applicant_user=resident, consent="self", channel="web", village=laoting["chengguan"], form_data={})
    assert "item" in refused.value.message_dict
    assert not ServiceRequest.objects.exists()


def test_an_item_residents_may_apply_for_online_is_filed_for_them_at_the_counter_too(laoting):
    """无犯罪记录证明 is accepted at the county's offices only, but residents may apply for it from home: the
    village operator may file it for a resident, as the resident could do on the phone."""
    filed = _file_at_the_counter(laoting, laoting["township_office"])
    assert filed.department.name == "县公安局"


def test_an_item_accepted_higher_up_but_open_online_is_offered_online_from_every_village_of_its_department(
        client, laoting):
    item = laoting["township_office"]
    guide = client.get(reverse("gov_services:resident-service-item-detail", args=[item.code]))
    assert guide.context["apply_online"]
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    page = client.get(reverse("gov_services:resident-service-request-create", args=[item.code]))
    choices = {pk for _group, options in page.context["form"].fields["village"].choices[1:] for pk, _n in options}
    assert choices == {laoting[name].pk for name in ("chengguan", "hujiatuo_village", "nanjie")}


def test_an_item_accepted_only_at_a_county_office_and_not_online_sends_the_resident_to_that_office(client, laoting):
    item = laoting["county_office"]
    guide = client.get(reverse("gov_services:resident-service-item-detail", args=[item.code]))
    assert not guide.context["apply_online"] and not guide.context["offered_at_villages"]
    assert "县公安局" in guide.content.decode()
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    response = client.get(reverse("gov_services:resident-service-request-create", args=[item.code]))
    assert response.status_code == 302 and response.url.endswith(f"/services/{item.code}/")


def test_the_counters_search_costs_one_query_however_many_items(laoting, django_assert_num_queries):
    from gov_services.catalogue.selectors import service_items_available_at

    place = laoting["chengguan"]
    with django_assert_num_queries(1):
        few = [item.department.name for item in service_items_available_at(place=place)]
    for index in range(20):
        ServiceItemFactory(department=laoting["certificate"].department, name=f"证明{index}")
    with django_assert_num_queries(1):
        many = [item.department.name for item in service_items_available_at(place=place)]
    assert (len(few), len(many)) == (3, 23)  # 路灯维修, 户籍证明 and the online 无犯罪记录证明
