"""Setting up the administrative tree (regions): official codes, adding, renaming and merging by
hand, the import of division codes (check, apply, refusals, idempotence, scope) and the pages."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from core.models import AuditEvent, ImportJob, SmsOutboxMessage
from demo.seeding.county import seed_regions
from stations.models import Region, Station
from stations.regions import codes
from stations.regions import services as region_services
from stations.regions.import_file import Row, region_export
from stations.regions.importer import region_import, region_import_apply, region_import_check
from stations.regions.selectors import region_history
from tests.factories import (
    DepartmentFactory,
    GridFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
)
from tests.spreadsheet_files import xlsx_bytes

pytestmark = pytest.mark.django_db

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "data" / "regions.csv"
HEADER = ["区划代码", "名称", "上级代码", "层级", "纬度", "经度"]
CITY, COUNTY = "130200000000", "130225000000"
T1, T2 = "130225100000", "130225101000"  # 乐亭镇, 汤家河镇


@pytest.fixture(autouse=True)
def _english():
    """Services' messages are asserted by their English msgids; the pages' tests ask for zh-hans."""
    with translation.override("en"):
        yield


def csv_file(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def demo_rows() -> list[list[str]]:
    with DEMO_FILE.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def by_code(code: str) -> Region:
    return Region.objects.get(code__in=codes.short_forms(code))


def admin_of(code: str, role=Role.COUNTY_ADMIN):
    user = UserFactory(roles=[role])
    StaffAssignmentFactory(user=user, role=role.value, region=by_code(code))
    return user


@pytest.fixture
def county():
    """The demo county, imported from the demo's file by the system."""
    report = region_import(file=DEMO_FILE.read_bytes(), filename="regions.csv", actor=None)
    assert report.applied, report.problems
    return by_code(COUNTY)


@pytest.fixture
def county_admin(county):
    return admin_of(COUNTY)


@pytest.fixture
def township_admin(county):
    return admin_of(T1, Role.TOWNSHIP_ADMIN)


def outcomes(report) -> dict[str, tuple[str, list[str]]]:
    return {entry["code"]: (entry["outcome"], entry["kinds"]) for entry in report.entries}


# --- official codes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, level, parent", [
    ("130000000000", "province", None),
    ("130200", "city", "130000000000"),
    ("130225", "county", "130200000000"),
    ("130225100", "township", "130225000000"),
    ("130225100203", "village", "130225100000"),
    ("441900003000", "township", "441900000000"),  # 东莞: townships straight under the city
])
def test_a_code_tells_its_level_and_its_parent(code, level, parent):
    full = codes.canonical(code)
    assert len(full) == 12
    assert codes.structural_level(full) == level
    assert codes.structural_parent(full) == parent


@pytest.mark.parametrize("code", ["", "1302", "13022510", "1302251002031", "13A225", "000000000000"])
def test_what_is_not_a_division_code_is_refused(code):
    with pytest.raises(ValidationError):
        codes.structural_level(codes.canonical(code))


def test_a_code_may_be_stored_without_its_trailing_zeros():
    assert codes.short_forms("130225000000") == {"130225000000", "130225000", "130225"}
    assert codes.short_forms("130225100000") == {"130225100000", "130225100"}
    assert codes.short_forms("130225100203") == {"130225100203"}


def test_a_code_someone_types_finds_the_region_however_it_is_stored():
    assert codes.stored_forms(" 130225 ") == {"130225000000", "130225000", "130225"}
    assert codes.stored_forms("130225100000") == {"130225100000", "130225100"}
    assert codes.stored_forms("LT-9") == {"LT-9"}  # not a division code: as it is


@pytest.mark.parametrize("code, level", [("130225100001", "community"), ("130225100199", "community"),
                                         ("130225100200", "village"), ("130225100399", "village")])
def test_residents_committees_are_communities_and_villagers_committees_villages(code, level):
    assert codes.village_level_by_code(code) == level


@pytest.mark.parametrize("text, level", [("村", "village"), ("社区", "community"), ("居委会", "community"),
                                         ("乡镇", "township"), ("街道", "township"), ("县", "county"),
                                         ("市", "city"), ("Village", "village"), ("", None)])
