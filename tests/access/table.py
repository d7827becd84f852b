"""The expectation table of the access matrix: one row per URL pattern (tests/access/test_matrix.py).

A row says who has the page's workspace (policy.PUBLIC, SIGNED_IN, or a set of roles; the superuser
too unless `superuser=False`), which object its URL names (`Obj`: the world's kind and state, and
which kwarg takes which attribute), what an allowed GET answers (`ok`) and how a POST is exercised
(`Post`: a form a permitted user would send, and the role whose POST of it must change the
database). From that the runner derives every cell: anonymous → sign in; no workspace → 403;
own object → `ok`; an object of another station / department / township / county / merchant /
resident, or a missing id → 404.

Every cell is asserted: a change that makes a page answer otherwise fails the suite. When many cells
fail at once, `python -m tests.access.report` groups them by cause (see tests/access/report.py).
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from django.utils import timezone

from core.timeutil import last_full_month
from tests.access.patterns import Pattern
from tests.access.policy import (
    COUNTY,
    DEPARTMENT,
    DONE,
    EDITOR,
    FORBIDDEN,
    HEAD,
    MERCHANT,
    NOBODY,
    NOT_FOUND,
    OPERATOR,
    PAGE,
    PUBLIC,
    REGION,
    RESIDENT,
    SIGNED_IN,
    STAFF,
    STATION,
    Case,
    Expect,
    Obj,
    Post,
    Unexercised,
    login,
    ok,
)

MISSING = 987654321
HOUSEHOLD_KEEPERS = frozenset({"liaison"}) | REGION
REDIRECT = ok(302)
# A form naming another's object in its body: re-shown with an error, or refused — not carried out (302).
FORM_REFUSED = Expect("form refused", (200, 400, 403, 404, 422))
UNSIGNED = Expect("unsigned: refused", (401,))  # a wallet simulator's API, asked without our merchant key
FILE = ok(200)
OSCAR_LOGIN = "/shop/dashboard/login/"
# An Oscar page the store does not offer answers 404 to a POST too (tests/shop/test_oscar_pages_closed.py).
NOT_SERVED_POST = Unexercised("not offered by the store: 404 to every method (shop/oscar_shop.py)")
ADMIN_LOGIN = "/admin/login/"
CMS_LOGIN = "/cms/login/"
STAFF_DASHBOARD = "Oscar's staff dashboard forms: only its wall (staff only) is this matrix's business"
# (staff_dashboard rows ask no missing id: how Oscar's own staff pages answer one is theirs to decide.)
THIRD_PARTY_ADMIN = "the Django admin's own pages (superuser only); the wall in front of them is what is asserted"
WAGTAIL_OWN = "inside the CMS, Wagtail's own page and collection permissions decide; the wall is asserted"


def staff_dashboard(obj: Obj | None = None, *, answers: Expect = PAGE, get: bool = True, post: bool = True) -> Case:
    """A section of Oscar's dashboard that only staff (here: the superuser) may use."""
    return Case(NOBODY, obj, ok=answers, get=get, login_url=OSCAR_LOGIN, missing=False,
                post=Post({}, why_no_control=STAFF_DASHBOARD) if post else None)


# Wagtail sends a signed-in person away rather than answering 403: to its sign-in page without
# access_admin, to its dashboard without the section's permission.
CMS_REFUSED = Expect("sent away by Wagtail", (302,), "/cms/")


def cms(who=EDITOR) -> Case:
    """A CMS index page: editors (with who) get in, everyone else is sent away."""
    return Case(who, login_url=CMS_LOGIN, refuse=CMS_REFUSED)


def _outline_of(township) -> str:
    """A GeoJSON file outlining `township` with a small square, as the outline page's save button sends it."""
    ring = [[118.9, 39.4], [119.0, 39.4], [119.0, 39.5], [118.9, 39.5], [118.9, 39.4]]
    return json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "code": township.code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]})


def key() -> str:
    return str(uuid.uuid4())


def last_month() -> str:
    return f"{last_full_month():%Y-%m}"


def _applicant(thing, world) -> dict:
    """The counter's applicant block, for the application and appeal forms."""
    from tests.factories import valid_id_number

    return {"idempotency_key": key(), "applicant_name": "王秀英", "applicant_id_number": valid_id_number(901),
            "applicant_phone": "13912345678", "consent": "witnessed"}


def _application(thing, world) -> dict:
    from tests.factories import jpeg_bytes, upload

    data = _applicant(thing, world)
    if thing is not None:
        material = thing.obj.materials.get()
        data[f"material-{material.pk}"] = upload("身份证.jpg", jpeg_bytes(), content_type="image/jpeg")
    return data


def _appeal(thing, world) -> dict:
    return {**_applicant(thing, world), "appeal_category": "help", "subject": "路灯坏了", "description": "村口路灯不亮"}


def _relayed_appeal(thing, world) -> dict:
    return {**_appeal(thing, world), "channel": "phone", "village": thing.obj.village_id}


def _payment(thing, world) -> dict:
    from tests.agency.factories import account_number

    return {"step": "pay", "idempotency_key": key(), "account_number": account_number(77), "amount": "50.00",
            "payment_method": "cash"}


def _api_application(thing, world) -> dict:
    from tests.factories import valid_id_number

    return {"idempotency_key": key(), "kind": "appeal", "channel": "phone", "appeal_category": "help",
            "village_code": thing.obj.village.code, "subject": "路灯坏了", "description": "村口路灯不亮",
            "applicant_name": "王秀英", "applicant_id_number": valid_id_number(902),
            "applicant_phone": "13912345678"}


def _open311_url(world, tail: str) -> str:
    """A GeoReport URL in county A (the world has two counties, so the jurisdiction must be named)."""
    return f"/open311/v2/{tail}?jurisdiction_id={world.sides['A'].county.code}"


def _village_url(name: str, world, station_key: str) -> str:
    from django.urls import reverse

    return reverse(name, args=[world.sides["A"].stations[station_key].village_id])


def _wallet_attach(thing, world) -> dict:
    requests = [t for t in world.of("request", "returned") if t.tags.get("resident") == "A"]
    return {"request_id": requests[0].attrs["pk"]}


# The till's set-up is one catalogue for the platform (no region): the world's product, its provider and plan.
def _setup_provider_url(world) -> str:
    from django.urls import reverse

    return reverse("agency:setup-provider-edit", args=[world.product.provider_id])


def _setup_plan_url(name: str):
    def url(world) -> str:
        from django.urls import reverse

        return reverse(name, args=[world.product.commission_plan_id])
    return url


def _setup_version_url(world) -> str:
    from django.urls import reverse

    version = world.product.commission_plan.versions.first()
    return reverse("agency:setup-plan-version-withdraw", args=[version.plan_id, version.pk])


def _setup_product(thing, world) -> dict:
    product = world.product
    return {"code": "mx-product", "provider": product.provider_id, "name": product.name + "（改）",
            "kind": product.kind, "direction": product.direction, "account_label": product.account_label,
            "account_min_length": product.account_min_length, "account_max_length": product.account_max_length,
            "account_digits_only": "on", "account_check_digit": product.account_check_digit, "amount_min": "1",
            "amount_max": "5000", "customer_fee": "0", "reversal_window_minutes": 30, "is_active": "on"}


def _setup_terms(thing, world) -> dict:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {"code": "mx-plan", "name": "矩阵方案", "effective_from": tomorrow.isoformat(), "method": "percentage",
            "rate": "1.5", "share_operator": "70", "share_township": "10", "share_county": "10",
            "share_platform": "10", "tax_rate": "3", "action": "save"}


def _role_change(thing, world) -> dict:
    """The department's first member in force changes post: an officer becomes head, a head an officer."""
    membership = thing.obj.memberships.active().order_by("pk").first()
    return {"membership": membership.pk, "role": "officer" if membership.is_head else "head"}


def _setup_file(thing, world) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("providers.csv", "服务商代码,服务商名称,类型\nmx-prov,矩阵服务商,通信\n".encode()),
            "idempotency_key": key()}


# --- the rows ------------------------------------------------------------------------------------------------

