"""Appeal routing: the pure most-specific-rule choice and its database adapter."""

import pytest
from django.core.exceptions import ValidationError

from gov_services.routing import Rule, choose_department, choose_rule

# Materialised paths as treebeard builds them (4 characters a level).
COUNTY = "00010001"
TOWN_A, TOWN_B = COUNTY + "0001", COUNTY + "0002"
VILLAGE_A1, VILLAGE_A2, VILLAGE_B1 = TOWN_A + "0001", TOWN_A + "0002", TOWN_B + "0001"
DESK = 99

RULES = [
    Rule(10, "help", None, ""),            # any help request in the county
    Rule(20, "help", TOWN_A, ""),          # help from town A
    Rule(30, "help", VILLAGE_A1, ""),      # help from village A1
    Rule(40, "help", None, "路灯"),         # street lights, anywhere
    Rule(50, "help", TOWN_A, "路灯"),       # street lights in town A
    Rule(60, "complaint", None, ""),
    Rule(70, "complaint", TOWN_B, "水"),
    Rule(80, "complaint", TOWN_B, "水泥路"),
    Rule(90, "rights", None, "WiFi"),
    Rule(91, "suggestion", None, "  广播  "),  # surrounding spaces are not part of the keyword
]


@pytest.mark.parametrize(("category", "village_path", "text", "department"), [
    # the deepest region wins …
    ("help", VILLAGE_A1, "家里没水了", 30),
    # … even over a keyword match at a shallower level
    ("help", VILLAGE_A1, "村口路灯坏了", 30),
    # at the same region depth a keyword match beats no keyword
    ("help", VILLAGE_A2, "村口路灯坏了", 50),
    ("help", VILLAGE_A2, "家里没水了", 20),
    # no region rule for town B: the county-wide keyword rule beats the county-wide plain one
    ("help", VILLAGE_B1, "村口路灯坏了", 40),
    ("help", VILLAGE_B1, "家里没水了", 10),
    # no village given: only rules without a region apply
    ("help", None, "村口路灯坏了", 40),
    ("help", None, "家里没水了", 10),
    # equally deep, both keywords match: the longer keyword is the more specific
    ("complaint", VILLAGE_B1, "村里水泥路破损", 80),
    ("complaint", VILLAGE_B1, "自来水停了三天", 70),
    ("complaint", VILLAGE_B1, "晚上噪音太大", 60),
    # town B's rules do not apply in town A
    ("complaint", VILLAGE_A1, "村里水泥路破损", 60),
    # keywords ignore case and surrounding spaces
    ("rights", VILLAGE_A1, "wifi 套餐被乱收费", 90),
    ("suggestion", VILLAGE_A1, "建议村里广播早点播", 91),
    # a keyword rule that does not match does not apply at all: the desk gets it
    ("rights", VILLAGE_A1, "工资被拖欠", DESK),
    ("suggestion", VILLAGE_A1, "  ", DESK),
    # no rule for the category
    ("consultation", VILLAGE_A1, "村口路灯坏了", DESK),
    ("unknown", None, "", DESK),
])
def test_most_specific_rule_chooses_the_department(category, village_path, text, department):
    assert choose_department(RULES, category=category, village_path=village_path, text=text,
                             dispatch_desk_id=DESK) == department


def test_no_rules_means_the_dispatch_desk():
    assert choose_department([], category="help", village_path=VILLAGE_A1, text="x", dispatch_desk_id=DESK) == DESK
    assert choose_rule([], category="help", village_path=VILLAGE_A1, text="x") is None


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_an_exact_tie_goes_to_the_earlier_rule(order):
    tied = [Rule(11, "help", TOWN_A, "路灯"), Rule(12, "help", TOWN_A, "井盖")]
    rules = [tied[i] for i in order]
    chosen = choose_department(rules, category="help", village_path=VILLAGE_A1, text="路灯和井盖都坏了",
                               dispatch_desk_id=DESK)
    assert chosen == rules[0].department_id


def test_tie_between_plain_rules_for_the_same_region_goes_to_the_earlier_rule():
    rules = [Rule(7, "help", None, ""), Rule(3, "help", None, "")]
    assert choose_department(rules, category="help", village_path=None, text="", dispatch_desk_id=DESK) == 7


def test_an_empty_region_path_means_anywhere():
    rules = [Rule(5, "help", "", "")]
    assert choose_department(rules, category="help", village_path=VILLAGE_B1, text="", dispatch_desk_id=DESK) == 5
    assert choose_department(rules, category="help", village_path=None, text="", dispatch_desk_id=DESK) == 5


