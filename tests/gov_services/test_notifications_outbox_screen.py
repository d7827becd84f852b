"""/county/sms/: township and county admins see the text messages about their region, filter them and
send failed ones again; a superuser sees every message; one-time codes show masked."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_events_for
from core.models import SmsOutboxMessage
from core.sms import sms_enqueue
from gov_services import notifications
from stations.models import Region
from tests.factories import StaffAssignmentFactory, UserFactory, county_tree

pytestmark = pytest.mark.django_db

LIST_URL = "/county/sms/"
Status = SmsOutboxMessage.Status


@pytest.fixture(autouse=True)
def _county(tree):
    """The messages below are about the first village of the test county unless told otherwise."""


def message(**fields) -> SmsOutboxMessage:
    first_village = Region.objects.filter(level="village").order_by("path").values_list("path", flat=True).first()
    values = {"phone": "13812345678", "text": "您的事项已提交", "purpose": notifications.SUBMITTED,
              "reference": "7KQ4M2XBY", "status": Status.SENT, "attempts": 1, "region_path": first_village}
    values.update(fields)
    return SmsOutboxMessage.objects.create(**values)


@pytest.fixture
def failed():
    return message(status=Status.FAILED, attempts=7, phone="13900000000", reference="FAILEDREF",
                   last_error="SmsTransientError: gateway code isp.SYSTEM_ERROR (HTTP 200)")


def test_the_url_is_the_county_sms_path():
    assert reverse("gov_services:sms-outbox-list") == LIST_URL


def test_a_county_admin_sees_messages_with_failed_ones_highlighted(client, county_admin, failed):
    message(reference="SENTREF")
    client.force_login(county_admin)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "SENTREF" in page and "FAILEDREF" in page
    assert 'class="cz-row--overdue"' in page
    assert page.count('class="cz-row--overdue"') == 1
    assert "isp.SYSTEM_ERROR" in page
    assert reverse("gov_services:sms-outbox-retry", args=[failed.pk]) in page


@pytest.mark.parametrize("who", ["operator", "officer", "resident"])
def test_others_may_not_see_the_outbox(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST_URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_filters_by_status_purpose_and_number(client, county_admin, failed):
    message(reference="CARDREF", purpose=notifications.CARD_RED, phone="13700000001")
    client.force_login(county_admin)
    by_status = client.get(LIST_URL, {"status": "failed"}).content.decode()
    assert "FAILEDREF" in by_status and "CARDREF" not in by_status
    by_purpose = client.get(LIST_URL, {"purpose": notifications.CARD_RED}).content.decode()
    assert "CARDREF" in by_purpose and "FAILEDREF" not in by_purpose
    by_number = client.get(LIST_URL, {"q": "1370000"}).content.decode()
    assert "CARDREF" in by_number and "FAILEDREF" not in by_number


def test_filters_by_date(client, county_admin):
    old = message(reference="OLDREF")
    SmsOutboxMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=10))
    message(reference="NEWREF")
    client.force_login(county_admin)
    today = timezone.localdate().isoformat()
    page = client.get(LIST_URL, {"date_from": today}).content.decode()
    assert "NEWREF" in page and "OLDREF" not in page


def test_an_impossible_date_range_is_reported_beside_the_field(client, county_admin):
    client.force_login(county_admin)
    response = client.get(LIST_URL, {"date_from": "2025-03-10", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]


def test_a_status_that_is_not_offered_is_reported_in_chinese_and_the_other_filters_still_apply(
        client, county_admin, failed):
    message(reference="CARDREF", purpose=notifications.CARD_RED, phone="13700000001")
    client.force_login(county_admin)
    response = client.get(LIST_URL, {"status": "lost", "q": "1370000"})
    assert response.status_code == 200
    assert "不在可用的选项中" in response.context["form"].errors["status"][0]
    assert [m.reference for m in response.context["sms_messages"]] == ["CARDREF"]
    assert 'value="1370000"' in response.content.decode()


def test_the_list_is_a_fixed_number_of_queries(client, county_admin, django_assert_max_num_queries):
    for n in range(30):
        message(reference=f"REF{n}")
    client.force_login(county_admin)
    client.get(LIST_URL)  # warm the session and the user's groups
    with django_assert_max_num_queries(12):
        client.get(LIST_URL)


def test_a_county_admin_sends_a_failed_message_again_and_it_is_audited(
        client, county_admin, failed, django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    back = f"{LIST_URL}?status=failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("gov_services:sms-outbox-retry", args=[failed.pk]), {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert failed.attempts == 8
    event = audit_events_for(failed).get()
    assert (event.action, event.actor) == ("sms.retry", county_admin)


def test_sending_again_a_message_that_was_sent_changes_nothing(client, county_admin):
    sent = message()
    client.force_login(county_admin)
    response = client.post(reverse("gov_services:sms-outbox-retry", args=[sent.pk]), follow=True)
    (shown,) = list(response.context["messages"])
    assert shown.level_tag == "error"
    assert not audit_events_for(sent).exists()


def test_the_retry_refuses_an_outside_redirect(client, county_admin, failed):
    client.force_login(county_admin)
    response = client.post(reverse("gov_services:sms-outbox-retry", args=[failed.pk]),
                           {"next": "https://evil.example/"})
    assert response["Location"] == LIST_URL


def test_an_operator_may_not_send_a_message_again(client, operator, failed):
    client.force_login(operator)
    response = client.post(reverse("gov_services:sms-outbox-retry", args=[failed.pk]))
    assert response.status_code == 403
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_a_missing_message_is_not_found(client, county_admin):
    client.force_login(county_admin)
    assert client.post(reverse("gov_services:sms-outbox-retry", args=[999999])).status_code == 404


def test_the_county_home_links_to_the_outbox(client, county_admin):
    client.force_login(county_admin)
    assert LIST_URL in client.get(reverse("stations:county-home")).content.decode()


def test_the_township_home_links_to_it_too(client, township_admin):
    client.force_login(township_admin)
    assert LIST_URL in client.get(reverse("stations:county-home")).content.decode()


def test_access_helper_per_role(county_admin, township_admin, operator, superuser):
    assert notifications.can_manage_sms_outbox(user=county_admin)
    assert notifications.can_manage_sms_outbox(user=superuser)
    assert notifications.can_manage_sms_outbox(user=township_admin)
    assert not notifications.can_manage_sms_outbox(user=operator)


# --- Each admin sees their own region's messages ------------------------------------------------------

@pytest.fixture
def spread(tree):
    """One message about each township's first village, one about another county, one about no place."""
    other_county = county_tree()
    return {
        "town0": message(reference="TOWN0", region_path=tree["villages"][0].path),
        "town1": message(reference="TOWN1", region_path=tree["villages"][2].path),
        "elsewhere": message(reference="ELSEWHERE", region_path=other_county["villages"][0].path),
        "nowhere": message(reference="NOWHERE", region_path=""),
    }