EXPECTATIONS: dict[str, Case] = {
    # --- operations (core/health.py, core/metrics.py): probes answer anyone; details and metrics are the
    # system admin's (core.view_operations) or an allowed network's (none in tests: config/settings/test.py).
    "ops:liveness": Case(PUBLIC, note="the process manager's probe"),
    "ops:readiness": Case(PUBLIC, note="the verdict for anyone; which check failed only for the system admin"),
    "ops:metrics": Case(NOBODY, anonymous=FORBIDDEN, note="Prometheus from OPS_ALLOWED_NETWORKS; the system admin"),
    # The SMS gateways push delivery receipts here; the secret token in the URL is their authentication.
    "sms:receipts": Case(PUBLIC, get=False, values={"provider": "aliyun", "token": "not-the-token"}, post=Unexercised(
        "an SMS gateway's delivery receipts, authenticated by the token in the URL",
        check=lambda world, pattern: _receipt_with_wrong_token(world, pattern))),
    # The administrators' workspace (accounts/views_ops.py): the three 等保 administrators and the data officer,
    # none of whom is a role of this world; tests/accounts/test_admin_roles.py and tests/core/test_personal_data.py
    # prove each page for each of them. Here: every other role is refused, the superuser let in.
    "accounts:ops-home": Case(NOBODY),
    "accounts:ops-audit": Case(NOBODY),
    "accounts:ops-personal-data": Case(NOBODY),
    "accounts:ops-personal-data-access": Case(NOBODY),
    "accounts:ops-admins": Case(NOBODY, post=Post({"action": "grant", "username": "mx-nobody", "role": "data_officer"},
                                                  why_no_control="tests/accounts/test_admin_roles.py gives a role")),
    # Residents' data requests (accounts/views_data_requests.py): the data officer's queue (a role this world
    # lacks: tests/accounts/test_data_requests.py proves it), and anyone's own data page and copy.
    "accounts:ops-data-requests": Case(NOBODY),
    "accounts:ops-data-request": Case(NOBODY, values={"pk": MISSING}, ok=NOT_FOUND, missing=False,
                                      post=Post({"status": "done", "reply": "已更正"}, why_no_control=(
                                          "tests/accounts/test_data_requests.py answers a request as the data officer"))),
    "accounts:my-data": Case(SIGNED_IN, post=Post({"kind": "correct", "details": "电话号码有误",
                                                    "idempotency_key": "6f1c4c2e-8d51-4d43-9a3e-0a4b8c1d2e3f"},
                                                   control="resident")),
    "accounts:my-data-export": Case(SIGNED_IN, note="one's own data as a file; the export is logged"),
    "accounts:password-change": Case(SIGNED_IN, post=Post({}, why_no_control=(
        "the old password is asked first; tests/accounts/test_passwords.py changes one"))),
    # Two-factor sign-in (accounts/views_two_factor.py): one's own authenticator and codes, nobody else's.
    "accounts:two-factor": Case(SIGNED_IN, post=Post({}, why_no_control=(
        "new recovery codes need a code given this session; tests/accounts/test_two_factor.py renews them"))),
    "accounts:two-factor-setup": Case(SIGNED_IN, post=Post({"code": "12345"}, why_no_control=(
        "the first code comes from the person's app; tests/accounts/test_two_factor.py enrols one"))),
    "accounts:two-factor-verify": Case(SIGNED_IN, ok=ok(200, 302), post=Post({"code": "12345"}, why_no_control=(
        "the code comes from the person's app; tests/accounts/test_two_factor.py signs in with one"))),
    # --- sign-in and the landing page -------------------------------------------------------------------------
    "accounts:login": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the sign-in form: anyone may post it (throttled)")),
    "accounts:logout": Case(PUBLIC, ok=ok(200, 302, 405), post=Unexercised("signing out changes no data")),
    "accounts:landing": Case(PUBLIC, ok=REDIRECT, note="sends everyone to their workspace (or to sign in)"),
    "accounts:signup": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("resident sign-up: anyone may post it")),
    "accounts:signup-verify": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("resident sign-up: anyone may post it")),
    "accounts:password-reset": Case(PUBLIC, post=Unexercised("password reset by SMS: anyone may post it")),
    "accounts:password-reset-verify": Case(PUBLIC, ok=ok(200, 302),
                                           post=Unexercised("password reset by SMS: anyone may post it")),

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

    # --- the service catalogue (back office) ----------------------------------------------------------------
    "gov_services:service-item-list": Case(REGION | DEPARTMENT),
    # The department is in the form: another county's is refused like any bad choice, and nothing is saved.
    "gov_services:service-item-create": Case(COUNTY, Obj("department"), foreign=FORM_REFUSED, post=Post(lambda t, w: {
        "code": "MX-NEW", "name": "矩阵新事项", "department": t.attrs["pk"], "category": "public_service",
        "lowest_level": "village", "legal_limit_days": 10, "promised_limit_days": 5, "fee_yuan": "0",
        "materials-TOTAL_FORMS": 0, "materials-INITIAL_FORMS": 0}, control="county_admin")),
    # --- setting up departments and staff: county admins only ----------------------------------------
    "gov_services:setup-department-list": Case(COUNTY),
    # The region is in the form: another county's is refused like any bad choice, and nothing is saved.
    "gov_services:setup-department-create": Case(COUNTY, Obj("county"), foreign=FORM_REFUSED, post=Post(
        lambda t, w: {"code": "MX-NEW-D", "name": "矩阵新部门", "level": "county", "region": t.attrs["pk"]},
        control="county_admin")),
    "gov_services:setup-department-import": Case(COUNTY, post=Post(
        {}, why_no_control="an import needs a spreadsheet; tests/gov_services/test_setup_departments.py covers it")),
    "gov_services:setup-department-detail": Case(COUNTY, Obj("department", pk="pk")),
    "gov_services:setup-department-update": Case(COUNTY, Obj("department", pk="pk"), post=Post(lambda t, w: {
        "name": t.obj.name + "（改）", "level": t.obj.level, "region": t.obj.region_id, "phone": t.obj.phone,
        "is_dispatch_desk": "on" if t.obj.is_dispatch_desk else ""}, control="county_admin")),
    "gov_services:setup-department-active": Case(COUNTY, Obj("department", pk="pk"), get=False, post=Post(
        {"active": "0", "reason": "矩阵"}, why_no_control=(
            "every department of the world has items and open requests, so none may be deactivated; "
            "tests/gov_services/test_setup_departments.py covers deactivating"))),
    "gov_services:setup-department-member-add": Case(COUNTY, Obj("department", pk="pk"), get=False, post=Post(
        {"full_name": "矩阵科员", "phone": "13812349001"}, control="county_admin")),
    "gov_services:setup-department-member-end": Case(COUNTY, Obj("department", pk="pk"), get=False, post=Post(
        lambda t, w: {"membership": t.obj.memberships.active().first().pk}, control="county_admin")),
    "gov_services:setup-staff-list": Case(COUNTY),
    "gov_services:setup-staff-import": Case(COUNTY, post=Post(
        {}, why_no_control="an import needs a spreadsheet; tests/gov_services/test_setup_departments.py covers it")),
    # The account is in the form: someone outside the admin's county is not found, and keeps their password.
    "gov_services:setup-staff-password": Case(COUNTY, Obj("staff_assignment"), get=False, foreign=FORM_REFUSED,
                                              post=Post(lambda t, w: {"account": t.obj.user_id},
                                                        control="county_admin")),
    # Officer ↔ head in place: the membership is in the form; another county's department is not found.
    "gov_services:setup-department-member-role": Case(COUNTY, Obj("department", pk="pk"), get=False, post=Post(
        _role_change, control="county_admin")),
    # Admin posts: county admins give township-admin posts in their county (another county's township is refused
    # as a bad choice, and nothing saved) and end them; a township admin gets 403 (tests/gov_services/
    # test_setup_admins.py covers county-admin posts and one's own post).
    "gov_services:setup-admin-list": Case(COUNTY),
    "gov_services:setup-admin-give": Case(COUNTY, Obj("township"), get=False, foreign=FORM_REFUSED, post=Post(
        lambda t, w: {"role": "township_admin", "region": t.attrs["pk"], "full_name": "矩阵镇管理员",
                      "phone": "13812349101"}, control="county_admin")),
    "gov_services:setup-admin-end": Case(COUNTY, Obj("admin_post", pk="pk"), get=False,
                                         post=Post({}, control="county_admin")),
    "gov_services:catalogue-import": Case(COUNTY, post=Post(
        {}, why_no_control="an import needs a spreadsheet; tests/gov_services/test_catalogue_import.py covers it")),
    # An import's progress (JSON) is for those who may import, like the import itself. The world holds no
    # import job (one starts from a spreadsheet), so the row asks about an id that does not exist: 404 to
    # county admins, and the wall (403, sign in) to everyone else. One's own job (200) and another user's
    # (404) are in tests/gov_services/test_catalogue_import_export_views.py.
    "gov_services:catalogue-import-job": Case(COUNTY, values={"pk": MISSING}, ok=NOT_FOUND),
    "gov_services:catalogue-export": Case(REGION | DEPARTMENT, ok=FILE, values={"fmt": "csv"}),
    # Township admins read their county's whole catalogue; officers their own departments' items.
    "gov_services:service-item-detail": Case(REGION | DEPARTMENT, Obj("service_item", pk="pk"),
                                             scopes={"township_admin": ("county",)}),
    "gov_services:service-item-update": Case(COUNTY, Obj("service_item", pk="pk"), post=Post(
        lambda t, w: {"code": t.obj.code, "name": t.obj.name + "（改）", "department": t.obj.department_id,
                      "category": t.obj.category, "lowest_level": t.obj.lowest_level, "legal_limit_days": 10,
                      "promised_limit_days": 5, "fee_yuan": "0", "materials-TOTAL_FORMS": 0,
                      "materials-INITIAL_FORMS": 0}, control="county_admin")),

    # An item's approval steps: county admins of its county; the three required steps, one day each.
    "gov_services:service-item-steps": Case(COUNTY, Obj("service_item", pk="pk"), post=Post(
        {**{f"step-{kind}-{name}": value for kind in ("accept", "inspection", "review", "notice", "approve")
            for name, value in (("position", {"accept": 10, "inspection": 20, "review": 30, "notice": 40,
                                              "approve": 50}[kind]), ("limit_days", 1), ("role", "officer"))},
         "step-review-separate_from": "accept"}, control="county_admin")),

    # --- the counter: filing and the ledger ---------------------------------------------------------------------
    "gov_services:counter-ledger": Case(STATION, superuser=False),
    "gov_services:counter-ledger-export": Case(STATION, ok=FILE, superuser=False),
    "gov_services:counter-request-create": Case(STATION, superuser=False),
    # The counter offers exactly the items of its station's jurisdiction: another township's office or
    # another county's items are not there (404), for the page and for filing.
    "gov_services:counter-application-create": Case(STATION, Obj("service_item", item_id="pk"), superuser=False,
                                                    post=Post(_application, control="operator")),
    "gov_services:counter-request-detail": Case(STATION, Obj("request", "submitted", pk="pk"), superuser=False),
    "gov_services:counter-request-supplement": Case(STATION, Obj("request", "returned", pk="pk"), get=False,
                                                    superuser=False, post=Post({"note": "补交了"}, control="operator")),
    "gov_services:counter-request-receipt": Case(STATION, Obj("request", "submitted", pk="pk"), superuser=False),
    "gov_services:counter-appeal-create": Case(STATION, superuser=False, post=Post(_appeal, control="operator")),
    "gov_services:counter-consent-code-send": Case(STATION, get=False, superuser=False, post=Post(
        lambda t, w: {"idempotency_key": key(), "applicant_phone": "13912345678", "about": "申请"},
        why_no_control="the code is kept in the cache and texted after the commit: nothing is written here")),
    "gov_services:counter-attachment-download": Case(STATION, Obj("attachment", "submitted", pk="pk"), ok=FILE,
                                                     superuser=False),
    "gov_services:certificate-station-list": Case(STATION, superuser=False),
    # An application's draft (scans kept across errors): its station's counter staff only.
    "gov_services:counter-draft-scan": Case(STATION, Obj("draft_scan", pk="pk"), ok=FILE, superuser=False),
    "gov_services:counter-draft-discard": Case(STATION, Obj("application_draft", pk="pk"), get=False,
                                               superuser=False, post=Post({}, control="operator")),
    "gov_services:offline-apply": Case(OPERATOR, superuser=False),
    "gov_services:offline-catalogue": Case(OPERATOR, ok=FILE, superuser=False),

    # --- the department's queue ---------------------------------------------------------------------------------
    "gov_services:dept-home": Case(DEPARTMENT),
    "gov_services:dept-request-detail": Case(DEPARTMENT, Obj("request", "submitted", pk="pk")),
    "gov_services:dept-request-action": Case(DEPARTMENT, Obj("request", "submitted", pk="pk"), get=False,
                                             post=Post({"action": "accept", "note": ""}, control="officer")),
    # Saved views are the officer's own: saving one writes a row; the world holds none to delete (one's own
    # and another's are in tests/gov_services/test_approval_steps.py).
    "gov_services:dept-view-create": Case(DEPARTMENT, get=False, post=Post({"name": "逾期", "query": "deadline=overdue"},
                                                                        control="officer")),
    "gov_services:dept-view-delete": Case(DEPARTMENT, values={"pk": MISSING}, ok=NOT_FOUND, get=False, post=Post(
        {}, why_no_control="the world holds no saved view: tests/gov_services/test_approval_steps.py")),
    "gov_services:dept-bulk-assign": Case(DEPARTMENT, get=False, post=Post(
        {"requests": [], "assignee": ""},
        why_no_control="bulk assignment of the department's own requests: tests/gov_services/test_approval_steps.py")),
    "gov_services:dept-rating-appeal": Case(DEPARTMENT, Obj("request", "rated_bad", pk="pk"), get=False,
                                            post=Post(lambda t, w: {"reason": "已按时办结", "submission": key()},
                                                      control="officer")),
    # A request's files are for whoever may see the request (its station, department, region, applicant).
    "gov_services:request-signature": Case(STAFF | RESIDENT, Obj("request", "submitted", pk="pk"), ok=FILE),
    "gov_services:request-attachment": Case(STAFF | RESIDENT, Obj("attachment", "submitted", pk="pk"), ok=FILE),
    # A PDF scan's page drawn as a picture: the same people as the scan itself.
    "gov_services:request-attachment-page": Case(STAFF | RESIDENT, Obj("pdf_attachment", "submitted", pk="pk"),
                                                 ok=FILE),
    "gov_services:certificate-issue": Case(DEPARTMENT, Obj("request", "approved", pk="pk"), get=False,
                                           post=Post({}, control="officer")),

    # --- the admins' requests -----------------------------------------------------------------------------------
    "gov_services:county-request-list": Case(REGION),
    # The village is in the form: one outside the admin's region is refused, and nothing is filed.
    "gov_services:county-appeal-create": Case(REGION, Obj("station"), foreign=FORM_REFUSED,
                                              post=Post(_relayed_appeal, control="county_admin")),
    "gov_services:county-request-detail": Case(REGION, Obj("request", "submitted", pk="pk")),
    "gov_services:county-request-action": Case(REGION, Obj("request", "submitted", pk="pk"), get=False,
                                               post=Post({"action": "note", "note": "请尽快办理", "internal": "on"},
                                                         control="county_admin")),

    # --- the resident's side --------------------------------------------------------------------------------------
    "gov_services:resident-service-item-list": Case(PUBLIC),
    "gov_services:resident-service-item-detail": Case(PUBLIC, Obj("service_item", public=True, code="code")),
    "gov_services:resident-service-request-create": Case(
        SIGNED_IN, Obj("service_item", public=True, code="code"),
        post=Post(lambda t, w: {"idempotency_key": key(), "applicant_name": "王秀英"},
                  why_no_control="anyone signed in may apply online; the POST is the resident's own")),
    "gov_services:resident-service-request-list": Case(SIGNED_IN),
    # An unfinished online application is its resident's alone (anyone else: 404, nothing deleted).
    "gov_services:resident-draft-discard": Case(SIGNED_IN, Obj("resident_draft", pk="pk"), get=False,
                                                post=Post({}, control="resident")),
    # "My requests": a request is the applicant's own, whatever other roles they hold. The action pages
    # answer a GET by sending back to the request's page.
    "gov_services:resident-service-request-detail": Case(SIGNED_IN, Obj("request", "submitted", pk="pk"),
                                                         owner="resident"),
    "gov_services:resident-service-request-resubmit": Case(SIGNED_IN, Obj("request", "returned", pk="pk"),
                                                           owner="resident", ok=REDIRECT, post=Post({"resubmit-note": "补好了"}, control="resident")),
    "gov_services:resident-service-request-rate": Case(SIGNED_IN, Obj("request", "completed", pk="pk"),
                                                       owner="resident", ok=REDIRECT, post=Post({"rating-score": "5", "rating-comment": "好"},
                                                                 control="resident")),
    "gov_services:resident-service-request-rerate": Case(SIGNED_IN, Obj("request", "called_back", pk="pk"),
                                                         owner="resident", ok=REDIRECT, post=Post({"rerate-score": "5", "rerate-comment": "好了"},
                                                                   control="resident")),
    # Residents' own reports: the public list, map, page and photos are everybody's (no personal data);
    # reporting and following need an account; adding information is the reporter's; the public reply is
    # the department's holding the report.
    "gov_services:report-list": Case(PUBLIC),
    "gov_services:report-map": Case(PUBLIC),
    "gov_services:report-nearby": Case(PUBLIC),
    "gov_services:report-detail": Case(PUBLIC, Obj("report", "public", public=True, pk="pk")),
    "gov_services:report-photo": Case(PUBLIC, Obj("report_photo", public=True, pk="pk"), ok=FILE),
    "gov_services:report-create": Case(SIGNED_IN, post=Post(
        lambda t, w: {"idempotency_key": key(), "category": "complaint"},
        why_no_control="anyone signed in may report a problem; the POST is the resident's own")),
    "gov_services:report-follow": Case(SIGNED_IN, Obj("report", "public", public=True, pk="pk"), ok=REDIRECT,
                                       post=Post({}, why_no_control="anyone signed in may follow a public report")),
    "gov_services:resident-report-add-information": Case(
        SIGNED_IN, Obj("report", "public", pk="pk"), owner="resident", ok=REDIRECT,
        post=Post({"info-text": "晚上完全不亮"}, control="resident")),
    "gov_services:dept-public-reply": Case(DEPARTMENT, Obj("report", "public", pk="pk"), get=False,
                                           post=Post({"reply-text": "已安排维修"}, control="officer")),
    "gov_services:track": Case(PUBLIC, post=Unexercised("public tracking: code + four digits, throttled")),
    "gov_services:track-rate": Case(PUBLIC, get=False, post=Unexercised(
        "rating from the tracking page needs the proof a lookup left in the session")),
    "gov_services:track-rerate": Case(PUBLIC, get=False, post=Unexercised(
        "rating from the tracking page needs the proof a lookup left in the session")),

    # --- county settings ---------------------------------------------------------------------------------------------
    "gov_services:routing-rule-list": Case(REGION),
    "gov_services:routing-rule-create": Case(COUNTY, Obj("department"), foreign=FORM_REFUSED, post=Post(
        lambda t, w: {"category": "complaint", "department": t.attrs["pk"], "keyword": ""}, control="county_admin")),
    "gov_services:routing-rule-update": Case(COUNTY, Obj("routing_rule", pk="pk"), post=Post(lambda t, w: {
        "category": "complaint", "department": t.obj.department_id, "keyword": "路灯"}, control="county_admin")),
    "gov_services:routing-rule-delete": Case(COUNTY, Obj("routing_rule", pk="pk"), post=Post({},
                                                                                            control="county_admin")),
    "gov_services:calendar-day-list": Case(REGION),
    "gov_services:search-words": Case(COUNTY, post=Post({"word": "养老钱", "means": "高龄津贴"},
                                                        control="county_admin")),
    "gov_services:calendar-day-create": Case(COUNTY, post=Post(
        {"date": "2031-05-06", "kind": "holiday", "name": "矩阵假日"}, control="county_admin")),
    "gov_services:calendar-day-delete": Case(COUNTY, Obj("calendar_day", pk="pk"),
                                             post=Post({}, control="county_admin")),
    # 2024 is in the published calendar and not in the migrations' seed, so the control's load writes rows.
    "gov_services:calendar-year-load": Case(COUNTY, get=False, post=Post({"year": "2024"}, control="county_admin")),

    # --- supervision ------------------------------------------------------------------------------------------------
    "gov_services:supervision-board": Case(REGION),
    "gov_services:supervision-request-list": Case(REGION),
    "gov_services:escalation-list": Case(REGION),
    "gov_services:escalation-detail": Case(REGION, Obj("escalation", pk="pk"), post_who=COUNTY, post=Post(
        {"call_made": "on", "outcome": "已督办"}, control="county_admin")),
    "gov_services:follow-up-list": Case(REGION),
    "gov_services:follow-up-detail": Case(REGION, Obj("follow_up", pk="pk"), post=Post(lambda t, w: {
        "result": "not_reached", "outcome": "无人接听", "submission": key()}, control="township_admin")),
    "gov_services:follow-up-appeal-decide": Case(COUNTY, Obj("follow_up", "appealed", pk="pk"), ok=REDIRECT, post=Post(
        {"decision": "upheld", "note": "情况属实"}, control="county_admin")),
    "gov_services:department-assessment": Case(REGION),
    "gov_services:officer-assessment": Case(DEPARTMENT | REGION),
    "gov_services:supervision-settings": Case(REGION, post_who=COUNTY, post=Post({
        "yellow_percent": 60, "red_percent": 90, "returned_close_days": 20, "follow_up_days": 3,
        "weight_on_time": 40, "weight_satisfaction": 30, "weight_red_cards": 20, "weight_follow_ups": 10},
        control="county_admin")),
    "gov_services:escalation-step-create": Case(COUNTY, post=Post({
        "label": "矩阵步骤", "card": "red", "after_days": 9, "notify": "head", "task": "none", "position": 500,
        "is_active": "on"}, control="county_admin")),
    "gov_services:escalation-step-update": Case(COUNTY, Obj("escalation_step", pk="pk"), post=Post(lambda t, w: {
        "label": t.obj.label + "（改）", "card": t.obj.card, "after_days": t.obj.after_days, "notify": t.obj.notify,
        "task": t.obj.task, "position": t.obj.position, "is_active": "on"}, control="county_admin")),

    # --- certificates -----------------------------------------------------------------------------------------------
    "gov_services:certificate-type-list": Case(COUNTY),
    "gov_services:certificate-type-edit": Case(COUNTY, Obj("service_item", item_id="pk"), post=Post(lambda t, w: {
        "code": t.obj.certificate_type.code, "title": t.obj.certificate_type.title + "（改）", "validity_days": 90,
        "body_html": "<h1>{{ title }}</h1>{{ serial }}{{ seal }}{{ qr }}", "css": "", "is_active": "on"}, control="county_admin")),
    "gov_services:certificate-department": Case(COUNTY, Obj("department", pk="pk"), post=Post(
        lambda t, w: {"image": _seal()}, control="county_admin")),
    "gov_services:certificate-department-seal": Case(COUNTY, Obj("department", pk="pk"), ok=FILE),
    "gov_services:certificate-key-rotate": Case(COUNTY, Obj("department", pk="pk"), get=False,
                                                post=Post({}, control="county_admin")),
    # Officials' keys and personal seals: the department head (own department) and the county's admins.
    "gov_services:official-key-departments": Case(SIGNED_IN, ok=DONE),
    "gov_services:official-keys": Case(HEAD | COUNTY, Obj("department", pk="pk")),
    "gov_services:official-key-issue": Case(HEAD | COUNTY, Obj("department_official", pk="pk", user_id="user_id"),
                                            get=False, post=Post(lambda t, w: _current_official_key(t, w), control="department_head")),
    "gov_services:official-key-import": Case(HEAD | COUNTY, Obj("department_official", pk="pk", user_id="user_id"),
                                             post=Post(lambda t, w: {"private_key_pem": _ed25519_pem()},
                                                       control="department_head")),
    "gov_services:official-seal": Case(HEAD | COUNTY, Obj("department_official", pk="pk", user_id="user_id"),
                                       ok=FILE, post=Post(lambda t, w: {"image": _seal()},
                                                          control="department_head")),
    "gov_services:official-key-revoke": Case(HEAD | COUNTY, Obj("official_key", pk="pk", key_pk="key_pk"),
                                             get=False, post=Post({"reason": "调离"}, control="department_head")),
    # A certificate is seen by its holder and the staff of its request (station, department, region).
    "gov_services:certificate-detail": Case(STAFF | RESIDENT, Obj("certificate", pk="pk")),
    "gov_services:certificate-pdf": Case(STAFF | RESIDENT, Obj("certificate", pk="pk"), ok=FILE),
    "gov_services:certificate-revoke": Case(DEPARTMENT, Obj("certificate", pk="pk"), get=False,
                                            post=Post({"reason": "信息有误"}, control="officer")),
    "gov_services:certificate-mail": Case(DEPARTMENT, Obj("certificate", pk="pk"), get=False, post=Post(
        {"address": "乐亭县城关村1号", "tracking_number": "SF1234567890"}, control="officer")),
    "gov_services:certificate-delivery": Case(DEPARTMENT, Obj("certificate", pk="pk"), get=False,
                                              post=Post({"delivery": "office"}, control="officer")),
    "gov_services:certificate-print": Case(STATION | DEPARTMENT, Obj("certificate", pk="pk"), get=False,
                                           post=Post(lambda t, w: {
                                               "idempotency_key": key(), "collector_is_holder": "holder", "id_checked": "on",
                                               "collector_name": t.obj.holder_name,
                                               "collector_id_number": t.obj.request.applicant_id_number},
                                               control="operator")),
    "gov_services:certificate-render-retry": Case(DEPARTMENT, Obj("certificate", pk="pk"), get=False, post=Post(
        {}, why_no_control="only a failed render is retried; every certificate of the world rendered")),
    "gov_services:certificate-wallet": Case(SIGNED_IN),
    "gov_services:certificate-wallet-attach": Case(SIGNED_IN, Obj("certificate", pk="pk"), get=False, owner="resident",
                                                   post=Post(_wallet_attach, control="resident")),
    "gov_services:certificate-verify": Case(PUBLIC, post=Unexercised("public verification of a pasted code")),
    "gov_services:certificate-public-keys": Case(PUBLIC),
    "gov_services:certificate-revocations": Case(PUBLIC),
    "gov_services:certificate-token-format": Case(PUBLIC),
    # The county demo CA's CRL: public, as the distribution point in its certificates must be.
    "gov_services:certificate-ca-crl": Case(PUBLIC, Obj("county_signer", public=True, signer_id="pk")),
    # The demo TSA (RFC 3161 over HTTP) answers anyone, like a real TSA; its root and CRL are public.
    "gov_services:tsa-simulator": Case(PUBLIC, get=False, post=Unexercised(
        "a DER TimeStampReq, not a form: tests/gov_services/test_certificate_long_term.py")),
    "gov_services:tsa-simulator-root": Case(PUBLIC),
    "gov_services:tsa-simulator-crl": Case(PUBLIC),
    "gov_services:certificate-offline-verifier": Case(PUBLIC),
    "gov_services:certificate-verify-token": Case(PUBLIC, Obj("certificate", public=True, token="token"),
                                                  post=Unexercised("public verification of a scanned code")),

    # --- the text-message outbox ---------------------------------------------------------------------------------
    # A scope decision (8793f4f, "SMS outbox by region"), not a gap: township admins see the text messages
    # about their own township and send its failed ones again (stations/scope's table); another
    # township's or county's message is a 404. The township admin is the control: their own region's retry.
    "gov_services:sms-outbox-list": Case(REGION),
    "gov_services:sms-outbox-retry": Case(REGION, Obj("sms", pk="pk"), get=False,
                                          post=Post({}, control="township_admin")),
    # The county's SMS gateway templates: county admins, for their own county (another county's is a 404).
    "gov_services:sms-template-list": Case(COUNTY),
    "gov_services:sms-template-edit": Case(COUNTY, Obj("county", region="pk"), values={"purpose": "pickup_code"},
                                           post=Post({"template_code": "SMS_465800001", "sign_name": "矩阵村站",
                                                      "content": "", "param_names": "ref, station, code, hours",
                                                      "approved": "on"}, control="county_admin")),

    # --- the webhook outbox (gov_services/channels): as the SMS outbox, by region; a replay sends again --------
    "gov_services:webhook-outbox-list": Case(REGION),
    "gov_services:webhook-replay": Case(REGION, Obj("webhook", pk="pk"), get=False,
                                        post=Post({}, control="township_admin")),

    # --- the county's channels (gov_services/channels/views_county.py): county admins of the channel's county ---
    "gov_services:channel-list": Case(COUNTY, post=Post(lambda t, w: {
        "name": "矩阵渠道", "code": f"matrix-new-{uuid.uuid4().hex[:8]}", "intake_channel": "api",
        "rate_limit": "60/m"}, control="county_admin")),
    "gov_services:channel-detail": Case(COUNTY, Obj("channel", pk="pk"), post=Post(
        {"action": "update", "name": "矩阵热线（改）", "rate_limit": "30/m", "webhook_url": "http://127.0.0.1:9/",
         "is_active": "on"}, control="county_admin")),
    "gov_services:wechat-try": Case(COUNTY, Obj("wechat_channel", pk="pk"), post=Post(
        {"openid": "x", "text": "矩阵测试"}, control="county_admin")),
    # WeChat's calls: the signature is the authentication (tests/gov_services/test_wechat_channel.py).
    "gov_services:wechat-server": Case(PUBLIC, get=False, url=lambda w: _wechat_server_url(w), post=Unexercised(
        "a WeChat push, verified by its signature", check=lambda world, pattern: _unsigned_wechat_push(world))),

    # --- Open311 GeoReport v2 (/open311/v2/): public reads, no session; POST needs a channel's api_key ---------
    "open311:discovery": Case(PUBLIC, values={"fmt": "json"}),
    "open311:service-list": Case(PUBLIC, url=lambda w: _open311_url(w, "services.json")),
    "open311:service-definition": Case(PUBLIC, url=lambda w: _open311_url(w, "services/appeal-help.xml")),
    "open311:request-list": Case(PUBLIC, url=lambda w: _open311_url(w, "requests.json"), post=Unexercised(
        "filing needs a channel's api_key in the form, not a session: tests/gov_services/open311 prove who may")),
    # A request none of the world's residents let be shown publicly is not found, for everyone alike.
    "open311:request-detail": Case(PUBLIC, ok=NOT_FOUND, url=lambda w: _open311_url(
        w, f"requests/{w.of('request')[0].attrs['tracking_code']}.json")),
    "open311:token-detail": Case(PUBLIC, ok=NOT_FOUND, url=lambda w: _open311_url(w, "tokens/unknown.json")),

    # --- the till at the counter ---------------------------------------------------------------------------------
    "agency:till": Case(OPERATOR, superuser=False),
    "agency:product-pick": Case(OPERATOR, superuser=False),
    "agency:payment-create": Case(OPERATOR, Obj("till_product", product_id="pk"), superuser=False,
                                  post=Post(_payment, control="operator")),
    "agency:transaction-list": Case(OPERATOR, superuser=False),
    "agency:transaction-detail": Case(OPERATOR, Obj("transaction", pk="pk"), superuser=False),
    "agency:transaction-resolve": Case(OPERATOR, Obj("transaction", pk="pk"), get=False, superuser=False, post=Post(
        {}, why_no_control="only a transaction the provider left unknown is resolved; the world's all succeeded")),
    "agency:transaction-reverse": Case(OPERATOR, Obj("transaction", pk="pk"), get=False, superuser=False,
                                       post=Post({"reason": "输错户号"}, control="operator")),
    "agency:receipt-print": Case(OPERATOR, Obj("transaction", pk="pk"), get=False, superuser=False, post=Post(
        lambda t, w: {"idempotency_key": key(), "width": "80", "format": "html"}, control="operator")),
    "agency:receipt": Case(OPERATOR, Obj("transaction", pk="pk", copy="copy"), superuser=False),
    "agency:receipt-pdf": Case(OPERATOR, Obj("transaction", pk="pk", copy="copy"), ok=FILE, superuser=False),
    "agency:counter-floats": Case(OPERATOR, superuser=False, post=Post(lambda t, w: {
        "idempotency_key": key(), "float_group": "utilities", "amount": "1000.00", "bank_reference": "BK9"},
        control="operator")),
    "agency:counter-close": Case(OPERATOR, superuser=False, post=Post(lambda t, w: {
        "idempotency_key": key(), "counted": "0.00", "explanation": "清点"}, why_no_control=(
            "the station closed today already (that close waits for close-decide); tests/agency cover closing"))),
    # WeChat Pay / Alipay at the till: the QR page of a station's own payment (the world's was closed unpaid, so
    # checking, cancelling and "done" change nothing; tests/agency/test_till_wallets.py covers them acting).
    "agency:till-wallet": Case(OPERATOR, Obj("till_wallet", pk="pk"), superuser=False),
    "agency:till-wallet-check": Case(OPERATOR, Obj("till_wallet", pk="pk"), get=False, superuser=False, post=Post(
        {}, why_no_control="the world's wallet payment is closed: nothing left to ask the wallet")),
    "agency:till-wallet-cancel": Case(OPERATOR, Obj("till_wallet", pk="pk"), get=False, superuser=False, post=Post(
        {}, why_no_control="the world's wallet payment is closed already")),
    "agency:till-wallet-done": Case(OPERATOR, Obj("till_wallet", pk="pk"), get=False, superuser=False, post=Post(
        {}, why_no_control="the world's wallet payment was never paid: nothing to add to a visit")),
    "agency:till-wallet-notify": Case(PUBLIC, get=False, values={"wallet": "wechat"}, post=Unexercised(
        "a wallet's notification, verified by its signature", check=lambda world, pattern: _unsigned_till_notice(
            world, pattern))),
    "agency:counter-statements": Case(OPERATOR, superuser=False),
    "agency:counter-statement-detail": Case(OPERATOR, Obj("statement", pk="pk"), superuser=False),
    "agency:counter-statement-csv": Case(OPERATOR, Obj("statement", pk="pk"), ok=FILE, superuser=False),
    "agency:counter-statement-pdf": Case(OPERATOR, Obj("statement", pk="pk"), ok=FILE, superuser=False),
    # The offline counter (agency/views_offline.py): its operators' pages, data, worker and sync.
    "agency:offline-service-worker": Case(OPERATOR, ok=FILE, superuser=False),
    "agency:offline-manifest": Case(OPERATOR, ok=FILE, superuser=False),
    "agency:offline-desk": Case(OPERATOR, superuser=False),
    "agency:offline-conflicts": Case(OPERATOR, superuser=False),
    "agency:offline-receipt": Case(OPERATOR, superuser=False),
    "agency:offline-till-products": Case(OPERATOR, ok=FILE, superuser=False),
    # An item naming a parcel that is not there comes back as an error, and its row is kept (nothing dropped).
    "agency:offline-sync": Case(OPERATOR, get=False, superuser=False, post=Post(lambda t, w: {"items": json.dumps([{
        "key": key(), "kind": "parcel_handover", "captured_at": "2026-12-06T10:00:00+08:00",
        "fields": [["part_id", str(MISSING)], ["code", "123456"]], "files": []}])}, control="operator",
        control_ok=ok(200))),
    "agency:offline-discard": Case(OPERATOR, get=False, superuser=False, post=Post(
        lambda t, w: {"key": key(), "reason": "居民改日再来"}, why_no_control=(
            "an item is discarded once a sync brought it back as a conflict; "
            "tests/gov_services/test_offline_sync.py discards one"))),

    # --- a visit at the counter (visits/) ---------------------------------------------------------------------
    "visits:visit-find": Case(OPERATOR, superuser=False, post=Post(lambda t, w: {
        "idempotency_key": key(), "resident_name": "王秀英", "resident_phone": "13800000002"}, control="operator")),
    "visits:visit-detail": Case(OPERATOR, Obj("visit", "open", pk="pk"), superuser=False),
    "visits:visit-close": Case(OPERATOR, Obj("visit", "open", pk="pk"), get=False, superuser=False,
                               post=Post({"cash_received": "0.00"}, control="operator")),
    "visits:visit-receipt-print": Case(OPERATOR, Obj("visit", "closed", pk="pk"), get=False, superuser=False,
                                       post=Post(lambda t, w: {"idempotency_key": key(), "paper": "80",
                                                               "format": "html"}, control="operator")),
    "visits:visit-receipt": Case(OPERATOR, Obj("visit", "closed", pk="pk", copy="copy"), superuser=False),
    "visits:visit-receipt-pdf": Case(OPERATOR, Obj("visit", "closed", pk="pk", copy="copy"), ok=FILE,
                                     superuser=False),
    "gov_services:dept-fees": Case(DEPARTMENT),
    "gov_services:counter-request-fee": Case(OPERATOR, Obj("request", "submitted", pk="pk"), get=False,
                                             superuser=False, post=Post({}, why_no_control=(
                                                 "the world's items are free: nothing to charge; "
                                                 "tests/gov_services/test_fees_and_visits.py takes a fee here"))),

    # --- the till's back office ---------------------------------------------------------------------------------
    "agency:county-floats": Case(REGION),
    "agency:top-up-decide": Case(COUNTY, Obj("top_up", pk="pk"), get=False,
                                 post=Post({"decision": "approve", "note": ""}, control="county_admin")),
    "agency:wallet-threshold": Case(COUNTY, Obj("wallet", pk="pk"), get=False,
                                    post=Post({"low_threshold": "123.00"}, control="county_admin")),
    "agency:county-closes": Case(REGION),
    "agency:close-decide": Case(REGION, Obj("close", pk="pk"), get=False,
                                post=Post({"decision": "approve", "note": "核对无误"}, control="township_admin")),
    "agency:county-statements": Case(REGION),
    "agency:statement-month-csv": Case(REGION, ok=FILE),
    "agency:statement-generate": Case(COUNTY, get=False, post=Post(lambda t, w: {"month": last_month()}, why_no_control=(
        "the world's last month is generated already (generating is idempotent); "
        "tests/agency/test_views_county.py covers generating"))),
    "agency:county-statement-detail": Case(REGION, Obj("statement", pk="pk")),
    "agency:statement-approve": Case(COUNTY, Obj("statement", pk="pk"), get=False,
                                     post=Post({}, control="county_finance")),
    "agency:statement-pay": Case(COUNTY, Obj("statement", pk="pk"), get=False, post=Post(
        {"payment_reference": "HX0001"}, why_no_control="only an approved statement is paid; the world's are generated")),
    "agency:statement-csv": Case(REGION, Obj("statement", pk="pk"), ok=FILE),
    "agency:statement-pdf": Case(REGION, Obj("statement", pk="pk"), ok=FILE),

    # --- the till's set-up: township admins read it, county admins change it (one catalogue for the platform) ----
    "agency:setup-home": Case(REGION),
    "agency:setup-product-list": Case(REGION),
    "agency:setup-export": Case(REGION, ok=FILE, values={"kind": "products", "fmt": "csv"}),
    "agency:setup-provider-create": Case(COUNTY, post=Post({"code": "mx-provider", "name": "矩阵服务商",
                                                             "float_group": "telecom", "adapter": "simulator",
                                                             "is_active": "on"}, control="county_admin")),
    "agency:setup-provider-edit": Case(COUNTY, url=_setup_provider_url, post=Post(lambda t, w: {
        "name": w.product.provider.name + "（改）", "float_group": w.product.provider.float_group,
        "adapter": "simulator", "is_active": "on"}, control="county_admin")),
    "agency:setup-product-create": Case(COUNTY, post=Post(_setup_product, control="county_admin")),
    "agency:setup-product-edit": Case(COUNTY, Obj("till_product", pk="pk"), post=Post(_setup_product,
                                                                                         control="county_admin")),
    "agency:setup-plan-create": Case(COUNTY, post=Post(_setup_terms, control="county_admin")),
    "agency:setup-plan-detail": Case(REGION, url=_setup_plan_url("agency:setup-plan-detail")),
    "agency:setup-plan-version-create": Case(COUNTY, url=_setup_plan_url("agency:setup-plan-version-create"),
                                             post=Post(_setup_terms, control="county_admin")),
    "agency:setup-plan-version-withdraw": Case(COUNTY, url=_setup_version_url, get=False, post=Post(
        {}, why_no_control="the world's plan has only its version in force, which stays; "
        "tests/agency/test_setup_till.py withdraws one that has not started")),
    "agency:setup-import": Case(COUNTY, values={"kind": "providers"}, post=Post(_setup_file, control="county_admin")),
    # A job is its starter's only, and the world has none: every county admin's question is about a missing one.
    "agency:setup-import-job": Case(COUNTY, values={"kind": "providers", "pk": MISSING}, ok=NOT_FOUND),

    # --- the store: membership, the county's merchant pages, delivery fees -----------------------------------------
    "shop:merchant-apply": Case(PUBLIC, post=Unexercised("the membership application: anyone may apply")),
    "shop:merchant-apply-done": Case(PUBLIC, Obj("merchant_application", public=True, reference="reference")),
    "shop:county-merchant-list": Case(REGION),
    "shop:county-merchant-products": Case(REGION),
    "shop:county-merchant-orders": Case(REGION),
    # Generating and approving merchants' statements is the county's; the statement's id is in the form.
    "shop:county-merchant-statements": Case(REGION, Obj("merchant_statement"), post_who=COUNTY, foreign=ok(302),
                                            post=Post(lambda t, w: {"approve": t.attrs["pk"]},
                                                      control="county_admin")),
    "shop:merchant-statements": Case(MERCHANT, superuser=False),
    "shop:county-merchant-detail": Case(REGION, Obj("merchant", pk="pk")),
    "shop:county-merchant-suspend": Case(COUNTY, Obj("merchant", pk="pk"), get=False,
                                         post=Post({"reason": "食品安全抽检不合格"}, control="county_admin")),
    "shop:county-merchant-reinstate": Case(COUNTY, Obj("merchant", pk="pk"), get=False, post=Post(
        {"reason": "整改完成"}, why_no_control="only a suspended merchant is reinstated; the world's are active")),
    "shop:county-merchant-revet": Case(COUNTY, Obj("merchant", pk="pk"), get=False, post=Post(lambda t, w: {
        "revet_on": f"{timezone.localdate() + timedelta(days=400):%Y-%m-%d}", "note": "复核营业执照"},
        control="county_admin")),
    "shop:county-application-detail": Case(REGION, Obj("merchant_application", pk="pk")),
    "shop:county-application-licence": Case(REGION, Obj("merchant_application", pk="pk"), ok=FILE),
    "shop:county-application-approve": Case(COUNTY, Obj("merchant_application", pk="pk"), get=False, post=Post(
        lambda t, w: {"revet_on": f"{timezone.localdate() + timedelta(days=365):%Y-%m-%d}"}, control="county_admin")),
    "shop:county-application-reject": Case(COUNTY, Obj("merchant_application", pk="pk"), get=False,
                                           post=Post({"reason": "证照不全"}, control="county_admin")),
    "shop:county-delivery-fees": Case(REGION),
    "shop:county-delivery-fee-edit": Case(REGION, Obj("township", township_id="pk"), post_who=COUNTY, post=Post(
        {"fee": "4.50", "active": "on", "reason": "油价上涨"}, control="county_admin")),

    # --- the store: merchants and the counter ------------------------------------------------------------------------
    # The merchant's workspace (/merchant/): their own products and order parts; other merchants' are 404.
    "shop:merchant-home": Case(MERCHANT, superuser=False),
    "shop:merchant-products": Case(MERCHANT, superuser=False),
    "shop:merchant-product-create": Case(MERCHANT, superuser=False, post=Post(
        {}, why_no_control="a product needs a category and a photo upload; tests/shop/test_merchant_workspace.py")),
    "shop:merchant-product-edit": Case(MERCHANT, Obj("product", pk="pk"), superuser=False, post=Post(
        {"title": "改名"}, why_no_control="the full form (price, stock, category) is in test_merchant_workspace.py")),
    "shop:merchant-stock-set": Case(MERCHANT, Obj("product", pk="pk"), get=False, superuser=False,
                                    post=Post({"stock": "321"}, control="merchant")),
    "shop:merchant-orders": Case(MERCHANT, superuser=False),
    "shop:merchant-order-detail": Case(MERCHANT, Obj("order_part", pk="pk"), superuser=False),
    "shop:merchant-product-import": Case(MERCHANT, superuser=False, post=Post(
        {}, why_no_control="an import needs a spreadsheet; tests/shop/test_product_import.py covers it")),
    # A job is its starter's own: any other id answers 404 (the world has no import jobs; one's own job and
    # another merchant's are covered in tests/shop/test_product_import.py).
    "shop:merchant-product-import-job": Case(MERCHANT, values={"pk": MISSING}, ok=NOT_FOUND, superuser=False),
    "shop:merchant-part-move": Case(MERCHANT, Obj("order_part", pk="pk"), get=False, superuser=False,
                                    post=Post({"to_status": "confirmed", "note": ""}, control="merchant")),
    "shop:counter-sale-create": Case(OPERATOR, superuser=False, post=Post(lambda t, w: {
        "idempotency_key": key(), "mode": "hand_over", "product_1": w.of("product")[0].attrs["pk"],
        "quantity_1": 1}, control="operator")),
    # The till's QR page comes back here once a wallet confirmed a sale (its key): no sale on the world's key,
    # so it leads back to the sale screen; tests/shop/test_counter_sale_wallet_views.py covers a placed sale.
    "shop:counter-sale-wallet-done": Case(OPERATOR, get=False, superuser=False,
                                          values={"key": "00000000-0000-4000-8000-00000000c0de"}, post=Post(
        {}, why_no_control="no sale was placed on the world's key: nothing changes, the operator goes back")),
    "shop:counter-sale-receipt": Case(OPERATOR, Obj("counter_sale", pk="pk"), superuser=False),
    "shop:counter-sale-receipt-pdf": Case(OPERATOR, Obj("counter_sale", pk="pk"), superuser=False, ok=FILE),
    # A search by pick-up code or phone; a code that matches no waiting parcel is counted (an audit event).
    "shop:counter-parcel-find": Case(OPERATOR, superuser=False, ok=REDIRECT, post=Post(
        {"find": "000000"}, control="operator", control_ok=ok(200, 422))),
    # A receipt exists once a parcel is handed over; the world's parcels are not (own and foreign: 404).
    "shop:counter-parcel-receipt": Case(OPERATOR, values={"pk": MISSING}, ok=NOT_FOUND, superuser=False),
    "shop:counter-parcel-receipt-pdf": Case(OPERATOR, values={"pk": MISSING}, ok=NOT_FOUND, superuser=False),
    "shop:counter-parcels": Case(OPERATOR, superuser=False),
    "shop:offline-shelf": Case(OPERATOR, ok=FILE, superuser=False),
    "shop:offline-parcels": Case(OPERATOR, superuser=False),
    "shop:offline-sale": Case(OPERATOR, superuser=False),
    "shop:counter-parcel-move": Case(OPERATOR, Obj("order_part", pk="pk"), get=False, superuser=False, post=Post(
        {"to_status": "ready", "note": ""}, why_no_control="a parcel is received once the merchant has sent it")),
    "shop:counter-parcel-hand-over": Case(OPERATOR, Obj("order_part", pk="pk"), get=False, superuser=False, post=Post(
        {"code": "123456"}, why_no_control="a parcel is handed over once it is ready, against its code")),
    "shop:counter-parcel-resend-code": Case(OPERATOR, Obj("order_part", pk="pk"), get=False, superuser=False,
                                            post=Post({}, why_no_control="a code is resent for a parcel that is ready")),

    # --- the store: paying for an order ---------------------------------------------------------------------------
    # A guest's order is theirs through the browser session that placed it; anyone else's is not found.
    "shop:station-choose": Case(PUBLIC, post=Unexercised("a shopper picks their pick-up station (session)")),
    "shop:order-pay": Case(SIGNED_IN, Obj("order", number="number"), owner="resident", anonymous=NOT_FOUND),
    "shop:order-pay-simulate": Case(SIGNED_IN, Obj("order", number="number"), get=False, owner="resident",
                                    anonymous=NOT_FOUND,
                                    post=Post({"outcome": "succeeded"}, control="resident")),
    "shop:card-simulator-confirm": Case(PUBLIC, get=False, post=Unexercised(
        "the demo card gateway, answering the checkout's script by client secret")),
    "shop:payment-webhook": Case(PUBLIC, get=False, values={"provider": "card_sim"}, post=Unexercised(
        "a provider's notification, verified by its signature", check=lambda world, pattern: _unsigned_webhook(
            world, pattern))),
    # WeChat Pay's and Alipay's notifications: verified by signature (tests/shop/test_pay_wechat.py, …_alipay.py).
    "shop:wallet-notify": Case(PUBLIC, get=False, values={"provider": "wechat"}, post=Unexercised(
        "a wallet's notification, verified by its signature", check=lambda world, pattern: _unsigned_wallet_notice(
            world, pattern))),
    # Reconciling the wallets' bills: county admins, their county's imports (the platform's admin: all).
    "shop:county-wallet-bills": Case(COUNTY, post=Unexercised(
        "imports a bill (a file, or fetched from the wallet): tests/shop/test_pay_reconciliation.py")),
    "shop:county-wallet-bill-detail": Case(COUNTY, Obj("wallet_bill", pk="pk")),
    # The wallet simulators (agency/wallets/views_simulator.py) stand for WeChat Pay's and Alipay's servers: they
    # answer anyone, but only requests signed with the merchant's key, and pages only by an order's token.
    "agency:wechatpay-simulator-api": Case(PUBLIC, values={"rest": "certificates"}, ok=UNSIGNED, post=Unexercised(
        "WeChat Pay's API: refuses an unsigned request", check=lambda world, pattern: _unsigned_simulator_call(
            world, pattern, {"rest": "pay/transactions/native"}))),
    "agency:alipay-simulator-gateway": Case(PUBLIC, post=Unexercised(
        "Alipay's gateway: refuses an unsigned request", check=lambda world, pattern: _unsigned_simulator_call(
            world, pattern, {}))),
    "agency:alipay-simulator-bill": Case(PUBLIC, values={"token": "no-such-bill"}, ok=NOT_FOUND),
    "agency:wallet-simulator-pay": Case(PUBLIC, values={"wallet": "wechat", "token": "no-such-order"}, ok=NOT_FOUND,
                                        post=Unexercised("the payer confirms an order known by its token")),

    # --- reports -------------------------------------------------------------------------------------------------
    # The county's published figures: a page of the public site (/performance/).
    "reports:public-performance": Case(PUBLIC),
    "reports:gov-kpis": Case(STAFF),
    "reports:request-analytics": Case(STAFF),
    # Per-officer figures name officers: department heads and admins only, never a plain officer.
    "reports:officer-figures": Case(HEAD | REGION),
    # Commission and store-sales figures are the till's and the counter's: for station operators and admins.
    "reports:commissions": Case(OPERATOR | REGION),
    "reports:commission-transactions": Case(OPERATOR | REGION),
    "reports:shop-sales": Case(OPERATOR | REGION),
    "reports:job-create": Case(STAFF, get=False, post=Post(lambda t, w: {
        "idempotency_key": key(), "job": "request_rows:csv"}, control="county_admin")),
    "reports:job-detail": Case(STAFF, Obj("report_job", pk="pk")),
    "reports:job-status": Case(STAFF, Obj("report_job", pk="pk")),

    # --- care (医敬Town): the care desk is the region admins' (and the care operators', a post the matrix has
    # no role for: tests/care/test_access.py); residents, calls, check-ins and alerts by their village, another
    # township's or county's a 404. Responders are contracted by a county or township: only its admins change
    # the contract (a township admin on the county's responder: 403, tests/care/test_access.py). The responder's page is public behind a
    # signed link to one offer (tests/care/test_views.py: only that offer, only what the call needs).
    "care:desk": Case(REGION),
    "care:call-list": Case(REGION),
    "care:call-map": Case(REGION),
    "reports:care-figures": Case(REGION),
    "care:call-create": Case(REGION, Obj("care_resident", pk="pk"), post=Post(lambda t, w: {
        "idempotency_key": key(), "service": "medicine", "urgency": "routine", "channel": "hotline",
        "description": "矩阵来电"}, control="county_admin")),
    "care:call-detail": Case(REGION, Obj("care_call", "new", pk="pk")),
    "care:call-dispatch": Case(REGION, Obj("care_call", "new", pk="pk"), get=False, post=Post(
        {}, control="county_admin")),
    "care:call-confirm": Case(REGION, Obj("care_call", "completed", pk="pk"), get=False, post=Post(
        {"rating": "5", "note": "满意"}, control="county_admin")),
    "care:call-cancel": Case(REGION, Obj("care_call", "new", pk="pk"), get=False, post=Post(
        {"reason": "矩阵取消"}, control="county_admin")),
    "care:checkin-record": Case(REGION, Obj("care_checkin", pk="pk"), get=False, post=Post(
        {"note": "矩阵探访"}, control="county_admin")),
    "care:alert-resolve": Case(REGION, Obj("care_alert", pk="pk"), get=False, post=Post({}, control="county_admin")),
    "care:resident-list": Case(REGION),
    "care:resident-create": Case(REGION, post=Post(lambda t, w: {
        "household": w.of("care_resident")[0].obj.household_id, "name": "矩阵老人", "phone": "13812349999",
        "kind": "elderly_alone", "lives_alone": "on", "checkin_every_days": "7"}, control="county_admin")),
    # Showing a resident in full writes its audit event: the own GETs write, the refused ones must not.
    "care:resident-detail": Case(REGION, Obj("care_resident", pk="pk")),
    "care:resident-update": Case(REGION, Obj("care_resident", pk="pk"), post=Post(lambda t, w: {
        "name": "王秀兰", "phone": "13812340001", "kind": "elderly_alone", "lives_alone": "on",
        "checkin_every_days": "7", "active": "on"}, control="county_admin")),
    "care:responder-list": Case(REGION),
    "care:responder-create": Case(REGION, post=Post(lambda t, w: {
        "region": w.sides["A"].townships["T1"].pk, "name": "矩阵诊所", "kind": "clinic", "services": ["clinic"],
        "villages": [w.sides["A"].stations["S11"].village_id], "opens_at": "08:00", "closes_at": "18:00",
        "capacity": "2", "max_charge_fen": "20", "subsidy_fen": "10", "contact_name": "张医生",
        "phone": "13733334444", "contract_starts_on": "2026-01-01", "contract_ends_on": "2027-12-31",
        "status": "active"}, control="county_admin")),
    "care:responder-detail": Case(REGION, Obj("care_responder", "county", pk="pk")),
    "care:responder-update": Case(REGION, Obj("care_responder", "township", pk="pk"), post=Post(lambda t, w: {
        "name": t.obj.name, "kind": "pharmacy", "services": ["medicine"],
        "villages": [t.obj.villages.first().pk], "opens_at": "00:00", "closes_at": "00:00",
        "capacity": "9", "max_charge_fen": "50", "subsidy_fen": "10", "contact_name": "店长",
        "phone": "13700009999", "contract_starts_on": "2020-01-01", "contract_ends_on": "2099-12-31",
        "status": "active"}, control="county_admin")),
    # The monthly settlement with the responders: county admins (maker-checker: the control approves a statement
    # its county's other admin made).
    "care:settlement-list": Case(COUNTY, post=Post(lambda t, w: {"month": last_month()}, why_no_control=(
        "statements need last month's confirmed services: tests/care/test_settlement.py"))),
    "care:settlement-detail": Case(COUNTY, Obj("care_statement", pk="pk"), post=Post(
        {"action": "approve"}, control="county_finance")),
    # Care-desk posts: the region's admins give them (the person and the region in the form) and end them.
    "care:desk-staff": Case(REGION, post=Post(lambda t, w: {"person": w.sides["A"].users["resident"].username,
                                                            "region": w.sides["A"].townships["T1"].pk},
                                              control="county_admin")),
    "care:desk-end": Case(REGION, Obj("care_desk", pk="pk"), get=False, post=Post({}, control="county_admin")),
    # The counter's care page: a station's operators and liaisons take calls for the care residents of their station
    # (a liaison: of the grids they walk), another station's a 404; only the resident's liaison confirms and rates
    # (the operator's POST: 403).
    "care:counter-care": Case(STATION, superuser=False),
    "care:counter-call-create": Case(STATION, Obj("care_resident", pk="pk"), superuser=False, post=Post(
        lambda t, w: {"idempotency_key": key(), "service": "medicine", "urgency": "routine",
                      "description": "柜台来电"}, control="operator")),
    "care:counter-call-detail": Case(STATION, Obj("care_call", "completed", pk="pk"), superuser=False,
                                     post_who=frozenset({"liaison"}), post=Post({"rating": "5", "note": "满意"},
                                                                               control="liaison")),
    # The resident's help button: public behind a signed link to that resident's button (its press:
    # tests/care/test_help_button.py); the desk texts the link.
    "care:resident-help": Case(PUBLIC, Obj("care_resident", public=True, token="help_token"), post=Unexercised(
        "the resident's press behind the signed link: tests/care/test_help_button.py")),
    "care:help-button-give": Case(REGION, Obj("care_resident", pk="pk"), get=False, post=Post(
        {}, control="county_admin")),
    "care:resident-rate": Case(PUBLIC, Obj("care_call", "completed", public=True, token="rate_token"), post=Unexercised(
        "the resident's rating behind the signed link: tests/care/test_views.py")),
    "care:responder-offer": Case(PUBLIC, Obj("care_offer", public=True, token="token"), post=Unexercised(
        "the responder's answer behind the signed link: tests/care/test_views.py")),
    "reports:job-download": Case(STAFF, Obj("report_job", pk="pk"), roles={}, ok=FILE),

    # --- the portal ------------------------------------------------------------------------------------------------
    "portal:search": Case(PUBLIC),
    "portal:station-directory": Case(PUBLIC),
    "portal:sitemap": Case(PUBLIC),
    "portal:robots": Case(PUBLIC),
    "wagtail_serve": Case(PUBLIC, url="/", note="the portal's pages; '/' is the home page"),

    # --- the API ---------------------------------------------------------------------------------------------------
    "api:api-root": Case(PUBLIC, ok=ok(200, 404)),
    "api:openapi-json": Case(PUBLIC),
    "api:openapi-view": Case(PUBLIC),
    "api:station-directory": Case(PUBLIC),
    "api:region-list": Case(PUBLIC),
    # A key's user sees the requests in their scope (as on their pages): the resident theirs, the staff their place's.
    "api:request-detail": Case(SIGNED_IN, Obj("request", "submitted", tracking_code="tracking_code"), api=True),

    "set_language": Case(PUBLIC, get=False, post=Unexercised("switches the visitor's own language (a cookie)")),
    "wagtaildocs_serve": Case(PUBLIC, url=lambda world: world.document_url, ok=FILE),
    "wagtaildocs_authenticate_with_password": Case(PUBLIC, values={"restriction_id": MISSING}, ok=NOT_FOUND, post=(
        Unexercised("a visitor's password for a restricted document; the world restricts none"))),
    "wagtailcore_authenticate_with_password": Case(PUBLIC, values={"page_view_restriction_id": MISSING,
                                                                   "page_id": MISSING}, ok=NOT_FOUND, post=(
        Unexercised("a visitor's password for a restricted page; the world restricts none"))),
    "wagtailcore_login": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the sign-in form for restricted pages")),
    # Filing through the API: a key's user files for the villages in their region or department's (403 for
    # another's village, 422 for a malformed one); a station's staff file at the counter, not here.
    "api:request-create": Case(REGION | DEPARTMENT, Obj("station"), api=True, get=False, foreign=Expect(
        "refused", (403,)), refuse=Expect("refused", (403,)), post=Post(_api_application, control="county_admin",
                                                                        control_ok=ok(201),
                                                                        content_type="application/json")),

    # === django-oscar: the shop front ===========================================================================
    "home": Case(PUBLIC, ok=ok(200, 301, 302), post=Unexercised("a redirect to the catalogue")),
    "admin:javascript-catalog": Case(PUBLIC, note="treebeard's translations for the category admin's script"),
    "catalogue:index": Case(PUBLIC),
    "catalogue:detail": Case(PUBLIC, Obj("product", public=True, product_slug="slug", pk="pk")),
    "catalogue:category": Case(PUBLIC, Obj("category", public=True, category_slug="slug", pk="pk")),
    # Reviews, offers and ranges are Oscar's pages the village store does not offer: their names stay (the staff
    # dashboard links to them) and every method answers 404 (shop/oscar_shop.py).
    "catalogue:range": Case(PUBLIC, Obj("range", public=True, slug="slug"), ok=NOT_FOUND),
    "catalogue:reviews-list": Case(PUBLIC, Obj("product", public=True, product_slug="slug", product_pk="pk"),
                                   ok=NOT_FOUND),
    "catalogue:reviews-detail": Case(PUBLIC, Obj("review", public=True, product_slug="slug", product_pk="product",
                                                 pk="pk"), ok=NOT_FOUND),
    "catalogue:reviews-add": Case(PUBLIC, Obj("product", public=True, product_slug="slug", product_pk="pk"),
                                  ok=NOT_FOUND, post=NOT_SERVED_POST),
    "catalogue:reviews-vote": Case(PUBLIC, Obj("review", public=True, product_slug="slug", product_pk="product",
                                               pk="pk"), get=False, post=NOT_SERVED_POST),
    "search:search": Case(PUBLIC),
    "offer:list": Case(PUBLIC, ok=NOT_FOUND),
    "offer:detail": Case(PUBLIC, Obj("offer", public=True, slug="slug"), ok=NOT_FOUND),
    # The visitor's own basket and checkout: bound to their session or account, nobody else's to reach.
    "basket:summary": Case(PUBLIC, post=Unexercised("the visitor's own basket (session or account)")),
    "basket:add": Case(PUBLIC, Obj("product", public=True, pk="pk"), get=False,
                       post=Unexercised("adds to the visitor's own basket")),
    "basket:vouchers-add": Case(PUBLIC, get=False, post=Unexercised("adds a code to the visitor's own basket")),
    "basket:vouchers-remove": Case(PUBLIC, Obj("voucher", public=True, pk="pk"), get=False,
                                   post=Unexercised("removes a code from the visitor's own basket")),
    "basket:saved": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the visitor's own saved basket")),
    "checkout:index": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the visitor's own checkout")),
    "checkout:shipping-address": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the visitor's own checkout")),
    "checkout:shipping-method": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the visitor's own checkout")),
    "checkout:payment-method": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the visitor's own checkout")),
    "checkout:payment-details": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the visitor's own checkout")),
    "checkout:preview": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the visitor's own checkout")),
    "checkout:thank-you": Case(PUBLIC, ok=ok(200, 302)),
    "checkout:user-address-update": Case(SIGNED_IN, Obj("user_address", pk="pk"), owner="resident", ok=ok(200, 302),
                                         post=Post({"first_name": "秀兰"}, why_no_control=(
                                             "the checkout sends a visitor with an empty basket back to it"))),
    "checkout:user-address-delete": Case(SIGNED_IN, Obj("user_address", pk="pk"), owner="resident", ok=ok(200, 302),
                                         post=Post({}, why_no_control=(
                                             "the checkout sends a visitor with an empty basket back to it"))),

    # === django-oscar: the customer's account (personal pages: a resident's own things) ========================
    # Signing in, signing up, passwords and "my account" lead to the accounts app (shop/customer/apps.py).
    "customer:login": Case(PUBLIC, ok=ok(302), post=Unexercised("a redirect to the accounts app's sign-in")),
    "customer:logout": Case(PUBLIC, ok=ok(302), post=Unexercised("a redirect to the accounts app's sign-in")),
    "customer:register": Case(PUBLIC, ok=ok(302), post=Unexercised("a redirect to the accounts app's sign-up")),
    "customer:summary": Case(SIGNED_IN, ok=ok(302), post=Unexercised("a redirect to one's orders")),
    "customer:change-password": Case(SIGNED_IN, ok=ok(302), post=Unexercised("a redirect to the accounts app")),
    "customer:profile-view": Case(SIGNED_IN, ok=ok(302), post=Unexercised("a redirect to the accounts app")),
    "customer:profile-update": Case(SIGNED_IN, ok=ok(302), post=Unexercised("a redirect to the accounts app")),
    "customer:order-list": Case(SIGNED_IN),
    "customer:order": Case(SIGNED_IN, Obj("order", order_number="number"), owner="resident",
                           post=Post({"action": "reorder"}, control="resident")),
    # POST only (shop/customer/views.py): the target of each line's "re-order" button; Oscar gives a line no page.
    "customer:order-line": Case(SIGNED_IN, Obj("order_line", order_number="number", line_id="pk"), owner="resident",
                                get=False, post=Post({"action": "reorder"}, control="resident")),
    "customer:anon-order": Case(PUBLIC, Obj("order", public=True, order_number="number", hash="hash"),
                                ok=ok(200, 302)),
    "customer:anon-order-form": Case(PUBLIC, Obj("order", public=True, order_number="number", hash="hash"),
                                     post=Unexercised("the order's signed hash is the proof")),
    # Oscar's password reset by e-mail leads to the accounts app's, by SMS (shop/oscar_shop.py).
    "password-reset": Case(PUBLIC, ok=REDIRECT, post=Unexercised("a redirect to the accounts app's reset")),
    "password-reset-done": Case(PUBLIC, ok=REDIRECT, post=Unexercised("a redirect to the accounts app's reset")),
    "password-reset-confirm": Case(PUBLIC, values={"uidb64": "MQ", "token": "set-password"}, ok=REDIRECT,
                                   post=Unexercised("a redirect to the accounts app's reset")),
    "password-reset-complete": Case(PUBLIC, ok=REDIRECT, post=Unexercised("a redirect to the accounts app's reset")),

    # === django-oscar: the dashboard (staff's; a merchant is sent to /merchant/) =====================================
    "dashboard:login": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the dashboard's sign-in form (throttled)")),
    "dashboard:logout": Case(PUBLIC, ok=ok(200, 302, 405), post=Unexercised("signing out changes no data")),
    # A merchant who opens the dashboard's home is sent on to their own workspace (/merchant/).
    "dashboard:index": Case(MERCHANT, login_url=OSCAR_LOGIN, ok=ok(200, 302)),
    # Merchants no longer work in Oscar's dashboard (shop/dashboard/permissions.py): staff only.
    "dashboard:catalogue-product-list": staff_dashboard(),
    "dashboard:catalogue-product-lookup": staff_dashboard(post=False),
    "dashboard:catalogue-product-create[]": staff_dashboard(answers=ok(200, 302)),
    "dashboard:catalogue-product-create[product_class_slug]": staff_dashboard(
        Obj("product_class", public=True, product_class_slug="slug")),
    "dashboard:catalogue-product": staff_dashboard(Obj("product", pk="pk")),
    "dashboard:catalogue-product-delete": staff_dashboard(Obj("product", pk="pk")),
    "dashboard:catalogue-product-bulk-action": staff_dashboard(Obj("product"), get=False),
    "dashboard:order-list": staff_dashboard(),
    "dashboard:order-stats": staff_dashboard(),
    "dashboard:order-detail": staff_dashboard(Obj("order", number="number")),
    "dashboard:order-detail-note": staff_dashboard(Obj("order_note", number="number", note_id="pk")),
    "dashboard:order-line-detail": staff_dashboard(Obj("order_line", number="number", line_id="pk"), post=False),
    # (The world's orders are picked up at a station: Oscar answers 404 for an order without a shipping address.)
    "dashboard:order-shipping-address": staff_dashboard(Obj("order", number="number"), answers=ok(200, 404)),
    "dashboard:catalogue-product-create-child": staff_dashboard(Obj("product", public=True, parent_pk="pk"),
                                                                answers=ok(200, 302)),
    "dashboard:stock-alert-list": staff_dashboard(post=False),
    "dashboard:catalogue-category-list": staff_dashboard(),
    "dashboard:catalogue-category-detail-list": staff_dashboard(Obj("category", pk="pk")),
    "dashboard:catalogue-category-create": staff_dashboard(),
    "dashboard:catalogue-category-create-child": staff_dashboard(Obj("category", parent="pk")),
    "dashboard:catalogue-category-update": staff_dashboard(Obj("category", pk="pk")),
    "dashboard:catalogue-category-delete": staff_dashboard(Obj("category", pk="pk")),
    "dashboard:catalogue-class-create": staff_dashboard(),
    "dashboard:catalogue-class-list": staff_dashboard(post=False),
    "dashboard:catalogue-class-update": staff_dashboard(Obj("product_class", pk="pk")),
    "dashboard:catalogue-class-delete": staff_dashboard(Obj("product_class", pk="pk"), answers=ok(200, 302)),
    "dashboard:catalogue-attribute-option-group-create": staff_dashboard(),
    "dashboard:catalogue-attribute-option-group-list": staff_dashboard(post=False),
    "dashboard:catalogue-attribute-option-group-update": staff_dashboard(Obj("attribute_option_group", pk="pk")),
    "dashboard:catalogue-attribute-option-group-delete": staff_dashboard(Obj("attribute_option_group", pk="pk")),
    "dashboard:catalogue-option-list": staff_dashboard(post=False),
    "dashboard:catalogue-option-create": staff_dashboard(),
    "dashboard:catalogue-option-update": staff_dashboard(Obj("option", pk="pk")),
    "dashboard:catalogue-option-delete": staff_dashboard(Obj("option", pk="pk")),
    "dashboard:reports-index": staff_dashboard(post=False),
    "dashboard:users-index": staff_dashboard(),
    "dashboard:user-detail": staff_dashboard(Obj("user", pk="pk"), post=False),
    "dashboard:user-password-reset": staff_dashboard(Obj("user", pk="pk"), get=False),
    "dashboard:user-alert-list": staff_dashboard(post=False),
    "dashboard:user-alert-delete": staff_dashboard(Obj("product_alert_staff", pk="pk")),
    "dashboard:user-alert-update": staff_dashboard(Obj("product_alert_staff", pk="pk")),
    "dashboard:page-list": staff_dashboard(post=False),
    "dashboard:page-create": staff_dashboard(),
    "dashboard:page-update": staff_dashboard(Obj("flatpage", pk="pk")),
    "dashboard:page-delete": staff_dashboard(Obj("flatpage", pk="pk")),
    "dashboard:partner-list": staff_dashboard(post=False),
    "dashboard:partner-create": staff_dashboard(),
    "dashboard:partner-manage": staff_dashboard(Obj("partner", pk="pk")),
    "dashboard:partner-delete": staff_dashboard(Obj("partner", pk="pk")),
    "dashboard:partner-user-create": staff_dashboard(Obj("partner", partner_pk="pk")),
    "dashboard:partner-user-select": staff_dashboard(Obj("partner", partner_pk="pk"), post=False),
    "dashboard:partner-user-link": staff_dashboard(Obj("partner_user", partner_pk="partner", user_pk="user"),
                                                   get=False),
    "dashboard:partner-user-unlink": staff_dashboard(Obj("partner_user", partner_pk="partner", user_pk="user"),
                                                     get=False),
    "dashboard:partner-user-update": staff_dashboard(Obj("partner_user", partner_pk="partner", user_pk="user")),
    "dashboard:offer-list": staff_dashboard(post=False),
    "dashboard:offer-metadata[]": staff_dashboard(),
    "dashboard:offer-condition[]": staff_dashboard(answers=ok(200, 302)),
    "dashboard:offer-benefit[]": staff_dashboard(answers=ok(200, 302)),
    "dashboard:offer-restrictions[]": staff_dashboard(answers=ok(200, 302)),
    "dashboard:offer-metadata[pk]": staff_dashboard(Obj("offer", pk="pk")),
    "dashboard:offer-condition[pk]": staff_dashboard(Obj("offer", pk="pk"), answers=ok(200, 302)),
    "dashboard:offer-benefit[pk]": staff_dashboard(Obj("offer", pk="pk"), answers=ok(200, 302)),
    "dashboard:offer-restrictions[pk]": staff_dashboard(Obj("offer", pk="pk"), answers=ok(200, 302)),
    "dashboard:offer-delete": staff_dashboard(Obj("offer", pk="pk")),
    "dashboard:offer-detail": staff_dashboard(Obj("offer", pk="pk")),
    "dashboard:range-list": staff_dashboard(post=False),
    "dashboard:range-create": staff_dashboard(),
    "dashboard:range-update": staff_dashboard(Obj("range", pk="pk")),
    "dashboard:range-delete": staff_dashboard(Obj("range", pk="pk")),
    "dashboard:range-products": staff_dashboard(Obj("range", pk="pk")),
    "dashboard:range-reorder": staff_dashboard(Obj("range", pk="pk"), get=False),
    "dashboard:reviews-list": staff_dashboard(),
    "dashboard:reviews-update": staff_dashboard(Obj("review", pk="pk")),
    "dashboard:reviews-delete": staff_dashboard(Obj("review", pk="pk")),
    "dashboard:voucher-list": staff_dashboard(post=False),
    "dashboard:voucher-create": staff_dashboard(),
    "dashboard:voucher-update": staff_dashboard(Obj("voucher", pk="pk")),
    "dashboard:voucher-delete": staff_dashboard(Obj("voucher", pk="pk")),
    "dashboard:voucher-stats": staff_dashboard(Obj("voucher", pk="pk"), post=False),
    "dashboard:voucher-set-list": staff_dashboard(post=False),
    "dashboard:voucher-set-create": staff_dashboard(),
    "dashboard:voucher-set-update": staff_dashboard(Obj("voucher_set", pk="pk")),
    "dashboard:voucher-set-detail": staff_dashboard(Obj("voucher_set", pk="pk"), post=False),
    "dashboard:voucher-set-download": staff_dashboard(Obj("voucher_set", pk="pk"), post=False),
    "dashboard:voucher-set-delete": staff_dashboard(Obj("voucher_set", pk="pk")),
    "dashboard:comms-list": staff_dashboard(post=False),
    "dashboard:comms-update": staff_dashboard(Obj("comms_event_type", slug="slug")),
    "dashboard:shipping-method-list": staff_dashboard(post=False),
    "dashboard:shipping-method-create": staff_dashboard(),
    "dashboard:shipping-method-detail": staff_dashboard(Obj("shipping_method", pk="pk")),
    "dashboard:shipping-method-edit": staff_dashboard(Obj("shipping_method", pk="pk")),
    "dashboard:shipping-method-delete": staff_dashboard(Obj("shipping_method", pk="pk")),
    "dashboard:shipping-method-band-edit": staff_dashboard(Obj("shipping_band", method_pk="method", pk="pk")),
    "dashboard:shipping-method-band-delete": staff_dashboard(Obj("shipping_band", method_pk="method", pk="pk")),

    # === the Django admin: the superuser's only ==================================================================
    "admin:login": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the admin's sign-in form (throttled)")),
    "admin:logout": Case(PUBLIC, ok=ok(200, 302, 405), post=Unexercised("signing out changes no data")),
    "admin:index": Case(NOBODY, login_url=ADMIN_LOGIN, refuse=login(ADMIN_LOGIN)),
    # Every other admin page: the admin's wall (is_staff) stands before any view, so the object in the URL does
    # not matter (sample ids). Asked of every role except the superuser, whose pages are the admin's own.
    "admin/*": Case(NOBODY, values="sample", login_url=ADMIN_LOGIN, refuse=login(ADMIN_LOGIN), ok=ok(200, 302),
                    roles={"superuser": Unexercised(THIRD_PARTY_ADMIN)},
                    post=Post({}, why_no_control=THIRD_PARTY_ADMIN)),

    # === Wagtail's admin: the county's editors (and the superuser) ====================================================
    "wagtailadmin_login": Case(PUBLIC, ok=ok(200, 302), post=Unexercised("the CMS sign-in form (throttled)")),
    "wagtailadmin_logout": Case(PUBLIC, ok=ok(200, 302, 405), post=Unexercised("signing out changes no data")),
    "wagtailadmin_password_reset": Case(PUBLIC, post=Unexercised("password reset by e-mail: anyone may post it")),
    "wagtailadmin_password_reset_done": Case(PUBLIC),
    "wagtailadmin_password_reset_complete": Case(PUBLIC),
    "wagtailadmin_sprite": Case(PUBLIC, note="the CMS's icon sprite"),
    "wagtailadmin_javascript_catalog": Case(PUBLIC, note="the CMS's translations for its scripts"),
    "wagtailadmin_password_reset_confirm": Case(PUBLIC, values={"uidb64": "MQ", "token": "set-password"}, ok=ok(
        200, 302), post=Unexercised("the e-mailed token is the proof")),
    "wagtailadmin_home": cms(),
    "wagtailadmin_explore_root": cms(),
    "wagtailimages:index": cms(),
    "wagtaildocs:index": cms(),
    "wagtailusers_users:index": cms(NOBODY),
    "wagtailusers_groups:index": cms(NOBODY),
    "wagtailsites:index": cms(NOBODY),
    "wagtailadmin_workflows:index": cms(NOBODY),
    # Every other CMS page: Wagtail's wall (wagtailadmin.access_admin) for everyone else; what an editor may do
    # inside is Wagtail's own per-page and per-collection permission model.
    "cms/*": Case(EDITOR, values="sample", login_url=CMS_LOGIN, refuse=CMS_REFUSED, ok=ok(200, 302, 404),
                  roles={"editor": Unexercised(WAGTAIL_OWN), "superuser": Unexercised(WAGTAIL_OWN)},
                  post=Post({}, why_no_control=WAGTAIL_OWN)),
}