def test_levels_as_files_write_them(text, level):
    assert codes.parse_level(text) == level


def test_an_unknown_level_is_refused():
    with pytest.raises(ValidationError, match="not a level"):
        codes.parse_level("组")


# --- import: a new tree, and again ---------------------------------------------------------------------

def test_the_demo_file_builds_the_demo_county_and_a_province_row_is_left_out(county):
    assert Region.objects.count() == 32
    assert Region.get_root_nodes().get().name == "唐山市"
    community = Region.objects.get(name="南街社区")
    assert (community.code, community.level) == ("130225100203", "community")
    assert community.get_parent().name == "乐亭镇"
    assert community.latitude == Decimal("39.435703")
    assert AuditEvent.objects.filter(action="region.added").count() == 32


def test_importing_the_same_file_again_changes_nothing(county):
    events = AuditEvent.objects.count()
    paths = dict(Region.objects.values_list("code", "path"))
    checked = region_import_check(file=DEMO_FILE.read_bytes(), filename="regions.csv", actor=None)
    assert checked.ok and not checked.can_apply
    assert (checked.created, checked.updated, checked.unchanged) == (0, 0, 32)
    assert outcomes(checked)["130000000000"][0] == "skipped"
    again = region_import(file=DEMO_FILE.read_bytes(), filename="regions.csv", actor=None)
    assert again.applied and again.created == again.updated == 0
    assert AuditEvent.objects.count() == events
    assert dict(Region.objects.values_list("code", "path")) == paths


def test_the_demo_seed_imports_the_demo_file_as_the_superuser_checked_then_applied():
    class Progress:
        def step(self, _label):
            pass

    demo = seed_regions(Progress())
    assert (demo.city.code, demo.county.code) == (CITY, COUNTY) and len(demo.townships) == 5
    check, applied = ImportJob.objects.filter(kind="stations.regions").order_by("pk")
    assert check.user == applied.user == demo.admin and demo.admin.is_superuser
    assert (applied.params["checked"], applied.result["applied"], applied.result["created"]) == (check.pk, True, 32)
    checked = region_import_check(file=DEMO_FILE.read_bytes(), filename="regions.csv", actor=None)
    assert checked.ok and (checked.created, checked.updated, checked.unchanged) == (0, 0, 32)
    seed_regions(Progress())
    assert ImportJob.objects.count() == 2 and Region.objects.count() == 32


def test_an_xlsx_file_imports_like_the_csv(county):
    checked = region_import_check(file=xlsx_bytes(demo_rows(), HEADER), filename="regions.xlsx", actor=None)
    assert checked.ok and (checked.created, checked.updated, checked.unchanged) == (0, 0, 32)


def test_parent_and_level_may_be_left_to_the_code():
    rows = [[CITY, "唐山市", "", "", "", ""], [COUNTY, "乐亭县", "", "", "", ""], [T1, "乐亭镇", "", "", "", ""],
            ["130225100001", "新城社区", "", "", "", ""], ["130225100210", "东村", "", "", "", ""]]
    report = region_import(file=csv_file(rows), filename="r.csv", actor=None)
    assert report.applied, report.problems
    assert by_code("130225100001").level == "community"
    assert by_code("130225100210").level == "village"
    assert by_code("130225100210").get_parent().name == "乐亭镇"


def test_the_exported_tree_imports_back_unchanged(county):
    for fmt, name in (("csv", "tree.csv"), ("xlsx", "tree.xlsx")):
        data = region_export(roots=[county], fmt=fmt)
        checked = region_import_check(file=data, filename=name, actor=None)
        assert checked.ok and (checked.created, checked.updated, checked.unchanged) == (0, 0, 32), fmt


# --- import: what a check shows ------------------------------------------------------------------------

