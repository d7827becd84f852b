"""The access matrix's rows for reports: the public figures, the staff's figures and background report jobs."""

from __future__ import annotations

from tests.access.policy import HEAD, OPERATOR, PUBLIC, REGION, STAFF, Case, Obj, Post
from tests.access.table.common import FILE, key

ROWS: dict[str, Case] = {
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
    "reports:job-download": Case(STAFF, Obj("report_job", pk="pk"), roles={}, ok=FILE),
}