def _seal():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.gov_services.certificate_helpers import seal_png

    return SimpleUploadedFile("seal.png", seal_png(), content_type="image/png")


def _current_official_key(thing, world) -> dict:
    """The issue form as the page sends it: the key id it showed in use (a new key replaces that one)."""
    from gov_services.models import SigningKey

    key = SigningKey.objects.filter(department_id=thing.attrs["pk"], official_id=thing.attrs["user_id"],
                                    retired_at__isnull=True).first()
    return {"current": key.key_id if key else ""}


def _ed25519_pem() -> str:
    """A fresh Ed25519 private key, as a county's key ceremony hands one over (unencrypted PKCS#8 PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()).decode()
def _receipt_with_wrong_token(world, pattern: Pattern) -> str | None:
    """A receipt push with a wrong token is not found and changes nothing."""
    from tests.access import db_changes

    url = pattern.url({"provider": "aliyun", "token": "not-the-token"})
    with db_changes.journal() as writes:
        response = world.clients["anonymous"].post(url, data=b'[{"biz_id": "1^2", "success": true}]',
                                                   content_type="application/json")
    if response.status_code != 404 or writes.tables():
        return f"a receipt with a wrong token answered {response.status_code}, wrote {writes.tables()}"
    return None


def _unsigned_webhook(world, pattern: Pattern) -> str | None:
    """An unsigned notification is refused (400) and changes nothing."""
    from tests.access import db_changes

    url = pattern.url({"provider": "card_sim"})
    with db_changes.journal() as writes:
        response = world.clients["anonymous"].post(url, data=b'{"id": "evt_1"}', content_type="application/json")
    if response.status_code != 400 or writes.tables():
        return f"unsigned webhook answered {response.status_code}, wrote {writes.tables()}"
    return None


def _wechat_server_url(world) -> str:
    from django.urls import reverse

    return reverse("gov_services:wechat-server", args=[world.of("wechat_channel")[0].attrs["code"]])


def _unsigned_wechat_push(world) -> str | None:
    """A push without WeChat's signature is refused (403) and changes nothing; so is an unsigned URL check."""
    from tests.access import db_changes

    url = _wechat_server_url(world)
    body = ("<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
            "<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>")
    with db_changes.journal() as writes:
        pushed = world.clients["anonymous"].post(url, data=body, content_type="text/xml")
        checked = world.clients["anonymous"].get(url, {"echostr": "x"})
    if pushed.status_code != 403 or checked.status_code != 403 or writes.tables():
        return f"unsigned WeChat push answered {pushed.status_code}/{checked.status_code}, wrote {writes.tables()}"
    return None


