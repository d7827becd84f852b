"""Setting up stations: create, edit, suspend and close, import with a preview — each within the
admin's region (a township admin only their township)."""

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.audit import audit_events_for
from core.models import ImportJob
from stations import services
from stations.models import Region, Station
from stations.regions.importer import region_import
from stations.station_import import station_import
from tests.factories import StaffAssignmentFactory, UserFactory

DEMO_STATIONS = Path(__file__).resolve().parents[2] / "demo" / "data" / "stations.csv"
DEMO_REGIONS = DEMO_STATIONS.with_name("regions.csv")


def _station(village, actor, **extra):
    fields = {"code": "NEW001", "name": "新建服务站", "address": "村委会", "services": ["gov_errands", "cash"],
              **extra}
    return services.station_create(village=village, actor=actor, **fields)


# --- services ------------------------------------------------------------------------------------------------

def test_a_township_admin_creates_a_station_in_their_township_only(tree, township_admin):
    mine, other = tree["villages"][0], tree["villages"][-1]
    station = _station(mine, township_admin)
    assert set(station.services.values_list("kind", flat=True)) == {"gov_errands", "cash"}
    assert audit_events_for(station).filter(action="station.created", actor=township_admin).exists()
    with pytest.raises(PermissionDenied):
        _station(other, township_admin, code="NEW002")
    assert not Station.objects.filter(code="NEW002").exists()


def test_an_operator_cannot_create_a_station(tree, operator):
    with pytest.raises(PermissionDenied):
        _station(tree["villages"][0], operator)
    assert not Station.objects.filter(code="NEW001").exists()


def test_an_edit_changes_the_details_and_services_and_the_same_edit_again_writes_nothing(tree, county_admin):
    station = _station(tree["villages"][0], county_admin)
    changes = services.station_update(station=station, actor=county_admin, name="改名服务站", phone="0315-1111111",
                                      services=["gov_errands", "parcels"])
    assert set(changes) == {"name", "phone", "services"}
    station.refresh_from_db()
    assert station.name == "改名服务站" and set(station.services.values_list("kind", flat=True)) == {
        "gov_errands", "parcels"}
    events = audit_events_for(station).filter(action="station.updated").count()
    assert services.station_update(station=station, actor=county_admin, name="改名服务站",
                                   services=["parcels", "gov_errands"]) == {}
    assert audit_events_for(station).filter(action="station.updated").count() == events == 1


def test_an_edit_cannot_move_a_station_out_of_the_admins_township(tree, township_admin):
    station = _station(tree["villages"][0], township_admin)
    with pytest.raises(PermissionDenied):
        services.station_update(station=station, actor=township_admin, village=tree["villages"][-1])
    station.refresh_from_db()
    assert station.village == tree["villages"][0]


def test_latitude_without_longitude_is_refused(tree, county_admin):
    with pytest.raises(ValidationError):
        _station(tree["villages"][0], county_admin, latitude="39.1")
    assert not Station.objects.exists()


def test_closing_a_station_ends_its_staff_posts_and_the_operator_loses_the_counter_at_once(
        client, station, operator, township_admin):
    client.force_login(operator)
    assert client.get(reverse("stations:counter-home")).status_code == 200
    services.station_status_change(station=station, status="closed", reason="村站撤并", actor=township_admin)
    assert not station.staff.active().exists()
    assert client.get(reverse("stations:counter-home")).status_code == 403
    with pytest.raises(ValidationError):  # closed for good
        services.station_status_change(station=station, status="open", reason="重开", actor=township_admin)


def test_a_closed_station_is_not_in_the_public_directory(station, county_admin):
    from stations.selectors import public_station_directory

    services.station_status_change(station=station, status="closed", reason="撤并", actor=county_admin)
    assert station.code not in [s["code"] for s in public_station_directory()]


# --- views -------------------------------------------------------------------------------------------------

def _form(village, **extra):
    return {"code": "WEB001", "name": "网页服务站", "village": village.pk, "tier": "basic", "status": "planned",
            "address": "村委会一楼", "opening_hours": "周一至周五", "phone": "", "services": ["gov_errands"],
            "latitude": "39.5", "longitude": "118.9", "opened_on": "", **extra}


