import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, SmsOutboxMessage
from shop import services
from shop.models import Merchant, MerchantApplication
from shop.selectors import merchants as selectors
from tests.shop.factories import credit_code, licence_upload, merchant

pytestmark = pytest.mark.django_db


def _submit(tree, **overrides):
    fields = dict(idempotency_key=uuid.uuid4(), business_name="乐亭县惠农农资店", credit_code=credit_code(),
                  licence=licence_upload(), contact_name="王建国", contact_phone="13833300001",
                  address="乐亭镇建设路8号", categories=["agri_inputs"],
                  township_ids=[tree["townships"][0].pk], note="")
    fields.update(overrides)
    return services.merchant_application_submit(**fields)


def test_an_application_stores_the_licence_privately_and_is_audited(tree, private_files):
    application = _submit(tree)
    assert application.status == MerchantApplication.Status.SUBMITTED
    assert application.licence_content_type == "image/png"
    stored = private_files / application.licence.name
    assert stored.exists() and application.licence.name.endswith(".png")
    assert "licence" not in stored.name  # the applicant's file name never reaches the disk
    assert AuditEvent.objects.filter(action="merchant_application.submitted", target_id=str(application.pk)).exists()


def test_submitting_the_same_form_twice_files_one_application(tree, private_files):
    key = uuid.uuid4()
    first = _submit(tree, idempotency_key=key)
    second = _submit(tree, idempotency_key=key, licence=licence_upload())
    assert first.pk == second.pk
    assert MerchantApplication.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"credit_code": "91350100M000100Y44"}, "credit_code"),
    ({"contact_phone": "12345"}, "contact_phone"),
    ({"categories": []}, "categories"),
    ({"categories": ["weapons"]}, "categories"),
    ({"township_ids": []}, "townships"),
    ({"licence": None}, "licence"),
])
def test_a_bad_application_is_refused_field_by_field_and_nothing_is_saved(tree, private_files, overrides, field):
    with pytest.raises(ValidationError) as error:
        _submit(tree, **overrides)
    assert field in error.value.message_dict
    assert not MerchantApplication.objects.exists()
    assert not list(private_files.rglob("*.*"))


def test_a_renamed_executable_is_refused_as_a_licence_scan(tree, private_files):
    fake = licence_upload("licence.jpg", b"MZ\x90\x00 this is not an image")
    with pytest.raises(ValidationError) as error:
        _submit(tree, licence=fake)
    assert "按文件内容检查" in " ".join(error.value.message_dict["licence"])


def test_a_pdf_named_png_is_refused(tree, private_files):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationError):
        _submit(tree, licence=licence_upload("licence.png", pdf))


def test_a_second_application_for_a_code_awaiting_vetting_is_refused(tree, private_files):
    code = credit_code()
    _submit(tree, credit_code=code)
    with pytest.raises(ValidationError) as error:
        _submit(tree, credit_code=code)
    assert "credit_code" in error.value.message_dict


def test_approval_creates_partner_membership_and_a_phone_login_shown_once(tree, private_files, county_admin):
    application = _submit(tree)
    revet_on = timezone.localdate() + timedelta(days=200)
    merchant_, account, password = services.merchant_application_approve(
        user=county_admin, application_id=application.pk, revet_on=revet_on)
    application.refresh_from_db()
    assert application.status == "approved" and application.merchant == merchant_
    assert merchant_.partner.name == "乐亭县惠农农资店" and merchant_.revet_on == revet_on
    assert list(merchant_.townships.all()) == [tree["townships"][0]]
    assert account.phone == "13833300001" and account.check_password(password)
    assert account.has_perm("partner.dashboard_access")
    assert list(merchant_.partner.users.all()) == [account]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"merchant_application.approved", "merchant.admitted", "merchant.user_linked"} <= actions
    assert SmsOutboxMessage.objects.filter(phone="13833300001", purpose="merchant_approved").exists()


def test_an_application_is_decided_only_once(tree, private_files, county_admin):
    application = _submit(tree)
    services.merchant_application_reject(user=county_admin, application_id=application.pk, reason="执照已过期")
    with pytest.raises(ValidationError):
        services.merchant_application_approve(user=county_admin, application_id=application.pk)
    assert not Merchant.objects.exists()


