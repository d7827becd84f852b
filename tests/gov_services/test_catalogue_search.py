"""Catalogue selectors: searching items by Chinese, code and pinyin initials, filters, and the levels at which an
office accepts items."""

import pytest

from gov_services.catalogue import selectors
from tests.factories import DepartmentFactory, ServiceItemFactory

# Messages are asserted by their English msgids (the english_messages fixture, conftest.py).
pytestmark = [pytest.mark.usefixtures("english_messages"), pytest.mark.django_db]


@pytest.fixture
def items(department):
    make = ServiceItemFactory
    return {
        "hjzm": make(department=department, code="GA-01", name="户籍证明", lowest_level="village", online_allowed=True),
        "jzzm": make(department=department, code="GA-02", name="居住证明", lowest_level="township"),
        "cs": make(department=department, code="GA-03", name="出生登记", lowest_level="county",
                   category="licence"),
        "old": make(department=department, code="GA-04", name="户籍迁移（停用）", is_active=False),
        "zd": make(department=department, code="MZ-01", name="最低生活保障申请", lowest_level="community"),
    }


def names(queryset):
    return [item.name for item in queryset]


@pytest.mark.parametrize("query, expected", [
    ("户籍", ["户籍证明"]),
    ("证明", ["户籍证明", "居住证明"]),
    ("hjzm", ["户籍证明"]),
    ("HJZM", ["户籍证明"]),
    ("hj", ["户籍证明"]),
    ("zm", ["户籍证明", "居住证明"]),
    ("GA-03", ["出生登记"]),
    ("ga-0", ["户籍证明", "居住证明", "出生登记"]),
    ("zdsh", ["最低生活保障申请"]),
    ("居住 zm", ["居住证明"]),
    ("不存在", []),
    ("", ["户籍证明", "居住证明", "出生登记", "最低生活保障申请"]),
])
def test_search_matches_chinese_substrings_codes_and_pinyin_initials(items, query, expected):
    assert names(selectors.service_item_search(query=query)) == expected


def test_search_puts_the_exact_code_and_prefix_matches_first(items, department):
    ServiceItemFactory(department=department, code="ZM", name="准迁证明")  # initials zqzm
    assert names(selectors.service_item_search(query="zm"))[0] == "准迁证明"  # exact code
    ServiceItemFactory(department=department, code="X-1", name="证明材料补交")  # initials zmclbj
    assert names(selectors.service_item_search(query="证明"))[:1] == ["证明材料补交"]


def test_search_leaves_out_inactive_items_unless_asked(items):
    assert "户籍迁移（停用）" not in names(selectors.service_item_search(query="户籍"))
    assert "户籍迁移（停用）" in names(selectors.service_item_search(query="户籍", include_inactive=True))


def test_search_filters_by_department_category_online_and_level(items, department):
    other = DepartmentFactory(region=department.region)
    ServiceItemFactory(department=other, name="户籍证明补办", code="ZZ-1")
    assert names(selectors.service_item_search(query="户籍", department_id=department.pk)) == ["户籍证明"]
    assert names(selectors.service_item_search(category="licence")) == ["出生登记"]
    assert names(selectors.service_item_search(online_only=True)) == ["户籍证明"]
    assert names(selectors.service_item_search(accepting_level="village")) == ["户籍证明", "户籍证明补办"]
    assert names(selectors.service_item_search(query="证明", accepting_level="township")) == [
        "户籍证明", "居住证明", "户籍证明补办"]


def test_search_is_one_query(items, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert [item.department.name for item in selectors.service_item_search(query="zm")]


@pytest.mark.parametrize("level, accepted", [
    ("village", ["village"]),
    ("community", ["village", "community"]),
    ("township", ["village", "community", "township"]),
    ("county", ["village", "community", "township", "county"]),
    ("city", ["village", "community", "township", "county", "city"]),
])
def test_an_office_accepts_items_whose_lowest_level_is_at_or_below_its_own(level, accepted):
    assert selectors.levels_accepted_at(level) == accepted


def test_items_acceptable_at_a_level(items):
    assert names(selectors.items_acceptable_at("village").order_by("code")) == ["户籍证明"]
    assert names(selectors.items_acceptable_at("community").order_by("code")) == ["户籍证明", "最低生活保障申请"]
    assert len(selectors.items_acceptable_at("city")) == 4  # the inactive one never


def test_an_unknown_level_is_a_programming_error():
    with pytest.raises(ValueError):
        selectors.levels_accepted_at("province")
