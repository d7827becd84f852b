"""Writes to regions, stations and grids: validation, nothing half-saved, one audit event each. The writes
to staff assignments are in test_services_staff.py."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from stations import services
from stations.models import Grid, Region, Station, StationService
from tests.factories import StationFactory, UserFactory, region
from tests.stations.audit_trail import actions

pytestmark = pytest.mark.django_db


# --- region_add -----------------------------------------------------------------------------------


def test_region_add_builds_a_full_tree_and_audits_each_region(actor):
    city = services.region_add(parent=None, name="长沙市", code="430100", level="city", actor=actor)
    county = services.region_add(parent=city, name="浏阳市", code="430181", level="county", actor=actor)
    town = services.region_add(parent=county, name="集里街道", code="430181001", level="township", actor=actor)
    village = services.region_add(parent=town, name="神仙坳村", code="430181001201", level="village", actor=actor,
                                  latitude="28.150000", longitude="113.630000")
    community = services.region_add(parent=town, name="集里社区", code="430181001002", level="community", actor=actor)

    assert village.get_ancestors().count() == 3 and village.get_parent() == town
    assert set(town.get_children()) == {village, community}
    assert actions() == ["region.added"] * 5
    event = AuditEvent.objects.get(target_id=str(village.pk))
    assert event.actor == actor
    assert event.data == {"code": "430181001201", "level": "village"}


@pytest.mark.parametrize("parent_kind, level", [
    ("city", "township"),       # a township under a city skips the county
    ("top", "village"),         # a village at the top
    ("top", "county"),
    ("county", "village"),
    ("village", "village"),     # villages hold nothing
    ("township", "county"),
])
def test_region_add_refuses_a_level_that_cannot_sit_under_the_parent(parent_kind, level, tree, actor):
    parent = {"top": None, "city": tree["city"], "county": tree["county"], "township": tree["townships"][0],
              "village": tree["villages"][0]}[parent_kind]
    regions_before = Region.objects.count()
    code = {"city": "439900", "county": "439901", "township": "439901001", "village": "439901001001"}[level]
    with pytest.raises(ValidationError):
        services.region_add(parent=parent, name="错位", code=code, level=level, actor=actor)
    assert Region.objects.count() == regions_before
    assert not AuditEvent.objects.exists()


def test_region_add_refuses_an_unknown_level_with_a_validation_error(tree, actor):
    with pytest.raises(ValidationError):
        services.region_add(parent=tree["county"], name="星球", code="439901002", level="planet", actor=actor)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("code", ["4301", "43010A", "4301810011", ""])
def test_region_add_refuses_a_malformed_division_code(code, tree, actor):
    regions_before = Region.objects.count()
    with pytest.raises(ValidationError):
        services.region_add(parent=tree["county"], name="坏码镇", code=code, level="township", actor=actor)
    assert Region.objects.count() == regions_before


def test_region_add_refuses_a_code_already_in_use(tree, actor):
    regions_before = Region.objects.count()
    with pytest.raises(ValidationError):
        services.region_add(parent=tree["county"], name="重码镇", code=tree["townships"][0].code,
                            level="township", actor=actor)
    assert Region.objects.count() == regions_before
    assert Region.objects.get(pk=tree["county"].pk).numchild == 2


# --- station_create -------------------------------------------------------------------------------


def test_station_create_saves_station_services_and_one_audit_event(tree, actor):
    station = services.station_create(
        village=tree["villages"][0], code="ST-0001", name="神仙坳村服务站", address="村部一楼", actor=actor,
        tier=Station.Tier.FLAGSHIP, services=["gov_errands", "cash"], latitude="28.1", longitude="113.6",
    )
    station.refresh_from_db()
    assert (station.tier, station.status) == ("flagship", "planned")
    assert set(station.services.values_list("kind", flat=True)) == {"gov_errands", "cash"}
    (event,) = AuditEvent.objects.all()
    assert (event.action, event.actor, event.target_id) == ("station.created", actor, str(station.pk))
    assert event.data == {"tier": "flagship", "status": "planned", "services": ["gov_errands", "cash"]}


def test_station_create_accepts_a_community(tree, actor):
    community = region("community", tree["townships"][0])
    station = services.station_create(village=community, code="ST-C", name="社区站", address="社区中心", actor=actor)
    assert station.village == community


@pytest.mark.parametrize("kind", ["city", "county", "township"])
def test_station_create_refuses_a_region_that_is_not_a_village_or_community(kind, tree, actor):
    place = tree["townships"][0] if kind == "township" else tree[kind]
    with pytest.raises(ValidationError) as error:
        services.station_create(village=place, code="ST-X", name="错站", address="某处", actor=actor,
                                services=["cash"])
    assert "village" in error.value.message_dict
    assert not Station.objects.exists() and not StationService.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("coords", [{"latitude": "28.1"}, {"longitude": "113.6"}])
def test_station_create_refuses_one_coordinate_without_the_other(coords, tree, actor):
    with pytest.raises(ValidationError):
        services.station_create(village=tree["villages"][0], code="ST-X", name="半坐标站", address="某处",
                                actor=actor, services=["cash"], **coords)
    assert not Station.objects.exists() and not StationService.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("bad", [{"latitude": "95", "longitude": "113"}, {"tier": "platinum"},
                                 {"status": "demolished"}, {"code": ""}, {"address": ""}])
def test_station_create_refuses_invalid_fields(bad, tree, actor):
    fields = {"code": "ST-X", "address": "某处", **bad}
    with pytest.raises(ValidationError):
        services.station_create(village=tree["villages"][0], name="坏站", actor=actor, **fields)
    assert not Station.objects.exists() and not AuditEvent.objects.exists()


def test_station_create_refuses_a_code_already_in_use(station, actor):
    with pytest.raises(ValidationError):
        services.station_create(village=station.village, code=station.code, name="重码站", address="某处",
                                actor=actor)
    assert Station.objects.count() == 1


def test_station_create_refuses_an_unknown_service_kind_and_saves_nothing(tree, actor):
    with pytest.raises(ValidationError):
        services.station_create(village=tree["villages"][0], code="ST-X", name="怪站", address="某处",
                                actor=actor, services=["cash", "teleport"])
    assert not Station.objects.exists() and not StationService.objects.exists() and not AuditEvent.objects.exists()


# --- station_status_change ------------------------------------------------------------------------


def test_first_opening_sets_opened_on_and_audits_from_and_to(tree, actor):
    station = StationFactory(village=tree["villages"][0], status=Station.Status.BUILDING)
    changed = services.station_status_change(station=station, status="open", reason="验收合格", actor=actor)
    station.refresh_from_db()
    assert (station.status, station.opened_on) == ("open", timezone.localdate())
    assert changed.opened_on == timezone.localdate()
    (event,) = AuditEvent.objects.all()
    assert (event.action, event.actor) == ("station.status_changed", actor)
    assert event.data == {"from": "building", "to": "open", "reason": "验收合格"}


def test_reopening_keeps_the_first_opening_date(tree, actor):
    first_day = timezone.localdate() - timedelta(days=100)
    station = StationFactory(village=tree["villages"][0], status="open", opened_on=first_day)
    services.station_status_change(station=station, status="suspended", reason="装修", actor=actor)
    services.station_status_change(station=station, status="open", reason="装修完成", actor=actor)
    station.refresh_from_db()
    assert (station.status, station.opened_on) == ("open", first_day)
    assert actions() == ["station.status_changed", "station.status_changed"]
    assert [e.data["to"] for e in AuditEvent.objects.order_by("pk")] == ["suspended", "open"]


def test_changing_to_a_non_open_status_leaves_opened_on_empty(tree, actor):
    station = StationFactory(village=tree["villages"][0], status="planned")
    services.station_status_change(station=station, status="building", reason="动工", actor=actor)
    station.refresh_from_db()
    assert (station.status, station.opened_on) == ("building", None)


def test_setting_the_same_status_again_changes_nothing_and_audits_nothing(station, actor):
    services.station_status_change(station=station, status=station.status, reason="重复点击", actor=actor)
    assert not AuditEvent.objects.exists()


def test_an_unknown_status_is_refused_and_not_audited(station, actor):
    with pytest.raises(ValidationError):
        services.station_status_change(station=station, status="demolished", reason="?", actor=actor)
    station.refresh_from_db()
    assert station.status == "open"
    assert not AuditEvent.objects.exists()


# --- grid_create ----------------------------------------------------------------------------------


def test_grid_create_saves_the_grid_and_audits_it(station, liaison, actor):
    grid = services.grid_create(station=station, name="东片网格", liaison=liaison, actor=actor)
    assert (grid.station, grid.liaison) == (station, liaison)
    (event,) = AuditEvent.objects.all()
    assert (event.action, event.actor, event.target_id) == ("grid.created", actor, str(grid.pk))
    assert event.data == {"liaison": liaison.username}


def test_grid_create_without_a_liaison(station, actor):
    grid = services.grid_create(station=station, name="西片网格", liaison=None, actor=actor)
    assert grid.liaison is None
    assert AuditEvent.objects.get().data == {"liaison": None}


def test_grid_names_are_unique_per_station_only(station, other_station, actor):
    services.grid_create(station=station, name="一组", liaison=None, actor=actor)
    services.grid_create(station=other_station, name="一组", liaison=None, actor=actor)
    with pytest.raises(ValidationError):
        services.grid_create(station=station, name="一组", liaison=None, actor=actor)
    assert Grid.objects.count() == 2
    assert actions() == ["grid.created", "grid.created"]


def test_grid_create_refuses_an_empty_name(station, actor):
    with pytest.raises(ValidationError):
        services.grid_create(station=station, name="", liaison=None, actor=actor)
    assert not Grid.objects.exists() and not AuditEvent.objects.exists()


# --- the audit trail as a whole -------------------------------------------------------------------


def test_a_station_lifecycle_leaves_one_audit_event_per_change(tree, actor):
    station = services.station_create(village=tree["villages"][0], code="ST-L", name="全程站", address="村部",
                                      actor=actor)
    services.station_status_change(station=station, status="building", reason="动工", actor=actor)
    services.station_status_change(station=station, status="open", reason="开业", actor=actor)
    operator = UserFactory()
    assignment = services.staff_assign(user=operator, role="operator", station=station, actor=actor)
    services.grid_create(station=station, name="一组", liaison=None, actor=actor)
    services.staff_assignment_end(assignment=assignment, actor=actor)
    assert actions() == ["station.created", "station.status_changed", "station.status_changed",
                         "role.granted", "staff.assigned", "grid.created", "staff.assignment_ended",
                         "role.revoked"]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {actor.pk}


def test_an_audit_event_without_an_actor_is_recorded_as_system(tree):
    services.region_add(parent=tree["county"], name="系统镇", code="439901003", level="township", actor=None)
    assert AuditEvent.objects.get().actor is None