def _unsigned_wallet_notice(world, pattern: Pattern) -> str | None:
    """An unsigned wallet notification is refused and changes nothing."""
    from tests.access import db_changes

    problems = []
    for provider, body, kind in (("wechat", b'{"id": "EV-1"}', "application/json"),
                                 ("alipay", b"notify_id=1&out_trade_no=X", "application/x-www-form-urlencoded")):
        with db_changes.journal() as writes:
            response = world.clients["anonymous"].post(pattern.url({"provider": provider}), data=body, content_type=kind)
        if response.status_code not in (400, 401) or writes.tables():
            problems.append(f"unsigned {provider} notice answered {response.status_code}, wrote {writes.tables()}")
    return "; ".join(problems) or None


def _unsigned_till_notice(world, pattern: Pattern) -> str | None:
    """An unsigned notification about a till order is refused and changes nothing."""
    from tests.access import db_changes

    problems = []
    for wallet, body, kind in (("wechat", b'{"id": "EV-1"}', "application/json"),
                               ("alipay", b"notify_id=1&out_trade_no=X", "application/x-www-form-urlencoded")):
        with db_changes.journal() as writes:
            response = world.clients["anonymous"].post(pattern.url({"wallet": wallet}), data=body, content_type=kind)
        if response.status_code not in (400, 401) or writes.tables():
            problems.append(f"unsigned {wallet} till notice answered {response.status_code}, wrote {writes.tables()}")
    return "; ".join(problems) or None


