"""Chinese search over the demo county's real guides: a table of what residents type and the guide
that must come first. Runs on whichever database the suite runs on (SQLite by default; CI's second run
and `DATABASE_URL=postgres://…` use PostgreSQL) — the same table must hold on both."""

import pytest
from django.urls import reverse

from demo.seeding.catalogue import seed_catalogue
from demo.seeding.county import seed_admins, seed_departments, seed_regions
from demo.seeding.portal import seed_guides, seed_life_events
from portal.models import HomePage, ServiceGuidePage
from portal.selectors import guide_search
from tests.module_data import module_transaction

# query → catalogue code of the guide that must be the first result (a tuple: any of them first)
TOP_RESULT = {
    "低保": "LT-MZJ-01",
    "我家想申请低保": "LT-MZJ-01",
    "最低生活保障": "LT-MZJ-01",
    "生育": "LT-WJJ-01",
    "生孩子": "LT-WJJ-01",
    "盖房": "LT-NYJ-02",
    "我想盖房子": "LT-NYJ-02",
    "宅基地": "LT-NYJ-02",
    "营业执照": "LT-SJJ-01",
    "开店": "LT-SJJ-01",
    "开饭馆": "LT-SJJ-02",
    "新农合报销": "LT-YBJ-01",
    "住院报销": "LT-YBJ-01",
    "上户口": "LT-GAJ-02",
    "户籍证明": "LT-GAJ-01",
    "身份证丢了": ("LT-GAJ-03", "LT-GAJ-04"),
    "高龄津贴": "LT-MZJ-04",
    "老人补贴": "LT-MZJ-04",
    "养老金": "LT-RSJ-02",
    "残疾证": "LT-CLJ-01",
    "农机补贴": "LT-NYJ-01",
    "拖拉机": "LT-NYJ-01",
    "危房改造": "LT-ZJJ-01",
    "结婚": "LT-MZJ-05",
    "失业": "LT-RSJ-04",
    "停水": "LT-102-01",
    "路灯坏了": "LT-100-02",
    "五保": "LT-MZJ-03",
}


class _Quiet:
    def step(self, *args, **kwargs):
        pass


@pytest.fixture(scope="module")
def _seeded_guides(django_db_setup, django_db_blocker):
    """The demo county's catalogue and guides, seeded once for the module (three and a half seconds)."""
    with module_transaction(django_db_blocker):
        demo = seed_regions(_Quiet())
        seed_admins(demo, _Quiet())
        seed_departments(demo, _Quiet())
        seed_catalogue(demo, _Quiet())
        seed_guides(HomePage.objects.get(), (None, None), seed_life_events())
        yield {g.service_item.code: g for g in ServiceGuidePage.objects.select_related("service_item")}


@pytest.fixture
def demo_guides(_seeded_guides, db):
    """The guides by catalogue code, for a test that runs in a savepoint of the module's transaction."""
    return {code: ServiceGuidePage.objects.get(pk=guide.pk) for code, guide in _seeded_guides.items()}


def test_real_queries_find_the_right_guide_first(demo_guides):
    wrong = {}
    for query, expected in TOP_RESULT.items():
        expected = expected if isinstance(expected, tuple) else (expected,)
        results = guide_search(query=query, limit=5)
        top = results[0].service_item.code if results else None
        if top not in expected:
            wrong[query] = (expected, [g.service_item.code for g in results])
    assert not wrong, f"queries whose first result is wrong (expected, got): {wrong}"


def test_a_word_of_a_longer_title_finds_it(demo_guides):
    """Stock database search treats a run of Han characters as one word, so "补贴" would find nothing."""
    codes = {g.service_item.code for g in guide_search(query="补贴", limit=20)}
    assert {"LT-NYJ-01", "LT-NYJ-03", "LT-MZJ-06"} <= codes


def test_nonsense_finds_nothing_and_an_empty_query_asks_nothing(demo_guides):
    assert guide_search(query="火星探测器") == []
    assert guide_search(query="   ") == []


def test_search_page_lists_guides_with_links(client, demo_guides):
    response = client.get(reverse("portal:search"), {"q": "低保"})

    assert response.status_code == 200
    html = response.content.decode()
    assert demo_guides["LT-MZJ-01"].url in html
    assert html.index("最低生活保障申请") < html.index("</main>")


def test_wagtail_admin_page_search_understands_chinese(admin_client, demo_guides):
    response = admin_client.get("/cms/pages/search/", {"q": "宅基地"})

    assert response.status_code == 200
    assert "农村宅基地和建房" in response.content.decode()


def test_editing_keywords_reindexes_the_guide(demo_guides):
    guide = demo_guides["LT-100-01"]  # 居住证明
    assert not guide_search(query="宅子")
    guide.search_keywords = "开证明 宅子证明"
    guide.save_revision().publish()

    assert guide_search(query="宅子证明")[0].service_item.code == "LT-100-01"
    assert [g.service_item.code for g in guide_search(query="宅子")] == ["LT-100-01"]