def test_a_check_lists_what_will_be_created_renamed_moved_and_changed_and_writes_nothing(county, county_admin):
    # 刘石各庄村 (…100204) was put under 汤家河镇 by hand; its code says 乐亭镇.
    stray = by_code("130225100204")
    region_services.region_move(region=stray, parent=by_code(T2), actor=None)
    rows = [r for r in demo_rows() if r[0] != "130225100202"]  # 西关村 not in the file: left as it is
    rows = [[r[0], "城关社区" if r[0] == "130225100200" else r[1], r[2], "社区" if r[0] == "130225100200" else r[3],
             r[4], r[5]] for r in rows]
    rows.append(["130225100205", "新建村", T1, "村", "39.4", "118.9"])
    events = AuditEvent.objects.count()
    report = region_import_check(file=csv_file(rows), filename="r.csv", actor=county_admin)
    assert report.ok and report.can_apply
    found = outcomes(report)
    assert found["130225100205"] == ("create", ["create"])
    assert found["130225100200"] == ("change", ["rename", "level"])
    assert found["130225100204"] == ("change", ["move"])
    assert (report.created, report.renamed, report.moved, report.absent) == (1, 1, 1, 1)
    assert "城关村" in next(e["detail"] for e in report.entries if e["code"] == "130225100200")
    assert AuditEvent.objects.count() == events
    assert not Region.objects.filter(code="130225100205").exists()

    applied = region_import_apply(rows=[Row.from_kept(values) for values in report.kept], digest=report.digest,
                                  actor=county_admin)
    assert applied.applied
    assert by_code("130225100204").get_parent().code == T1
    renamed = by_code("130225100200")
    assert (renamed.name, renamed.level) == ("城关社区", "community")
    assert by_code("130225100205").get_parent().name == "乐亭镇"
    assert set(AuditEvent.objects.filter(pk__gt=0).values_list("action", flat=True)) >= {
        "region.added", "region.changed", "region.moved"}
    assert Region.objects.filter(name="西关村").exists()


BAD_ROWS = [
    (["13022510020", "坏代码村", T1, "村", "", ""], "区划代码", "not a division code"),
    (["130225100206", "", T1, "村", "", ""], "名称", "The name is empty"),
    (["130225100207", "错上级村", T2, "村", "", ""], "上级代码", "by its code"),
    (["130225100208", "错层级村", T1, "乡镇", "", ""], "层级", "not a Township"),
    (["130225100209", "怪层级村", T1, "组", "", ""], "层级", "not a level"),
    (["130225100210", "半坐标村", T1, "村", "39.4", ""], "纬度", "both latitude and longitude"),
    (["1.30225E+11", "科学计数村", T1, "村", "", ""], "区划代码", "turned into a number"),
    (["130225109201", "孤村", "130225109000", "村", "", ""], "", "neither in the file nor in the tree"),
    (["130225100200", "重复村", T1, "村", "", ""], "区划代码", "on line"),
]


@pytest.mark.parametrize("row, column, message", BAD_ROWS, ids=[m for _r, _c, m in BAD_ROWS])
def test_a_bad_row_is_refused_with_its_line_and_reason_and_nothing_is_written(county, county_admin, row, column,
                                                                              message):
    rows = [*demo_rows(), ["130225100211", "好村", T1, "村", "", ""], row]
    count = Region.objects.count()
    report = region_import(file=csv_file(rows), filename="r.csv", actor=county_admin)
    assert not report.ok and not report.applied
    line = len(rows) + 1
    assert [(p.line, p.column) for p in report.problems] == [(line, column)]
    assert message in report.problems[0].message
    assert Region.objects.count() == count


def test_every_bad_row_is_reported_at_once(county, county_admin):
    rows = [*demo_rows(), *(row for row, _c, _m in BAD_ROWS)]
    report = region_import_check(file=csv_file(rows), filename="r.csv", actor=county_admin)
    assert len(report.bad_lines) == len(BAD_ROWS)


def test_a_file_without_the_required_columns_is_refused():
    report = region_import_check(file=csv_file([["x"]], header=["名字"]), filename="r.csv", actor=None)
    assert not report.ok
    assert {p.column for p in report.problems} == {"区划代码", "名称"}


# --- import: scope ---------------------------------------------------------------------------------------

