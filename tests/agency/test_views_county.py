"""The till's back office over HTTP: floats, daily closes and commission statements, each role in its scope."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agency import services
from agency.models import CommissionStatement, DailyCashClose, FloatTopUpRequest, FloatWallet, Journal
from core.timeutil import last_full_month
from tests.agency.factories import account_number, key, last_month_moment, posting_at
from tests.agency.invariant_helpers import second_county_admin
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db


def operator_of(station):
    user = UserFactory(roles=["operator"])
    StaffAssignmentFactory(user=user, role="operator", station=station)
    return user


def top_up(operator, station, amount_fen=300_000, group="utilities"):
    return services.float_top_up_request(actor=operator, station=station, float_group=group, amount_fen=amount_fen,
                                         idempotency_key=key(), bank_reference="BK1")


def close_with_variance(operator, station):
    """A close 5 yuan short: a 10 yuan fee taken, 5 yuan counted."""
    services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=key(),
                                 external_reference="SR1")
    return services.daily_cash_close_submit(actor=operator, station=station, counted_fen=500, idempotency_key=key(),
                                            explanation="少了五元")


# --- access ----------------------------------------------------------------------------------------

def test_operators_and_residents_cannot_open_the_back_office(client, operator, resident):
    for user in (operator, resident):
        client.force_login(user)
        for name in ("agency:county-floats", "agency:county-closes", "agency:county-statements"):
            assert client.get(reverse(name)).status_code == 403


def test_the_county_home_links_to_the_till_pages(client, county_admin):
    client.force_login(county_admin)
    content = client.get(reverse("stations:county-home")).content.decode()
    for name in ("agency:county-floats", "agency:county-closes", "agency:county-statements"):
        assert reverse(name) in content


def test_the_counter_home_links_to_the_till_for_operators_only(client, operator, liaison):
    client.force_login(operator)
    assert reverse("agency:till") in client.get(reverse("stations:counter-home")).content.decode()
    client.force_login(liaison)
    assert reverse("agency:till") not in client.get(reverse("stations:counter-home")).content.decode()


# --- floats ----------------------------------------------------------------------------------------

def test_the_county_approves_a_top_up_and_the_float_grows(client, operator, station, county_admin):
    request = top_up(operator, station)
    client.force_login(county_admin)
    page = client.get(reverse("agency:county-floats"))
    assert page.status_code == 200 and list(page.context["top_ups"]) == [request]
    response = client.post(reverse("agency:top-up-decide", args=[request.pk]),
                           {"decision": "approve", "note": "", "next": "/county/floats/?status=requested"})
    assert response.status_code == 302 and response.url == "/county/floats/?status=requested"
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == county_admin
    assert FloatWallet.objects.get(station=station, float_group="utilities").balance_fen == 300_000


def test_a_rejection_needs_a_note_and_posts_nothing(client, operator, station, county_admin):
    request = top_up(operator, station)
    client.force_login(county_admin)
    client.post(reverse("agency:top-up-decide", args=[request.pk]), {"decision": "reject", "note": ""})
    request.refresh_from_db()
    assert request.status == "requested"
    client.post(reverse("agency:top-up-decide", args=[request.pk]), {"decision": "reject", "note": "未到账"})
    request.refresh_from_db()
    assert request.status == "rejected" and not Journal.objects.exists()


def test_a_township_admin_sees_top_ups_but_cannot_approve_them_or_set_thresholds(
        client, operator, station, township_admin):
    request = top_up(operator, station)
    wallet = FloatWallet.objects.get(station=station)
    threshold = wallet.low_threshold_fen
    client.force_login(township_admin)
    page = client.get(reverse("agency:county-floats"))
    assert list(page.context["top_ups"]) == [request] and not page.context["may_decide"]
    # County-only acts: 403 before the form is read, valid or not.
    for data in ({"decision": "approve"}, {}):
        assert client.post(reverse("agency:top-up-decide", args=[request.pk]), data).status_code == 403
    assert client.post(reverse("agency:wallet-threshold", args=[wallet.pk]),
                       {"low_threshold": "1.00"}).status_code == 403
    request.refresh_from_db()
    wallet.refresh_from_db()
    assert request.status == FloatTopUpRequest.Status.REQUESTED and wallet.low_threshold_fen == threshold


def test_the_county_sets_a_wallets_warning_threshold_in_yuan(client, operator, station, county_admin):
    top_up(operator, station)
    wallet = FloatWallet.objects.get(station=station)
    client.force_login(county_admin)
    client.post(reverse("agency:wallet-threshold", args=[wallet.pk]), {"low_threshold": "1,200.50"})
    wallet.refresh_from_db()
    assert wallet.low_threshold_fen == 120_050
    client.post(reverse("agency:wallet-threshold", args=[wallet.pk]), {"low_threshold": "abc"})
    wallet.refresh_from_db()
    assert wallet.low_threshold_fen == 120_050


# --- daily closes ----------------------------------------------------------------------------------

def test_a_township_admin_sees_only_their_townships_closes_and_approves_a_variance(
        client, operator, station, other_station, township_admin):
    mine = close_with_variance(operator, station)
    theirs = close_with_variance(operator_of(other_station), other_station)
    client.force_login(township_admin)
    page = client.get(reverse("agency:county-closes"))
    assert page.status_code == 200 and list(page.context["closes"]) == [mine]
    assert client.post(reverse("agency:close-decide", args=[theirs.pk]), {"decision": "approve"}).status_code == 404
    response = client.post(reverse("agency:close-decide", args=[mine.pk]), {"decision": "approve", "note": "已核实"})
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.decided_by, mine.journal.kind) == ("approved", township_admin, "variance")
    assert theirs.status == DailyCashClose.Status.AWAITING_APPROVAL
    assert services.expected_cash_fen(station) == 500  # the ledger's drawer now matches the count


def test_a_rejected_count_goes_back_to_the_operator(client, operator, station, county_admin):
    close = close_with_variance(operator, station)
    client.force_login(county_admin)
    client.post(reverse("agency:close-decide", args=[close.pk]), {"decision": "reject", "note": "请重新清点"})
    close.refresh_from_db()
    assert close.status == "rejected" and close.journal is None
    client.force_login(operator)
    assert client.get(reverse("agency:counter-close")).context["form"] is not None  # count again


# --- statements ------------------------------------------------------------------------------------

@pytest.fixture
def last_month_paid(operator, station, product, funded):
    """Two payments posted last month."""
    with posting_at(last_month_moment()):
        for n in (1, 2):
            services.counter_payment_submit(actor=operator, station=station, product=product,
                                            account_number=account_number(n), amount_fen=20_000 * n,
                                            idempotency_key=key())
    return last_full_month()


def test_a_month_is_generated_approved_by_another_county_admin_and_marked_paid(
        client, county_admin, tree, station, last_month_paid):
    month = last_month_paid
    client.force_login(county_admin)
    response = client.post(reverse("agency:statement-generate"), {"month": f"{month:%Y-%m}"})
    assert response.status_code == 302
    statement = CommissionStatement.objects.get()
    assert (statement.station, statement.month, statement.generated_by) == (station, month, county_admin)
    assert statement.transaction_count == 2 and statement.net_fen > 0
    client.post(reverse("agency:statement-generate"), {"month": f"{month:%Y-%m}"})
    assert CommissionStatement.objects.count() == 1  # generating again changes nothing

    detail = client.get(reverse("agency:county-statement-detail", args=[statement.pk]))
    assert detail.context["is_maker"] and len(detail.context["lines"]) == 1
    client.post(reverse("agency:statement-approve", args=[statement.pk]))
    statement.refresh_from_db()
    assert statement.status == "generated"  # the maker may not check

    checker = second_county_admin(tree)
    client.force_login(checker)
    client.post(reverse("agency:statement-approve", args=[statement.pk]))
    statement.refresh_from_db()
    assert (statement.status, statement.approved_by) == ("approved", checker)

    refused = client.post(reverse("agency:statement-pay", args=[statement.pk]), {"payment_reference": " "})
    assert refused.status_code == 400 and "payment_reference" in refused.context["paid_form"].errors
    client.post(reverse("agency:statement-pay", args=[statement.pk]), {"payment_reference": "HX20250703001"})
    statement.refresh_from_db()
    assert (statement.status, statement.payment_reference) == ("paid", "HX20250703001")
    assert statement.payout_journal is not None


def test_the_current_month_cannot_be_chosen_for_generation(client, county_admin, last_month_paid):
    client.force_login(county_admin)
    client.post(reverse("agency:statement-generate"), {"month": f"{timezone.localdate():%Y-%m}"})
    assert not CommissionStatement.objects.exists()


def test_a_township_admin_reads_statements_but_cannot_generate_or_approve(
        client, county_admin, township_admin, station, last_month_paid):
    statement = services.commission_statement_generate(actor=county_admin, station=station, month=last_month_paid)
    client.force_login(township_admin)
    page = client.get(reverse("agency:county-statements"))
    assert list(page.context["statements"]) == [statement] and not page.context["may_generate"]
    assert client.post(reverse("agency:statement-generate"), {"month": f"{last_month_paid:%Y-%m}"}).status_code == 403
    assert client.post(reverse("agency:statement-approve", args=[statement.pk])).status_code == 403
    assert client.post(reverse("agency:statement-pay", args=[statement.pk]), {}).status_code == 403
    statement.refresh_from_db()
    assert statement.status == "generated"


def test_a_statement_exports_as_csv_and_pdf(client, county_admin, station, product, last_month_paid):
    statement = services.commission_statement_generate(actor=county_admin, station=station, month=last_month_paid)
    client.force_login(county_admin)
    response = client.get(reverse("agency:statement-csv", args=[statement.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    line = next(row for row in rows if row and row[0] == product.name)
    assert line[1] == "2" and line[-1] == f"{statement.net_fen // 100}.{statement.net_fen % 100:02d}"
    month_csv = client.get(reverse("agency:statement-month-csv") + f"?month={last_month_paid:%Y-%m}")
    assert station.code in month_csv.content.decode("utf-8-sig")
    pdf = client.get(reverse("agency:statement-pdf", args=[statement.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The counter's copies of the files are the station's operators' only.
    for name in ("agency:counter-statement-csv", "agency:counter-statement-pdf"):
        assert client.get(reverse(name, args=[statement.pk])).status_code == 403


def test_an_admin_of_another_township_cannot_open_the_statement(client, county_admin, tree, station,
                                                                 last_month_paid):
    statement = services.commission_statement_generate(actor=county_admin, station=station, month=last_month_paid)
    stranger = UserFactory(roles=["township_admin"])
    StaffAssignmentFactory(user=stranger, role="township_admin", region=tree["townships"][1])
    client.force_login(stranger)
    assert client.get(reverse("agency:county-statement-detail", args=[statement.pk])).status_code == 404
    assert client.get(reverse("agency:statement-pdf", args=[statement.pk])).status_code == 404
    assert not client.get(reverse("agency:county-statements")).context["statements"]


def _queries(client, name) -> int:
    """The page's queries on the till's and the stations' tables (the site chrome's own caching varies)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).status_code == 200
    return sum('"agency_' in q["sql"] or '"stations_' in q["sql"] for q in queries)