def _listed(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    return {m.reference for m in response.context["sms_messages"]}


def test_each_admin_sees_only_the_messages_about_their_region(client, spread, township_admin, county_admin,
                                                              superuser):
    assert _listed(client, township_admin) == {"TOWN0"}
    assert _listed(client, county_admin) == {"TOWN0", "TOWN1"}
    assert _listed(client, superuser) == {"TOWN0", "TOWN1", "ELSEWHERE", "NOWHERE"}


def test_the_counts_and_the_purpose_filter_hold_only_the_admins_region(client, spread, township_admin):
    message(reference="CARD1", purpose=notifications.CARD_RED, region_path=spread["town1"].region_path)
    client.force_login(township_admin)
    response = client.get(LIST_URL)
    assert response.context["total"] == 1
    purposes = [value for value, _label in response.context["form"].fields["purpose"].choices if value]
    assert purposes == [notifications.SUBMITTED]


def test_an_admin_of_another_region_gets_404_on_a_retry_and_changes_nothing(client, tree, django_capture_on_commit_callbacks):
    failed = message(status=Status.FAILED, reference="FAILED0", region_path=tree["villages"][0].path)
    stranger = UserFactory(roles=["township_admin"])
    StaffAssignmentFactory(user=stranger, role="township_admin", region=tree["townships"][1])
    client.force_login(stranger)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("gov_services:sms-outbox-retry", args=[failed.pk]))
    assert response.status_code == 404
    failed.refresh_from_db()
    assert failed.status == Status.FAILED and not audit_events_for(failed).exists()


def test_a_request_message_is_stamped_with_the_requests_village(tree, department, station):
    from tests.factories import ServiceItemFactory, ServiceRequestFactory

    request = ServiceRequestFactory(item=ServiceItemFactory(department=department), station=station)
    notifications.notify_resident_of_completion(service_request=request)
    assert SmsOutboxMessage.objects.get(reference=request.tracking_code).region_path == station.village.path


def test_a_pick_up_code_shows_masked_on_the_screen(client, tree, county_admin):
    sms_enqueue(phone="13812345678", purpose="pickup_code", reference="P-9", region_path=tree["villages"][1].path,
                params={"ref": "P-9", "station": "服务站", "code": "482913", "hours": "8-18"}, secrets=["482913"])
    client.force_login(county_admin)
    page = client.get(LIST_URL).content.decode()
    assert "P-9" in page and "取货码******" in page and "482913" not in page


def test_the_outbox_costs_the_same_queries_for_3_or_30_messages(client, tree, township_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        client.force_login(township_admin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST_URL).status_code == 200
        return len(captured)

    for _ in range(3):
        message(region_path=tree["villages"][0].path)
    few = queries()
    for _ in range(27):
        message(region_path=tree["villages"][1].path)
    assert queries() == few
