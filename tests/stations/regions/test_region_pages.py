"""The administrative tree's pages: browsing, renaming, adding and merging villages, and importing and
exporting division codes."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import ImportJob
from stations.models import Region
from tests.factories import (
    StationFactory,
    UserFactory,
)
from tests.stations.region_files import (
    COUNTY,
    DEMO_FILE,
    HEADER,
    T1,
    T2,
    admin_of,
    by_code,
    csv_file,
    demo_rows,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


# --- the pages -------------------------------------------------------------------------------------------

REGIONS = "/county/regions/"


@pytest.fixture
def zh():
    """The pages in the county's language (the request decides it; the message catalogue is zh-hans)."""
    with translation.override("zh-hans"):
        yield


def page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_region_urls_are_where_the_design_says():
    assert reverse("stations:region-list") == REGIONS
    assert reverse("stations:region-detail", args=[7]) == "/county/regions/7/"
    assert reverse("stations:region-merge", args=[7]) == "/county/regions/7/merge/"
    assert reverse("stations:region-import") == "/county/regions/import/"


def test_the_county_home_links_to_the_regions(client, county_admin):
    client.force_login(county_admin)
    assert f'href="{REGIONS}"' in page(client, reverse("stations:county-home"))


def test_a_county_admin_browses_the_tree_down_to_a_village(client, county_admin, django_assert_max_num_queries):
    StationFactory(village=by_code("130225100200"), name="城关村综合服务站")
    client.force_login(county_admin)
    with django_assert_max_num_queries(15):
        body = page(client, REGIONS)
    assert "乐亭镇" in body and "汤家河镇" in body
    township = page(client, reverse("stations:region-detail", args=[by_code(T1).pk]))
    assert "城关村" in township and "南街社区" in township
    assert reverse("stations:region-village-create", args=[by_code(T1).pk]) in township
    village = page(client, reverse("stations:region-detail", args=[by_code("130225100200").pk]))
    assert "城关村综合服务站" in village
    assert reverse("stations:region-merge", args=[by_code("130225100200").pk]) in village


def test_a_township_admin_sees_only_their_township(client, township_admin):
    client.force_login(township_admin)
    body = page(client, REGIONS)
    assert "乐亭镇" in body and "汤家河镇" not in body
    for code in (T2, COUNTY, "130225101200"):
        assert client.get(reverse("stations:region-detail", args=[by_code(code).pk])).status_code == 404
    own = page(client, reverse("stations:region-detail", args=[by_code(T1).pk]))
    assert reverse("stations:region-rename", args=[by_code(T1).pk]) not in own
    assert client.get(reverse("stations:region-rename", args=[by_code(T1).pk])).status_code == 403
    assert client.post(reverse("stations:region-rename", args=[by_code(T1).pk]), {"name": "乐亭街道"}).status_code == 403
    assert by_code(T1).name == "乐亭镇"


def test_the_region_pages_are_for_admins_only(client, county, resident):
    url = reverse("stations:region-detail", args=[by_code(T1).pk])
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.get(REGIONS).status_code == 403


def test_renaming_a_village_on_its_page_is_kept_in_its_history(client, township_admin, zh):
    village = by_code("130225100200")
    client.force_login(township_admin)
    url = reverse("stations:region-rename", args=[village.pk])
    form = page(client, url)
    assert 'value="城关村"' in form and "<h1>更名</h1>" in form
    response = client.post(url, {"name": "城关社区"})
    assert response.status_code == 302 and response.url == reverse("stations:region-detail", args=[village.pk])
    body = page(client, response.url)
    assert "城关社区" in body and "城关村 → 城关社区" in body


