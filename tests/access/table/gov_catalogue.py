"""The access matrix's rows for gov_services' back office: the service catalogue, setting up departments,
staff and admin posts, an item's approval steps."""

from __future__ import annotations

from tests.access.policy import COUNTY, DEPARTMENT, NOT_FOUND, REGION, Case, Obj, Post
from tests.access.table.common import FILE, FORM_REFUSED, MISSING


def _role_change(thing, world) -> dict:
    """The department's first member in force changes post: an officer becomes head, a head an officer."""
    membership = thing.obj.memberships.active().order_by("pk").first()
    return {"membership": membership.pk, "role": "officer" if membership.is_head else "head"}


ROWS: dict[str, Case] = {
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
}
