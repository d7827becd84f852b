"""The access matrix's rows for the counter's till (agency): payments, receipts, floats and closes, wallet
payments, the offline counter, and a visit at the counter (visits/, with a request's fee)."""

from __future__ import annotations

import json

from tests.access.patterns import Pattern
from tests.access.policy import DEPARTMENT, OPERATOR, PUBLIC, Case, Obj, Post, Unexercised, ok
from tests.access.table.common import FILE, MISSING, key


def _payment(thing, world) -> dict:
    from tests.agency.factories import account_number

    return {"step": "pay", "idempotency_key": key(), "account_number": account_number(77), "amount": "50.00",
            "payment_method": "cash"}


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


ROWS: dict[str, Case] = {
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
}
