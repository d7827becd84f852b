"""One active account per mobile number: sign-in by number is never ambiguous, and a number typed into
a merchant's application never hands a shop to somebody else's staff account."""

import importlib
import uuid
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import applicant_user_get_or_create
from core.models import AuditEvent
from shop import services as shop_services
from shop.models import Merchant
from tests.factories import UserFactory
from tests.shop.factories import credit_code, licence_upload

PHONE = "13935008888"
PASSWORD = "pass-1234-word"


@pytest.mark.django_db
def test_two_active_accounts_cannot_share_a_number_but_disabled_and_blank_ones_can():
    UserFactory(phone=PHONE)
    UserFactory(phone=PHONE, is_active=False)
    UserFactory(phone="")
    UserFactory(phone="")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(phone=PHONE)


@pytest.mark.django_db
def test_a_form_that_gives_an_account_a_taken_number_gets_a_clear_error():
    UserFactory(phone=PHONE)
    other = UserFactory()
    other.phone = PHONE
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "手机号" in str(error.value)


@pytest.mark.django_db
def test_a_number_that_is_someones_username_signs_in_that_account_only(client):
    resident = UserFactory(username=PHONE)
    other = UserFactory(phone=PHONE)  # an older staff record with the same number
    other.set_password("other-pass-987")
    other.save()
    assert client.post("/login/", {"username": PHONE, "password": "other-pass-987"}).status_code == 200
    assert SESSION_KEY not in client.session
    assert client.post("/login/", {"username": PHONE, "password": PASSWORD}).status_code == 302
    assert client.session[SESSION_KEY] == str(resident.pk)


@pytest.mark.django_db
def test_a_disabled_account_is_not_found_by_its_number(client):
    UserFactory(phone=PHONE, is_active=False)
    active = UserFactory(phone="")
    active.phone = PHONE
    active.save()
    client.post("/login/", {"username": PHONE, "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(active.pk)


# --- Merchant approval ------------------------------------------------------------------------------------

def _apply(tree, phone):
    return shop_services.merchant_application_submit(
        idempotency_key=uuid.uuid4(), business_name="乐亭县惠农农资店", credit_code=credit_code(),
        licence=licence_upload(), contact_name="王建国", contact_phone=phone, address="乐亭镇建设路8号",
        categories=["agri_inputs"], township_ids=[tree["townships"][0].pk], note="")


def _approve(admin, application):
    return shop_services.merchant_application_approve(
        user=admin, application_id=application.pk, revet_on=timezone.localdate() + timedelta(days=200))


@pytest.mark.django_db
def test_an_applicant_who_types_an_officers_number_does_not_get_the_officers_account(
        tree, private_files, county_admin):
    """Before: approval turned the officer's account into the merchant's."""
    officer = UserFactory(phone=PHONE, roles=[Role.OFFICER])
    application = _apply(tree, PHONE)
    with pytest.raises(ValidationError) as error:
        _approve(county_admin, application)
    assert "工作人员" in " ".join(error.value.messages)
    officer.refresh_from_db()
    assert officer.roles == {Role.OFFICER} and not officer.partners.exists()
    assert not Merchant.objects.exists()


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
@pytest.mark.django_db
def test_no_staff_or_superuser_account_is_ever_upgraded(flags):
    UserFactory(phone=PHONE, **flags)
    with pytest.raises(ValidationError):
        applicant_user_get_or_create(full_name="王建国", phone=PHONE, actor=None)


@pytest.mark.django_db
def test_a_residents_own_account_becomes_their_shops_and_keeps_its_password(tree, private_files, county_admin):
    resident = UserFactory(username=PHONE, phone=PHONE, roles=[Role.RESIDENT])
    member, account, password = _approve(county_admin, _apply(tree, PHONE))
    assert account == resident and password is None
    assert account.roles == {Role.RESIDENT, Role.MERCHANT}
    assert list(member.partner.users.all()) == [resident]


# --- The migration that resolves existing duplicates ------------------------------------------------------

@pytest.mark.django_db
def test_the_migration_keeps_each_number_on_one_account_and_records_the_others(capsys):
    """Run on the database as it was before the index (dropped inside the test's transaction, which
    gives it back at the end, on SQLite as on PostgreSQL)."""
    migration = importlib.import_module("accounts.migrations.0003_user_active_phone_unique")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX accounts_user_active_phone_unique")
    now = timezone.now()
    by_name = UserFactory(username="13900000001", phone="13900000001")
    recent = UserFactory(username="recent", phone="13900000001", last_login=now)
    older = UserFactory(username="older", phone="13900000002", last_login=now - timedelta(days=3))
    newer = UserFactory(username="newer", phone="13900000002", last_login=now)
    never = UserFactory(username="never", phone="13900000002")
    disabled = UserFactory(username="disabled", phone="13900000002", is_active=False)
    alone = UserFactory(username="alone", phone="13900000003")

    migration.resolve_duplicate_phones(django_apps, None)

    phones = dict(User.objects.values_list("username", "phone"))
    assert phones[by_name.username] == "13900000001" and phones[recent.username] == ""
    assert phones[newer.username] == "13900000002"
    assert phones[older.username] == phones[never.username] == ""
    assert phones[disabled.username] == "13900000002" and phones[alone.username] == "13900000003"
    assert not (User.objects.filter(is_active=True).exclude(phone="").values("phone")
                .annotate(n=Count("pk")).filter(n__gt=1).exists())
    cleared = AuditEvent.objects.filter(action="user.phone_cleared")
    assert sorted(cleared.values_list("target_id", flat=True)) == sorted(str(u.pk) for u in (recent, older, never))
    assert {e.data["kept_by"] for e in cleared} == {"13900000001", "newer"}
    printed = capsys.readouterr().out
    assert "'older'" in printed and "139****0002" in printed and "13900000002" not in printed
