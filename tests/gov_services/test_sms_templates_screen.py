"""The county admin's SMS template screen (/county/sms/templates/) and the outbox showing purpose and template."""

import pytest
from django.urls import reverse

from core.models import AuditEvent, SmsOutboxMessage, SmsTemplate
from core.sms import sms_enqueue
from tests.factories import county_tree

pytestmark = pytest.mark.django_db

FORM = {"template_code": "SMS_465800007", "sign_name": "乐亭村站", "content": "订单${ref}已到${station}，取件码${code}",
        "param_names": "ref，station, code", "approved": "on"}


def _edit(county, purpose="pickup_code"):
    return reverse("gov_services:sms-template-edit", args=[county.pk, purpose])


def test_a_county_admin_sees_every_purpose_of_their_county_with_its_wording(client, county_admin, tree):
    client.force_login(county_admin)
    page = client.get(reverse("gov_services:sms-template-list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert tree["county"].name in text and "取货码" in text and "${code}" in text
    assert "phone_code" not in text  # the verification codes are platform-wide: the superuser's


def test_a_county_admin_records_their_countys_approved_template_and_it_is_audited(client, county_admin, tree):
    client.force_login(county_admin)
    assert client.get(_edit(tree["county"])).status_code == 200
    response = client.post(_edit(tree["county"]), FORM)
    assert response.status_code == 302 and response["Location"] == reverse("gov_services:sms-template-list")
    template = SmsTemplate.objects.get()
    assert (template.region_path, template.purpose, template.template_code, template.param_names) == (
        tree["county"].path, "pickup_code", "SMS_465800007", ["ref", "station", "code"])
    event = AuditEvent.objects.get(action="sms_template.save")
    assert event.actor == county_admin and event.data["after"]["sign_name"] == "乐亭村站"
    assert "SMS_465800007" in client.get(reverse("gov_services:sms-template-list")).content.decode()


def test_a_template_that_does_not_fit_is_shown_beside_its_field_and_nothing_is_saved(client, county_admin, tree):
    client.force_login(county_admin)
    response = client.post(_edit(tree["county"]), {**FORM, "param_names": "ref, phone"})
    assert response.status_code == 200 and not SmsTemplate.objects.exists()
    assert "变量只能从以下各项中选择" in response.content.decode()


def test_another_countys_templates_and_unknown_purposes_are_not_found(client, county_admin, tree):
    other = county_tree(townships=1, villages_per_township=1)
    client.force_login(county_admin)
    assert client.get(_edit(other["county"])).status_code == 404
    assert client.post(_edit(other["county"]), FORM).status_code == 404
    assert client.get(_edit(tree["county"], "free_text")).status_code == 404
    assert client.get(reverse("gov_services:sms-template-edit", args=[0, "phone_code"])).status_code == 403
    assert not SmsTemplate.objects.exists()


def test_a_township_admin_may_not_set_up_templates(client, township_admin, tree):
    client.force_login(township_admin)
    assert client.get(reverse("gov_services:sms-template-list")).status_code == 403
    assert client.post(_edit(tree["county"]), FORM).status_code == 403


def test_the_superuser_sets_up_the_platform_wide_verification_code_template(admin_client):
    url = reverse("gov_services:sms-template-edit", args=[0, "phone_code"])
    response = admin_client.post(url, {"template_code": "SMS_465800001", "sign_name": "村站",
                                       "param_names": "code", "approved": "on"})
    assert response.status_code == 302
    assert SmsTemplate.objects.get().region_path == ""


def test_the_outbox_shows_the_purpose_the_template_and_the_delivery(client, county_admin, tree,
                                                                    django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    client.post(_edit(tree["county"]), FORM)
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="pickup_code", reference="P-7", region_path=tree["villages"][0].path,
                    params={"ref": "P-7", "station": "李家村服务站", "code": "482913", "hours": "8-18"},
                    secrets=["482913"])
    SmsOutboxMessage.objects.update(delivery="delivered")
    text = client.get(reverse("gov_services:sms-outbox-list")).content.decode()
    assert "取货码（商城）" in text
    assert "SMS_465800007" in text and "乐亭村站" in text and "取件码******" in text and "482913" not in text
    assert "已送达" in text


def test_the_superuser_sees_the_platform_wide_purposes_with_their_variables(admin_client):
    page = admin_client.get(reverse("gov_services:sms-template-list")).content.decode()
    assert "phone_code" in page and "${code}" in page and "${minutes}" in page