def test_a_county_admin_may_not_change_the_city_or_another_county(county, county_admin):
    rows = [*demo_rows(), ["130224000000", "滦南县", CITY, "县", "", ""]]
    rows = [[r[0], "唐山" if r[0] == CITY else r[1], *r[2:]] for r in rows]
    report = region_import_check(file=csv_file(rows), filename="r.csv", actor=county_admin)
    assert sorted(p.line for p in report.problems) == [3, len(rows) + 1]
    assert all("only the regions under 乐亭县" in p.message for p in report.problems)


def test_a_township_admin_imports_only_into_their_township(county, township_admin):
    mine = ["130225100220", "新一村", T1, "村", "", ""]
    theirs = ["130225101220", "新二村", T2, "村", "", ""]
    rows = [*demo_rows(), mine, theirs]
    report = region_import_check(file=csv_file(rows), filename="r.csv", actor=township_admin)
    refused = {row[0] for line, row in enumerate(rows, start=2) if line in report.bad_lines}
    # Every row of another township is refused, unchanged ones too: they are not the township admin's to see.
    assert refused == {row[0] for row in rows if row[0][:9] not in ("130225100", "130000000", "130200000",
                                                                      "130225000")}
    own_file = [row for row in rows if row[0] not in refused]
    applied = region_import(file=csv_file(own_file), filename="r.csv", actor=township_admin)
    assert applied.applied and applied.created == 1, applied.problems
    assert by_code("130225100220").get_parent().code == T1


def test_a_township_admin_may_not_rename_their_own_township_by_file(county, township_admin):
    report = region_import_check(file=csv_file([[T1, "乐亭街道", COUNTY, "乡镇", "", ""]]), filename="r.csv",
                                 actor=township_admin)
    assert not report.ok and "only the regions under 乐亭镇" in report.problems[0].message


def test_an_admin_places_their_own_region_on_the_map_but_renames_or_places_nothing_above_it(
    county, county_admin, township_admin
):
    def check(row, actor):
        return region_import_check(file=csv_file([row]), filename="r.csv", actor=actor)

    moved = region_import(file=csv_file([[COUNTY, "乐亭县", CITY, "县", "39.5", "118.95"]]), filename="r.csv",
                          actor=county_admin)
    assert moved.applied, moved.problems
    assert (by_code(COUNTY).latitude, by_code(COUNTY).longitude) == (Decimal("39.5"), Decimal("118.95"))
    assert AuditEvent.objects.filter(action="region.changed", actor=county_admin).count() == 1
    assert not check([COUNTY, "乐亭区", CITY, "县", "39.6", "118.95"], county_admin).ok  # the name is set above
    assert not check([CITY, "唐山市", "", "市", "39.6", "118.2"], county_admin).ok  # the city is not theirs
    assert not check([COUNTY, "乐亭县", CITY, "县", "39.7", "118.95"], township_admin).ok
    assert check([T1, "乐亭镇", COUNTY, "乡镇", "39.43", "118.92"], township_admin).ok


def test_a_superuser_builds_the_tree_from_an_empty_database():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    report = region_import(file=DEMO_FILE.read_bytes(), filename="regions.csv", actor=superuser)
    assert report.applied and report.created == 32
    assert AuditEvent.objects.filter(action="region.added", actor=superuser).count() == 32


def test_a_county_admin_cannot_start_a_new_tree():
    county_admin = UserFactory(roles=[Role.COUNTY_ADMIN])
    report = region_import_check(file=DEMO_FILE.read_bytes(), filename="regions.csv", actor=county_admin)
    assert not report.ok and Region.objects.count() == 0


# --- import: applying ------------------------------------------------------------------------------------

def test_applying_after_the_tree_changed_writes_nothing_and_shows_the_new_outcome(county, county_admin):
    rows = [*demo_rows(), ["130225100221", "晚到村", T1, "村", "", ""]]
    checked = region_import_check(file=csv_file(rows), filename="r.csv", actor=county_admin)
    region_services.region_rename(region=by_code("130225100201"), name="大相庄村", actor=county_admin)
    again = region_import_apply(rows=[Row.from_kept(v) for v in checked.kept], digest=checked.digest,
                                actor=county_admin)
    assert again.stale and not again.applied and again.can_apply
    assert outcomes(again)["130225100201"] == ("change", ["rename"])
    assert not Region.objects.filter(code="130225100221").exists()


