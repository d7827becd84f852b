"""The access matrix's rows for the portal, the API, Wagtail's serving views, and the walls of the two
admin sites (the Django admin's and Wagtail's)."""

from __future__ import annotations

from tests.access.policy import (
    DEPARTMENT,
    EDITOR,
    NOBODY,
    NOT_FOUND,
    PUBLIC,
    REGION,
    SIGNED_IN,
    Case,
    Expect,
    Obj,
    Post,
    Unexercised,
    login,
    ok,
)
from tests.access.table.common import FILE, MISSING, key

ADMIN_LOGIN = "/admin/login/"
CMS_LOGIN = "/cms/login/"
THIRD_PARTY_ADMIN = "the Django admin's own pages (superuser only); the wall in front of them is what is asserted"
WAGTAIL_OWN = "inside the CMS, Wagtail's own page and collection permissions decide; the wall is asserted"
# Wagtail sends a signed-in person away rather than answering 403: to its sign-in page without
# access_admin, to its dashboard without the section's permission.
CMS_REFUSED = Expect("sent away by Wagtail", (302,), "/cms/")


def cms(who=EDITOR) -> Case:
    """A CMS index page: editors (with who) get in, everyone else is sent away."""
    return Case(who, login_url=CMS_LOGIN, refuse=CMS_REFUSED)


def _api_application(thing, world) -> dict:
    from tests.factories import valid_id_number

    return {"idempotency_key": key(), "kind": "appeal", "channel": "phone", "appeal_category": "help",
            "village_code": thing.obj.village.code, "subject": "路灯坏了", "description": "村口路灯不亮",
            "applicant_name": "王秀英", "applicant_id_number": valid_id_number(902),
            "applicant_phone": "13912345678"}


ROWS: dict[str, Case] = {
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
