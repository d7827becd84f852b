"""The county home: what needs action (stations.attention, a source per app) and the links by topic
(stations.navigation, declared in config/navigation.py), each for the viewer's region only."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.attention import close_attention, statement_attention, till_setup_attention, top_up_attention
from agency.models import CommissionStatement, DailyCashClose, FloatTopUpRequest
from core.timeutil import COUNTY_TZ
from gov_services.attention import (
    catalogue_setup_attention,
    department_setup_attention,
    escalation_task_attention,
    overdue_attention,
    red_card_attention,
)
from gov_services.models import Escalation, EscalationStep, SupervisionCard, SupervisionSweep
from shop.attention import application_attention
from shop.models import MerchantApplication
from stations import attention
from stations.attention import Attention, attention_for, region_setup_attention, station_setup_attention
from stations.navigation import county_navigation, navigation_for
from stations.scope import Scope, scope_for
from tests.agency.factories import ProductFactory
from tests.clock import clock_at
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
    county_tree,
    region,
)

pytestmark = pytest.mark.django_db

# (source, whether a township admin is asked too: the acts only a county admin may do are not theirs;
#  what a superuser counts of the three townships with work: supervision shows them one county at a time)
SOURCES = [
    (overdue_attention, True, 3),
    (red_card_attention, True, 2),
    (close_attention, True, 3),
    (escalation_task_attention, False, 2),
    (top_up_attention, False, 3),
    (statement_attention, False, 3),
    (application_attention, False, 3),
]


def _things_to_do(village, *, department, step, sweep, n: int) -> None:
    """One of each thing to do at a new station in `village`: an overdue request holding a red card with an
    escalation call to record, a cash variance, a top-up request, a statement and a merchant application."""
    now = timezone.now()
    station = StationFactory(village=village)
    request = ServiceRequestFactory(item=ServiceItemFactory(department=department), station=station,
                                    status="accepted", accepted_at=now - datetime.timedelta(days=30),
                                    due_at=now - datetime.timedelta(days=2))
    SupervisionCard.objects.create(request=request, level="red", department=department, issued_at=now, sweep=sweep)
    Escalation.objects.create(request=request, step=step, label=step.label, card="red", task="call",
                              department=department, issued_at=now, sweep=sweep)
    operator = UserFactory(username=f"operator-{n}")
    DailyCashClose.objects.create(idempotency_key=uuid.uuid4(), station=station, business_date=now.date(),
                                  expected_fen=10_000, counted_fen=9_000, variance_fen=-1_000,
                                  status=DailyCashClose.Status.AWAITING_APPROVAL, closed_by=operator, closed_at=now)
    FloatTopUpRequest.objects.create(reference=f"TU{n:06d}", idempotency_key=uuid.uuid4(), station=station,
                                     float_group="telecom", amount_fen=50_000, requested_by=operator)
    CommissionStatement.objects.create(station=station, month=datetime.date(2026, 1, 1), generated_at=now)
    application = MerchantApplication.objects.create(
        idempotency_key=uuid.uuid4(), reference=f"MA{n:06d}", business_name=f"商户{n}", credit_code="9" * 18,
        licence="merchant-licences/x.png", licence_content_type="image/png", licence_sha256="0" * 64,
        contact_name="张经理", contact_phone="13900000000", address="镇上")
    application.townships.set([village.get_parent()])


@pytest.fixture
def work(tree):
    """One of each thing to do in each township of the test county, and in a township of another county."""
    other = county_tree()
    sweep = SupervisionSweep.objects.create(at=timezone.now(), trigger="command")
    for n, (village, county) in enumerate([(tree["villages"][0], tree["county"]),
                                           (tree["villages"][-1], tree["county"]),
                                           (other["villages"][0], other["county"])]):
        _things_to_do(village, department=DepartmentFactory(region=county),
                      step=EscalationStep.objects.get_or_create(county=county, label="约谈", card="red")[0],
                      sweep=sweep, n=n)


def _warm(user):
    """The scope and the role's permissions are read once per web request, before any source."""
    scope_for(user)
    user.has_perm("shop.change_merchantapplication")