def test_a_region_matches_only_its_own_subtree():
    rules = [Rule(5, "help", TOWN_A, "")]
    # TOWN_B shares the county prefix but not town A's path
    assert choose_department(rules, category="help", village_path=VILLAGE_B1, text="", dispatch_desk_id=DESK) == DESK
    # the region itself (an appeal placed at town level) matches
    assert choose_department(rules, category="help", village_path=TOWN_A, text="", dispatch_desk_id=DESK) == 5


def test_the_chosen_rule_is_returned_for_explanations():
    assert choose_rule(RULES, category="help", village_path=VILLAGE_A2, text="路灯") == RULES[4]


# --- the adapter over RoutingRule rows ---------------------------------------------------------

@pytest.fixture
def county_setup(tree):
    from tests.factories import DepartmentFactory, RoutingRuleFactory

    county = tree["county"]
    desk = DepartmentFactory(region=county, is_dispatch_desk=True, name="县群众工作调度中心")
    civil = DepartmentFactory(region=county, name="县民政局")
    town = DepartmentFactory(region=tree["townships"][0], level="township", name="镇便民服务中心")
    water = DepartmentFactory(region=county, name="县水务局")
    RoutingRuleFactory(county=county, category="help", department=civil)
    RoutingRuleFactory(county=county, category="help", region=tree["townships"][0], department=town)
    RoutingRuleFactory(county=county, category="complaint", keyword="自来水", department=water)
    return {"tree": tree, "county": county, "desk": desk, "civil": civil, "town": town, "water": water}


@pytest.mark.django_db
@pytest.mark.parametrize(("category", "village_index", "text", "expected"), [
    ("help", 0, "生活困难", "town"),        # village in township 0: the township rule
    ("help", -1, "生活困难", "civil"),      # village in township 1: the county-wide rule
    ("help", None, "生活困难", "civil"),    # no village
    ("complaint", 0, "自来水停了", "water"),
    ("complaint", 0, "噪音", "desk"),       # nothing matches
    ("consultation", 0, "咨询养老保险", "desk"),
])
def test_appeal_goes_to_the_department_the_county_rules_choose(
        county_setup, django_assert_num_queries, category, village_index, text, expected):
    from gov_services.selectors.routing import appeal_department_for

    villages = county_setup["tree"]["villages"]
    village = None if village_index is None else villages[village_index]
    with django_assert_num_queries(2):
        department = appeal_department_for(county=county_setup["county"], category=category, village=village,
                                           text=text)
    assert department == county_setup[expected]
    assert department.name == county_setup[expected].name  # a full object, no further query needed


@pytest.mark.django_db
def test_other_counties_rules_are_ignored(county_setup):
    from gov_services.selectors.routing import appeal_department_for
    from tests.factories import DepartmentFactory, RoutingRuleFactory, region

    other_county = region("county", county_setup["tree"]["city"])
    RoutingRuleFactory(county=other_county, category="consultation",
                       department=DepartmentFactory(region=other_county))
    department = appeal_department_for(county=county_setup["county"], category="consultation",
                                       village=county_setup["tree"]["villages"][0], text="")
    assert department == county_setup["desk"]


@pytest.mark.django_db
def test_a_county_without_a_dispatch_desk_is_reported_clearly(tree):
    from gov_services.selectors.routing import appeal_department_for
    from tests.factories import DepartmentFactory, RoutingRuleFactory

    RoutingRuleFactory(county=tree["county"], department=DepartmentFactory(region=tree["county"]))
    with pytest.raises(ValidationError) as raised:
        appeal_department_for(county=tree["county"], category="help", village=tree["villages"][0], text="")
    assert raised.value.code == "no_dispatch_desk"
    assert tree["county"].name in raised.value.messages[0]


@pytest.mark.django_db
def test_a_desk_in_a_township_is_not_the_county_desk(tree):
    from gov_services.selectors.routing import appeal_department_for
    from tests.factories import DepartmentFactory

    DepartmentFactory(region=tree["townships"][0], level="township", is_dispatch_desk=True)
    with pytest.raises(ValidationError):
        appeal_department_for(county=tree["county"], category="help", village=None, text="")


@pytest.mark.django_db
def test_a_village_outside_the_county_is_refused(county_setup):
    from gov_services.selectors.routing import appeal_department_for
    from tests.factories import region

    other_county = region("county", county_setup["tree"]["city"])
    stray = region("village", region("township", other_county))
    with pytest.raises(ValidationError) as raised:
        appeal_department_for(county=county_setup["county"], category="help", village=stray, text="")
    assert raised.value.code == "village_outside_county"
