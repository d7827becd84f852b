"""The access matrix's rows for stations: the counter's and the county's station pages, the platform's
counties, the region tree, grids and households, the county map."""

from __future__ import annotations

import json

from tests.access.policy import COUNTY, NOBODY, NOT_FOUND, REGION, STATION, Case, Obj, Post
from tests.access.table.common import FILE, FORM_REFUSED, MISSING, key

HOUSEHOLD_KEEPERS = frozenset({"liaison"}) | REGION


def _outline_of(township) -> str:
    """A GeoJSON file outlining `township` with a small square, as the outline page's save button sends it."""
    ring = [[118.9, 39.4], [119.0, 39.4], [119.0, 39.5], [118.9, 39.5], [118.9, 39.4]]
    return json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "code": township.code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]})


def _village_url(name: str, world, station_key: str) -> str:
    from django.urls import reverse

    return reverse(name, args=[world.sides["A"].stations[station_key].village_id])


ROWS: dict[str, Case] = {
    # --- stations: the counter's home and the county's station pages ----------------------------------------------
    "stations:counter-home": Case(STATION, superuser=False),
    "stations:county-home": Case(REGION),
    "stations:station-list": Case(REGION),
    "stations:station-detail": Case(REGION, Obj("station", pk="pk")),
    "stations:station-status": Case(REGION, Obj("station", pk="pk"), get=False,
                                    post=Post({"status": "suspended", "reason": "矩阵测试"}, control="county_admin")),
    "stations:station-staff-add": Case(COUNTY, Obj("station", pk="pk"), get=False, post=Post(
        {"role": "liaison", "full_name": "新联络员", "phone": "13812340001"}, control="county_admin")),
    "stations:station-staff-end": Case(COUNTY, Obj("staff_assignment", pk="station", assignment_id="pk"), get=False,
                                       post=Post({}, control="county_admin")),
    # Setting up stations: the village is in the form, so one outside the admin's region is refused.
    "stations:station-create": Case(REGION, Obj("station"), foreign=FORM_REFUSED, post=Post(lambda t, w: {
        "code": "MX-NEW-ST", "name": "矩阵新站", "village": t.obj.village_id, "tier": "basic", "status": "planned",
        "address": "村委会"}, control="county_admin")),
    "stations:station-update": Case(REGION, Obj("station", pk="pk"), post=Post(lambda t, w: {
        "name": t.obj.name + "（改）", "village": t.obj.village_id, "tier": t.obj.tier, "address": t.obj.address,
        "services": ["gov_errands"]}, control="county_admin")),
    "stations:station-import": Case(REGION, post=Post(
        {}, why_no_control="an import needs a spreadsheet; tests/stations/test_setup_stations.py covers it")),

    # --- the platform's counties: the superuser opens a county and names its first county admin -------
    "stations:county-list": Case(NOBODY),
    "stations:county-open": Case(NOBODY, post=Post({
        "county_code": "139901", "county_name": "矩阵县", "city_name": "矩阵市", "username": "mx-county-admin",
        "full_name": "矩阵县管理员", "phone": "13812349201", "password": "Matrix-pass-2026"}, control="superuser")),

    # --- stations: the region tree --------------------------------------------------------------------
    "stations:region-list": Case(REGION),
    "stations:region-detail": Case(REGION, Obj("township", pk="pk")),
    # Asked of townships: a township admin renames their township's villages, not the township their post is
    # in (403); tests/stations/test_setup_regions.py covers the villages.
    "stations:region-rename": Case(COUNTY, Obj("township", pk="pk"), post=Post(
        {"name": "矩阵改名镇"}, control="county_admin")),
    "stations:region-village-create": Case(REGION, Obj("township", pk="pk"), post=Post(lambda t, w: {
        "name": "矩阵新村", "code": (t.obj.code + "000")[:9] + "399", "level": "village"}, control="county_admin")),
    # The world has no village Things: asked about S11's village, which every admin of county A may change;
    # another township's or county's village (404) is covered in tests/stations/test_setup_regions.py.
    "stations:region-merge": Case(REGION, url=lambda w: _village_url("stations:region-merge", w, "S11"),
                                  post=Post(lambda t, w: {"into": w.sides["A"].stations["S12"].village_id,
                                                          "reason": "矩阵合并"}, control="county_admin")),
    "stations:region-import": Case(REGION, post=Post(
        {}, why_no_control="an import needs a spreadsheet; tests/stations/test_setup_regions.py covers it")),
    # A job is its starter's own: any other id answers 404 (there are no import jobs in the world).
    "stations:region-import-job": Case(REGION, values={"pk": MISSING}, ok=NOT_FOUND),
    "stations:region-import-apply": Case(REGION, values={"pk": MISSING}, get=False, post=Post(
        {}, why_no_control="applies a checked import of one's own; tests/stations/test_setup_regions.py covers it")),
    "stations:region-export": Case(REGION, ok=FILE, values={"fmt": "csv"}),
    # --- stations: grids and households. The admins set up grids and import households in the back
    # office; a grid's and a household's pages are for its station's staff and the region's admins, and only the
    # grid's liaison and the admins keep households (operators read them: their role has no change_household).
    "stations:grid-list": Case(REGION),
    # The station is in the form: another township's or county's is refused (404) and nothing is saved.
    "stations:grid-create": Case(REGION, Obj("station"), foreign=FORM_REFUSED, post=Post(
        lambda t, w: {"station": t.attrs["pk"], "name": "矩阵网格", "liaison": ""}, control="county_admin")),
    "stations:grid-liaison": Case(REGION, Obj("grid", pk="pk"), post=Post({"liaison": ""}, control="county_admin")),
    "stations:grid-detail": Case(STATION | REGION, Obj("grid", pk="pk")),
    "stations:household-create": Case(HOUSEHOLD_KEEPERS, Obj("grid", pk="pk"), post=Post(
        {"house_number": "矩阵-2", "head_name": "李桂兰", "phone": "13900000002", "members-TOTAL_FORMS": 0,
         "members-INITIAL_FORMS": 0}, control="liaison")),
    # Showing a household in full writes its audit event: the own GETs write, the refused ones must not.
    "stations:household-detail": Case(STATION | REGION, Obj("household", pk="pk")),
    "stations:household-update": Case(HOUSEHOLD_KEEPERS, Obj("household", pk="pk"), post=Post(
        lambda t, w: {"house_number": t.obj.house_number, "head_name": t.obj.head_name, "phone": "13900000003",
                      "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0}, control="liaison")),
    "stations:household-left": Case(HOUSEHOLD_KEEPERS, Obj("household", pk="pk"), get=False, post=Post(
        {"left": "1"}, control="liaison")),
    "stations:household-import": Case(REGION, post=Post(
        {}, why_no_control="an import needs a spreadsheet; tests/stations/test_setup_households.py covers it")),
    # An import job is its starter's own ("user" tag): anyone else's is a 404.
    "stations:household-import-job": Case(REGION, Obj("household_import", pk="pk")),
    "stations:household-import-apply": Case(REGION, Obj("household_import", pk="pk"), get=False, post=Post(
        lambda t, w: {"idempotency_key": key()}, control="county_admin")),

    # --- stations: the county map ---------------------------------------------------------------------
    # Township outlines: county admins; the save names its townships in its body, each checked against the
    # admin's county (another county's township is refused and nothing saved: tests/stations/test_setup_map.py).
    "stations:township-outlines": Case(COUNTY, post=Post(lambda t, w: {"geojson": _outline_of(w.sides["A"].townships[
        "T1"])}, control="county_admin")),
    "stations:station-location": Case(REGION, Obj("station", pk="pk"), post=Post(
        {"latitude": "39.512345", "longitude": "118.512345"}, control="county_admin")),
}
