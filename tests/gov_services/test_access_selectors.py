"""A permission test per back-office access_* selector of gov_services: a row in the admin's region is
returned, one elsewhere is a 404 (as a missing id), and someone whose role does not do the work is a 403.
(Requests, certificates, departments and catalogue items have theirs beside their other tests.)"""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from core.models import SmsOutboxMessage
from gov_services import notifications
from gov_services.certificates import selectors as certificates
from gov_services.models import (
    CalendarDay,
    Escalation,
    EscalationStep,
    FollowUp,
    Rating,
    RatingAppeal,
    SupervisionSweep,
)
from gov_services.selectors import routing_rules
from gov_services.supervision import selectors as supervision
from tests.factories import (
    DepartmentFactory,
    RoutingRuleFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    StationFactory,
    county_tree,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(tree, department):
    """A request in each township of the test county; another county with its own department."""
    item = ServiceItemFactory(department=department, issues_certificate=True)
    other = county_tree()
    foreign_department = DepartmentFactory(region=other["county"])
    return {
        "here": ServiceRequestFactory(item=item, station=StationFactory(village=tree["villages"][0])),
        "there": ServiceRequestFactory(item=item, station=StationFactory(village=tree["villages"][2])),
        "item": item, "other_county": other["county"], "foreign_department": foreign_department,
        "foreign_item": ServiceItemFactory(department=foreign_department, issues_certificate=True),
    }


def _answers(access, user, inside, outside, **kwargs):
    key, = kwargs
    assert access(user=user, **{key: inside.pk}) == inside
    with pytest.raises(Http404):
        access(user=user, **{key: outside.pk})
    with pytest.raises(Http404):
        access(user=user, **{key: 987_654})


def _escalation(request, step) -> Escalation:
    sweep = SupervisionSweep.objects.create(at=timezone.now(), trigger="command")
    return Escalation.objects.create(request=request, step=step, label=step.label, card="red", task="call",
                                     department=request.department, issued_at=timezone.now(), sweep=sweep)


def _follow_up(request) -> FollowUp:
    Rating.objects.create(request=request, score=Rating.Score.DISSATISFIED)
    return FollowUp.objects.create(request=request)


def test_escalations_follow_ups_and_rating_appeals_are_the_township_admins_own(tree, places, township_admin, operator,
                                                                               officer):
    step = EscalationStep.objects.create(county=tree["county"], label="约谈", card="red")
    _answers(supervision.access_escalation_by_id, township_admin, _escalation(places["here"], step),
             _escalation(places["there"], step), escalation_id=None)
    mine, theirs = _follow_up(places["here"]), _follow_up(places["there"])
    _answers(supervision.access_follow_up_by_id, township_admin, mine, theirs, follow_up_id=None)
    appeals = [RatingAppeal.objects.create(rating=f.request.rating, department=f.request.department, score=2,
                                           reason="不实", appealed_by=officer, submission=uuid.uuid4())
               for f in (mine, theirs)]
    _answers(supervision.access_rating_appeal_by_id, township_admin, *appeals, appeal_id=None)
    for stranger in (operator, officer):
        with pytest.raises(PermissionDenied):
            supervision.access_follow_up_by_id(user=stranger, follow_up_id=mine.pk)


def test_escalation_steps_and_routing_rules_are_changed_by_their_own_county(tree, places, county_admin,
                                                                            township_admin, department):
    own = EscalationStep.objects.create(county=tree["county"], label="电话督办", card="yellow")
    foreign = EscalationStep.objects.create(county=places["other_county"], label="电话督办", card="yellow")
    _answers(supervision.access_escalation_step_by_id, county_admin, own, foreign, step_id=None)
    rule = RoutingRuleFactory(county=tree["county"], department=department)
    foreign_rule = RoutingRuleFactory(county=places["other_county"], department=places["foreign_department"])
    _answers(routing_rules.access_routing_rule_by_id, county_admin, rule, foreign_rule, rule_id=None)
    for access, kwargs in ((supervision.access_escalation_step_by_id, {"step_id": own.pk}),
                           (routing_rules.access_routing_rule_by_id, {"rule_id": rule.pk})):
        with pytest.raises(PermissionDenied):  # a township admin reads these, and changes none
            access(user=township_admin, **kwargs)


def test_a_calendar_day_is_the_county_admins_to_change(county_admin, township_admin):
    import datetime

    day = CalendarDay.objects.create(date=datetime.date(2099, 12, 25), kind="holiday", name="测试假日")
    assert routing_rules.access_calendar_day_by_id(user=county_admin, day_id=day.pk) == day
    with pytest.raises(Http404):
        routing_rules.access_calendar_day_by_id(user=county_admin, day_id=987_654)
    with pytest.raises(PermissionDenied):
        routing_rules.access_calendar_day_by_id(user=township_admin, day_id=day.pk)


def test_seals_keys_and_layouts_are_set_up_by_the_county_of_the_department(places, department, county_admin,
                                                                          township_admin):
    _answers(certificates.access_department_for_certificates, county_admin, department,
             places["foreign_department"], department_id=None)
    _answers(certificates.access_certificate_item_for_edit, county_admin, places["item"], places["foreign_item"],
             item_id=None)
    with pytest.raises(PermissionDenied):
        certificates.access_department_for_certificates(user=township_admin, department_id=department.pk)
    plain = ServiceItemFactory(department=department, issues_certificate=False)
    with pytest.raises(Http404):
        certificates.access_certificate_item_for_edit(user=county_admin, item_id=plain.pk)


def test_an_outbox_message_is_the_region_admins(places, township_admin, operator):
    mine = SmsOutboxMessage.objects.create(phone="13800000000", text="x", purpose="request_submitted",
                                           region_path=places["here"].place_path)
    theirs = SmsOutboxMessage.objects.create(phone="13800000000", text="x", purpose="request_submitted",
                                             region_path=places["there"].place_path)
    _answers(notifications.access_sms_outbox_message_by_id, township_admin, mine, theirs, message_id=None)
    with pytest.raises(PermissionDenied):
        notifications.access_sms_outbox_message_by_id(user=operator, message_id=mine.pk)