def test_a_write_refused_while_applying_leaves_the_tree_as_it_was(county, county_admin, monkeypatch):
    rows = [*demo_rows(), ["130225100222", "甲村", T1, "村", "", ""], ["130225100223", "乙村", T1, "村", "", ""]]
    checked = region_import_check(file=csv_file(rows), filename="r.csv", actor=county_admin)
    from stations.regions import importer

    real_add, calls = importer.region_add, []

    def add_then_refuse(**kwargs):
        calls.append(kwargs["code"])
        if len(calls) == 2:
            raise ValidationError("the database said no")
        return real_add(**kwargs)

    monkeypatch.setattr(importer, "region_add", add_then_refuse)
    report = region_import_apply(rows=[Row.from_kept(v) for v in checked.kept], digest=checked.digest,
                                 actor=county_admin)
    assert not report.applied and report.problems[0].message == "the database said no"
    assert not Region.objects.filter(code__in=["130225100222", "130225100223"]).exists()


def test_a_code_merged_away_is_not_imported_again(county, county_admin):
    region_services.region_merge(source=by_code("130225100204"), into=by_code("130225100200"), reason="合村并居",
                                 actor=county_admin)
    report = region_import_check(file=DEMO_FILE.read_bytes(), filename="regions.csv", actor=county_admin)
    assert not report.ok
    assert "刘石各庄村 was merged into 城关村" in report.problems[0].message


def test_a_shift_in_paths_keeps_the_text_messages_pointing_at_their_village(county, county_admin):
    village = by_code("130225100204")
    old_path = village.path
    message = SmsOutboxMessage.objects.create(phone="13900000000", text="t", purpose="test", region_path=old_path)
    region_services.region_village_add(township=by_code(T1), name="前插村", code="130225100150", level="village",
                                       actor=county_admin)  # sorts before every village of the township
    village.refresh_from_db()
    message.refresh_from_db()
    assert village.path != old_path  # treebeard shifted it to keep the villages in code order
    assert message.region_path == village.path


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


# --- the pages -------------------------------------------------------------------------------------------

REGIONS = "/county/regions/"


@pytest.fixture
def zh():
    """The pages in the county's language (the request decides it; the message catalogue is zh-hans)."""
    with translation.override("zh-hans"):
        yield


def page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_region_urls_are_where_the_design_says():
    assert reverse("stations:region-list") == REGIONS
    assert reverse("stations:region-detail", args=[7]) == "/county/regions/7/"
    assert reverse("stations:region-merge", args=[7]) == "/county/regions/7/merge/"
    assert reverse("stations:region-import") == "/county/regions/import/"


def test_the_county_home_links_to_the_regions(client, county_admin):
    client.force_login(county_admin)
    assert f'href="{REGIONS}"' in page(client, reverse("stations:county-home"))


def test_a_county_admin_browses_the_tree_down_to_a_village(client, county_admin, django_assert_max_num_queries):
    StationFactory(village=by_code("130225100200"), name="城关村综合服务站")
    client.force_login(county_admin)
    with django_assert_max_num_queries(15):
        body = page(client, REGIONS)
    assert "乐亭镇" in body and "汤家河镇" in body
    township = page(client, reverse("stations:region-detail", args=[by_code(T1).pk]))
    assert "城关村" in township and "南街社区" in township
    assert reverse("stations:region-village-create", args=[by_code(T1).pk]) in township
    village = page(client, reverse("stations:region-detail", args=[by_code("130225100200").pk]))
    assert "城关村综合服务站" in village
    assert reverse("stations:region-merge", args=[by_code("130225100200").pk]) in village


