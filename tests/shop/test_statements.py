from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.timeutil import last_full_month
from shop.models import MerchantStatement, OrderPart
from shop.services import orders as order_services
from shop.services.statements import (
    merchant_statement_approve,
    merchant_statement_generate,
    merchant_statements_generate_month,
)
from tests.clock import clock_at
from tests.shop import factories

pytestmark = pytest.mark.django_db
Status = OrderPart.Status


def _last_month() -> date:
    return last_full_month()


def _handed_over(merchant, merchant_user, operator, station, price="80.00"):
    item = factories.product(merchant.partner, title="暖水瓶", price=price)
    part = factories.order((item, 1), station=station).parts.get()
    part = factories.part_ready(part, merchant_user=merchant_user, operator=operator)
    return order_services.order_part_hand_over(user=operator, part_id=part.pk, code=part.pickup_code)


def _last_month_moment():
    return timezone.now().replace(day=1) - timedelta(days=3)


def test_a_statement_counts_last_months_handed_over_sales_less_refunds_and_commission(
        merchant_a, merchant_a_user, operator, station, county_admin):
    operator.staff_assignments.update(started_on=_last_month())  # at the counter since last month
    with clock_at(_last_month_moment()):
        sold = _handed_over(merchant_a, merchant_a_user, operator, station, "80.00")
        refunded = _handed_over(merchant_a, merchant_a_user, operator, station, "20.00")
        order_services.order_part_move(user=operator, part_id=refunded.pk, to_status="returned", note="破损")
        order_services.order_part_move(user=merchant_a_user, part_id=refunded.pk, to_status="refunded")
    OrderPart.objects.filter(pk=sold.pk).update(commission_fen=240)
    statement = merchant_statement_generate(actor=None, merchant=merchant_a, month=_last_month())
    assert (statement.parts_count, statement.sales_fen, statement.refunds_fen, statement.commission_fen,
            statement.net_fen) == (2, 10000, 2000, 240, 7760)


def test_statements_are_made_once_and_only_for_ended_months(merchant_a, merchant_b):
    first = merchant_statements_generate_month(actor=None, month=_last_month())
    again = merchant_statements_generate_month(actor=None, month=_last_month())
    assert [s.pk for s in first] == [s.pk for s in again] and len(first) == 2
    with pytest.raises(ValidationError):
        merchant_statement_generate(actor=None, merchant=merchant_a, month=timezone.localdate())


def test_the_generator_cannot_approve_their_own_statement(merchant_a, county_admin, superuser):
    statement = merchant_statement_generate(actor=county_admin, merchant=merchant_a, month=_last_month())
    with pytest.raises(ValidationError):
        merchant_statement_approve(actor=county_admin, statement_id=statement.pk)
    approved = merchant_statement_approve(actor=superuser, statement_id=statement.pk)
    assert approved.status == "approved"
    with pytest.raises(ValidationError):
        merchant_statement_approve(actor=superuser, statement_id=statement.pk)


def test_the_database_refuses_a_statement_that_does_not_add_up(merchant_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        MerchantStatement.objects.create(merchant=merchant_a, month=date(2025, 1, 1), sales_fen=100, net_fen=99)


def test_county_generates_and_a_merchant_reads_only_their_own_statements(
        client, county_admin, merchant_a, merchant_b, merchant_a_user):
    client.force_login(county_admin)
    url = reverse("shop:county-merchant-statements")
    client.post(url, {"month": _last_month().strftime("%Y-%m")})
    assert MerchantStatement.objects.count() == 2
    assert merchant_b.partner.name in client.get(url, {"month": _last_month().strftime("%Y-%m")}).content.decode()
    client.force_login(merchant_a_user)
    page = client.get(reverse("shop:merchant-statements")).content.decode()
    assert merchant_a.partner.name in page and merchant_b.partner.name not in page


def test_the_monthly_task_generates_last_months_statements(merchant_a):
    from shop.tasks import generate_merchant_statements

    assert generate_merchant_statements() == 1
    assert MerchantStatement.objects.get().month == _last_month()
    assert generate_merchant_statements(_last_month().strftime("%Y-%m")) == 1
    assert MerchantStatement.objects.count() == 1


@pytest.mark.parametrize("who", ["resident", "county_admin", "superuser"])
def test_the_merchant_statements_page_is_for_merchants_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("shop:merchant-statements")).status_code == 403


def test_a_township_admin_reads_statements_but_only_the_county_generates_them(client, township_admin, merchant_a):
    client.force_login(township_admin)
    url = reverse("shop:county-merchant-statements")
    assert client.get(url).status_code == 200
    assert client.post(url, {"month": _last_month().strftime("%Y-%m")}).status_code == 403
    assert not MerchantStatement.objects.exists()


def test_another_regions_statement_is_refused_as_one_that_does_not_exist(client, county_admin, superuser):
    elsewhere = factories.merchant(name="外县商户")  # serves no township of the county admin's
    statement = merchant_statement_generate(actor=superuser, merchant=elsewhere, month=_last_month())
    client.force_login(county_admin)
    url = reverse("shop:county-merchant-statements")
    answers = []
    for statement_id in (statement.pk, 987654321):
        response = client.post(url, {"approve": statement_id}, follow=True)
        answers.append((response.redirect_chain, [(m.level_tag, str(m)) for m in response.context["messages"]]))
    assert answers[0] == answers[1] and answers[0][1][0][0] == "error"
    statement.refresh_from_db()
    assert statement.status == MerchantStatement.Status.GENERATED

