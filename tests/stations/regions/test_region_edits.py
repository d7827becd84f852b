"""Editing the administrative tree by hand: adding and renaming regions, and merging villages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, SmsOutboxMessage
from stations.models import Region, Station
from stations.regions import services as region_services
from stations.regions.selectors import region_history
from tests.factories import (
    DepartmentFactory,
    GridFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    StationFactory,
)
from tests.stations.region_files import (
    COUNTY,
    T1,
    T2,
    by_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


# --- by hand: add, rename ------------------------------------------------------------------------------

def test_a_township_admin_adds_a_village_to_their_township_and_not_to_another(county, township_admin):
    village = region_services.region_village_add(township=by_code(T1), name="新村", code="130225100230",
                                                 level="village", actor=township_admin)
    assert village.get_parent().code == T1
    assert AuditEvent.objects.filter(action="region.added", target_id=str(village.pk), actor=township_admin).exists()
    with pytest.raises(PermissionDenied):
        region_services.region_village_add(township=by_code(T2), name="别村", code="130225101230",
                                           level="village", actor=township_admin)


@pytest.mark.parametrize("name, code, field, message", [
    ("新村", "130225101230", "code", "followed by three digits"),
    ("新村", "130225100000", "code", "followed by three digits"),
    ("新村", "130225100200", "code", "already 城关村's"),
    ("城关村", "130225100231", "name", "already has a region named 城关村"),
    ("  ", "130225100231", "name", "Give the region's name"),
])
def test_a_village_added_by_hand_is_refused_with_the_field_to_correct(county, county_admin, name, code, field,
                                                                      message):
    with pytest.raises(ValidationError) as refused:
        region_services.region_village_add(township=by_code(T1), name=name, code=code, level="village",
                                           actor=county_admin)
    assert message in " ".join(refused.value.message_dict[field])


def test_a_short_stored_code_is_the_same_code():
    from stations.services import region_add

    city = region_add(parent=None, name="唐山市", code="130200", level="city", actor=None)
    county = region_add(parent=city, name="乐亭县", code="130225", level="county", actor=None)
    region_add(parent=county, name="乐亭镇", code="130225100", level="township", actor=None)
    with pytest.raises(ValidationError, match="already 乐亭镇's"):
        region_add(parent=by_code(COUNTY), name="乐亭街道", code="130225100000", level="township", actor=None)


def test_renaming_is_audited_and_a_rename_to_the_same_name_writes_nothing(county, township_admin):
    village = by_code("130225100201")
    region_services.region_rename(region=village, name="大相各庄社区", actor=township_admin)
    event = AuditEvent.objects.get(action="region.changed", target_id=str(village.pk))
    assert event.data == {"changes": {"name": ["大相各庄村", "大相各庄社区"]}}
    region_services.region_rename(region=village, name="大相各庄社区", actor=township_admin)
    assert AuditEvent.objects.filter(action="region.changed").count() == 1


def test_a_township_admin_may_not_rename_their_township_or_another_village(county, township_admin):
    with pytest.raises(PermissionDenied):
        region_services.region_rename(region=by_code(T1), name="乐亭街道", actor=township_admin)
    with pytest.raises(PermissionDenied):
        region_services.region_rename(region=by_code("130225101200"), name="改名村", actor=township_admin)
    assert by_code(T1).name == "乐亭镇"


# --- by hand: merge -------------------------------------------------------------------------------------

def test_a_merge_moves_stations_grids_and_requests_then_removes_the_village(county, township_admin):
    source, into = by_code("130225100204"), by_code("130225100200")
    station = StationFactory(village=source)
    grid = GridFactory(station=station)
    item = ServiceItemFactory(department=DepartmentFactory(region=county))
    service_request = ServiceRequestFactory(item=item, station=station)
    message = SmsOutboxMessage.objects.create(phone="13900000000", text="t", purpose="test", region_path=source.path)
    region_services.region_rename(region=source, name="刘石庄村", actor=township_admin)

    region_services.region_merge(source=source, into=into, reason="乐政〔2026〕3号", actor=township_admin)

    assert not Region.objects.filter(pk=source.pk).exists()
    station.refresh_from_db()
    service_request.refresh_from_db()
    message.refresh_from_db()
    assert station.village == into and grid.station == station
    assert service_request.village == into
    assert message.region_path == into.path
    history = region_history(region=into)
    actions = [event.action for event in history]
    assert actions[:2] == ["region.merged", "region.merged_into"]
    assert "region.changed" in actions  # the merged village's own history, readable here
    merged = history[0]
    assert merged.data["reason"] == "乐政〔2026〕3号"
    assert dict(merged.moved)[str(Station._meta.verbose_name_plural)] == 1


def test_a_merge_that_cannot_move_something_is_refused_with_a_clear_message(county, county_admin):
    from agency.models import Account
    from shop.models import DeliveryFee

    source, into = by_code("130225100204"), by_code("130225100200")
    station = StationFactory(village=source)
    DeliveryFee.objects.create(township=source, fee_fen=300)
    DeliveryFee.objects.create(township=into, fee_fen=500)
    Account.objects.create(code="TAX-TEST", purpose="tax", region=source, name="测试税")
    with pytest.raises(ValidationError) as refused:
        region_services.region_merge(source=source, into=into, reason="合并", actor=county_admin)
    text = " ".join(refused.value.messages)
    assert "城关村 already has one where only one is allowed" in text
    assert "kept as they were written" in text
    station.refresh_from_db()
    assert station.village == source and Region.objects.filter(pk=source.pk).exists()


def test_a_merge_drops_a_link_the_other_village_has_already(county, county_admin):
    from tests.shop.factories import merchant

    source, into, other = by_code("130225100204"), by_code("130225100200"), by_code("130225100201")
    both, one = merchant(name="甲商户", townships=[source, into]), merchant(name="乙商户", townships=[source])
    none = merchant(name="丙商户", townships=[other])
    region_services.region_merge(source=source, into=into, reason="合并", actor=county_admin)
    assert list(both.townships.all()) == [into]
    assert list(one.townships.all()) == [into]
    assert list(none.townships.all()) == [other]


@pytest.mark.parametrize("source_code, into_code", [("130225100204", "130225100204"), (T1, "130225100200"),
                                                    ("130225100204", T1)])
def test_only_a_village_merges_and_only_into_another(county, county_admin, source_code, into_code):
    with pytest.raises(ValidationError):
        region_services.region_merge(source=by_code(source_code), into=by_code(into_code), reason="x",
                                     actor=county_admin)
    assert Region.objects.count() == 32


def test_a_merge_needs_a_reason_and_a_township_admin_stays_in_their_township(county, township_admin):
    with pytest.raises(ValidationError, match="reason"):
        region_services.region_merge(source=by_code("130225100204"), into=by_code("130225100200"), reason=" ",
                                     actor=township_admin)
    with pytest.raises(PermissionDenied):
        region_services.region_merge(source=by_code("130225101204"), into=by_code("130225101200"), reason="x",
                                     actor=township_admin)