def test_a_township_admin_sees_only_their_township(client, township_admin):
    client.force_login(township_admin)
    body = page(client, REGIONS)
    assert "乐亭镇" in body and "汤家河镇" not in body
    for code in (T2, COUNTY, "130225101200"):
        assert client.get(reverse("stations:region-detail", args=[by_code(code).pk])).status_code == 404
    own = page(client, reverse("stations:region-detail", args=[by_code(T1).pk]))
    assert reverse("stations:region-rename", args=[by_code(T1).pk]) not in own
    assert client.get(reverse("stations:region-rename", args=[by_code(T1).pk])).status_code == 403
    assert client.post(reverse("stations:region-rename", args=[by_code(T1).pk]), {"name": "乐亭街道"}).status_code == 403
    assert by_code(T1).name == "乐亭镇"


def test_the_region_pages_are_for_admins_only(client, county, resident):
    url = reverse("stations:region-detail", args=[by_code(T1).pk])
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.get(REGIONS).status_code == 403


def test_renaming_a_village_on_its_page_is_kept_in_its_history(client, township_admin, zh):
    village = by_code("130225100200")
    client.force_login(township_admin)
    url = reverse("stations:region-rename", args=[village.pk])
    form = page(client, url)
    assert 'value="城关村"' in form and "<h1>更名</h1>" in form
    response = client.post(url, {"name": "城关社区"})
    assert response.status_code == 302 and response.url == reverse("stations:region-detail", args=[village.pk])
    body = page(client, response.url)
    assert "城关社区" in body and "城关村 → 城关社区" in body