def _unsigned_simulator_call(world, pattern: Pattern, values: dict) -> str | None:
    """A wallet simulator refuses a request our merchant key did not sign, and writes nothing."""
    from tests.access import db_changes

    with db_changes.journal() as writes:
        response = world.clients["anonymous"].post(pattern.url(values) + "?method=alipay.trade.query", data=b"{}",
                                                   content_type="application/json")
    body = response.content.decode(errors="replace")
    if writes.tables() or not (response.status_code == 401 or "invalid-signature" in body):
        return f"unsigned simulator call answered {response.status_code}, wrote {writes.tables()}"
    return None


def case_for(pattern: Pattern) -> Case | None:
    """The pattern's row: by its key, else the longest "prefix/*" row its route falls under."""
    if pattern.key in EXPECTATIONS:
        return EXPECTATIONS[pattern.key]
    prefixes = [k for k in EXPECTATIONS if k.endswith("/*") and pattern.route.startswith(k[:-1])]
    return EXPECTATIONS[max(prefixes, key=len)] if prefixes else None


def stale_keys(patterns: list[Pattern]) -> list[str]:
    keys = {p.key for p in patterns}
    return sorted(k for k in EXPECTATIONS if k not in keys and not (
        k.endswith("/*") and any(p.route.startswith(k[:-1]) for p in patterns)))
