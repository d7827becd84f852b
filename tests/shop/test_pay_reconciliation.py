"""Reconciling the wallets' daily bills with our payments: the bill is fetched through the real library
(WeChat Pay trade bill, gzip; Alipay business bill, zip of GBK CSV) from the simulator, or uploaded; the report
lists what is missing on either side and what differs; the screen is the county admins' (their county's)."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agency.wallets import alipay, simulator, wechat
from agency.wallets.bills import BillUnreadable, parse_alipay_bill, parse_wechat_tradebill
from core.models import AuditEvent
from shop.models import Payment, WalletBillImport
from shop.services.reconciliation import wallet_bill_import_create
from tests.factories import StaffAssignmentFactory, UserFactory, county_tree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]
TODAY = timezone.localdate


def _wallet_order(wallet, no, fen, *, pay=True):
    notify = f"https://cunzhan.test/shop/payments/{wallet}/notify/"
    if wallet == "wechat":
        wechat.native(out_trade_no=no, amount_fen=fen, description="测试", notify_url=notify)
    else:
        alipay.precreate(out_trade_no=no, amount_fen=fen, subject="测试", notify_url=notify)
    if pay:
        simulator.order_pay(simulator.order_get(wallet, no), notify=False)


def _ours(wallet, no, fen, status="paid"):
    return Payment.objects.create(provider=wallet, external_id=no, amount_fen=fen, status=status,
                                  paid_at=timezone.now() if status == "paid" else None)


def _world(wallet):
    _wallet_order(wallet, "CZSMATCH0001", 2400)
    _ours(wallet, "CZSMATCH0001", 2400)
    _wallet_order(wallet, "CZSLOST00001", 1500)  # paid at the wallet; the notice never reached us
    _ours(wallet, "CZSLOST00001", 1500, status="pending")
    _wallet_order(wallet, "CZSNOTOURS01", 700)  # not ours at all
    _ours(wallet, "CZSONLYOURS1", 990)  # we say paid; the wallet never had it
    _wallet_order(wallet, "CZSDIFFER001", 1200)
    _ours(wallet, "CZSDIFFER001", 1000)
    _wallet_order(wallet, "CZSUNPAID001", 500, pay=False)  # never paid: in no bill
    order = simulator.order_get(wallet, "CZSMATCH0001")
    simulator.order_refund(order, request_no="R-unrecorded", amount_fen=400)  # a refund we never recorded


@pytest.mark.parametrize("wallet", ["wechat", "alipay"])
def test_a_fetched_bill_is_compared_and_every_kind_of_mismatch_reported(
        wallet, county_admin, django_capture_on_commit_callbacks):
    _world(wallet)
    with django_capture_on_commit_callbacks(execute=True):
        bill = wallet_bill_import_create(actor=county_admin, idempotency_key=uuid.uuid4(), provider=wallet,
                                         bill_date=TODAY())
    bill.refresh_from_db()  # compared by the task (eager here) after the import committed
    assert bill.status == "done" and bill.rows_total == 5 and bill.rows_done == 5
    found = {(m["kind"], m["what"], m["out_trade_no"]) for m in bill.mismatches}
    assert found == {("missing_ours", "payment", "CZSLOST00001"), ("missing_ours", "payment", "CZSNOTOURS01"),
                     ("missing_theirs", "payment", "CZSONLYOURS1"), ("amount_differs", "payment", "CZSDIFFER001"),
                     ("amount_differs", "refund", "CZSMATCH0001")}
    assert (bill.matched, bill.missing_ours, bill.missing_theirs, bill.amount_differs) == (1, 2, 1, 2)
    differ = next(m for m in bill.mismatches if m["out_trade_no"] == "CZSDIFFER001")
    assert (differ["theirs_fen"], differ["ours_fen"]) == (1200, 1000)
    assert AuditEvent.objects.filter(action__startswith="shop.wallet_bill.").count() == 2


def test_the_bill_formats_are_read_as_the_wallets_write_them():
    _wallet_order("wechat", "CZSFORMAT001", 1234)
    rows = parse_wechat_tradebill(wechat.trade_bill(bill_date=TODAY().isoformat()))
    assert [(r.out_trade_no, r.kind, r.amount_fen) for r in rows] == [("CZSFORMAT001", "payment", 1234)]
    _wallet_order("alipay", "CZSFORMAT002", 50)
    content = alipay.bill(bill_date=TODAY().isoformat())
    assert content[:2] == b"PK"
    assert [(r.out_trade_no, r.kind, r.amount_fen) for r in parse_alipay_bill(content)] == [
        ("CZSFORMAT002", "payment", 50)]
    with pytest.raises(BillUnreadable):
        parse_wechat_tradebill("名字,电话\n张三,1\n".encode())
    with pytest.raises(BillUnreadable):
        parse_alipay_bill(b"PK\x03\x04 broken")


def test_the_screen_imports_an_uploaded_file_and_shows_the_report(
        client, county_admin, django_capture_on_commit_callbacks):
    _world("wechat")
    content = wechat.trade_bill(bill_date=TODAY().isoformat())
    client.force_login(county_admin)
    page = client.get(reverse("shop:county-wallet-bills"))
    assert page.status_code == 200 and 'type="file"' in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    key = str(uuid.uuid4())
    form = {"provider": "wechat", "bill_date": (TODAY() - timedelta(days=1)).isoformat(), "idempotency_key": key,
            "file": SimpleUploadedFile("tradebill.csv", content, content_type="text/csv")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shop:county-wallet-bills"), form)
    bill = WalletBillImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("shop:county-wallet-bill-detail", args=[bill.pk])
    form["file"] = SimpleUploadedFile("tradebill.csv", content, content_type="text/csv")
    assert client.post(reverse("shop:county-wallet-bills"), form).status_code == 302  # a resend: the same import
    assert WalletBillImport.objects.count() == 1
    report = client.get(response.url).content.decode()
    assert 'data-mismatch="missing_ours"' in report and "CZSLOST00001" in report and "本方缺失" in report


def test_a_bill_of_today_and_an_unreadable_file_are_refused_in_words(
        client, county_admin, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(county_admin)
    today = client.post(reverse("shop:county-wallet-bills"), {
        "provider": "wechat", "bill_date": TODAY().isoformat(), "idempotency_key": str(uuid.uuid4())})
    assert today.status_code == 422 and not WalletBillImport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        bad = client.post(reverse("shop:county-wallet-bills"), {
            "provider": "alipay", "bill_date": (TODAY() - timedelta(days=1)).isoformat(),
            "idempotency_key": str(uuid.uuid4()),
            "file": SimpleUploadedFile("x.csv", "名字\n".encode(), content_type="text/csv")})
    bill = WalletBillImport.objects.get()
    assert bad.status_code == 302 and bill.status == "failed" and bill.error
    assert "账单无法读取" in client.get(bad.url).content.decode()


def test_only_the_county_that_imported_a_bill_sees_it(client, county_admin, operator):
    bill = wallet_bill_import_create(actor=county_admin, idempotency_key=uuid.uuid4(), provider="wechat",
                                     bill_date=TODAY(), content=wechat.trade_bill(bill_date=TODAY().isoformat()))
    other = UserFactory(roles=["county_admin"])
    StaffAssignmentFactory(user=other, role="county_admin", region=county_tree()["county"])
    client.force_login(other)
    assert client.get(reverse("shop:county-wallet-bill-detail", args=[bill.pk])).status_code == 404
    assert "data-wallet-bills" not in client.get(reverse("shop:county-wallet-bills")).content.decode()
    client.force_login(operator)
    assert client.get(reverse("shop:county-wallet-bills")).status_code == 403
    client.force_login(county_admin)
    assert client.get(reverse("shop:county-wallet-bill-detail", args=[bill.pk])).status_code == 200


def test_the_command_fetches_compares_prints_and_fails_on_mismatches(county_admin, capsys):
    _world("alipay")
    with pytest.raises(SystemExit) as stopped:
        call_command("wallet_bill_import", "--wallet", "alipay", "--date", TODAY().isoformat(),
                     "--user", county_admin.username)
    assert stopped.value.code == 1
    out = capsys.readouterr().out
    assert "5/5 rows compared" in out and "missing_theirs" in out and "CZSONLYOURS1" in out
    assert WalletBillImport.objects.get().status == "done"
