"""demo/seeding/portal.py builds a portal with real content for the demo county, and running it again adds nothing."""

import csv

from django.contrib.auth.models import Group

from demo.seeding.catalogue import seed_catalogue
from demo.seeding.county import seed_admins, seed_departments, seed_regions, seed_stations
from demo.seeding.imports import DATA
from demo.seeding.portal import seed_portal
from portal.models import GuideIndexPage, LifeEvent, NewsPage, PhoneDirectoryPage, ServiceGuidePage


class _Quiet:
    def step(self, *args, **kwargs):
        pass


def _counts():
    return (ServiceGuidePage.objects.count(), NewsPage.objects.count(), LifeEvent.objects.count(),
            PhoneDirectoryPage.objects.count(), GuideIndexPage.objects.count())


def test_demo_portal_has_a_guide_for_every_catalogue_item_news_and_phones_and_is_idempotent(home, client):
    demo = seed_regions(_Quiet())
    seed_admins(demo, _Quiet())
    seed_stations(demo, _Quiet())
    seed_departments(demo, _Quiet())
    seed_catalogue(demo, _Quiet())

    seed_portal(demo, _Quiet())
    first = _counts()
    seed_portal(demo, _Quiet())

    assert _counts() == first
    guides = ServiceGuidePage.objects.live()
    with (DATA / "catalogue.csv").open(encoding="utf-8-sig") as file:
        assert sorted(g.service_item.code for g in guides) == sorted(row["事项编码"] for row in csv.DictReader(file))
    assert all(g.steps and g.faqs and g.purpose and g.search_keywords for g in guides)
    assert NewsPage.objects.live().count() >= 10
    assert first[2] >= 8 and all(event.guides.exists() for event in LifeEvent.objects.all())
    assert Group.objects.get(name="Moderators").user_set.filter(username="moderator").exists()
    assert home.get_workflow() is not None

    html = client.get("/").content.decode()
    assert 'href="/guides/"' in html and 'href="/news/"' in html and 'href="/phones/"' in html
    for guide in guides[:5]:
        assert client.get(guide.url).status_code == 200
