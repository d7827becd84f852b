"""Opening a county and giving an admin post, sent twice at the same moment (PostgreSQL: row locks, unique
codes and login names): one county, one account, one post, and both submits are answered."""


import pytest

from accounts.models import User
from stations.models import Region, StaffAssignment
from stations.services_admins import CountyOpening, admin_post_give, county_open
from tests.concurrency import run_together
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OPENING = {"county_code": "130225", "county_name": "乐亭县", "city_name": "唐山市", "username": "laoting-admin",
           "full_name": "张县长", "phone": "13812345601", "password": "Leting-2026-pass"}


def test_a_county_opened_twice_at_once_is_opened_once():
    root = User.objects.create_superuser(username="root", email="root@example.cn", password="Root-pass-2026")
    first, second = run_together(lambda: county_open(actor=root, **OPENING), lambda: county_open(actor=root, **OPENING),
                                 atomic=True)
    assert isinstance(first, CountyOpening) and isinstance(second, CountyOpening), (first, second)
    assert sorted([first.repeated, second.repeated]) == [False, True]
    assert Region.objects.count() == 2 and User.objects.filter(username="laoting-admin").count() == 1
    assert StaffAssignment.objects.count() == 1


def test_an_existing_account_made_admin_twice_at_once_gets_one_post():
    root = User.objects.create_superuser(username="root", email="root@example.cn", password="Root-pass-2026")
    opened = county_open(actor=root, **OPENING)
    officer = UserFactory(phone="13812345602")
    results = run_together(*[lambda: admin_post_give(region=opened.county, role="county_admin", actor=root,
                                                     account=officer)] * 2, atomic=True)
    assert sum(isinstance(result, tuple) for result in results) == 1, results
    assert StaffAssignment.objects.filter(user=officer).count() == 1
