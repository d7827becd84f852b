"""The access matrix's rows for the till's back office (floats, closes, commission statements) and its
set-up (providers, products, commission plans, imports)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.access.policy import COUNTY, NOT_FOUND, REGION, Case, Obj, Post
from tests.access.table.common import FILE, MISSING, key, last_month


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


def _setup_file(thing, world) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("providers.csv", "服务商代码,服务商名称,类型\nmx-prov,矩阵服务商,通信\n".encode()),
            "idempotency_key": key()}


ROWS: dict[str, Case] = {
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
}
