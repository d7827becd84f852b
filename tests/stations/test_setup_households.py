"""Grids and households: set-up by the admins, households kept with their members, personal data
masked in lists and audited when shown in full — services, scope and pages. The household import is in
test_setup_households_import.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditEvent
from stations import selectors_households
from stations import services_households as services
from stations.models import Grid, Household, HouseholdMember
from tests.factories import GridFactory, StaffAssignmentFactory, UserFactory, staff_user, valid_id_number
from tests.stations.household_files import wrong_check

pytestmark = pytest.mark.django_db


def member(n: int, relation: str = "head", name: str = "王建国", phone: str = "") -> dict:
    return {"name": name, "id_number": valid_id_number(n), "relation": relation, "phone": phone}


def actions(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


@pytest.fixture
def grid(station, liaison):
    return Grid.objects.create(station=station, name="第一网格", liaison=liaison)


@pytest.fixture
def household(grid):
    return services.household_create(grid=grid, house_number="1号", head_name="王建国", phone="13912345678",
                                     elderly_alone=True, actor=None,
                                     members=[member(1), member(2, "spouse", "李秀英", "13800000001")])


# --- grids ------------------------------------------------------------------------------------------------

def test_a_township_admin_sets_up_a_grid_walked_by_one_of_the_stations_liaisons(township_admin, station, liaison):
    grid = services.grid_create(station=station, name=" 东片  网格 ", liaison=liaison, actor=township_admin)
    assert (grid.name, grid.liaison) == ("东片 网格", liaison)
    event = AuditEvent.objects.get(action="grid.created")
    assert event.actor == township_admin and event.data == {"liaison": liaison.username}


def test_a_grid_liaison_must_be_a_liaison_at_that_station(county_admin, station, other_station, operator):
    stranger = staff_user(Role.LIAISON, station=other_station)
    for not_a_liaison_here in (stranger, operator):
        with pytest.raises(ValidationError) as error:
            services.grid_create(station=station, name="第二网格", liaison=not_a_liaison_here, actor=county_admin)
        assert "liaison" in error.value.message_dict
    assert not Grid.objects.exists()


def test_operators_liaisons_and_admins_of_another_township_may_not_set_up_grids(operator, liaison, township_admin,
                                                                               other_station, station):
    for actor, at in ((operator, station), (liaison, station), (township_admin, other_station)):
        with pytest.raises(PermissionDenied):
            services.grid_create(station=at, name="网格", liaison=None, actor=actor)
    assert not Grid.objects.exists()


def test_a_grids_liaison_is_changed_with_an_audit_event_and_choosing_the_same_again_changes_nothing(
        county_admin, grid, station):
    other = staff_user(Role.LIAISON, station=station)
    services.grid_liaison_change(grid=grid, liaison=other, actor=county_admin)
    services.grid_liaison_change(grid=grid, liaison=other, actor=county_admin)
    grid.refresh_from_db()
    assert grid.liaison == other and actions("grid.liaison_changed") == 1


def test_a_township_admin_may_not_choose_the_liaison_of_another_townships_grid(township_admin, other_station):
    grid = GridFactory(station=other_station)
    with pytest.raises(PermissionDenied):
        services.grid_liaison_change(grid=grid, liaison=None, actor=township_admin)


def test_the_grid_overview_counts_households_and_picks_those_outside_the_guideline(county_admin, grid, other_station):
    Household.objects.bulk_create(Household(grid=grid, house_number=str(n), head_name="户主") for n in range(60))
    small = GridFactory(station=other_station, name="小网格")
    rows = {g.name: g.household_count for g in selectors_households.grid_overview(user=county_admin)}
    assert rows == {"第一网格": 60, "小网格": 0}
    assert list(selectors_households.grid_overview(user=county_admin, outside_only=True)) == [small]


# --- households --------------------------------------------------------------------------------------------

def test_the_liaison_adds_a_household_with_its_members_normalised_and_audited(liaison, grid):
    household = services.household_create(
        grid=grid, house_number=" 3号 ", head_name="王建国", phone="+86 139 1234 5678", low_income=True,
        actor=liaison, members=[{**member(1), "id_number": f" {valid_id_number(1)} "}, member(2, "child", "王小明")])
    assert (household.house_number, household.phone, household.low_income) == ("3号", "13912345678", True)
    assert sorted(household.members.values_list("relation", flat=True)) == ["child", "head"]
    event = AuditEvent.objects.get(action="household.created")
    assert event.data == {"members": 2} and "王建国" not in event.target_repr  # no personal data in the log


@pytest.mark.parametrize(("members", "phone", "field"), [
    ([{**member(1), "id_number": wrong_check(valid_id_number(1))}], "", "members"),  # check character
    ([{**member(1), "id_number": "13022519800230001X"}], "", "members"),  # 30 February
    ([member(1, phone="12345678901")], "", "members"),
    ([member(1)], "0315-1234567", "phone"),
    ([member(1), member(1, "spouse", "李秀英")], "", "members"),  # the same ID number twice
    ([member(1), member(2, "head", "李秀英")], "", "members"),  # two heads
    ([member(1, name="王建军")], "", "head_name"),  # the head member is not the head
])
def test_a_household_with_a_bad_member_or_phone_is_refused_by_field(liaison, grid, members, phone, field):
    with pytest.raises(ValidationError) as error:
        services.household_create(grid=grid, house_number="2号", head_name="王建国", phone=phone, actor=liaison,
                                  members=members)
    assert field in error.value.message_dict
    assert not Household.objects.exists()


def test_a_house_number_is_unique_in_its_grid(liaison, household, grid):
    with pytest.raises(ValidationError) as error:
        services.household_create(grid=grid, house_number="1号", head_name="张三", actor=liaison)
    assert "house_number" in error.value.message_dict


def test_editing_replaces_the_members_and_saving_the_same_again_writes_nothing(liaison, household):
    new_list = [member(1), member(3, "child", "王小红")]  # the spouse leaves, a child is added
    changed = services.household_update(household=household, house_number="1号", head_name="王建国",
                                        phone="13912345678", elderly_alone=True, actor=liaison, members=new_list)
    assert changed == ["members"]
    assert sorted(household.members.values_list("name", flat=True)) == ["王小红", "王建国"]
    assert services.household_update(household=household, house_number="1号", head_name="王建国",
                                     phone="13912345678", elderly_alone=True, actor=liaison, members=new_list) == []
    assert actions("household.changed") == 1


def test_the_head_of_household_may_pass_to_another_member(liaison, household):
    services.household_update(household=household, house_number="1号", head_name="李秀英", phone="", actor=liaison,
                              members=[member(1, "spouse"), member(2, "head", "李秀英")])
    heads = HouseholdMember.objects.filter(household=household, relation="head")
    assert [m.name for m in heads] == ["李秀英"]


def test_operators_read_households_but_do_not_keep_them(operator, household, grid):
    assert selectors_households.access_household_by_id(user=operator, household_id=household.pk) == household
    with pytest.raises(PermissionDenied):
        services.household_update(household=household, house_number="1号", head_name="王建国", phone="",
                                  actor=operator, members=[])
    with pytest.raises(PermissionDenied):
        services.household_create(grid=grid, house_number="9号", head_name="张三", actor=operator)


def test_a_liaison_sees_only_the_grids_they_walk_and_admins_only_their_township(
        liaison, township_admin, household, station, other_station):
    unwalked = GridFactory(station=station, name="第二网格")
    theirs = Household.objects.create(grid=unwalked, house_number="5号", head_name="赵六")
    far = Household.objects.create(grid=GridFactory(station=other_station), house_number="7号", head_name="孙七")
    assert list(selectors_households.household_list(user=liaison)) == [household]
    assert set(selectors_households.household_list(user=township_admin)) == {household, theirs}
    assert far not in selectors_households.household_list(user=township_admin)


def test_seeing_a_household_in_full_is_recorded_and_refused_to_whom_the_rule_does_not_name(
        operator, county_admin, household, station):
    services.household_view_full(household=household, actor=operator)
    services.household_view_full(household=household, actor=county_admin)
    assert list(AuditEvent.objects.filter(action="household.viewed").order_by("pk").values_list("actor", flat=True)) == [
        operator.pk, county_admin.pk]
    other_liaison = UserFactory(roles=[Role.LIAISON])  # a liaison of the station, but not of this grid
    StaffAssignmentFactory(user=other_liaison, role="liaison", station=station)
    with pytest.raises(PermissionDenied):
        services.household_view_full(household=household, actor=other_liaison)
    assert actions("household.viewed") == 2


# --- pages ---------------------------------------------------------------------------------------------------

def test_the_grid_overview_flags_grids_outside_the_guideline(client, county_admin, grid):
    client.force_login(county_admin)
    page = client.get(reverse("stations:grid-list"))
    assert page.status_code == 200 and "户数过少" in page.content.decode()


def test_setting_up_a_grid_twice_with_one_name_shows_the_error_and_keeps_what_was_typed(client, county_admin, grid,
                                                                                     station, liaison):
    client.force_login(county_admin)
    url = reverse("stations:grid-create")
    step_two = client.get(url, {"station": station.pk})
    assert list(step_two.context["form"].fields["liaison"].queryset) == [liaison]
    page = client.post(url, {"station": station.pk, "name": "第一网格", "liaison": liaison.pk})
    assert page.status_code == 200 and page.context["form"].errors
    assert 'value="第一网格"' in page.content.decode()
    created = client.post(url, {"station": station.pk, "name": "第二网格", "liaison": ""})
    assert created.status_code == 302 and Grid.objects.filter(name="第二网格", liaison=None).exists()


def test_a_grids_page_masks_personal_data_and_filters_by_care_flag(client, liaison, household, grid):
    Household.objects.create(grid=grid, house_number="2号", head_name="赵六", phone="13700000000")
    client.force_login(liaison)
    page = client.get(reverse("stations:grid-detail", args=[grid.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "王*国" in html and "139****5678" in html
    assert "王建国" not in html and "13912345678" not in html and valid_id_number(1) not in html
    flagged = client.get(reverse("stations:grid-detail", args=[grid.pk]), {"flag": "elderly_alone"})
    assert [h.house_number for h in flagged.context["households"]] == ["1号"]
    assert not AuditEvent.objects.filter(action="household.viewed").exists()


def test_a_household_page_shows_it_in_full_and_records_who_looked(client, operator, household, resident):
    client.force_login(operator)
    page = client.get(reverse("stations:household-detail", args=[household.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "王建国" in html and valid_id_number(1) in html and "13912345678" in html
    assert AuditEvent.objects.get(action="household.viewed").actor == operator
    client.force_login(resident)
    assert client.get(reverse("stations:household-detail", args=[household.pk])).status_code == 403


def test_adding_a_household_with_a_wrong_id_number_shows_the_error_in_chinese_and_keeps_the_form(client, liaison,
                                                                                                grid):
    client.force_login(liaison)
    url = reverse("stations:household-create", args=[grid.pk])
    data = {"house_number": "8号", "head_name": "刘德明", "phone": "13912340000", "low_income": "on",
            "members-TOTAL_FORMS": 2, "members-INITIAL_FORMS": 0,
            "members-0-name": "刘德明", "members-0-id_number": wrong_check(valid_id_number(8)), "members-0-relation": "head",
            "members-1-name": "", "members-1-id_number": "", "members-1-relation": ""}
    page = client.post(url, data)
    html = page.content.decode()
    assert page.status_code == 200 and "身份证号码校验位不符" in html
    assert 'value="刘德明"' in html and 'value="13912340000"' in html and not Household.objects.exists()
    data["members-0-id_number"] = valid_id_number(8)
    saved = client.post(url, data)
    household = Household.objects.get()
    assert saved.status_code == 302 and household.low_income and household.members.get().name == "刘德明"


def test_an_operator_may_not_open_the_household_form(client, operator, grid):
    client.force_login(operator)
    assert client.get(reverse("stations:household-create", args=[grid.pk])).status_code == 403


def test_the_liaison_marks_a_household_moved_out_and_back_from_its_page(client, liaison, household, grid):
    client.force_login(liaison)
    page = client.get(reverse("stations:household-detail", args=[household.pk]))
    assert "登记迁出" in page.content.decode() and "data-household-left" not in page.content.decode()
    url = reverse("stations:household-left", args=[household.pk])
    moved = client.post(url, {"left": "1"}, follow=True)
    household.refresh_from_db()
    html = moved.content.decode()
    assert household.left_at is not None and "365" in html and "data-household-left" in html
    assert client.post(url, {"left": "1"}).status_code == 302  # a double submit changes nothing more
    assert actions("household.left") == 1 and Household.objects.get().left_at == household.left_at
    grid_page = client.get(reverse("stations:grid-detail", args=[grid.pk])).content.decode()
    assert "已迁出" in grid_page
    client.post(url, {"left": "0"})
    household.refresh_from_db()
    assert household.left_at is None and actions("household.returned") == 1


def test_an_operator_may_not_mark_a_household_moved_out(client, operator, household):
    client.force_login(operator)
    assert client.post(reverse("stations:household-left", args=[household.pk]), {"left": "1"}).status_code == 403
    household.refresh_from_db()
    assert household.left_at is None and actions("household.left") == 0
