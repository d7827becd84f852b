"""The till's WeChat Pay / Alipay QR payments in the daily bill reconciliation: the same bill lists them beside
the store's; a till payment is matched, or reported naming its station and till transaction (missing on our side
when the notice was lost and nobody asked, missing in the bill when the wallet never had it)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import TillWalletPayment
from agency.services.till_wallets import till_wallet_start
from agency.wallets import simulator
from shop.services.reconciliation import wallet_bill_import_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]


def _fee(operator, station, wallet, amount):
    return till_wallet_start(actor=operator, station=station, wallet=wallet, purpose="gov_fee", amount_fen=amount,
                             idempotency_key=uuid.uuid4(), description="工本费",
                             order={"external_reference": f"SR-{amount}", "description": "工本费"})


@pytest.mark.parametrize("wallet", ["wechat", "alipay"])
def test_till_payments_are_matched_and_their_mismatches_name_the_station(
        wallet, operator, station, county_admin, client, django_capture_on_commit_callbacks):
    matched = _fee(operator, station, wallet, 1_000)
    simulator.order_pay(simulator.order_get(wallet, matched.out_trade_no))  # confirmed: the till recorded it
    lost = _fee(operator, station, wallet, 2_000)
    simulator.order_pay(simulator.order_get(wallet, lost.out_trade_no), notify=False)  # nobody asked since
    TillWalletPayment.objects.create(  # held as paid here, unknown to the wallet
        idempotency_key=uuid.uuid4(), fingerprint="-", out_trade_no="CZTNOTATWALLET01", wallet=wallet,
        station=station, purpose="gov_fee", amount_fen=3_000, description="工本费", status="paid",
        created_by=operator, expires_at=timezone.now(), paid_at=timezone.now())
    matched.refresh_from_db()
    assert matched.status == "paid" and matched.counter_transaction is not None

    with django_capture_on_commit_callbacks(execute=True):
        bill = wallet_bill_import_create(actor=county_admin, idempotency_key=uuid.uuid4(), provider=wallet,
                                         bill_date=timezone.localdate())
    bill.refresh_from_db()
    found = {(m["kind"], m["out_trade_no"]): m for m in bill.mismatches}
    assert set(found) == {("missing_ours", lost.out_trade_no), ("missing_theirs", "CZTNOTATWALLET01")}
    assert bill.matched == 1
    assert found[("missing_ours", lost.out_trade_no)]["till_station"] == station.name
    assert found[("missing_theirs", "CZTNOTATWALLET01")]["ours_fen"] == 3_000

    client.force_login(county_admin)
    page = client.get(reverse("shop:county-wallet-bill-detail", args=[bill.pk])).content.decode()
    assert page.count("data-till-payment") == 2 and station.name in page
