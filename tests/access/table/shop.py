"""The access matrix's rows for the store: membership and the county's merchant pages, the merchant's
workspace and the counter's parcels and sales, paying for an order, the wallets and their simulators."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.access.patterns import Pattern
from tests.access.policy import (
    COUNTY,
    MERCHANT,
    NOT_FOUND,
    OPERATOR,
    PUBLIC,
    REGION,
    SIGNED_IN,
    Case,
    Expect,
    Obj,
    Post,
    Unexercised,
    ok,
)
from tests.access.table.common import FILE, MISSING, REDIRECT, key

UNSIGNED = Expect("unsigned: refused", (401,))  # a wallet simulator's API, asked without our merchant key


def _unsigned_webhook(world, pattern: Pattern) -> str | None:
    """An unsigned notification is refused (400) and changes nothing."""
    from tests.access import db_changes

    url = pattern.url({"provider": "card_sim"})
    with db_changes.journal() as writes:
        response = world.clients["anonymous"].post(url, data=b'{"id": "evt_1"}', content_type="application/json")
    if response.status_code != 400 or writes.tables():
        return f"unsigned webhook answered {response.status_code}, wrote {writes.tables()}"
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


ROWS: dict[str, Case] = {
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
}