def test_a_refused_rename_says_why_in_chinese_and_keeps_what_was_typed(client, township_admin, zh):
    client.force_login(township_admin)
    response = client.post(reverse("stations:region-rename", args=[by_code("130225100200").pk]),
                           {"name": "大相各庄村"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "乐亭镇已有名为大相各庄村的区划" in body
    assert 'value="大相各庄村"' in body
    assert by_code("130225100200").name == "城关村"


def test_adding_a_village_suggests_the_next_code_and_refuses_a_bad_one(client, township_admin, zh):
    township = by_code(T1)
    client.force_login(township_admin)
    url = reverse("stations:region-village-create", args=[township.pk])
    form = page(client, url)
    assert 'value="130225100205"' in form and "<h1>添加村（社区）</h1>" in form
    refused = client.post(url, {"name": "新庄村", "code": "130225101205", "level": "village"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "130225100" in body and "后接三位数字" in body
    assert 'value="新庄村"' in body and 'value="130225101205"' in body
    added = client.post(url, {"name": "新庄村", "code": "130225100205", "level": "village"})
    assert added.status_code == 302
    assert by_code("130225100205").get_parent() == township
    assert client.get(reverse("stations:region-village-create", args=[by_code("130225100205").pk])).status_code == 404


def test_merging_a_village_shows_what_moves_then_moves_it(client, township_admin, zh):
    source, into = by_code("130225100204"), by_code("130225100200")
    station = StationFactory(village=source)
    client.force_login(township_admin)
    url = reverse("stations:region-merge", args=[source.pk])
    choose = page(client, url)
    assert "城关村" in choose and "汤家河村" not in choose  # only the villages of its own township
    preview = page(client, f"{url}?into={into.pk}")
    assert "服务站: 1" in preview and "将刘石各庄村并入城关村" in preview
    missing_reason = client.post(url, {"into": into.pk, "reason": ""})
    assert missing_reason.status_code == 200 and Region.objects.filter(pk=source.pk).exists()
    done = client.post(url, {"into": into.pk, "reason": "乐政〔2026〕3号"})
    assert done.status_code == 302 and done.url == reverse("stations:region-detail", args=[into.pk])
    station.refresh_from_db()
    assert station.village == into
    assert "刘石各庄村" in page(client, done.url)  # the merge in the history of the village that stays


def test_a_merge_that_cannot_be_made_says_what_cannot_move(client, county_admin, zh):
    from shop.models import DeliveryFee

    source, into = by_code("130225100204"), by_code("130225100200")
    DeliveryFee.objects.create(township=source, fee_fen=300)
    DeliveryFee.objects.create(township=into, fee_fen=500)
    client.force_login(county_admin)
    url = reverse("stations:region-merge", args=[source.pk])
    preview = page(client, f"{url}?into={into.pk}")
    assert "无法合并" in preview and 'type="submit"' in preview  # the choice, not the merge
    assert "cz-button--danger" not in preview
    refused = client.post(url, {"into": into.pk, "reason": "合并"})
    assert refused.status_code == 200 and Region.objects.filter(pk=source.pk).exists()


@pytest.fixture
def at_commit(django_capture_on_commit_callbacks):
    """Background jobs run when the request's transaction commits, as without a broker."""

    def run(send):
        with django_capture_on_commit_callbacks(execute=True):
            return send()

    return run


def upload(client, at_commit, data: bytes, name="regions.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = at_commit(lambda: client.post(reverse("stations:region-import"),
                                             {"file": SimpleUploadedFile(name, data)}))
    assert response.status_code == 302, response.content.decode()[:500]
    return response.url


def test_an_import_is_checked_then_applied_through_the_pages(client, county_admin, zh, at_commit):
    client.force_login(county_admin)
    rows = [*demo_rows(), ["130225100205", "新建村", T1, "村", "", ""]]
    checked = page(client, upload(client, at_commit, csv_file(rows)))
    assert "新建村" in checked and reverse("stations:region-import-apply", args=[ImportJob.objects.get().pk]) in checked
    assert not Region.objects.filter(code="130225100205").exists()
    job = ImportJob.objects.get()
    applied = at_commit(lambda: client.post(reverse("stations:region-import-apply", args=[job.pk])))
    assert applied.status_code == 302
    body = page(client, applied.url)
    assert "已导入" in body and Region.objects.filter(code="130225100205").exists()
    again = page(client, upload(client, at_commit, csv_file(rows)))
    assert "已与文件一致" in again and "region-import-apply" not in again and "/apply/" not in again


def test_a_refused_import_lists_every_bad_row_in_chinese(client, county_admin, zh, at_commit):
    client.force_login(county_admin)
    rows = [*demo_rows(), ["130225100206", "", T1, "村", "", ""], ["130225101220", "错村", T1, "村", "", ""]]
    body = page(client, upload(client, at_commit, csv_file(rows)))
    assert "名称为空" in body and "按代码应为" in body
    assert "/apply/" not in body
    job = ImportJob.objects.get()
    assert client.post(reverse("stations:region-import-apply", args=[job.pk])).status_code == 302
    assert ImportJob.objects.count() == 1  # nothing to apply: no second job


def test_another_users_import_is_not_theirs_to_see(client, county_admin, zh, at_commit):
    client.force_login(county_admin)
    upload(client, at_commit, DEMO_FILE.read_bytes())
    job = ImportJob.objects.get()
    client.force_login(admin_of(COUNTY))
    assert client.get(f"{reverse('stations:region-import')}?job={job.pk}").status_code == 404
    assert client.get(reverse("stations:region-import-job", args=[job.pk])).status_code == 404
    assert client.post(reverse("stations:region-import-apply", args=[job.pk])).status_code == 404


def test_the_tree_downloads_in_the_import_format(client, county_admin):
    client.force_login(county_admin)
    response = client.get(reverse("stations:region-export", args=["csv"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADER)
    assert "130225100203,南街社区,130225100000,社区" in text
    assert client.get(reverse("stations:region-export", args=["pdf"])).status_code == 404


def test_a_superuser_starts_an_empty_county_from_the_regions_page(client, zh, at_commit):
    """The set-up journey's first step: no region yet, the import builds the tree."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    empty = page(client, REGIONS)
    assert "尚无区划" in empty and reverse("stations:region-import") in empty
    page(client, upload(client, at_commit, DEMO_FILE.read_bytes()))
    checked = ImportJob.objects.get()
    at_commit(lambda: client.post(reverse("stations:region-import-apply", args=[checked.pk])))
    assert Region.objects.count() == 32
    assert "乐亭县" in page(client, REGIONS)