def test_the_back_office_lists_cost_the_same_queries_however_many_stations(client, county_admin, tree):
    def add_station(village):
        station = StationFactory(village=village)
        operator = operator_of(station)
        top_up(operator, station)
        close_with_variance(operator, station)

    client.force_login(county_admin)
    add_station(tree["villages"][0])
    few = {name: _queries(client, name) for name in ("agency:county-floats", "agency:county-closes")}
    for village in tree["villages"][1:]:
        add_station(village)
    many = {name: _queries(client, name) for name in ("agency:county-floats", "agency:county-closes")}
    assert many == few


def test_the_wallet_list_can_show_only_the_low_floats(client, operator, station, other_station, county_admin):
    for place, amount in ((station, 300_000), (other_station, 10_000)):  # 3,000 and 100 yuan; warning below 500
        request = top_up(operator if place == station else operator_of(place), place, amount_fen=amount)
        services.float_top_up_approve(actor=county_admin, top_up=request)
    client.force_login(county_admin)
    page = client.get(reverse("agency:county-floats"))
    assert len(page.context["wallets"]) == 2 and page.context["low_count"] == 1
    low = client.get(reverse("agency:county-floats"), {"low": "1"})
    assert [w.station for w in low.context["wallets"]] == [other_station]


def test_the_closes_list_shows_waiting_variances_unless_asked_for_every_close(client, operator, station,
                                                                              other_station, county_admin):
    waiting = close_with_variance(operator, station)
    balanced = services.daily_cash_close_submit(actor=operator_of(other_station), station=other_station,
                                                counted_fen=0, idempotency_key=key())
    client.force_login(county_admin)
    assert list(client.get(reverse("agency:county-closes")).context["closes"]) == [waiting]
    assert list(client.get(reverse("agency:county-closes"), {"page": "1"}).context["closes"]) == [waiting]
    every = client.get(reverse("agency:county-closes"), {"status": ""}).context["closes"]
    assert set(every) == {waiting, balanced}


