"""Importing division codes into the administrative tree: a new tree and the same file again, the demo seed,
xlsx and exported files, what a check shows and the rows it refuses."""

from decimal import Decimal

import pytest

from core.models import AuditEvent, ImportJob
from demo.seeding.county import seed_regions
from stations.models import Region
from stations.regions import services as region_services
from stations.regions.import_file import Row, region_export
from stations.regions.importer import region_import, region_import_apply, region_import_check
from tests.spreadsheet_files import xlsx_bytes
from tests.stations.region_files import (
    CITY,
    COUNTY,
    DEMO_FILE,
    HEADER,
    T1,
    T2,
    by_code,
    csv_file,
    demo_rows,
    outcomes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


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