def test_a_refused_rename_says_why_in_chinese_and_keeps_what_was_typed(client, township_admin, zh):
    client.force_login(township_admin)
    response = client.post(reverse("stations:region-rename", args=[by_code("130225100200").pk]),
                           {"name": "大相各庄村"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "乐亭镇已有名为大相各庄村的区划" in body
    assert 'value="大相各庄村"' in body
    assert by_code("130225100200").name == "城关村"


def test_adding_a_village_suggests_the_next_code_and_refuses_a_bad_one(client, township_admin, zh):
    township = by_code(T1)
    client.force_login(township_admin)
    url = reverse("stations:region-village-create", args=[township.pk])
    form = page(client, url)
    assert 'value="130225100205"' in form and "<h1>添加村（社区）</h1>" in form
    refused = client.post(url, {"name": "新庄村", "code": "130225101205", "level": "village"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "130225100" in body and "后接三位数字" in body
    assert 'value="新庄村"' in body and 'value="130225101205"' in body
    added = client.post(url, {"name": "新庄村", "code": "130225100205", "level": "village"})
    assert added.status_code == 302
    assert by_code("130225100205").get_parent() == township
    assert client.get(reverse("stations:region-village-create", args=[by_code("130225100205").pk])).status_code == 404


def test_merging_a_village_shows_what_moves_then_moves_it(client, township_admin, zh):
    source, into = by_code("130225100204"), by_code("130225100200")
    station = StationFactory(village=source)
    client.force_login(township_admin)
    url = reverse("stations:region-merge", args=[source.pk])
    choose = page(client, url)
    assert "城关村" in choose and "汤家河村" not in choose  # only the villages of its own township
    preview = page(client, f"{url}?into={into.pk}")
    assert "服务站: 1" in preview and "将刘石各庄村并入城关村" in preview
    missing_reason = client.post(url, {"into": into.pk, "reason": ""})
    assert missing_reason.status_code == 200 and Region.objects.filter(pk=source.pk).exists()
    done = client.post(url, {"into": into.pk, "reason": "乐政〔2026〕3号"})
    assert done.status_code == 302 and done.url == reverse("stations:region-detail", args=[into.pk])
    station.refresh_from_db()
    assert station.village == into
    assert "刘石各庄村" in page(client, done.url)  # the merge in the history of the village that stays


def test_a_merge_that_cannot_be_made_says_what_cannot_move(client, county_admin, zh):
    from shop.models import DeliveryFee

    source, into = by_code("130225100204"), by_code("130225100200")
    DeliveryFee.objects.create(township=source, fee_fen=300)
    DeliveryFee.objects.create(township=into, fee_fen=500)
    client.force_login(county_admin)
    url = reverse("stations:region-merge", args=[source.pk])
    preview = page(client, f"{url}?into={into.pk}")
    assert "无法合并" in preview and 'type="submit"' in preview  # the choice, not the merge
    assert "cz-button--danger" not in preview
    refused = client.post(url, {"into": into.pk, "reason": "合并"})
    assert refused.status_code == 200 and Region.objects.filter(pk=source.pk).exists()


@pytest.fixture
def at_commit(django_capture_on_commit_callbacks):
    """Background jobs run when the request's transaction commits, as without a broker."""

    def run(send):
        with django_capture_on_commit_callbacks(execute=True):
            return send()

    return run


def upload(client, at_commit, data: bytes, name="regions.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = at_commit(lambda: client.post(reverse("stations:region-import"),
                                             {"file": SimpleUploadedFile(name, data)}))
    assert response.status_code == 302, response.content.decode()[:500]
    return response.url


def test_an_import_is_checked_then_applied_through_the_pages(client, county_admin, zh, at_commit):
    client.force_login(county_admin)
    rows = [*demo_rows(), ["130225100205", "新建村", T1, "村", "", ""]]
    checked = page(client, upload(client, at_commit, csv_file(rows)))
    assert "新建村" in checked and reverse("stations:region-import-apply", args=[ImportJob.objects.get().pk]) in checked
    assert not Region.objects.filter(code="130225100205").exists()
    job = ImportJob.objects.get()
    applied = at_commit(lambda: client.post(reverse("stations:region-import-apply", args=[job.pk])))
    assert applied.status_code == 302
    body = page(client, applied.url)
    assert "已导入" in body and Region.objects.filter(code="130225100205").exists()
    again = page(client, upload(client, at_commit, csv_file(rows)))
    assert "已与文件一致" in again and "region-import-apply" not in again and "/apply/" not in again


def test_a_refused_import_lists_every_bad_row_in_chinese(client, county_admin, zh, at_commit):
    client.force_login(county_admin)
    rows = [*demo_rows(), ["130225100206", "", T1, "村", "", ""], ["130225101220", "错村", T1, "村", "", ""]]
    body = page(client, upload(client, at_commit, csv_file(rows)))
    assert "名称为空" in body and "按代码应为" in body
    assert "/apply/" not in body
    job = ImportJob.objects.get()
    assert client.post(reverse("stations:region-import-apply", args=[job.pk])).status_code == 302
    assert ImportJob.objects.count() == 1  # nothing to apply: no second job


def test_another_users_import_is_not_theirs_to_see(client, county_admin, zh, at_commit):
    client.force_login(county_admin)
    upload(client, at_commit, DEMO_FILE.read_bytes())
    job = ImportJob.objects.get()
    client.force_login(admin_of(COUNTY))
    assert client.get(f"{reverse('stations:region-import')}?job={job.pk}").status_code == 404
    assert client.get(reverse("stations:region-import-job", args=[job.pk])).status_code == 404
    assert client.post(reverse("stations:region-import-apply", args=[job.pk])).status_code == 404


def test_the_tree_downloads_in_the_import_format(client, county_admin):
    client.force_login(county_admin)
    response = client.get(reverse("stations:region-export", args=["csv"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADER)
    assert "130225100203,南街社区,130225100000,社区" in text
    assert client.get(reverse("stations:region-export", args=["pdf"])).status_code == 404


def test_a_superuser_starts_an_empty_county_from_the_regions_page(client, zh, at_commit):
    """The set-up journey's first step: no region yet, the import builds the tree."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    empty = page(client, REGIONS)
    assert "尚无区划" in empty and reverse("stations:region-import") in empty
    page(client, upload(client, at_commit, DEMO_FILE.read_bytes()))
    checked = ImportJob.objects.get()
    at_commit(lambda: client.post(reverse("stations:region-import-apply", args=[checked.pk])))
    assert Region.objects.count() == 32
    assert "乐亭县" in page(client, REGIONS)