def test_a_status_not_offered_is_reported_in_chinese_and_every_close_is_listed(client, operator, station,
                                                                               county_admin):
    sent_back = services.daily_cash_close_reject(actor=county_admin, close=close_with_variance(operator, station),
                                                 note="请重新清点")
    client.force_login(county_admin)
    assert not client.get(reverse("agency:county-closes")).context["closes"]  # none waits for a decision
    assert not client.get(reverse("agency:county-closes"), {"status": "balanced"}).context["closes"]
    response = client.get(reverse("agency:county-closes"), {"status": "lost"})
    assert response.status_code == 200
    assert "不在可用的选项中" in response.context["filter_form"].errors["status"][0]
    assert list(response.context["closes"]) == [sent_back]
    floats = client.get(reverse("agency:county-floats"), {"status": "lost"})
    assert floats.status_code == 200 and floats.context["filter_form"].errors["status"]


def test_statements_filter_by_an_ended_month_and_a_month_not_offered_is_reported_in_chinese(
        client, county_admin, station, last_month_paid):
    statement = services.commission_statement_generate(actor=county_admin, station=station, month=last_month_paid)
    client.force_login(county_admin)
    page = client.get(reverse("agency:county-statements"), {"month": f"{last_month_paid:%Y-%m}"})
    assert list(page.context["statements"]) == [statement] and page.context["export_month"] == last_month_paid
    other = f"{last_month_paid.replace(year=last_month_paid.year - 1):%Y-%m}"
    assert not client.get(reverse("agency:county-statements"), {"month": other}).context["statements"]
    stale = client.get(reverse("agency:county-statements"), {"month": "1999-01", "status": "generated"})
    assert stale.status_code == 200
    assert "不在可用的选项中" in stale.context["filter_form"].errors["month"][0]
    assert list(stale.context["statements"]) == [statement] and stale.context["export_month"] is None
    month_csv = client.get(reverse("agency:statement-month-csv"), {"month": "1999-01"})
    assert month_csv.status_code == 200 and "commission-statements-all.csv" in month_csv["Content-Disposition"]
