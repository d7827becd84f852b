"""Importing division codes: what each admin may import (scope), and applying a checked file (a tree changed
meanwhile, a refused write, merged codes, shifted paths)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from core.models import AuditEvent, SmsOutboxMessage
from stations.models import Region
from stations.regions import services as region_services
from stations.regions.import_file import Row
from stations.regions.importer import region_import, region_import_apply, region_import_check
from tests.factories import (
    UserFactory,
)
from tests.stations.region_files import (
    CITY,
    COUNTY,
    DEMO_FILE,
    T1,
    T2,
    by_code,
    csv_file,
    demo_rows,
    outcomes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


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
