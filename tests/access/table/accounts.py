"""The access matrix's rows for operations and accounts: health probes and metrics, the SMS gateways'
receipts, the administrators' workspace, residents' data requests, two-factor sign-in, signing in."""

from __future__ import annotations

from tests.access.patterns import Pattern
from tests.access.policy import FORBIDDEN, NOBODY, NOT_FOUND, PUBLIC, SIGNED_IN, Case, Post, Unexercised, ok
from tests.access.table.common import MISSING, REDIRECT


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


ROWS: dict[str, Case] = {
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
}