def test_an_admin_creates_a_station_from_the_form(client, tree, township_admin):
    client.force_login(township_admin)
    page = client.get(reverse("stations:station-create"))
    assert page.status_code == 200
    villages = list(page.context["form"].fields["village"].queryset)
    assert tree["villages"][0] in villages and tree["villages"][-1] not in villages
    response = client.post(reverse("stations:station-create"), _form(tree["villages"][0]))
    station = Station.objects.get(code="WEB001")
    assert response.status_code == 302 and response["Location"] == reverse("stations:station-detail",
                                                                            args=[station.pk])
    assert station.status == "planned" and list(station.services.values_list("kind", flat=True)) == ["gov_errands"]


def test_a_refused_form_keeps_what_was_typed_and_says_why_in_chinese(client, tree, county_admin):
    client.force_login(county_admin)
    response = client.post(reverse("stations:station-create"), _form(tree["villages"][0], longitude=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "须同时填写" in html and 'value="网页服务站"' in html
    assert not Station.objects.filter(code="WEB001").exists()


def test_the_edit_page_saves_changes_and_answers_404_for_another_township(client, tree, township_admin, station,
                                                                         other_station):
    client.force_login(township_admin)
    data = _form(station.village, name="改过的名字")
    del data["code"], data["status"]
    response = client.post(reverse("stations:station-update", args=[station.pk]), data)
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.name == "改过的名字" and station.tier == "basic"
    assert client.get(reverse("stations:station-update", args=[other_station.pk])).status_code == 404


def test_an_operator_gets_403_on_the_set_up_pages(client, operator, station):
    client.force_login(operator)
    for url in (reverse("stations:station-create"), reverse("stations:station-import"),
                reverse("stations:station-update", args=[station.pk])):
        assert client.get(url).status_code == 403


# --- import ------------------------------------------------------------------------------------------------

@pytest.fixture
def demo_county(db):
    """The demo county's regions, imported from the demo's file by the system (no import jobs)."""
    assert region_import(file=DEMO_REGIONS.read_bytes(), filename="regions.csv", actor=None).applied
    county = Region.objects.get(level="county")
    admin = UserFactory(roles=["county_admin"])
    StaffAssignmentFactory(user=admin, role="county_admin", region=county)
    return SimpleNamespace(county=county, townships=list(county.get_children().order_by("code")), admin=admin)


def _import(data: bytes, actor, *, dry_run, filename="服务站.csv"):
    return station_import(file=io.BytesIO(data), filename=filename, actor=actor, dry_run=dry_run)


def test_the_demo_file_previews_then_imports_then_changes_nothing_the_second_time(demo_county):
    data = DEMO_STATIONS.read_bytes()
    preview = _import(data, demo_county.admin, dry_run=True)
    assert preview.ok and preview.created == 25 and not Station.objects.exists()
    assert preview.created_codes[0].startswith("第2行") and "LT001" in preview.created_codes[0]
    applied = _import(data, demo_county.admin, dry_run=False)
    assert applied.ok and applied.created == 25
    lt001 = Station.objects.get(code="LT001")
    assert lt001.status == "open" and lt001.tier == "flagship" and lt001.services.count() == 8
    assert str(lt001.latitude) == "39.387512"
    again = _import(data, demo_county.admin, dry_run=False)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 25)


def test_a_changed_row_is_previewed_as_a_change_and_updated(demo_county):
    _import(DEMO_STATIONS.read_bytes(), demo_county.admin, dry_run=False)
    text = DEMO_STATIONS.read_text(encoding="utf-8").replace("城关村综合服务站", "城关村便民服务站", 1)
    preview = _import(text.encode(), demo_county.admin, dry_run=True)
    assert (preview.created, preview.updated) == (0, 1) and "服务站名称" in preview.updated_codes[0]
    assert Station.objects.get(code="LT001").name == "城关村综合服务站"
    _import(text.encode(), demo_county.admin, dry_run=False)
    assert Station.objects.get(code="LT001").name == "城关村便民服务站"


BAD = """服务站编码,服务站名称,所在村,地址,等级,服务项目,纬度,经度
A01,好站,130225100200,一楼,标准站,政务代办,,
A02,坏村,999999999999,一楼,标准站,,,
A01,重复,130225100201,一楼,标准站,,,
A03,坏等级,130225100202,一楼,超级站,理发,39.1,
"""


def test_every_bad_row_is_reported_in_chinese_and_nothing_is_written(demo_county):
    report = _import(BAD.encode(), demo_county.admin, dry_run=False)
    assert not report.ok and not Station.objects.exists()
    problems = {(p.line, p.column): p.message for p in report.problems}
    assert "999999999999" in problems[(3, "所在村")]
    assert "第2行" in problems[(4, "服务站编码")]
    assert "超级站" in problems[(5, "等级")] and "旗舰站" in problems[(5, "等级")]
    assert "理发" in problems[(5, "服务项目")]
    assert report.bad_lines == [3, 4, 5]


def test_a_township_admin_cannot_import_into_another_township(demo_county):
    tadmin = UserFactory(roles=["township_admin"])
    StaffAssignmentFactory(user=tadmin, role="township_admin", region=demo_county.townships[0])
    text = "服务站编码,服务站名称,所在村,地址\nT01,本镇站,130225100200,一楼\nT02,外镇站,130225101200,一楼\n"
    report = _import(text.encode(), tadmin, dry_run=False)
    assert not report.ok and report.bad_lines == [3] and not Station.objects.exists()


def test_an_existing_stations_status_is_not_changed_by_import(demo_county):
    _import(DEMO_STATIONS.read_bytes(), demo_county.admin, dry_run=False)
    text = DEMO_STATIONS.read_text(encoding="utf-8").replace("旗舰站,运营中", "旗舰站,暂停服务", 1)
    report = _import(text.encode(), demo_county.admin, dry_run=False)
    assert report.bad_lines == [2] and Station.objects.get(code="LT001").status == "open"


def test_the_import_page_previews_then_applies_once(client, demo_county, django_capture_on_commit_callbacks):
    client.force_login(demo_county.admin)
    url = reverse("stations:station-import")
    upload = SimpleUploadedFile("stations.csv", DEMO_STATIONS.read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload})
    preview = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?job={preview.pk}")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "LT001" in page.content.decode() and not Station.objects.exists()
    assert client.get(f"{url}?job={preview.pk}&status=1").json()["status"] == "done"
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(url, {"apply": preview.pk, "idempotency_key": "9c1f4a52-5a1c-4a61-8a40-3a0d6f1b1a11"})
    assert applied.status_code == 302 and Station.objects.count() == 25
    job = ImportJob.objects.exclude(pk=preview.pk).get()
    assert job.params["preview_of"] == preview.pk and not job.file
    with django_capture_on_commit_callbacks(execute=True):  # applying the same preview again: the same job
        again = client.post(url, {"apply": preview.pk, "idempotency_key": "0b7e0f55-8a9c-4ce1-9d53-6c2b8f9d2e22"})
    assert again["Location"].endswith(f"?job={job.pk}") and ImportJob.objects.count() == 2


def test_a_preview_with_problems_cannot_be_applied(client, demo_county, django_capture_on_commit_callbacks):
    client.force_login(demo_county.admin)
    url = reverse("stations:station-import")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("bad.csv", BAD.encode(), content_type="text/csv")})
    preview = ImportJob.objects.get()
    assert "999999999999" in client.get(f"{url}?job={preview.pk}").content.decode()
    response = client.post(url, {"apply": preview.pk, "idempotency_key": "1d2e3f40-0000-4000-8000-000000000001"})
    assert response.status_code == 422 and ImportJob.objects.count() == 1 and not Station.objects.exists()


def test_another_users_import_is_not_found(client, demo_county, county_admin, django_capture_on_commit_callbacks):
    client.force_login(demo_county.admin)
    url = reverse("stations:station-import")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("s.csv", DEMO_STATIONS.read_bytes(), content_type="text/csv")})
    preview = ImportJob.objects.get()
    client.force_login(county_admin)
    assert client.get(f"{url}?job={preview.pk}").status_code == 404
    response = client.post(url, {"apply": preview.pk, "idempotency_key": "1d2e3f40-0000-4000-8000-000000000002"})
    assert response.status_code == 404 and not Station.objects.exists()