@pytest.mark.parametrize(("source", "township_admins_too", "superusers"), SOURCES,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_each_source_counts_only_the_viewers_region_in_one_query(work, tree, township_admin, county_admin, superuser,
                                                                 django_assert_num_queries, source,
                                                                 township_admins_too, superusers):
    for user, expected in ((township_admin, 1 if township_admins_too else None), (county_admin, 2)):
        _warm(user)
        with django_assert_num_queries(1 if expected else 0):
            items = list(source(user, scope_for(user).admin_region))
        assert [item.count for item in items] == ([expected] if expected else [])
    assert [item.count for item in source(superuser, tree["city"])] == [superusers]


@pytest.mark.parametrize("source", [row[0] for row in SOURCES], ids=lambda v: v.__name__)
def test_nothing_to_do_in_the_viewers_region_shows_nothing(tree, township_admin, county_admin, source):
    sweep = SupervisionSweep.objects.create(at=timezone.now(), trigger="command")
    other = county_tree()  # work elsewhere only: another county's
    _things_to_do(other["villages"][0], department=DepartmentFactory(region=other["county"]),
                  step=EscalationStep.objects.create(county=other["county"], label="约谈", card="red"), sweep=sweep,
                  n=9)
    for user in (township_admin, county_admin):
        assert list(source(user, scope_for(user).admin_region)) == []


def _a_county_set_up(tree) -> None:
    """Everything the set-up steps ask for: townships (the tree), a staffed station, a staffed department,
    a catalogue item and a till product."""
    station = StationFactory(village=tree["villages"][0])
    StaffAssignmentFactory(user=UserFactory(), role="operator", station=station)
    department = DepartmentFactory(region=tree["county"])
    DepartmentMembershipFactory(department=department)
    ServiceItemFactory(department=department)
    ProductFactory()


def test_with_nothing_to_do_the_home_has_no_needs_action_list(client, tree, county_admin):
    _a_county_set_up(tree)
    client.force_login(county_admin)
    june = timezone.localdate().replace(month=6, day=1) + datetime.timedelta(days=366)
    with clock_at(datetime.datetime.combine(june, datetime.time(9), COUNTY_TZ)):  # no calendar reminder before November
        assert attention_for(user=county_admin, region=tree["county"]) == []
        page = client.get(reverse("stations:county-home")).content.decode()
    assert 'id="attention"' not in page


def test_the_urgent_come_first(monkeypatch, county_admin, tree):
    calm = Attention(label="calm", url="/calm/", count=1)
    urgent = Attention(label="urgent", url="/urgent/", count=1, urgent=True)
    monkeypatch.setattr(attention, "_SOURCES", [lambda user, region: [calm], lambda user, region: [urgent]])
    assert attention_for(user=county_admin, region=tree["county"]) == [urgent, calm]


@pytest.mark.parametrize("role", ["township_admin", "county_admin"])
def test_the_home_lists_each_item_with_a_link_its_viewer_may_open(request, client, work, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse("stations:county-home"))
    items = response.context["attention"]
    # …and the gaps the fixture leaves: its stations have no operator, its departments nobody to work them
    expected = {overdue_attention, red_card_attention, close_attention, station_setup_attention}
    if role == "county_admin":
        expected |= {department_setup_attention}
        expected |= {escalation_task_attention, top_up_attention, statement_attention, application_attention}
    assert len([item for item in items if item.count]) == len(expected)
    assert [item.urgent for item in items] == sorted((item.urgent for item in items), reverse=True)
    page = response.content.decode()
    for item in items:
        assert item.url.replace("&", "&amp;") in page
        assert client.get(item.url).status_code == 200, item.url


# --- A new county's set-up steps, then the gaps that stay -------------------------------------------

SET_UP_STEPS = [region_setup_attention, station_setup_attention, department_setup_attention,
                catalogue_setup_attention, till_setup_attention]


def test_a_new_county_is_led_through_its_set_up_steps_in_order(client):
    city = region("city", name="唐山市")
    county = region("county", city, name="乐亭县")
    admin = UserFactory(roles=["county_admin"])
    StaffAssignmentFactory(user=admin, role="county_admin", region=county)
    steps = [item for source in SET_UP_STEPS for item in source(admin, county)]
    assert [item.label.split("：")[0] for item in steps] == [f"开始设置第 {n} 步" for n in range(1, 6)]
    listed = [item.step for item in attention_for(user=admin, region=county) if item.step]
    assert listed == [1, 2, 3, 4, 5]  # in step order, whichever app registered its source first
    client.force_login(admin)
    page = client.get(reverse("stations:county-home")).content.decode()
    for item in steps:  # each step links to where it is done, and that page opens
        assert item.url in page and client.get(item.url).status_code == 200, item.url


def test_the_set_up_steps_are_gone_once_the_county_is_set_up(tree, county_admin):
    _a_county_set_up(tree)
    assert [item for source in SET_UP_STEPS for item in source(county_admin, tree["county"])] == []


def test_the_gaps_count_open_stations_without_an_operator_and_departments_without_staff_in_the_region_only(
    tree, township_admin, county_admin
):
    _a_county_set_up(tree)
    StationFactory(village=tree["villages"][0])  # the township admin's township
    StationFactory(village=tree["villages"][-1])  # the county's other township
    StationFactory(village=tree["villages"][-1], status="building")  # not open: nobody needed yet
    DepartmentFactory(region=tree["county"])
    other = county_tree()
    StationFactory(village=other["villages"][0])
    DepartmentFactory(region=other["county"])
    assert [item.count for item in station_setup_attention(county_admin, tree["county"])] == [2]
    assert [item.count for item in station_setup_attention(township_admin, tree["townships"][0])] == [1]
    gap = department_setup_attention(county_admin, tree["county"])
    assert [(item.count, item.urgent) for item in gap] == [(1, True)]
    assert department_setup_attention(township_admin, tree["townships"][0]) == []  # not theirs to staff


def test_a_township_admin_is_not_given_the_countys_set_up_steps(township_admin, tree):
    township = tree["townships"][0]
    assert [item for source in SET_UP_STEPS for item in source(township_admin, township)] == []


# --- Navigation ------------------------------------------------------------------------------------

def test_every_declared_link_resolves_and_names_a_scope_predicate():
    everything = navigation_for(Scope(everything=True))
    declared = county_navigation()
    assert [group.key for group in everything] == [group.key for group in declared]
    assert "setup" in [group.key for group in declared]  # where set-up screens add their link
    assert sum(len(group.links) for group in everything) == sum(len(group.links) for group in declared)


@pytest.mark.parametrize("role", ["township_admin", "county_admin"])
def test_every_link_shown_opens_for_its_viewer(request, client, station, other_station, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    shown = [url for group in client.get(reverse("stations:county-home")).context["navigation"]
             for _label, url in group.links]
    declared = [link.url() for group in county_navigation() for link in group.links
                if link.allowed != "is_platform_admin"]  # opening counties is the superuser's
    if role == "county_admin":
        assert shown == declared  # every other back-office page is theirs
    for url in shown:
        assert client.get(url).status_code == 200, url


def test_a_township_admin_does_not_see_county_only_links(client, township_admin, county_admin):
    county_only = [reverse("gov_services:certificate-type-list")]
    client.force_login(township_admin)
    page = client.get(reverse("stations:county-home")).content.decode()
    assert not any(url in page for url in county_only)
    client.force_login(county_admin)
    page = client.get(reverse("stations:county-home")).content.decode()
    assert all(url in page for url in county_only)
