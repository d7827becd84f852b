"""The portal's page types: where each may be created, what a guide shows from the catalogue, the
apply buttons into the request flow, the print version, life events, news and the phone page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import (
    GuideIndexPage,
    HomePage,
    LifeEvent,
    NewsIndexPage,
    NewsPage,
    PhoneDirectoryPage,
    ServiceGuidePage,
)
from tests.factories import RequiredMaterialFactory, ServiceItemFactory
from tests.portal.factories import make_guide, make_news, publish


def test_page_types_can_only_be_created_where_they_belong(home, guides, news):
    for section in (GuideIndexPage, NewsIndexPage, PhoneDirectoryPage):
        assert section.can_create_at(home) is False  # one each, made by migration 0005
    assert ServiceGuidePage.can_create_at(guides)
    assert not ServiceGuidePage.can_create_at(home)
    assert not ServiceGuidePage.can_create_at(news)
    assert NewsPage.can_create_at(news)
    assert not NewsPage.can_create_at(guides)
    assert not HomePage.can_create_at(home)
    assert ServiceGuidePage.allowed_subpage_models() == []


def test_a_second_guide_for_the_same_catalogue_item_is_refused(guide, guides, service_item):
    copy = ServiceGuidePage(title="户籍证明（重复）", slug="dup", service_item=service_item)
    copy.path, copy.depth = guides.path + "0099", guides.depth + 1  # as if placed under the index
    with pytest.raises(ValidationError) as error:
        copy.full_clean()
    assert "service_item" in error.value.message_dict


def test_guide_shows_materials_fee_and_time_limit_from_the_catalogue(client, guide, service_item):
    response = client.get(guide.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "身份证" in html and "户口簿" in html  # the item's materials, typed once, in the catalogue
    assert service_item.department.name in html
    assert service_item.code in html


def test_changing_the_catalogue_item_changes_the_guide_without_editing_it(client, guide, service_item):
    client.get(guide.url)  # cached now
    service_item.fee_fen = 2350
    service_item.save()
    RequiredMaterialFactory(item=service_item, name="结婚证", form="copy", position=5)

    html = client.get(guide.url).content.decode()

    assert "23.50" in html
    assert "结婚证" in html


def test_online_item_offers_apply_online_into_the_request_flow(client, guides, department):
    item = ServiceItemFactory(department=department, code="ON-1", name="居住证明", online_allowed=True,
                              lowest_level="village")
    guide = make_guide(guides, item)

    html = client.get(guide.url).content.decode()

    assert reverse("gov_services:resident-service-request-create", args=["ON-1"]) in html
    assert reverse("portal:station-directory") + "?item=ON-1" in html


def test_county_level_item_has_no_station_button_and_says_where_to_go(client, guides, department):
    item = ServiceItemFactory(department=department, code="CY-1", name="结婚登记", online_allowed=False,
                              lowest_level="county")
    guide = make_guide(guides, item)

    html = client.get(guide.url).content.decode()

    assert "?item=CY-1" not in html
    assert reverse("gov_services:resident-service-request-create", args=["CY-1"]) not in html
    assert "县政务服务大厅" in html or "county government service hall" in html


def test_inactive_item_hides_the_apply_buttons(client, guide, service_item):
    service_item.online_allowed = True
    service_item.is_active = False
    service_item.save()

    html = client.get(guide.url).content.decode()

    assert reverse("gov_services:resident-service-request-create", args=[service_item.code]) not in html


def test_print_version_has_the_guide_without_the_site_frame(client, guide):
    response = client.get(guide.url + "print/")

    assert response.status_code == 200
    html = response.content.decode()
    assert guide.title in html and "身份证" in html
    assert 'class="cz-header"' not in html
    assert f'href="{guide.url}print/"' in client.get(guide.url).content.decode()


def test_guides_are_grouped_by_department_and_by_life_event(client, guides, department, service_item):
    event = LifeEvent.objects.create(name="生孩子", slug="baby", icon="婴")
    other = ServiceItemFactory(department=department, code="BB-1", name="生育登记")
    baby = make_guide(guides, other, life_events=[event])
    make_guide(guides, service_item)

    index_html = client.get(guides.url).content.decode()
    event_html = client.get(guides.url + "life/baby/").content.decode()

    assert department.name in index_html and baby.title in index_html and service_item.name in index_html
    assert baby.title in event_html and service_item.name not in event_html
    assert client.get(guides.url + "life/nothing/").status_code == 404


def test_news_index_lists_newest_first_and_filters_by_category(client, news):
    make_news(news, "旧的工作动态", date=datetime.date(2026, 1, 1))
    make_news(news, "新的政策解读", date=datetime.date(2026, 11, 1), category=NewsPage.Category.POLICY)

    html = client.get(news.url).content.decode()
    policy = client.get(news.url + "?category=policy").content.decode()

    assert html.index("新的政策解读") < html.index("旧的工作动态")
    assert "新的政策解读" in policy and "旧的工作动态" not in policy


def test_home_shows_latest_news_life_events_and_popular_guides(client, home, news, guide):
    LifeEvent.objects.create(name="盖房子", slug="house", icon="房")
    make_news(news, "村服务站开通话费充值")

    html = client.get("/").content.decode()

    assert "村服务站开通话费充值" in html
    assert "盖房子" in html
    assert guide.title in html
    assert reverse("portal:search") in html


def test_phone_page_lists_department_phones_from_the_catalogue(client, home, department):
    department.phone = "0315-4621101"
    department.save()
    page = PhoneDirectoryPage.objects.get()  # created by migration 0005
    page.groups = [("group", {"heading": "紧急电话", "numbers": [
        {"name": "急救", "number": "120", "hours": "24小时", "note": ""}]})]
    publish(page)

    html = client.get(page.url).content.decode()

    assert "0315-4621101" in html and department.name in html
    assert "急救" in html and 'href="tel:120"' in html


def test_section_pages_exist_from_the_start_at_fixed_addresses(client, home):
    for model, url in ((GuideIndexPage, "/guides/"), (NewsIndexPage, "/news/"), (PhoneDirectoryPage, "/phones/")):
        page = model.objects.get()
        assert page.url == url and page.get_parent().specific == home
        assert client.get(url).status_code == 200
        page.slug = "elsewhere"
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert "slug" in error.value.message_dict


def test_the_site_frame_links_to_the_sections_without_a_query(client, home, django_assert_num_queries):
    from django.template import Context, Template

    template = Template("{% load portal_tags %}{% portal_links as links %}{{ links.guides }} {{ links.news }}")
    with django_assert_num_queries(0):
        assert template.render(Context()) == "/guides/ /news/"


def test_sitemap_lists_published_guides_and_robots_points_to_it(client, guide):
    sitemap = client.get(reverse("portal:sitemap"))
    robots = client.get(reverse("portal:robots"))

    assert sitemap.status_code == 200
    assert guide.url in sitemap.content.decode()
    assert reverse("portal:station-directory") in sitemap.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()


def test_guide_page_has_meta_description_and_canonical_link(client, guide):
    html = client.get(guide.url).content.decode()

    assert '<meta name="description" content="开具户籍证明">' in html
    assert 'rel="canonical"' in html
    assert '<h1>' in html


@pytest.mark.parametrize(("lowest", "offices"), [
    ("village", ["your village or community service station", "the township service centre",
                 "the county government service hall"]),
    ("community", ["a community service station", "the township service centre",
                   "the county government service hall"]),
    ("township", ["the township service centre", "the county government service hall"]),
    ("county", ["the county government service hall"]),
    ("city", ["the city government service hall"]),
])
def test_where_to_apply_follows_the_lowest_accepting_level(lowest, offices):
    from django.utils import translation

    from portal.selectors import offices_accepting

    with translation.override("en"):
        assert [str(office) for office in offices_accepting(lowest)] == offices
