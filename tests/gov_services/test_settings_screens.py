"""The county settings screens: appeal routing rules at /county/routing/ and the holiday calendar at /county/calendar/."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from gov_services.models import CalendarDay, RoutingRule
from gov_services.selectors.calendar import work_calendar
from gov_services.services.routing import routing_rule_create
from tests.factories import DepartmentFactory, RoutingRuleFactory, region

pytestmark = pytest.mark.django_db

# Far enough ahead that the seeded national calendar has nothing on these days.
A_WEDNESDAY = datetime.date(2040, 3, 7)
A_SATURDAY = datetime.date(2040, 3, 10)


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


@pytest.fixture
def rule(tree, department, dispatch_desk):
    return RoutingRuleFactory(county=tree["county"], department=department, category="help", keyword="路灯")


def test_week_days_used_by_the_tests_are_what_they_claim():
    assert A_WEDNESDAY.weekday() == 2 and A_SATURDAY.weekday() == 5


@pytest.mark.parametrize(("who", "status"), [
    ("county_admin", 200), ("superuser", 200), ("township_admin", 200), ("operator", 403), ("officer", 403),
    ("resident", 403),
])
@pytest.mark.parametrize("page", ["routing-rule-list", "calendar-day-list"])
def test_settings_lists_are_open_to_admins_and_closed_to_everyone_else(client, request, rule, who, status, page):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(page)).status_code == status


@pytest.mark.parametrize("who", ["township_admin", "operator", "officer"])
def test_only_county_admins_and_superusers_may_change_the_settings(client, request, rule, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("routing-rule-create")).status_code == 403
    assert client.post(url("routing-rule-delete", rule.pk)).status_code == 403
    assert client.post(url("calendar-day-create"), {"date": A_WEDNESDAY, "kind": "holiday",
                                                    "name": "测试"}).status_code == 403
    assert RoutingRule.objects.filter(pk=rule.pk).exists()
    assert not CalendarDay.objects.filter(date=A_WEDNESDAY).exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(url("routing-rule-list"))
    assert response.status_code == 302


def test_the_rule_list_shows_the_rules_and_names_the_dispatch_desk(client, county_admin, rule, dispatch_desk):
    client.force_login(county_admin)
    response = client.get(url("routing-rule-list"))
    content = response.content.decode()
    assert "路灯" in content and rule.department.name in content
    assert dispatch_desk.name in content
    assert url("routing-rule-update", rule.pk) in content


def test_a_township_admin_sees_the_rules_without_edit_links(client, township_admin, rule):
    client.force_login(township_admin)
    content = client.get(url("routing-rule-list")).content.decode()
    assert "路灯" in content
    assert url("routing-rule-update", rule.pk) not in content


def test_a_county_admin_creates_edits_and_deletes_a_rule_with_audit_events(client, county_admin, tree, department,
                                                                          dispatch_desk):
    client.force_login(county_admin)
    township = tree["townships"][0]
    response = client.post(url("routing-rule-create"), {
        "category": "complaint", "region": township.pk, "keyword": " 水泥路 ", "department": department.pk})
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.county, rule.category, rule.region, rule.keyword, rule.department) == (
        tree["county"], "complaint", township, "水泥路", department)
    assert AuditEvent.objects.filter(action="routing_rule.created", target_id=str(rule.pk),
                                     actor=county_admin).exists()

    response = client.post(url("routing-rule-update", rule.pk), {
        "category": "help", "region": "", "keyword": "", "department": dispatch_desk.pk})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.category, rule.region, rule.keyword, rule.department) == ("help", None, "", dispatch_desk)
    assert AuditEvent.objects.filter(action="routing_rule.updated", target_id=str(rule.pk)).exists()

    assert client.get(url("routing-rule-delete", rule.pk)).status_code == 200
    assert client.post(url("routing-rule-delete", rule.pk)).status_code == 302
    assert not RoutingRule.objects.exists()
    assert AuditEvent.objects.filter(action="routing_rule.deleted", target_id=str(rule.pk)).exists()


def test_a_region_outside_the_county_is_refused_beside_the_field_and_nothing_is_saved(client, county_admin, tree,
                                                                                    department):
    elsewhere = region("township", region("county", tree["city"], name="邻县"), name="邻县镇")
    client.force_login(county_admin)
    response = client.post(url("routing-rule-create"), {
        "category": "help", "region": elsewhere.pk, "keyword": "", "department": department.pk})
    assert response.status_code == 422
    assert response.context["form"].errors["region"]
    assert 'id="id_region_error"' in response.content.decode()
    assert not RoutingRule.objects.exists()
    assert not AuditEvent.objects.filter(action="routing_rule.created").exists()


def test_the_service_refuses_a_foreign_region_and_a_department_not_serving_the_county(tree, department,
                                                                                    county_admin):
    other_county = region("county", tree["city"], name="邻县")
    with pytest.raises(ValidationError) as error:
        routing_rule_create(actor=county_admin, county=tree["county"], category="help",
                            region=region("township", other_county), department=department)
    assert "region" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        routing_rule_create(actor=county_admin, county=tree["county"], category="help",
                            department=DepartmentFactory(region=other_county))
    assert "department" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        routing_rule_create(actor=county_admin, county=tree["county"], category="nonsense", department=department)
    assert "category" in error.value.message_dict
    assert not RoutingRule.objects.exists()


def test_a_county_admin_may_not_touch_another_countys_rule(client, county_admin, tree, dispatch_desk):
    other_county = region("county", tree["city"], name="邻县")
    foreign = RoutingRuleFactory(county=other_county, department=DepartmentFactory(region=other_county))
    client.force_login(county_admin)
    assert client.get(url("routing-rule-update", foreign.pk)).status_code == 404
    assert client.post(url("routing-rule-delete", foreign.pk)).status_code == 404
    assert RoutingRule.objects.filter(pk=foreign.pk).exists()


def test_the_route_tester_shows_the_department_the_rules_pick(client, township_admin, tree, rule, dispatch_desk):
    client.force_login(township_admin)
    village = tree["villages"][0]
    response = client.get(url("routing-rule-list"), {"test": "1", "category": "help", "village": village.pk,
                                                      "text": "村口路灯坏了"})
    assert response.context["routed_to"] == rule.department
    assert rule.department.name in response.content.decode()

    response = client.get(url("routing-rule-list"), {"test": "1", "category": "help", "village": village.pk,
                                                      "text": "家里没水了"})
    assert response.context["routed_to"] == dispatch_desk


def test_adding_and_deleting_a_calendar_day_changes_the_work_calendar_at_once(client, county_admin):
    assert A_WEDNESDAY not in work_calendar().holidays  # cached now
    client.force_login(county_admin)
    response = client.post(url("calendar-day-create"), {"date": "2040-03-07", "kind": "holiday", "name": "测试节"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=A_WEDNESDAY)
    assert A_WEDNESDAY in work_calendar().holidays
    assert AuditEvent.objects.filter(action="calendar_day.added", target_id=str(day.pk), actor=county_admin).exists()
    assert "测试节" in client.get(url("calendar-day-list"), {"year": 2040}).content.decode()

    response = client.post(url("calendar-day-delete", day.pk))
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert A_WEDNESDAY not in work_calendar().holidays
    assert AuditEvent.objects.filter(action="calendar_day.deleted", target_id=str(day.pk)).exists()


def test_a_weekend_make_up_working_day_is_accepted(client, superuser):
    client.force_login(superuser)
    response = client.post(url("calendar-day-create"), {"date": "2040-03-10", "kind": "workday", "name": "调休"})
    assert response.status_code == 302
    assert A_SATURDAY in work_calendar().workdays


def test_a_weekday_make_up_working_day_is_refused(client, county_admin):
    client.force_login(county_admin)
    response = client.post(url("calendar-day-create"), {"date": "2040-03-07", "kind": "workday", "name": "调休"})
    assert response.status_code == 422
    assert response.context["form"].errors["date"]
    assert not CalendarDay.objects.filter(date=A_WEDNESDAY).exists()


def test_a_date_already_in_the_calendar_is_refused(client, county_admin):
    CalendarDay.objects.create(date=A_WEDNESDAY, kind="holiday", name="测试节")
    client.force_login(county_admin)
    response = client.post(url("calendar-day-create"), {"date": "2040-03-07", "kind": "holiday", "name": "重复"})
    assert response.status_code == 422
    assert response.context["form"].errors["date"]
    assert CalendarDay.objects.filter(date=A_WEDNESDAY).count() == 1