def test_rejection_needs_a_reason_which_the_applicant_receives(tree, private_files, county_admin):
    application = _submit(tree)
    with pytest.raises(ValidationError):
        services.merchant_application_reject(user=county_admin, application_id=application.pk, reason="  ")
    services.merchant_application_reject(user=county_admin, application_id=application.pk, reason="执照已过期")
    sms = SmsOutboxMessage.objects.get(purpose="merchant_rejected")
    assert "执照已过期" in sms.text and application.reference in sms.text


def test_a_township_admin_may_look_but_not_vet(tree, private_files, township_admin):
    application = _submit(tree)
    assert selectors.access_merchant_application_by_id(user=township_admin, application_id=application.pk)
    with pytest.raises(PermissionDenied):
        services.merchant_application_approve(user=township_admin, application_id=application.pk)


def test_admins_see_only_applications_and_merchants_serving_their_region(tree, private_files, township_admin,
                                                                         county_admin, operator, resident):
    here = _submit(tree, township_ids=[tree["townships"][0].pk])
    elsewhere = _submit(tree, township_ids=[tree["townships"][1].pk])
    assert set(selectors.merchant_application_list(user=county_admin)) == {here, elsewhere}
    assert list(selectors.merchant_application_list(user=township_admin)) == [here]
    for outsider in (operator, resident):
        assert not selectors.merchant_application_list(user=outsider).exists()
    with pytest.raises(Http404):
        selectors.access_merchant_application_by_id(user=township_admin, application_id=elsewhere.pk)
    far = merchant(townships=[tree["townships"][1]])
    with pytest.raises(Http404):
        selectors.access_merchant_by_id(user=township_admin, merchant_id=far.pk)


def test_suspend_and_reinstate_need_a_reason_and_are_recorded(tree, county_admin):
    member = merchant(townships=[tree["townships"][0]])
    with pytest.raises(ValidationError):
        services.merchant_suspend(user=county_admin, merchant_id=member.pk, reason="")
    services.merchant_suspend(user=county_admin, merchant_id=member.pk, reason="抽检不合格")
    assert selectors.suspended_partner_ids() == {member.partner_id}
    with pytest.raises(ValidationError):
        services.merchant_suspend(user=county_admin, merchant_id=member.pk, reason="again")
    services.merchant_reinstate(user=county_admin, merchant_id=member.pk, reason="整改完成")
    member.refresh_from_db()
    assert member.status == "active" and member.status_reason == "整改完成"
    events = AuditEvent.objects.filter(target_id=str(member.pk), action__in=["merchant.suspended",
                                                                             "merchant.reinstated"])
    assert [(e.action, e.data["reason"]) for e in events.order_by("at", "pk")] == [
        ("merchant.suspended", "抽检不合格"), ("merchant.reinstated", "整改完成")]


def test_revetting_moves_the_due_date_forward_only(tree, county_admin):
    member = merchant(townships=[tree["townships"][0]])
    with pytest.raises(ValidationError):
        services.merchant_revet(user=county_admin, merchant_id=member.pk, revet_on=timezone.localdate(), note="查验")
    later = timezone.localdate() + timedelta(days=400)
    services.merchant_revet(user=county_admin, merchant_id=member.pk, revet_on=later, note="现场查验执照")
    member.refresh_from_db()
    assert member.revet_on == later
    assert AuditEvent.objects.get(action="merchant.revetted").data["note"] == "现场查验执照"


def test_merchants_due_for_revetting_are_listed_as_such(tree, county_admin):
    soon = merchant(townships=[tree["townships"][0]])
    soon.revet_on = timezone.localdate() + timedelta(days=10)
    soon.save()
    merchant(townships=[tree["townships"][0]])
    assert list(selectors.merchant_list(user=county_admin, revet_due=True)) == [soon]


# --- screens ------------------------------------------------------------------------------------

def _form(tree, **overrides):
    data = {"idempotency_key": str(uuid.uuid4()), "business_name": "乐亭县鲜果超市", "credit_code": credit_code(),
            "contact_name": "李娜", "contact_phone": "13833300002", "address": "胡家坨镇中街1号",
            "categories": ["produce", "groceries"], "townships": [tree["townships"][0].pk],
            "note": "", "licence": licence_upload()}
    data.update(overrides)
    return data


def test_the_public_form_files_an_application_and_shows_its_reference(client, tree, private_files):
    response = client.post(reverse("shop:merchant-apply"), _form(tree))
    application = MerchantApplication.objects.get()
    assert response.status_code == 302
    assert client.get(response.url).content.decode().count(application.reference) >= 1


