"""The catalogue's one search (gov_services.catalogue.selectors.service_item_search, used by the counter,
the online services and the portal's catalogue) finds items by the words residents say: jieba segmentation
and stop words as the portal's search (core/zh_text.py), built-in synonyms and a county's own words
(SearchSynonym), pinyin initials and codes as before. Recall on a list of everyday words."""

import pytest
from django.urls import reverse

from gov_services.catalogue.selectors import service_item_search, service_items_available_at
from gov_services.models import SearchSynonym
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db

CATALOGUE = ["最低生活保障申请", "户籍证明", "居住证明", "无犯罪记录证明", "生育登记", "居民身份证申领",
             "居民身份证补领", "出生登记（上户口）", "个体工商户营业执照", "城乡居民医保参保登记", "高龄津贴申请",
             "农村建房审批", "结婚登记预约", "残疾人证办理", "临时救助申请"]

# What a resident says → every item it must find (recall), by name.
EVERYDAY = {
    "低保": ["最低生活保障申请"],
    "我想办低保": ["最低生活保障申请"],
    "户口": ["户籍证明"],
    "准生证": ["生育登记"],
    "身份证": ["居民身份证申领", "居民身份证补领"],
    "开证明": ["户籍证明", "居住证明", "无犯罪记录证明"],
    "上户口": ["出生登记（上户口）"],
    "开店": ["个体工商户营业执照"],
    "新农合": ["城乡居民医保参保登记"],
    "盖房子": ["农村建房审批"],
    "结婚": ["结婚登记预约"],
    "老人": ["高龄津贴申请"],
    "残疾": ["残疾人证办理"],
    "hjzm": ["户籍证明"],
}


@pytest.fixture
def catalogue(department):
    return {name: ServiceItemFactory(department=department, name=name, lowest_level="village")
            for name in CATALOGUE}


@pytest.mark.parametrize("words, expected", EVERYDAY.items(), ids=list(EVERYDAY))
def test_everyday_words_find_their_items(catalogue, words, expected):
    found = {item.name for item in service_item_search(query=words)}
    assert set(expected) <= found, f"{words!r} found {sorted(found)}"


def test_recall_over_the_whole_list_is_complete(catalogue):
    hits = sum(len(set(expected) & {i.name for i in service_item_search(query=words)})
               for words, expected in EVERYDAY.items())
    assert hits / sum(len(expected) for expected in EVERYDAY.values()) == 1.0


def test_a_word_finds_nothing_unrelated(catalogue):
    assert {i.name for i in service_item_search(query="低保")} == {"最低生活保障申请"}
    assert not service_item_search(query="拖拉机补贴").filter(name="户籍证明").exists()


def test_a_countys_own_word_is_used_in_its_county_only(catalogue, tree, station):
    assert not service_item_search(query="养老钱").exists()
    SearchSynonym.objects.create(county=tree["county"], word="养老钱", means="高龄津贴")
    assert not service_item_search(query="养老钱").exists()  # no place: only words for every county
    found = service_items_available_at(place=station.village, query="养老钱")
    assert [i.name for i in found] == ["高龄津贴申请"]


def test_the_counter_finds_items_by_everyday_words(client, operator, catalogue):
    client.force_login(operator)
    for words, expected in (("低保", "最低生活保障申请"), ("准生证", "生育登记"), ("开证明", "居住证明")):
        page = client.get(reverse("gov_services:counter-request-create"), {"q": words})
        assert expected in {i.name for i in page.context["items"]}, words


def test_a_county_admin_edits_the_countys_words_and_the_counter_uses_them(client, county_admin, operator, tree,
                                                                          catalogue):
    client.force_login(county_admin)
    page = client.get(reverse("gov_services:search-words"))
    assert page.status_code == 200 and "最低生活保障" in page.content.decode()  # the built-in ones, read-only
    response = client.post(reverse("gov_services:search-words"), {"word": "养老钱", "means": " 高龄津贴  养老 "})
    assert response.status_code == 302
    row = SearchSynonym.objects.get()
    assert (row.county, row.word, row.means) == (tree["county"], "养老钱", "高龄津贴 养老")
    bad = client.post(reverse("gov_services:search-words"), {"word": "两 个词", "means": "x"})
    assert bad.status_code == 400 and "word" in bad.context["form"].errors
    client.force_login(operator)
    found = client.get(reverse("gov_services:counter-request-create"), {"q": "养老钱"}).context["items"]
    assert [i.name for i in found] == ["高龄津贴申请"]
    assert client.get(reverse("gov_services:search-words")).status_code == 403
    client.force_login(county_admin)
    client.post(reverse("gov_services:search-words"), {"action": "delete", "id": row.pk})
    assert not SearchSynonym.objects.exists()