def test_the_public_form_shows_the_check_character_error_and_saves_nothing(client, tree, private_files):
    response = client.post(reverse("shop:merchant-apply"), _form(tree, credit_code="91350100M000100Y44"))
    assert response.status_code == 422
    assert "营业执照" in response.content.decode() or "licence" in response.content.decode()
    assert not MerchantApplication.objects.exists()


def test_county_admin_vets_on_screen_and_sees_the_password_once(client, tree, private_files, county_admin):
    application = _submit(tree)
    client.force_login(county_admin)
    assert client.get(reverse("shop:county-merchant-list")).status_code == 200
    detail = client.get(reverse("shop:county-application-detail", args=[application.pk]))
    assert application.business_name in detail.content.decode()
    licence = client.get(reverse("shop:county-application-licence", args=[application.pk]))
    assert licence.status_code == 200 and licence["Content-Type"] == "image/png"
    response = client.post(reverse("shop:county-application-approve", args=[application.pk]),
                           {"revet_on": (timezone.localdate() + timedelta(days=300)).isoformat()})
    assert response.status_code == 200
    assert b"data-initial-password" in response.content
    merchant_ = Merchant.objects.get()
    again = client.get(reverse("shop:county-merchant-detail", args=[merchant_.pk]))
    assert b"data-initial-password" not in again.content


def test_the_licence_scan_is_not_served_to_operators_or_residents(client, tree, private_files, operator, resident):
    application = _submit(tree)
    url = reverse("shop:county-application-licence", args=[application.pk])
    assert client.get(url).status_code == 302  # to sign-in
    for user in (operator, resident):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_county_admin_suspends_a_merchant_on_screen(client, tree, county_admin):
    member = merchant(townships=[tree["townships"][0]])
    client.force_login(county_admin)
    empty = client.post(reverse("shop:county-merchant-suspend", args=[member.pk]), {"reason": ""})
    assert empty.status_code == 422
    response = client.post(reverse("shop:county-merchant-suspend", args=[member.pk]), {"reason": "价格欺诈投诉"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "suspended"


def test_the_back_office_links_to_the_member_merchants(client, county_admin):
    client.force_login(county_admin)
    assert reverse("shop:county-merchant-list") in client.get(reverse("stations:county-home")).content.decode()


def test_operators_and_residents_cannot_open_the_vetting_desk(client, operator, resident):
    for user in (operator, resident):
        client.force_login(user)
        assert client.get(reverse("shop:county-merchant-list")).status_code == 403


def test_another_countys_admin_gets_404_on_an_application_and_a_merchant_and_changes_nothing(
        client, tree, private_files, county_admin):
    from tests.factories import StaffAssignmentFactory, UserFactory, county_tree

    application = _submit(tree)
    member = merchant(townships=[tree["townships"][0]])
    stranger = UserFactory(roles=["county_admin"])
    StaffAssignmentFactory(user=stranger, role="county_admin", region=county_tree()["county"])
    client.force_login(stranger)
    for name, pk, data in (("shop:county-application-detail", application.pk, None),
                           ("shop:county-application-approve", application.pk, {"revet_on": "2099-01-01"}),
                           ("shop:county-application-reject", application.pk, {"reason": "越权"}),
                           ("shop:county-merchant-detail", member.pk, None),
                           ("shop:county-merchant-suspend", member.pk, {"reason": "越权"})):
        response = client.post(reverse(name, args=[pk]), data) if data else client.get(reverse(name, args=[pk]))
        assert response.status_code == 404, name
    application.refresh_from_db()
    member.refresh_from_db()
    assert application.status == MerchantApplication.Status.SUBMITTED and member.status == "active"
    with pytest.raises(PermissionDenied):  # the services refuse too, saying why
        services.merchant_suspend(user=stranger, merchant_id=member.pk, reason="越权")


def test_a_township_admin_sees_the_application_page_without_the_vetting_forms_and_is_refused_a_decision(client, tree, private_files, township_admin):
    application = _submit(tree)
    client.force_login(township_admin)
    page = client.get(reverse("shop:county-application-detail", args=[application.pk]))
    assert page.status_code == 200 and page.context["approve_form"] is None
    response = client.post(reverse("shop:county-application-reject", args=[application.pk]), {"reason": "不行"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == MerchantApplication.Status.SUBMITTED
